"""Pure rules of the portal (no database)."""

from __future__ import annotations

from bureau.portal.models import normalise


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
