from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.db import transaction
from django.template.response import TemplateResponse

from bureau.accounts import services, signin
from bureau.accounts.models import ApiCallLog, ApiToken, OidcLink, Organisation, Role, User
from bureau.kernel.admin import AuditedAdmin
from bureau.kernel.audit import audit
from bureau.kernel.errors import DomainError
from bureau.kernel.identifiers import IdentifierError, validate_id_number, validate_mobile
from bureau.kernel.masking import mask_id_number, mask_phone


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ("code", "name", "kind", "parent", "region", "document_prefix", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")


@admin.register(Role)
class RoleAdmin(AuditedAdmin):
    list_display = ("code", "name", "description", "is_staff_role")


class MaskedPersonalDataForm(UserChangeForm):
    """Phone and ID numbers are never shown in full, even to administrators: the field shows the masked value as a
    hint and stays empty; typing a new value replaces the stored one, leaving it empty keeps it."""

    phone = forms.CharField(label="手机号码", required=False, widget=forms.TextInput)
    id_number = forms.CharField(label="身份证号码", required=False, widget=forms.TextInput)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for name, mask in (("phone", mask_phone), ("id_number", mask_id_number)):
            current = getattr(self.instance, name, "")
            self.initial[name] = ""
            self.fields[name].widget.attrs["placeholder"] = mask(current) if current else "未填写"
            self.fields[name].help_text = "留空则保持原值；输入新号码将替换原值"

    def _keep_or_validate(self, name: str, validate: Any) -> str:
        value = self.cleaned_data.get(name, "").strip()
        if not value:
            return getattr(self.instance, name)
        try:
            return validate(value)
        except IdentifierError as exc:
            raise forms.ValidationError(str(exc))

    def clean_phone(self) -> str:
        return self._keep_or_validate("phone", validate_mobile)

    def clean_id_number(self) -> str:
        return self._keep_or_validate("id_number", validate_id_number)


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    form = MaskedPersonalDataForm
    list_display = ("username", "real_name", "organisation", "enterprise", "is_active", "totp_enabled")
    list_filter = ("organisation__kind", "roles", "is_active")
    search_fields = ("username", "real_name")
    filter_horizontal = ("roles",)
    autocomplete_fields = ("enterprise",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("real_name", "phone", "id_number", "email", "title", "enforcement_id",
                             "legal_qualification")}),
        ("机构与角色", {"fields": ("organisation", "enterprise", "roles", "is_active", "is_superuser")}),
        ("安全", {"fields": ("totp_enabled", "totp_changed_at", "last_login")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2", "real_name", "organisation", "enterprise", "roles")}),
    )
    # the second factor changes only through its own actions (audited, the user told), never by ticking a box
    readonly_fields = ("last_login", "totp_enabled", "totp_changed_at")
    actions = ["reset_second_factor", "release_sign_in_limits"]

    @admin.action(description="重置动态口令（用户丢失手机时，核实本人身份后办理）")
    def reset_second_factor(self, request: Any, queryset: Any) -> Any:
        reason = (request.POST.get("reason") or "").strip()
        if request.POST.get("confirm"):
            done, refused = 0, []
            for user in queryset:
                try:
                    services.totp_reset(actor=request.user, user=user, reason=reason)
                    done += 1
                except DomainError as exc:
                    refused.append(f"{user.username}：{exc.message}")
            if done:
                self.message_user(request, f"已重置 {done} 个账号的动态口令，并通知了本人。")
            for text in refused:
                self.message_user(request, text, level=messages.ERROR)
            if not refused or done:
                return None
        return TemplateResponse(request, "admin/accounts/reset_second_factor.html", {
            **self.admin_site.each_context(request), "title": "重置动态口令", "users": queryset,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME, "reason": reason,
            "opts": self.model._meta,
        })

    @admin.action(description="解除登录限制（登录失败次数清零）")
    def release_sign_in_limits(self, request: Any, queryset: Any) -> None:
        names = list(queryset.values_list("username", flat=True))
        with transaction.atomic():
            for name in names:
                signin.release(name)
            audit(request.user, "accounts.sign_in_limits_released", summary=f"解除 {len(names)} 个账号的登录限制",
                  data={"users": names[:50]})
        self.message_user(request, f"已解除 {len(names)} 个账号的登录限制。")


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


@admin.register(OidcLink)
class OidcLinkAdmin(AuditedAdmin):
    """统一身份认证绑定: a security administrator pre-registers the platform's `sub` of a staff member (after checking
    the person), or removes a link; every change is audited (AuditedAdmin)."""

    list_display = ("user", "issuer", "subject", "created_at", "last_login_at")
    search_fields = ("user__username", "user__real_name", "subject")
    raw_id_fields = ("user",)
    readonly_fields = ("created_at", "last_login_at")
