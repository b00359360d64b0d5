from typing import Any

from django import forms
from django.contrib import admin
from django.utils import timezone

from bureau.assistance.models import (
    AgencyCreditRecord,
    AgencyScope,
    AgencyStaff,
    AssessmentAgency,
    Course,
    Expert,
    ObservationBatch,
    ObservationPilot,
    ParkChecklistItem,
    ParkRemediationItem,
)
from bureau.kernel.admin import AuditedAdmin


class ParkItemAdminForm(forms.ModelForm):
    class Meta:
        model = ParkRemediationItem
        fields = ("park", "checklist_item", "category", "title", "responsible", "deadline", "source")

    def clean_deadline(self) -> Any:
        deadline = self.cleaned_data["deadline"]
        if deadline is not None and deadline < timezone.localdate():
            raise forms.ValidationError("完成时限不能早于今天")
        return deadline


@admin.register(Expert)
class ExpertAdmin(AuditedAdmin):
    list_display = ("name", "specialty", "employer", "term_starts_on", "term_ends_on", "available", "unavailable_until")
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
    list_display = ("name", "uscc", "qualification_number", "qualification_valid_until", "published")
    filter_horizontal = ("scopes",)
    inlines = [AgencyStaffInline]


@admin.register(AgencyScope)
class AgencyScopeAdmin(AuditedAdmin):
    """The business fields of safety-evaluation agencies and the industries in each (部令第1号): rules as data."""

    list_display = ("name", "code", "industries", "source", "effective_from")


@admin.register(AgencyCreditRecord)
class AgencyCreditRecordAdmin(AuditedAdmin):
    list_display = ("agency", "on", "event", "points")


@admin.register(ObservationBatch)
class ObservationBatchAdmin(AuditedAdmin):
    list_display = ("title", "year", "pilot", "visit_on", "capacity", "signup_closes_on")
    raw_id_fields = ("pilot",)


@admin.register(ObservationPilot)
class ObservationPilotAdmin(AuditedAdmin):
    list_display = ("enterprise", "designated_by", "document", "designated_on", "withdrawn_on")
    raw_id_fields = ("enterprise",)


@admin.register(Course)
class CourseAdmin(AuditedAdmin):
    list_display = ("title", "partner", "starts_on", "ends_on", "hours", "capacity", "enrol_closes_on")


@admin.register(ParkRemediationItem)
class ParkRemediationItemAdmin(AuditedAdmin):
    list_display = ("park", "title", "responsible", "deadline", "status", "percent")
    list_filter = ("park", "status")
    form = ParkItemAdminForm
    # the status and the percent move only through progress reports (workflow park_items), never by hand here;
    # the deadline is set once, when the item is registered, and not in the past

    def get_readonly_fields(self, request: Any, obj: Any = None) -> tuple[str, ...]:
        return ("status", "percent", "version", *(("deadline",) if obj is not None else ()))


@admin.register(ParkChecklistItem)
class ParkChecklistItemAdmin(AuditedAdmin):
    """The province's remediation checklist (十有两禁) as data: rows with their source and the day they apply."""

    list_display = ("code", "group", "title", "source", "effective_from", "active")
    list_filter = ("group", "active")
