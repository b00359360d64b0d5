from django.contrib import admin

from bureau.kernel.admin import AuditedAdmin
from bureau.petitions.models import HandlingLimit, PetitionCategory, RoutingRule


@admin.register(PetitionCategory)
class PetitionCategoryAdmin(AuditedAdmin):
    list_display = ("code", "name", "sort", "is_active")


@admin.register(HandlingLimit)
class HandlingLimitAdmin(AuditedAdmin):
    list_display = ("category", "urgency", "amount", "unit", "source", "effective_from")
    list_filter = ("urgency", "unit")


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdmin):
    list_display = ("order", "name", "category", "region", "keywords", "to_region_bureau", "target", "is_active")
    list_editable = ("is_active",)
    ordering = ("order", "id")
