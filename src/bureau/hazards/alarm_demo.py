"""Demo of the alarm intake (measure III.5): qiye's tank-farm GDS reports alarms through the signed webhook, one is
cleared in time, one is still open, and one was not cleared within the rule's time and became a hazard lead."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from django.utils import timezone

from bureau.accounts.models import User
from bureau.hazards import alarm_rules, alarms
from bureau.hazards.models import RiskPoint
from bureau.kernel.registry import register_demo


def _send(source: Any, secret: str, event: dict[str, Any]) -> None:
    body = json.dumps(event, ensure_ascii=False).encode()
    stamp = str(int(time.time()))
    answer = alarms.alarm_intake(key_id=source.key_id, timestamp=stamp, signature=alarm_rules.sign(secret, stamp, body),
                                 body=body)
    if answer.status >= 300:
        raise RuntimeError(f"demo alarm refused: {answer.body}")


@register_demo("hazards_alarms", order=41)
def load(ctx: Any) -> None:
    qiye = User.objects.filter(username="qiye").select_related("enterprise").first()
    if qiye is None or qiye.enterprise is None:
        return
    points = {p.name: p for p in RiskPoint.objects.filter(enterprise=qiye.enterprise)}
    tanks, store = points.get("甲醇储罐区"), points.get("危化品仓库")
    if tanks is None or store is None:
        return
    gds, secret = alarms.alarm_source_create(actor=qiye, name="罐区可燃气体检测报警系统", system="gds")
    alarms.alarm_source_create(actor=qiye, name="甲醇合成装置安全仪表系统", system="sis")
    now = timezone.now()

    def at(minutes_ago: int) -> str:
        return (now - dt.timedelta(minutes=minutes_ago)).isoformat()

    day = timezone.localdate().strftime("%Y%m%d")
    events: list[dict[str, Any]] = [
        # not cleared within the rule's time: the sweep turns it into a hazard lead
        {"event_id": f"GDS-{day}-0001", "type": "raise", "alarm_ref": f"AL-{day}-0001", "risk_point_id": tanks.pk,
         "level": "highhigh", "tag": "GT-1103", "value": 52, "unit": "%LEL", "message": "2#甲醇储罐防火堤内可燃气体高高报",
         "occurred_at": at(125)},
        # cleared after 12 minutes
        {"event_id": f"GDS-{day}-0002", "type": "raise", "alarm_ref": f"AL-{day}-0002", "risk_point_id": store.pk,
         "level": "high", "tag": "GT-2201", "value": 21, "unit": "%LEL", "message": "危化品仓库可燃气体高报",
         "occurred_at": at(70)},
        {"event_id": f"GDS-{day}-0003", "type": "clear", "alarm_ref": f"AL-{day}-0002", "occurred_at": at(58)},
        # still open, within the time
        {"event_id": f"GDS-{day}-0004", "type": "raise", "alarm_ref": f"AL-{day}-0003", "risk_point_id": tanks.pk,
         "level": "high", "tag": "GT-1107", "value": 23.5, "unit": "%LEL", "message": "装卸鹤位可燃气体高报",
         "occurred_at": at(8)},
    ]
    for event in events:
        _send(gds, secret, event)
    alarms.alarm_lead_sweep()
