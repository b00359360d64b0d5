from django.contrib import admin

from bureau.kernel.admin import AuditedAdmin
from bureau.licensing.models import PermitItem, PermitMaterial


class PermitMaterialInline(admin.TabularInline):
    model = PermitMaterial
    extra = 0


@admin.register(PermitItem)
class PermitItemAdmin(AuditedAdmin):
    list_display = ("code", "name", "kind", "level", "statutory_days", "promised_days", "tolerance_allowed",
                    "is_active")
    list_filter = ("kind", "level", "is_active")
    search_fields = ("code", "name")
    inlines = [PermitMaterialInline]
