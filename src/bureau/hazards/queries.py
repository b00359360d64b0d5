"""Reads of hazards for other areas."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from bureau.hazards.models import Hazard, HazardSource


def self_inspection_hazards(enterprise_id: int, *, reported_before: dt.datetime) -> QuerySet[Hazard]:
    """Hazards the enterprise recorded itself before a moment (measure II.8: the exemption needs a
    self-inspection record made before the inspection, with rectification under way)."""
    return Hazard.objects.filter(enterprise_id=enterprise_id, source=HazardSource.SELF_INSPECTION,
                                 reported_at__lt=reported_before)
