"""Configuration screens: checklists (read-only but for 启用: a version is changed by importing a new one, so the
inspections that used it keep their items) and declared conflicts of interest (every change audited)."""

from typing import Any

from django.contrib import admin

from bureau.inspection.models import Checklist, ChecklistItem, ConflictOfInterest
from bureau.kernel.admin import AuditedAdmin


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    can_delete = False
    fields = ("seq", "category", "content", "legal_reference", "penalty_basis", "violation_codes", "sub_sectors")
    readonly_fields = fields

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Checklist)
class ChecklistAdmin(AuditedAdmin):
    list_display = ("name", "version", "effective_from", "effective_to", "is_active", "imported_at")
    list_filter = ("is_active",)
    readonly_fields = ("name", "version", "industries", "source", "reference", "effective_from", "effective_to",
                       "digest", "imported_by", "imported_at")
    inlines = [ChecklistItemInline]

    def has_add_permission(self, request: Any) -> bool:
        return False  # checklists are imported (执法检查 → 执法检查表 → 导入检查表)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(ConflictOfInterest)
class ConflictAdmin(AuditedAdmin):
    list_display = ("officer", "enterprise", "reason", "declared_on", "source")
    raw_id_fields = ("officer", "enterprise")
