"""Configuration screens (Django admin) for administrators. Every save and delete is written to the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction

from bureau.kernel.audit import audit
from bureau.kernel.models import AuditEntry, CalendarDay, CalendarYear, Region, RuleParameter
from bureau.kernel.workflow import workflow_for_model


class AuditedAdmin(admin.ModelAdmin):
    """Base for every configuration screen: the change and its fields go into the audit trail. A record driven by a
    declared workflow shows its state (and version) read-only: states change only through the declared actions."""

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        workflow = workflow_for_model(self.model._meta.label)
        if workflow is not None:
            fields += [name for name in (workflow.state_field, "version") if name not in fields]
        return fields

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit(request.user, f"admin.{'change' if change else 'add'}", obj,
                  summary=f"{'修改' if change else '新增'}{obj._meta.verbose_name}：{obj}"[:300],
                  data={"fields": list(form.changed_data)})

    def delete_model(self, request: Any, obj: Any) -> None:
        with transaction.atomic():
            audit(request.user, "admin.delete", obj, summary=f"删除{obj._meta.verbose_name}：{obj}"[:300])
            super().delete_model(request, obj)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(RuleParameter)
class RuleParameterAdmin(AuditedAdmin):
    list_display = ("key", "value", "unit", "description", "source", "effective_from")
    list_filter = ("effective_from",)
    search_fields = ("key", "description", "source")


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedAdmin):
    list_display = ("year", "published", "source", "updated_at")


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    list_display = ("date", "is_working_day", "name")
    date_hierarchy = "date"


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ("code", "name", "parent", "is_internal")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail cannot be changed through any screen."""

    list_display = ("seq", "at", "actor_name", "action", "object_type", "object_id", "summary", "result")
    list_filter = ("action",)
    search_fields = ("actor_name", "object_id", "summary")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
