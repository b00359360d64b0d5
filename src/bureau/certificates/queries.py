"""Scoped reads of the certificate register for views, exports and the API."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bureau.accounts.models import User
from bureau.certificates.models import Certificate, MailingRequest
from bureau.kernel.models import ProcessHistory
from bureau.kernel.workflow import Workflow


def certificate_list(user: User, params: Any) -> QuerySet[Certificate]:
    qs = Certificate.objects.restrict(user).select_related("type", "region")
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(number__startswith=q) | Q(holder_name__startswith=q))
    if params.get("type"):
        qs = qs.filter(type__code=params["type"])
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    if params.get("region"):
        qs = qs.filter(region_id=params["region"])
    return qs.order_by("-issued_on", "-id")


def due_soon(user: User, days: int = 90) -> QuerySet[Certificate]:
    """Certificates of the user's jurisdiction whose application window closes within `days` (measure III.8)."""
    today = timezone.localdate()
    return (Certificate.objects.restrict(user).select_related("type", "region")
            .filter(status__in=["valid", "due_for_review"], action_due__gte=today,
                    action_due__lte=today + dt.timedelta(days=days))
            .order_by("action_due", "id"))


def get_certificate_for(user: User, pk: int) -> Certificate:
    cert = Certificate.objects.restrict(user).select_related("type", "region", "enterprise").filter(pk=pk).first()
    if cert is None:
        raise Http404("证照不存在")
    return cert


def get_mailing_for(user: User, pk: int) -> MailingRequest:
    row = MailingRequest.objects.restrict(user).select_related("certificate__type").filter(pk=pk).first()
    if row is None:
        raise Http404("寄递申请不存在")
    return row


def timelines(workflow: Workflow, records: Sequence[Model]) -> dict[int, list[ProcessHistory]]:
    """The timelines of a page of records in one query ({record id: rows}), each row with its states' names."""
    if not records:
        return {}
    rows = ProcessHistory.objects.filter(content_type=ContentType.objects.get_for_model(type(records[0])),
                                         object_id__in=[r.pk for r in records]).order_by("at", "id")
    result: dict[int, list[ProcessHistory]] = defaultdict(list)
    for row in rows:
        labelled: Any = row  # the page reads the states' names next to the row's fields
        labelled.from_label, labelled.to_label = workflow.state_label(row.from_state), workflow.state_label(row.to_state)
        result[row.object_id].append(row)
    return result


def enterprise_personnel_certificates(enterprise_id: int, on: Any) -> list[Certificate]:
    """The valid 主要负责人 / 安全生产管理人员 certificates of an enterprise's staff on a day (read by licensing, which
    fetches them instead of asking the enterprise to upload them: measure I.2)."""
    return list(Certificate.objects.select_related("type")
                .filter(enterprise_id=enterprise_id, type__code__in=["principal_competency", "safety_manager_competency"],
                        status="valid", valid_from__lte=on, valid_until__gte=on).order_by("type__code", "id")[:20])
