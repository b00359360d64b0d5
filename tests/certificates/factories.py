"""Helpers of the certificate tests: certificates issued through the service, as the other areas do."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bureau.certificates import services
from tests.factories import valid_id_number


def person_certificate(*, type_code: str = "special_operation", valid_from: dt.date = dt.date(2024, 1, 10),
                       region: str = "140802", name: str = "张晓明", id_number: str | None = None,
                       phone: str = "13912345678", enterprise: Any = None, **extra: Any):
    return services.certificate_issue(actor=None, type_code=type_code, holder_name=name,
                                      issuing_authority="运城市应急管理局", valid_from=valid_from,
                                      region_id=region, holder_id_number=id_number or valid_id_number(region),
                                      holder_phone=phone, enterprise=enterprise,
                                      scope_text="电工作业 / 低压电工作业", **extra)


def licence(enterprise: Any, *, type_code: str = "hazchem_operation_licence",
            valid_from: dt.date = dt.date(2024, 1, 10)):
    return services.certificate_issue(actor=None, type_code=type_code, holder_name=enterprise.name,
                                      issuing_authority="运城市应急管理局", valid_from=valid_from, enterprise=enterprise)
