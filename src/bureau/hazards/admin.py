from django.contrib import admin

from bureau.hazards.models import (
    CheckFrequency,
    CheckItem,
    Hazard,
    ListedSupervision,
    RiskPoint,
    ScheduledCheck,
    SitePlan,
)
from bureau.kernel.admin import AuditedAdmin


@admin.register(Hazard)
class HazardAdmin(AuditedAdmin):
    list_display = ("number", "title", "enterprise", "grade", "source", "state", "deadline")
    list_filter = ("grade", "source", "state", "region")
    search_fields = ("number", "title")
    raw_id_fields = ("enterprise", "risk_point", "reported_by")
    readonly_fields = ("state", "version")


@admin.register(RiskPoint)
class RiskPointAdmin(AuditedAdmin):
    list_display = ("name", "enterprise", "method", "score", "level")
    list_filter = ("level", "method", "region")
    raw_id_fields = ("enterprise", "created_by")


@admin.register(ListedSupervision)
class ListedSupervisionAdmin(AuditedAdmin):
    list_display = ("number", "enterprise", "state", "listed_on", "deadline", "removal_due")
    list_filter = ("state", "region")
    raw_id_fields = ("hazard", "enterprise", "created_by")
    readonly_fields = ("state", "version")


@admin.register(CheckFrequency)
class CheckFrequencyAdmin(AuditedAdmin):
    """排查频次: rules as data, each with its source and the day it applies from."""

    list_display = ("code", "label", "unit", "every", "grace_minutes", "effective_from", "active")
    list_filter = ("unit", "active")


@admin.register(CheckItem)
class CheckItemAdmin(AuditedAdmin):
    list_display = ("content", "risk_point", "frequency", "post", "responsible_person", "active")
    list_filter = ("active", "frequency", "region")
    raw_id_fields = ("risk_point", "enterprise", "created_by")


@admin.register(ScheduledCheck)
class ScheduledCheckAdmin(AuditedAdmin):
    list_display = ("item", "enterprise", "window_start", "due_at", "state", "result")
    list_filter = ("state", "region")
    raw_id_fields = ("item", "risk_point", "enterprise", "done_by", "hazard")
    readonly_fields = ("state", "done_at", "done_by", "missed_at")


@admin.register(SitePlan)
class SitePlanAdmin(AuditedAdmin):
    list_display = ("enterprise", "title", "width", "height", "uploaded_at")
    raw_id_fields = ("enterprise", "image", "uploaded_by")
