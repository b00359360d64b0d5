"""Configuration screens: checklists and their items, declared conflicts of interest (every change audited)."""

from django.contrib import admin

from bureau.inspection.models import Checklist, ChecklistItem, ConflictOfInterest
from bureau.kernel.admin import AuditedAdmin


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


@admin.register(Checklist)
class ChecklistAdmin(AuditedAdmin):
    list_display = ("name", "version", "source", "effective_from", "is_active")
    inlines = [ChecklistItemInline]


@admin.register(ConflictOfInterest)
class ConflictAdmin(AuditedAdmin):
    list_display = ("officer", "enterprise", "reason", "declared_on", "source")
    raw_id_fields = ("officer", "enterprise")
