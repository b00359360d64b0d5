from django.contrib import admin

from bureau.kernel.admin import AuditedAdmin
from bureau.penalties.models import BenchmarkRow


@admin.register(BenchmarkRow)
class BenchmarkRowAdmin(AuditedAdmin):
    """The discretion benchmark and the 首违不罚 list (tier 不予处罚, with excluded sectors) as data."""

    list_display = ("violation_code", "violation", "stage", "target", "tier", "grade_label", "amount_min",
                    "amount_max", "version", "effective_from", "effective_to")
    list_filter = ("tier", "version", "stage", "target")
    search_fields = ("violation_code", "violation", "source")
