"""Scoped reads of the certificate register for views, exports and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bureau.certificates.models import Certificate, MailingRequest


def certificate_list(user: Any, params: Any) -> QuerySet[Certificate]:
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


def due_soon(user: Any, days: int = 90) -> QuerySet[Certificate]:
    """Certificates of the user's jurisdiction whose application window closes within `days` (measure III.8)."""
    today = timezone.localdate()
    return (Certificate.objects.restrict(user).select_related("type", "region")
            .filter(status__in=["valid", "due_for_review"], action_due__gte=today,
                    action_due__lte=today + dt.timedelta(days=days))
            .order_by("action_due", "id"))


def get_certificate_for(user: Any, pk: int) -> Certificate:
    cert = Certificate.objects.restrict(user).select_related("type", "region", "enterprise").filter(pk=pk).first()
    if cert is None:
        raise Http404("证照不存在")
    return cert


def get_mailing_for(user: Any, pk: int) -> MailingRequest:
    row = MailingRequest.objects.restrict(user).select_related("certificate__type").filter(pk=pk).first()
    if row is None:
        raise Http404("寄递申请不存在")
    return row
