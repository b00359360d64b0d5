"""Errors that carry a Chinese message for the user. Views and the API turn them into 400/403/404/409 answers."""

from __future__ import annotations


class DomainError(Exception):
    """A refused request: the message says why, in Chinese. Nothing has been changed."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    """Someone else changed the record first; reload and try again."""

    status = 409
    code = "conflict"
