"""Examined job types (inserted after migrate when missing; administrators edit them, e.g. which the province runs).

Measure I.8: niche 特种作业 types the city cannot examine go to the provincial plan; measure I.9: coal-mine
principals and safety managers are examined with the province.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

SOURCE_SPECIAL = "特种作业人员安全技术培训考核管理规定（安监总局令第30号）及其目录"
SOURCE_KEY = "生产经营单位安全培训规定；安全生产培训管理办法"
# code, name, kind, category, operation item, certificate type, run by
JOB_TYPES = [
    ("elec_low", "低压电工作业", "special_operator", "电工作业", "低压电工作业", "special_operation", "city"),
    ("elec_high", "高压电工作业", "special_operator", "电工作业", "高压电工作业", "special_operation", "city"),
    ("weld", "熔化焊接与热切割作业", "special_operator", "焊接与热切割作业", "熔化焊接与热切割作业", "special_operation",
     "city"),
    ("height_scaffold", "登高架设作业", "special_operator", "高处作业", "登高架设作业", "special_operation", "city"),
    ("height_install", "高处安装、维护、拆除作业", "special_operator", "高处作业", "高处安装、维护、拆除作业",
     "special_operation", "city"),
    ("refrigeration", "制冷与空调设备运行操作作业", "special_operator", "制冷与空调作业", "制冷与空调设备运行操作作业",
     "special_operation", "city"),
    ("hazchem_hydrogenation", "加氢工艺作业", "special_operator", "危险化学品安全作业", "加氢工艺作业",
     "special_operation", "province"),
    ("hazchem_chlorination", "氯化工艺作业", "special_operator", "危险化学品安全作业", "氯化工艺作业",
     "special_operation", "province"),
    ("mine_blasting", "金属非金属矿山爆破作业", "special_operator", "金属非金属矿山安全作业", "金属非金属矿山爆破作业",
     "special_operation", "province"),
    ("mine_hoisting", "金属非金属矿山提升机操作作业", "special_operator", "金属非金属矿山安全作业",
     "金属非金属矿山提升机操作作业", "special_operation", "province"),
    ("principal_hazchem", "危险化学品经营单位主要负责人", "principal", "危险化学品经营单位", "", "principal_competency",
     "city"),
    ("manager_hazchem", "危险化学品经营单位安全生产管理人员", "safety_manager", "危险化学品经营单位", "",
     "safety_manager_competency", "city"),
    ("principal_metallurgy", "冶金工贸企业主要负责人", "principal", "冶金工贸企业", "", "principal_competency", "city"),
    ("manager_metallurgy", "冶金工贸企业安全生产管理人员", "safety_manager", "冶金工贸企业", "",
     "safety_manager_competency", "city"),
    ("principal_coal", "煤矿企业主要负责人", "principal", "煤矿", "", "principal_competency", "province"),
    ("manager_coal", "煤矿企业安全生产管理人员", "safety_manager", "煤矿", "", "safety_manager_competency", "province"),
]


def seed_job_types(**_: Any) -> None:
    from bureau.training.models import JobType

    existing = set(JobType.objects.values_list("code", flat=True))
    for code, name, kind, category, item, ctype, run_by in JOB_TYPES:
        if code not in existing:
            JobType.objects.create(code=code, name=name, personnel_kind=kind, category=category, operation_item=item,
                                   certificate_type_code=ctype, run_by=run_by,
                                   source=SOURCE_SPECIAL if kind == "special_operator" else SOURCE_KEY,
                                   effective_from=dt.date(2024, 1, 1))
