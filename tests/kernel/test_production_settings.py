"""One switch for production (BUREAU_PRODUCTION=1, or the older BUREAU_REQUIRE_SECRETS=1): HSTS, the HTTPS redirect
behind the proxy, secure cookies, the staff second factor, no development keys; `check --deploy` is clean."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from bureau.kernel import signing

MANAGE = str(settings.PROJECT_DIR / "manage.py")
PROBE = ("import json,django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','bureau.settings');django.setup();"
         "from django.conf import settings as s;print(json.dumps({k:getattr(s,k) for k in ["
         "'SECURE_HSTS_SECONDS','SECURE_SSL_REDIRECT','SECURE_PROXY_SSL_HEADER','SESSION_COOKIE_SECURE',"
         "'CSRF_COOKIE_SECURE','REQUIRE_STAFF_TOTP','DEBUG']}))")


def _env(tmp_path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"BUREAU_TESTING", "SECRET_KEY", "FIELD_ENCRYPTION_KEY", "AUDIT_KEY", "DEBUG",
                        "BUREAU_PRODUCTION", "BUREAU_REQUIRE_SECRETS", "REQUIRE_STAFF_TOTP",
                        "DJANGO_ALLOW_ASYNC_UNSAFE"}}  # set by the browser tests' conftest, never in production
    identity = tmp_path / "signing-identity"  # the bureau's signing key and certificate (kernel/signing.py)
    signing.generate_demo_identity(identity, name="运城市应急管理局")
    env.update({"BUREAU_VAR_DIR": str(tmp_path), "ALLOWED_HOSTS": "zwfw.yjj.yuncheng.gov.cn",
                "SIGNING_KEY_PATH": str(identity / "key.pem"), "SIGNING_CERT_PATH": str(identity / "cert.pem"),
                **extra})
    return env


def _secrets() -> dict[str, str]:
    return {"SECRET_KEY": secrets.token_urlsafe(50), "FIELD_ENCRYPTION_KEY": secrets.token_hex(16),
            "AUDIT_KEY": secrets.token_hex(32)}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=60, check=False,
                          cwd=str(settings.PROJECT_DIR), )


@pytest.mark.parametrize("switch", ["BUREAU_PRODUCTION", "BUREAU_REQUIRE_SECRETS"])
def test_the_switch_turns_on_every_production_safeguard(tmp_path, switch):
    env = _env(tmp_path, **{switch: "1"}, **_secrets(), PYTHONPATH=str(settings.PROJECT_DIR / "src"))
    probe = _run([sys.executable, "-c", PROBE], env)
    assert probe.returncode == 0, probe.stderr
    values = json.loads(probe.stdout)
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["REQUIRE_STAFF_TOTP"] is True and values["DEBUG"] is False
    check = _run([sys.executable, MANAGE, "check", "--deploy", "--fail-level", "WARNING"], env)
    assert check.returncode == 0 and "no issues" in check.stdout, check.stdout + check.stderr


@pytest.mark.parametrize("name", ["SECRET_KEY", "FIELD_ENCRYPTION_KEY", "AUDIT_KEY"])
def test_production_refuses_to_start_with_a_development_key(tmp_path, name):
    dev = {"SECRET_KEY": settings.DEV_SECRET_KEY, "FIELD_ENCRYPTION_KEY": settings.DEV_FIELD_ENCRYPTION_KEY,
           "AUDIT_KEY": settings.DEV_AUDIT_KEY}
    env = _env(tmp_path, BUREAU_PRODUCTION="1", **{**_secrets(), name: dev[name]})
    result = _run([sys.executable, MANAGE, "check"], env)
    assert result.returncode != 0 and f"{name} 不能使用开发默认值" in result.stderr
    missing = _env(tmp_path, BUREAU_PRODUCTION="1", **{k: v for k, v in _secrets().items() if k != name})
    result = _run([sys.executable, MANAGE, "check"], missing)
    assert result.returncode != 0 and name in result.stderr


def test_production_refuses_to_start_without_a_signing_key(tmp_path):
    """Issue 15: licences carry the bureau's signature; production without a configured key and certificate does
    not start (settings.py), where development generates a demo pair."""
    env = _env(tmp_path, BUREAU_PRODUCTION="1", **_secrets(), SIGNING_KEY_PATH=str(tmp_path / "absent.pem"))
    result = _run([sys.executable, MANAGE, "check"], env)
    assert result.returncode != 0 and "SIGNING_KEY_PATH" in result.stderr


def test_the_development_default_stays_usable_without_configuration(tmp_path):
    """`make run` on a fresh machine needs no keys; the production safeguards are off there."""
    env = _env(tmp_path, PYTHONPATH=str(settings.PROJECT_DIR / "src"))
    values = json.loads(_run([sys.executable, "-c", PROBE], env).stdout)
    assert values["SECURE_SSL_REDIRECT"] is False and values["REQUIRE_STAFF_TOTP"] is False
