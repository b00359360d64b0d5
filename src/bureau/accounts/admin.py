from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from bureau.accounts.models import ApiCallLog, ApiToken, Organisation, Role, User
from bureau.kernel.admin import AuditedAdmin


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ("code", "name", "kind", "parent", "region", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")


@admin.register(Role)
class RoleAdmin(AuditedAdmin):
    list_display = ("code", "name", "description", "is_staff_role")


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ("username", "real_name", "organisation", "enterprise", "is_active", "totp_enabled", "locked_until")
    list_filter = ("organisation__kind", "roles", "is_active")
    search_fields = ("username", "real_name")
    filter_horizontal = ("roles",)
    autocomplete_fields = ("enterprise",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("real_name", "phone", "id_number", "email", "title", "enforcement_id")}),
        ("机构与角色", {"fields": ("organisation", "enterprise", "roles", "is_active", "is_superuser")}),
        ("安全", {"fields": ("failed_logins", "locked_until", "totp_enabled", "last_login")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2", "real_name", "organisation", "enterprise", "roles")}),
    )
    readonly_fields = ("last_login",)


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    list_display = ("name", "prefix", "user", "scopes", "expires_at", "revoked", "last_used_at")
    readonly_fields = ("prefix", "token_hash", "last_used_at")


@admin.register(ApiCallLog)
class ApiCallLogAdmin(admin.ModelAdmin):
    list_display = ("at", "token", "method", "path", "status", "ip")
    list_filter = ("status", "method")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
