"""Reference data of dual prevention every installation needs: the 排查频次 (inserted after migrate when missing;
never overwrites an administrator's edit in the admin)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bureau.hazards.models import CheckFrequency

GUIDE = "《危险化学品企业安全风险隐患排查治理导则》（应急〔2019〕78号）排查频次"
GUIDE_ISSUED = dt.date(2019, 8, 12)  # the notice's date (verify against the published text)
FREQUENCIES = [
    # code, label, unit, every, source
    ("hourly", "每1小时", "hour", 1, f"{GUIDE}：涉及“两重点一重大”的生产、储存装置和部位，操作人员现场巡检间隔不得大于1小时"),
    ("every-2-hours", "每2小时", "hour", 2, f"{GUIDE}：装置操作人员现场巡检间隔不得大于2小时"),
    ("twice-daily", "每天两次", "hour", 12,
     f"{GUIDE}：基层车间（装置）直接管理人员、电气、仪表人员每天至少两次对装置现场进行专业检查"),
    ("daily", "每天", "day", 1, "企业日常检查（班组、岗位）；本平台常用频次"),
    ("weekly", "每周", "week", 1, f"{GUIDE}：基层车间结合班组安全活动，至少每周组织一次安全风险隐患排查"),
    ("monthly", "每月", "month", 1, f"{GUIDE}：基层单位（厂）结合岗位责任制检查，至少每月组织一次安全风险隐患排查"),
    ("quarterly", "每季度", "month", 3,
     f"{GUIDE}：每季度开展一次季节性排查；基层单位至少每季度组织一次综合性排查和专业排查"),
    ("half-yearly", "每半年", "month", 6, f"{GUIDE}：企业至少每半年组织一次综合性排查和专业排查"),
]


def seed_check_frequencies(**_: Any) -> None:
    existing = set(CheckFrequency.objects.values_list("code", flat=True))
    CheckFrequency.objects.bulk_create([
        CheckFrequency(code=code, label=label, unit=unit, every=every, grace_minutes=0, source=source,
                       effective_from=GUIDE_ISSUED, active=True)
        for code, label, unit, every, source in FREQUENCIES if code not in existing])
