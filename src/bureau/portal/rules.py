"""Pure rules of the portal (no database)."""

from __future__ import annotations

from bureau.kernel.errors import DomainError
from bureau.portal.models import BAD_LEVELS, RatingLevel, normalise


def is_bad(level: int) -> bool:
    """差评 = 不满意 / 非常不满意 (政务服务“好差评”制度, 国办发〔2019〕51号)."""
    return level in BAD_LEVELS


def check_level(level: object) -> int:
    try:
        value = int(level)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        value = 0
    if value not in RatingLevel.values:
        raise DomainError("评价等级应为五级之一：非常满意、满意、基本满意、不满意、非常不满意", field="level")
    return value


def query_terms(query: str, limit: int = 6) -> list[str]:
    """Split a search query into normalised terms (space-separated; Chinese words kept whole)."""
    terms = [normalise(t) for t in (query or "").split()]
    return [t for t in terms if t][:limit]


def snippet(text: str, terms: list[str], width: int = 60) -> str:
    """A short excerpt around the first term found (plain text; the template escapes it)."""
    if not text:
        return ""
    lowered = text.lower()
    for term in terms:
        at = lowered.find(term)
        if at >= 0:
            start = max(0, at - width // 2)
            return ("…" if start else "") + text[start: start + width] + ("…" if start + width < len(text) else "")
    return text[:width] + ("…" if len(text) > width else "")


def satisfaction_of(queryset) -> tuple[float | None, int, int]:  # type: ignore[no-untyped-def]
    """The same share computed by the database (one aggregate, no rows fetched)."""
    from django.db.models import Count, Q

    row = queryset.aggregate(total=Count("id"), satisfied=Count("id", filter=Q(level__gte=RatingLevel.BASIC)))
    if not row["total"]:
        return None, 0, 0
    return round(row["satisfied"] * 100.0 / row["total"], 1), row["satisfied"], row["total"]
