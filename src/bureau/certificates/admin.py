from django.contrib import admin

from bureau.certificates.models import CertificateType, KioskTerminal
from bureau.kernel.admin import AuditedAdmin


@admin.register(CertificateType)
class CertificateTypeAdmin(AuditedAdmin):
    """Validity and review rules per type are data (domain §4), each with its source and effective date."""

    list_display = ("code", "name", "holder_kind", "validity_months", "renew_ahead_days", "renew_rule",
                    "review_interval_months", "review_window_days", "kiosk_printable", "source", "effective_from")


@admin.register(KioskTerminal)
class KioskTerminalAdmin(AuditedAdmin):
    list_display = ("code", "name", "location", "region", "is_active")
    readonly_fields = ("key",)
