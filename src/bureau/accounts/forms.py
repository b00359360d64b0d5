from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。连续失败多次后账号将被临时锁定。",
        "inactive": "该账号已停用，请联系管理员。",
    }

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})


class OtpForm(forms.Form):
    code = forms.CharField(label="动态口令", max_length=6, min_length=6,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


class BureauPasswordChangeForm(PasswordChangeForm):
    pass


class PasswordResetForm(forms.Form):
    """找回密码: the account's name and phone, the SMS code, the new password twice (checked by the service)."""

    username = forms.CharField(label="用户名", max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "type": "text"}))
    phone = forms.CharField(label="账号登记的手机号码", max_length=11,
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric",
                                                          "autocomplete": "tel"}))
    code = forms.CharField(label="短信验证码", max_length=6, required=False,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                                         "type": "text"}))
    password = forms.CharField(label="新密码", required=False, strip=False,
                               help_text="至少10位，包含大写字母、小写字母、数字、符号中的至少三类",
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label="再次输入新密码", required=False, strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
