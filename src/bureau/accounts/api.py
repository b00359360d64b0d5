"""Account endpoints for people who cannot sign in: 找回密码 by an SMS code (accounts/recovery.py). Public, limited
per phone and address; the answers never say whether an account exists. Sign-in through the unified identity
platform is a browser flow (/accounts/oidc/login/), not an API operation."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from bureau.accounts import recovery
from bureau.kernel.net import client_ip
from bureau.kernel.schemas import InputSchema

router = Router(tags=["账号"])


class ResetCodeIn(InputSchema):
    username: str
    phone: str


class ResetIn(InputSchema):
    username: str
    phone: str
    code: str
    password: str
    password2: str


class MessageOut(Schema):
    message: str


@router.post("/password-reset/code", auth=None, response=MessageOut, summary="找回密码：向账号登记的手机发送验证码",
             description="用户名与手机号码相符时发送6位验证码；不相符时回答相同、不发送（不泄露账号是否存在）。")
def reset_code(request: HttpRequest, payload: ResetCodeIn) -> MessageOut:
    recovery.reset_request(username=payload.username, phone=payload.phone, address=client_ip(request))
    return MessageOut(message=recovery.sent_message())


@router.post("/password-reset", auth=None, response=MessageOut, summary="找回密码：凭验证码设置新密码",
             description="新密码须符合密码策略；重置后该账号其他设备上的登录失效，动态口令不变（登录时仍须输入）。")
def reset(request: HttpRequest, payload: ResetIn) -> MessageOut:
    recovery.reset_confirm(username=payload.username, phone=payload.phone, code=payload.code,
                           password=payload.password, password2=payload.password2)
    return MessageOut(message="密码已重置，请用新密码登录")


routers = [("v1/accounts", router, None)]
