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


# 资格条件 (eligibility) per job type, as data the administrator edits (training.EligibilityRule)
SOURCE_SPECIAL_ELIGIBILITY = ("特种作业人员安全技术培训考核管理规定 第4条：年满18周岁且不超过国家法定退休年龄（按60周岁，"
                              "渐进式延迟退休后由管理员调整）；初中及以上文化程度，危险化学品特种作业为高中或相当于高中及以上")
SOURCE_KEY_ELIGIBILITY = ("安全生产法 第27条第2款；生产经营单位安全培训规定 第6条；安全生产培训管理办法（条款待核实）：主要负责人和"
                          "安全生产管理人员按其所在生产经营单位的行业考核，须为该行业单位的在岗人员")
# the employer industries of the key-personnel exams (enterprises.Industry codes)
EMPLOYER_INDUSTRIES = {
    "危险化学品经营单位": ["hazchem_operation", "gas_station"],
    "冶金工贸企业": ["metallurgy_trade"],
    "煤矿": ["coal"],
}


def eligibility_defaults(kind: str, category: str) -> dict[str, Any]:
    """The default rule row of a job type: 特种作业 by 第4条, key personnel by their employer's industry."""
    if kind == "special_operator":
        return {"min_age": 18, "max_age": 60, "employer_required": False, "employer_industries": [],
                "min_education": "senior" if category == "危险化学品安全作业" else "junior",
                "source": SOURCE_SPECIAL_ELIGIBILITY}
    return {"min_age": 18, "max_age": None, "min_education": "", "employer_required": True,
            "employer_industries": EMPLOYER_INDUSTRIES.get(category, []), "source": SOURCE_KEY_ELIGIBILITY}


def seed_job_types(**_: Any) -> None:
    from bureau.training.models import EligibilityRule, JobType

    existing = set(JobType.objects.values_list("code", flat=True))
    for code, name, kind, category, item, ctype, run_by in JOB_TYPES:
        if code not in existing:
            JobType.objects.create(code=code, name=name, personnel_kind=kind, category=category, operation_item=item,
                                   certificate_type_code=ctype, run_by=run_by,
                                   source=SOURCE_SPECIAL if kind == "special_operator" else SOURCE_KEY,
                                   effective_from=dt.date(2024, 1, 1))
    ruled = set(EligibilityRule.objects.values_list("job_type_id", flat=True))
    for job in JobType.objects.exclude(pk__in=ruled):
        EligibilityRule.objects.create(job_type=job, effective_from=dt.date(2024, 1, 1),
                                       **eligibility_defaults(job.personnel_kind, job.category))
