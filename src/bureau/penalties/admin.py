from django.contrib import admin

from bureau.kernel.admin import AuditedAdmin
from bureau.penalties.models import BenchmarkRow, PaymentAccount


@admin.register(BenchmarkRow)
class BenchmarkRowAdmin(AuditedAdmin):
    """The discretion benchmark and the 首违不罚 list (tier 不予处罚, with excluded sectors) as data."""

    list_display = ("violation_code", "violation", "stage", "target", "tier", "grade_label", "amount_min",
                    "amount_max", "version", "effective_from", "effective_to")
    list_filter = ("tier", "version", "stage", "target")
    search_fields = ("violation_code", "violation", "source")


@admin.register(PaymentAccount)
class PaymentAccountAdmin(AuditedAdmin):
    """How each deciding authority's fines are paid (收款单位, 执收单位编码, account, channels; 行政处罚法 第67条)."""

    list_display = ("organisation", "payee", "collector_code", "bank", "account_number", "effective_from",
                    "effective_until")
    search_fields = ("payee", "collector_code", "organisation__name")
