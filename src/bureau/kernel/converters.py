"""URL path converters shared by every area's urls.py."""

from __future__ import annotations

from django.urls import register_converter

from bureau.kernel.validation import PATH_ID_DIGITS


class IdConverter:
    """`<id:pk>`: a record id of at most 18 digits (always within a 64-bit key). A longer number matches no
    route and answers 404 instead of reaching the database, where it overflows the integer column."""

    regex = f"[0-9]{{1,{PATH_ID_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(value)


def register() -> None:
    register_converter(IdConverter, "id")
