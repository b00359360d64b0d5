"""Anti-spam for the public forms of every area (the portal's ratings, the petitions mailbox and look-up), without
internet: a per-address limit in the shared counters (kernel/throttle.py, the same for every process and app server)
and an arithmetic CAPTCHA drawn server-side as a PNG (the answer lives only in the visitor's session). The limits are
rules (`portal.form_*`, `portal.lookup_*`, declared in kernel/hooks.py; their keys keep the names they were first
stored under)."""

from __future__ import annotations

import base64
import io
import secrets
import time
from typing import Any

from django.http import HttpRequest

from bureau.kernel import throttle
from bureau.kernel.errors import DomainError
from bureau.kernel.net import client_ip
from bureau.kernel.rules import forget_cached_rules

SESSION_KEY = "portal_captcha"


def forget_limits() -> None:
    forget_cached_rules()


def hit(request: HttpRequest, bucket: str, *, limit_rule: str, window_rule: str, count: bool = True) -> None:
    """Count one attempt of `bucket` from the client's address; raise RateLimited (429) once the configured limit
    (rules, re-read at most once a minute) is reached."""
    keys = [(throttle.limit_policy(f"portal_{bucket}", limit_rule=limit_rule, window_rule=window_rule),
             client_ip(request))]
    throttle.check(keys)
    if count:
        throttle.fail(keys)


def lookup_keys(request: HttpRequest, bucket: str, number: str, *, limit_rule: str, number_limit_rule: str,
                window_rule: str) -> list[throttle.Keyed]:
    """The failure counters of a public look-up from this client (kernel/throttle.py)."""
    return throttle.lookup_keys(f"portal_{bucket}", client_ip(request), number, limit_rule=limit_rule,
                                number_limit_rule=number_limit_rule, window_rule=window_rule)


def new_challenge(request: HttpRequest) -> str:
    """Store a new arithmetic question's answer in the session and return the question as a PNG data URI."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    if secrets.randbelow(2) and a > b:
        text, answer = f"{a} - {b} = ?", a - b
    else:
        text, answer = f"{a} + {b} = ?", a + b
    request.session[SESSION_KEY] = {"answer": answer, "at": int(time.time())}
    return _png(text)


def check_challenge(request: HttpRequest, value: Any) -> None:
    """One try per question: the stored answer is removed whatever the outcome."""
    stored = request.session.pop(SESSION_KEY, None)
    try:
        given = int(str(value).strip())
    except (TypeError, ValueError):
        given = None
    if not stored or time.time() - stored.get("at", 0) > 1800 or given != stored.get("answer"):
        raise DomainError("验证码不正确或已过期，请重新计算图中的算式", field="captcha")


def _png(text: str) -> str:
    from PIL import Image, ImageDraw, ImageFont

    width, height = 150, 44
    image = Image.new("RGB", (width, height), (244, 247, 252))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        draw.line([(secrets.randbelow(width), secrets.randbelow(height)),
                   (secrets.randbelow(width), secrets.randbelow(height))], fill=(170, 185, 210), width=1)
    try:
        font = ImageFont.load_default(size=24)
    except TypeError:  # older Pillow
        font = ImageFont.load_default()
    x = 10
    for ch in text:
        draw.text((x, 8 + secrets.randbelow(6) - 3), ch, fill=(31, 60 + secrets.randbelow(40), 120), font=font)
        x += 16 if ch != " " else 8
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
