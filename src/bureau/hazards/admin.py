from django.contrib import admin

from bureau.hazards.models import Hazard, ListedSupervision, RiskPoint
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
