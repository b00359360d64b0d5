from django.contrib import admin

from bureau.enterprises.models import ChemicalPark, CreditRule, Enterprise, SupervisionAssignment
from bureau.kernel.admin import AuditedAdmin


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedAdmin):
    list_display = ("name", "uscc", "region", "industry", "is_key", "standardization_grade", "credit_grade")
    list_filter = ("region", "industry", "sub_sector", "is_key")
    search_fields = ("name", "uscc")
    exclude = ("legal_rep_id_number", "contact_phone")


@admin.register(ChemicalPark)
class ChemicalParkAdmin(AuditedAdmin):
    list_display = ("code", "name", "region", "safety_risk_grade")


@admin.register(SupervisionAssignment)
class SupervisionAssignmentAdmin(AuditedAdmin):
    list_display = ("enterprise", "year", "level", "organisation")
    list_filter = ("year", "level")
    autocomplete_fields = ("enterprise",)


@admin.register(CreditRule)
class CreditRuleAdmin(AuditedAdmin):
    """诚信扣减规则: the bureau's table (the seed rows are demonstration values, marked 示例)."""

    list_display = ("code", "label", "min_fine", "measures_keyword", "target", "downgrade_steps", "max_grade", "demo",
                    "effective_from", "effective_to")
    list_filter = ("demo",)
