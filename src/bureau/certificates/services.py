"""Use cases of the certificate register (core: issuing). The certificates area adds the rest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from bureau.certificates.models import Certificate, CertificateEvent, CertificateType
from bureau.kernel.audit import audit
from bureau.kernel.errors import DomainError
from bureau.kernel.numbering import next_number


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later; the 29th–31st fall back to the month's last day (2024-02-29 + 12 → 2025-02-28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    import calendar

    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def certificate_issue(*, actor: Any, type_code: str, holder_name: str, issuing_authority: str,
                      valid_from: dt.date, enterprise: Any = None, region_id: str | None = None,
                      holder_id_number: str = "", scope_text: str = "", number: str | None = None,
                      source: Any = None, note: str = "") -> Certificate:
    """Issue a certificate into the register with its number and validity dates from the type's rules."""
    ctype = CertificateType.objects.filter(code=type_code).first()
    if ctype is None:
        raise DomainError(f"证照类型「{type_code}」未配置")
    region = region_id or (enterprise.region_id if enterprise is not None else None)
    if region is None:
        raise DomainError("请指定证照所属区划")
    with transaction.atomic():
        cert = Certificate.objects.create(
            number=number or next_number(f"cert:{ctype.code}", valid_from.year,
                                         pattern="{prefix}〔{year}〕{seq:05d}", prefix=ctype.number_prefix or "应急"),
            type=ctype, enterprise=enterprise, region_id=region, holder_name=holder_name,
            holder_id_number=holder_id_number, scope_text=scope_text, issuing_authority=issuing_authority,
            issued_on=valid_from, valid_from=valid_from,
            valid_until=add_months(valid_from, ctype.validity_months) - dt.timedelta(days=1),
            next_review_due=(add_months(valid_from, ctype.review_interval_months) - dt.timedelta(days=1)
                             if ctype.review_interval_months else None),
            source_type=f"{source._meta.app_label}.{source._meta.model_name}" if source is not None else "",
            source_id=str(source.pk) if source is not None else "",
        )
        CertificateEvent.objects.create(certificate=cert, kind=CertificateEvent.Kind.ISSUE,
                                        actor_name=getattr(actor, "display_name", "系统"), note=note[:300])
        audit(actor, "certificates.issue", cert, summary=f"发证：{ctype.name} {cert.number} {holder_name}")
    return cert
