from django.contrib import admin

from bureau.assistance.models import (
    AgencyCreditRecord,
    AgencyStaff,
    AssessmentAgency,
    Course,
    Expert,
    ObservationBatch,
    ParkRemediationItem,
)
from bureau.kernel.admin import AuditedAdmin


@admin.register(Expert)
class ExpertAdmin(AuditedAdmin):
    list_display = ("name", "specialty", "employer", "available", "unavailable_until")
    list_filter = ("specialty", "available")
    search_fields = ("name", "employer")
    raw_id_fields = ("user",)
    filter_horizontal = ("conflicts",)
    exclude = ("phone",)


class AgencyStaffInline(admin.TabularInline):
    model = AgencyStaff
    exclude = ("phone",)
    extra = 0


@admin.register(AssessmentAgency)
class AssessmentAgencyAdmin(AuditedAdmin):
    list_display = ("name", "uscc", "qualification_number", "qualification_valid_until")
    inlines = [AgencyStaffInline]


@admin.register(AgencyCreditRecord)
class AgencyCreditRecordAdmin(AuditedAdmin):
    list_display = ("agency", "on", "event", "points")


@admin.register(ObservationBatch)
class ObservationBatchAdmin(AuditedAdmin):
    list_display = ("title", "year", "pilot", "visit_on", "capacity", "signup_closes_on")
    raw_id_fields = ("pilot",)


@admin.register(Course)
class CourseAdmin(AuditedAdmin):
    list_display = ("title", "partner", "starts_on", "hours", "capacity", "enrol_closes_on")


@admin.register(ParkRemediationItem)
class ParkRemediationItemAdmin(AuditedAdmin):
    list_display = ("park", "title", "responsible", "deadline", "status", "percent")
    list_filter = ("park", "status")
