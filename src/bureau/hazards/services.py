"""Hazard use cases (core: reporting). The hazards area adds the rest of the loop."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from bureau.hazards.models import Hazard, HazardGrade, HazardSource
from bureau.kernel.audit import audit
from bureau.kernel.errors import DomainError
from bureau.kernel.numbering import next_number
from bureau.kernel.workflow import record_history


def hazard_report(*, actor: Any, enterprise: Any, source: str, title: str, found_on: dt.date,
                  grade: str = HazardGrade.GENERAL, description: str = "", location: str = "",
                  deadline: dt.date | None = None, legal_basis: str = "", major_criterion: str = "",
                  source_record: Any = None) -> Hazard:
    """Register a hazard found by the enterprise, an inspection, an expert checkup or a patrol."""
    if source not in HazardSource.values:
        raise DomainError("隐患来源无效")
    if grade not in HazardGrade.values:
        raise DomainError("隐患等级无效")
    if not title.strip():
        raise DomainError("请填写隐患名称", field="title")
    if found_on > timezone.localdate():
        raise DomainError("发现日期不能晚于今天", field="found_on")
    if grade == HazardGrade.MAJOR and not major_criterion.strip():
        raise DomainError("重大隐患须注明判定依据（如 工贸重大事故隐患判定标准 第X条）", field="major_criterion")
    with transaction.atomic():
        hazard = Hazard.objects.create(
            number=next_number("hazard", found_on.year, prefix="YH"),
            enterprise=enterprise, region_id=enterprise.region_id, source=source,
            source_type=(f"{source_record._meta.app_label}.{source_record._meta.model_name}"
                         if source_record is not None else ""),
            source_id=str(source_record.pk) if source_record is not None else "",
            found_on=found_on, reported_at=timezone.now(), title=title.strip()[:200], description=description,
            location=location, grade=grade, major_criterion=major_criterion, legal_basis=legal_basis,
            deadline=deadline, state="reported", reported_by=actor if getattr(actor, "pk", None) else None,
        )
        record_history(hazard, actor=actor, action="report", label="登记隐患",
                       note=f"来源：{hazard.get_source_display()}")
        audit(actor, "hazards.report", hazard, summary=f"登记隐患：{hazard.title}（{hazard.get_source_display()}）")
    return hazard
