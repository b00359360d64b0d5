"""Signed-in sessions and URL lists for the soak mix (bench/soak/mix.lua).

Writes var/bench_soak_urls.txt: one "role<TAB>cookie<TAB>path" line per request kind, where the cookie is the
session of a demo officer or enterprise user (empty for the public). Sessions are made as a login would make them
(the database session backend), with the second factor marked done where the user has one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402

from bureau.accounts.models import User  # noqa: E402
from bureau.licensing.models import Application  # noqa: E402


def session_for(username: str) -> str:
    user = User.objects.get(username=username)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "bureau.accounts.backends.LockoutModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store["otp_verified"] = True
    store.set_expiry(24 * 3600)  # the soak lasts longer than the idle timeout between two requests of one kind
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def main() -> None:
    officer, inspector, firm = session_for("city_licensing"), session_for("city_inspector"), session_for("qiye")
    qiye = User.objects.get(username="qiye")
    city_apps = list(Application.objects.filter(level="city").order_by("-id").values_list("id", flat=True)[:200])
    own_apps = list(Application.objects.filter(enterprise_id=qiye.enterprise_id).order_by("-id")
                    .values_list("id", flat=True)[:50])
    lines = [
        ("officer", officer, "/licensing/queue/"),
        ("officer", officer, "/api/v1/licensing/applications?view=queue"),
        *[("officer", officer, f"/licensing/{pk}/") for pk in city_apps[:100]],
        ("inspector", inspector, "/hazards/"),
        ("inspector", inspector, "/penalties/"),
        ("inspector", inspector, "/enterprises/"),
        ("inspector", inspector, "/petitions/"),
        ("enterprise", firm, "/licensing/mine/"),
        ("enterprise", firm, "/"),
        ("enterprise", firm, f"/enterprises/{qiye.enterprise_id}/"),
        *[("enterprise", firm, f"/licensing/{pk}/") for pk in own_apps[:20]],
    ]
    out = Path(settings.PROJECT_DIR) / "var" / "bench_soak_urls.txt"
    out.write_text("".join(f"{role}\t{cookie}\t{path}\n" for role, cookie, path in lines), encoding="utf-8")
    print(f"{len(lines)} signed-in URLs → {out}")


if __name__ == "__main__":
    main()
