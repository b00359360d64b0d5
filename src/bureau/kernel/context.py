"""Per-request context (who acts, from where) for the audit trail, set by RequestContextMiddleware."""

from __future__ import annotations

import contextvars

current_ip: contextvars.ContextVar[str] = contextvars.ContextVar("current_ip", default="")
