"""The inspection area's background jobs. The draw's job is declared in services (it runs a use case there and the
draw enqueues it); it is named here too, the path the job rows queued before that move carry."""

from __future__ import annotations

from bureau.inspection.services import create_draw_inspections

__all__ = ["create_draw_inspections"]
