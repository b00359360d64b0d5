"""Pure rules of service ratings (no database, except the one aggregate that counts satisfaction in it)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from bureau.feedback.models import BAD_LEVELS, RatingLevel
from bureau.kernel.errors import DomainError


def is_bad(level: int) -> bool:
    """差评 = 不满意 / 非常不满意 (政务服务“好差评”制度, 国办发〔2019〕51号)."""
    return level in BAD_LEVELS


def check_level(level: object) -> int:
    """One of the five levels (国办发〔2019〕51号), or a Chinese refusal."""
    try:
        value = int(level)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        value = 0
    if value not in RatingLevel.values:
        raise DomainError("评价等级应为五级之一：非常满意、满意、基本满意、不满意、非常不满意", field="level")
    return value


def satisfaction_of(queryset: QuerySet) -> tuple[float | None, int, int]:
    """The share of ratings at 基本满意 or better (满意率), its numerator and denominator, counted by the database
    (one aggregate, no rows fetched); None when nothing was rated."""
    row = queryset.aggregate(total=Count("id"), satisfied=Count("id", filter=Q(level__gte=RatingLevel.BASIC)))
    if not row["total"]:
        return None, 0, 0
    return round(row["satisfied"] * 100.0 / row["total"], 1), row["satisfied"], row["total"]


def check_reasons(level: int, reasons: list[str], comment: str, known: dict[str, str]) -> list[str]:
    """差评原因: a 不满意 / 非常不满意 rating names at least one reason from the list and says what happened (the
    comment), so the rated unit can verify and rectify it (国办发〔2019〕51号: 差评核实整改); any other level takes no
    reasons. Returns the reason codes, once each, in the list's order."""
    picked = [c for c in dict.fromkeys(str(r).strip() for r in reasons) if c]
    unknown = [c for c in picked if c not in known]
    if unknown:
        raise DomainError(f"差评原因「{unknown[0][:20]}」不在可选范围内", field="reasons")
    if not is_bad(level):
        if picked:
            raise DomainError("只有“不满意”或“非常不满意”的评价需要选择差评原因", field="reasons")
        return []
    if not picked:
        raise DomainError("请选择差评原因（可多选）", field="reasons")
    if not comment.strip():
        raise DomainError("请写明不满意的具体情况，便于核实整改", field="comment")
    order = list(known)
    return sorted(picked, key=order.index)
