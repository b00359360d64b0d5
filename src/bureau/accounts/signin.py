"""Sign-in throttling: failed passwords and one-time codes, counted in the shared store (kernel/throttle.py).

Counters are keyed on the name typed, not on an account row, so an unknown name and a real account answer the
same way (no account enumeration, GB/T 22239-2019 8.1.4.1). Three keys per attempt:
- the account at this address: growing delays, then the 等保 lockout;
- the account from everywhere: growing delays and a late lockout, skipped on a device that has signed in to this
  account before (a signed cookie), so a stranger cannot lock the owner out of the owner's own computer;
- the address against every account: password spraying.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from bureau.kernel import throttle
from bureau.kernel.net import client_ip
from bureau.kernel.throttle import Keyed

DEVICE_COOKIE = "bureau_device"
DEVICE_SALT = "bureau.accounts.trusted-device"
DEVICE_DAYS = 180
DEVICE_MAX_ACCOUNTS = 5
LIMITED_MESSAGE = "登录尝试过于频繁，请{wait}后再试。如忘记密码，请联系本单位管理员。"


def _device_names(request: HttpRequest | None) -> list[str]:
    if request is None:
        return []
    raw = request.COOKIES.get(DEVICE_COOKIE, "")
    if not raw:
        return []
    try:
        names = signing.loads(raw, salt=DEVICE_SALT, max_age=DEVICE_DAYS * 86400)
    except signing.BadSignature:
        return []
    return [str(n) for n in names][:DEVICE_MAX_ACCOUNTS] if isinstance(names, list) else []


def login_keys(request: HttpRequest | None, username: str) -> list[Keyed]:
    name = throttle.normalise(username)
    address = client_ip(request) if request is not None else "unknown"
    keys: list[Keyed] = [(throttle.policy("login_pair"), f"{name}@{address}"),
                         (throttle.policy("login_address"), address)]
    if name not in _device_names(request):
        keys.append((throttle.policy("login_account"), name))
    return keys


@dataclass(frozen=True)
class Refusal:
    """Why the backend said no beyond a wrong password: `limited` says how long to wait; `checked` is False when
    the attempt was refused unchecked (the name was already waiting: 429), True when this failure started a wait."""

    limited: throttle.RateLimited
    checked: bool


_REFUSAL = "_bureau_sign_in_refusal"


def _limited(wait: int) -> throttle.RateLimited:
    return throttle.RateLimited(wait, LIMITED_MESSAGE.format(wait=throttle.wait_text(wait)))


def login_allowed(request: HttpRequest | None, username: str) -> bool:
    """Whether this name may try now; when not, the refusal is left on the request for the login page."""
    wait = throttle.retry_after(login_keys(request, username))
    if wait and request is not None:
        setattr(request, _REFUSAL, Refusal(_limited(wait), checked=False))
    return not wait


def login_failed(request: HttpRequest | None, username: str) -> int:
    """Count a wrong password; when it starts a wait, the page is told on the request."""
    wait = throttle.fail(login_keys(request, username))
    if wait and request is not None:
        setattr(request, _REFUSAL, Refusal(_limited(wait), checked=True))
    return wait


def refusal(request: HttpRequest) -> Refusal | None:
    """What the backend left on the request during this sign-in attempt (None: an ordinary wrong password)."""
    return getattr(request, _REFUSAL, None)


def login_succeeded(request: HttpRequest | None, username: str) -> None:
    """A right password: the name's own counters start again (the address counter stays: other names)."""
    name = throttle.normalise(username)
    address = client_ip(request) if request is not None else "unknown"
    throttle.reset([(throttle.policy("login_pair"), f"{name}@{address}"),
                    (throttle.policy("login_account"), name)])


def release(username: str) -> None:
    """An administrator lets a name sign in again: its counters at every address are cleared."""
    name = throttle.normalise(username)
    throttle.reset([(throttle.policy("login_account"), name)])
    throttle.clear_prefix(f"{throttle.policy('login_pair').name}:{name}@")


def remember_device(request: HttpRequest, response: HttpResponse, username: str) -> None:
    """After a complete sign-in: this browser is trusted for this account (exempt from the account-wide counter)."""
    name = throttle.normalise(username)
    names = [n for n in _device_names(request) if n != name]
    names = [name, *names][:DEVICE_MAX_ACCOUNTS]
    response.set_cookie(DEVICE_COOKIE, signing.dumps(names, salt=DEVICE_SALT), max_age=DEVICE_DAYS * 86400,
                        httponly=True, secure=settings.SESSION_COOKIE_SECURE, samesite="Lax")


def otp_keys(user_id: int) -> list[Keyed]:
    return [(throttle.policy("otp"), str(user_id))]


def otp_check(user_id: int) -> None:
    wait = throttle.retry_after(otp_keys(user_id))
    if wait:
        raise throttle.RateLimited(wait, f"动态口令错误次数过多，请{throttle.wait_text(wait)}后再试")


def otp_failed(user_id: int) -> int:
    return throttle.fail(otp_keys(user_id))


def otp_succeeded(user_id: int) -> None:
    throttle.reset(otp_keys(user_id))
