from django.contrib import admin

from bureau.kernel.admin import AuditedAdmin
from bureau.licensing.models import ItemEligibility, ItemField, ItemStep, PermitItem, PermitMaterial


class PermitMaterialInline(admin.TabularInline):
    model = PermitMaterial
    extra = 0


class ItemFieldInline(admin.TabularInline):
    """The item's online form (申请书 fields): labels, types, required flags, the register field pre-filled."""

    model = ItemField
    extra = 0


class ItemEligibilityInline(admin.TabularInline):
    """Which industries apply for the item, at which issuing level (with source and effective date)."""

    model = ItemEligibility
    extra = 0


class ItemStepInline(admin.TabularInline):
    """The item's 办理流程 as published in its 办事指南 (drawn there as the flow diagram)."""

    model = ItemStep
    extra = 0


@admin.register(PermitItem)
class PermitItemAdmin(AuditedAdmin):
    list_display = ("code", "name", "kind", "level", "statutory_days", "promised_days", "tolerance_allowed",
                    "is_active")
    list_filter = ("kind", "level", "is_active")
    search_fields = ("code", "name")
    inlines = [PermitMaterialInline, ItemFieldInline, ItemEligibilityInline, ItemStepInline]


@admin.register(ItemEligibility)
class ItemEligibilityAdmin(AuditedAdmin):
    list_display = ("item", "industry", "sub_sector", "issuing_level", "source", "effective_from", "effective_until")
    list_filter = ("issuing_level", "industry")
    search_fields = ("item__name", "source", "note")
