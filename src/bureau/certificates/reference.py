"""Certificate types and their rules (domain §4), inserted after migrate when missing; administrators edit them."""

from __future__ import annotations

import datetime as dt
from typing import Any

# code, name, holder, validity months, apply-ahead days, review interval months, review window days, prefix, source
TYPES = [
    ("safety_production_licence", "安全生产许可证", "enterprise", 36, 90, None, None, "（晋）FM安许证字",
     "安全生产许可证条例 第9条：有效期3年，期满前3个月申请延期"),
    ("hazchem_operation_licence", "危险化学品经营许可证", "enterprise", 36, 90, None, None, "晋运危化经字",
     "危险化学品经营许可证管理办法 第19条：有效期3年，期满前3个月内申请延期"),
    ("hazchem_use_licence", "危险化学品安全使用许可证", "enterprise", 36, 90, None, None, "晋运危化使字",
     "危险化学品安全使用许可证实施办法 第25条：有效期3年，期满前3个月申请延期"),
    ("fireworks_wholesale_licence", "烟花爆竹经营（批发）许可证", "enterprise", 36, 90, None, None, "晋运烟花批字",
     "烟花爆竹经营许可实施办法 第14条：批发许可证有效期3年"),
    ("fireworks_retail_licence", "烟花爆竹经营（零售）许可证", "enterprise", 24, 30, None, None, "晋运烟花零字",
     "烟花爆竹经营许可实施办法 第22条：零售许可证有效期不超过2年"),
    ("principal_competency", "安全生产知识和管理能力考核合格证（主要负责人）", "person", 36, 30, None, None, "晋运主考",
     "生产经营单位安全培训规定：有效期3年，期满前30日申请"),
    ("safety_manager_competency", "安全生产知识和管理能力考核合格证（安全生产管理人员）", "person", 36, 30, None, None,
     "晋运安考", "生产经营单位安全培训规定：有效期3年，期满前30日申请"),
    ("special_operation", "特种作业操作证", "person", 72, 60, 36, 60, "T",
     "特种作业人员安全技术培训考核管理规定 第21、22条：有效期6年，每3年复审，复审前60日内申请"),
]


# code -> (renew rule, extended review interval months, clean years for it, printable at a kiosk)
EXTRA = {
    "safety_production_licence": ("before", None, None, False),
    "hazchem_operation_licence": ("within", None, None, False),
    "hazchem_use_licence": ("before", None, None, False),
    "fireworks_wholesale_licence": ("before", None, None, False),
    "fireworks_retail_licence": ("before", None, None, False),
    "principal_competency": ("before", None, None, True),
    "safety_manager_competency": ("before", None, None, True),
    # 特种作业人员安全技术培训考核管理规定 第22条: 10 clean years → review every 6 years
    "special_operation": ("within", 72, 10, True),
}


def seed_certificate_types(**_: Any) -> None:
    from bureau.certificates.models import CertificateType

    existing = set(CertificateType.objects.values_list("code", flat=True))
    for code, name, holder, months, ahead, review, window, prefix, source in TYPES:
        if code not in existing:
            rule, extended, clean_years, printable = EXTRA.get(code, ("before", None, None, False))
            CertificateType.objects.create(code=code, name=name, holder_kind=holder, validity_months=months,
                                           renew_ahead_days=ahead, review_interval_months=review,
                                           review_window_days=window, number_prefix=prefix, source=source,
                                           renew_rule=rule, extended_review_interval_months=extended,
                                           clean_years_for_extension=clean_years, kiosk_printable=printable,
                                           effective_from=dt.date(2024, 1, 1))
