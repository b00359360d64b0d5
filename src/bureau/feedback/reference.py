"""The shipped 差评原因 (data; the administrator edits them in the admin). 国办发〔2019〕51号 lists what a rating
evaluates: 政务服务事项管理、办事流程、服务效率、政务服务平台的便捷性和完善性、工作人员的服务态度和服务水平; each
reason below names the part it belongs to, so the statistics say where to improve."""

from __future__ import annotations

import datetime as dt
from typing import Any

SOURCE = "国务院办公厅关于建立政务服务“好差评”制度提高政务服务水平的意见（国办发〔2019〕51号）评价内容"
EFFECTIVE_FROM = dt.date(2019, 12, 3)
# code, label
REASONS = [
    ("process", "办事流程繁琐、环节多"),
    ("materials", "材料要求多或重复提交"),
    ("not_told_at_once", "未一次性告知，多次补正"),
    ("slow", "办理时间长或超时办结"),
    ("attitude", "工作人员服务态度差"),
    ("competence", "政策解答不清楚、业务不熟练"),
    ("platform", "网上办事系统不好用"),
    ("result", "对办理结果不满意"),
    ("other", "其他"),
]


def seed_reasons(model: Any) -> int:
    """Insert the reasons that do not exist yet (also run by the migration with its historical model)."""
    existing = set(model.objects.values_list("code", flat=True))
    rows = [model(code=code, label=label, sort=i, source=SOURCE, effective_from=EFFECTIVE_FROM)
            for i, (code, label) in enumerate(REASONS) if code not in existing]
    model.objects.bulk_create(rows)
    return len(rows)
