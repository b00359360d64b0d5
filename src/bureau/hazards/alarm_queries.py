"""Scoped reads of the alarm intake: alarms and monitoring-system credentials as the user may see them (the
enterprise its own, a county its jurisdiction, the city everything)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from bureau.accounts.models import User
from bureau.hazards.models import Alarm, AlarmSource
from bureau.kernel.validation import id_param


def alarm_list(user: User, params: Any) -> QuerySet[Alarm]:
    qs = Alarm.objects.restrict(user).select_related("enterprise", "risk_point", "source", "hazard")
    if params.get("state") in Alarm.State.values:
        qs = qs.filter(state=params["state"])
    if params.get("level") in Alarm.Level.values:
        qs = qs.filter(level=params["level"])
    enterprise = id_param(params, "enterprise", "企业")
    if enterprise:
        qs = qs.filter(enterprise_id=enterprise)
    return qs.order_by("-raised_at", "-id")


def alarm_sources(user: User) -> QuerySet[AlarmSource]:
    return AlarmSource.objects.restrict(user).select_related("enterprise").order_by("enterprise_id", "name", "id")


def get_alarm_source_for(user: User, pk: int, action: str = "view") -> AlarmSource:
    source = AlarmSource.objects.restrict(user, action).select_related("enterprise").filter(pk=pk).first()
    if source is None:
        raise Http404("监测系统接入不存在")
    return source


def get_alarm_for(user: User, pk: int) -> Alarm:
    alarm = (Alarm.objects.restrict(user).select_related("enterprise", "risk_point", "source", "hazard")
             .filter(pk=pk).first())
    if alarm is None:
        raise Http404("报警不存在")
    return alarm
