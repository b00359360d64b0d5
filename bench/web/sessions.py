"""Signed-in sessions and the URL lists of the web benchmark (bench/web/run.sh, page.lua, mix.lua).

Writes var/bench_web_urls.txt: "kind<TAB>name<TAB>cookie<TAB>path" per line, kind public / officer / enterprise;
the cookie is the session of a demo account made as a sign-in makes it (database sessions, second factor done),
empty for the public. Pages named in run.sh are looked up by name; the mix draws from each kind's lines.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")

import django  # noqa: E402

django.setup()

import importlib.util  # noqa: E402

from django.conf import settings  # noqa: E402
from django.middleware.csrf import CSRF_ALLOWED_CHARS  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from bureau.accounts.models import User  # noqa: E402
from bureau.certificates.models import Certificate  # noqa: E402
from bureau.licensing.models import Application  # noqa: E402

# sessions made as a sign-in makes them: the soak benchmark's helper
_spec = importlib.util.spec_from_file_location("soak_sessions", Path(__file__).resolve().parents[1] / "soak" / "sessions.py")
assert _spec is not None and _spec.loader is not None
_soak = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_soak)
session_for = _soak.session_for


def signed_in(username: str) -> str:
    """The cookies a signed-in browser sends: its session and the CSRF cookie the first page with a form set (Django
    keeps that secret for the browser's life; without it every request would make a new one and a Set-Cookie)."""
    return f"{session_for(username)}; {settings.CSRF_COOKIE_NAME}={get_random_string(32, CSRF_ALLOWED_CHARS)}"


def main() -> None:
    officer, inspector, firm = signed_in("city_licensing"), signed_in("city_inspector"), signed_in("qiye")
    qiye = User.objects.get(username="qiye")
    city_apps = list(Application.objects.filter(level="city").order_by("-id").values_list("id", flat=True)[:100])
    own_apps = list(Application.objects.filter(enterprise_id=qiye.enterprise_id).order_by("-id")
                    .values_list("id", flat=True)[:20])
    codes = list(Certificate.objects.order_by("id").values_list("verify_code", flat=True)[:50])
    laws = "/portal/laws/?q=%E5%AE%89%E5%85%A8"  # 安全
    lines = [
        ("probe", "healthz", "", "/healthz"),  # the framework floor; not part of the mix
        ("public", "portal_home", "", "/portal/"),
        ("public", "progress_form", "", "/licensing/progress/"),
        ("public", "law_search", "", laws),
        ("public", "petition_form", "", "/petitions/lookup/"),
        *[("public", "verify", "", f"/certificates/verify/{code}/") for code in codes],
        ("officer", "floor", officer, "/licensing/items/"),
        ("officer", "queue_page", officer, "/licensing/queue/"),
        ("officer", "queue_api", officer, "/api/v1/licensing/applications?view=queue"),
        *[("officer", "detail", officer, f"/licensing/{pk}/") for pk in city_apps],
        ("officer", "hazards", inspector, "/hazards/"),
        ("officer", "register", inspector, "/enterprises/"),
        ("enterprise", "mine", firm, "/licensing/mine/"),
        ("enterprise", "workbench", firm, "/"),
        ("enterprise", "own_register", firm, f"/enterprises/{qiye.enterprise_id}/"),
        *[("enterprise", "own_detail", firm, f"/licensing/{pk}/") for pk in own_apps],
    ]
    out = Path(settings.PROJECT_DIR) / "var" / "bench_web_urls.txt"
    out.parent.mkdir(exist_ok=True)
    out.write_text("".join("\t".join(line) + "\n" for line in lines), encoding="utf-8")
    print(f"{len(lines)} URLs → {out}")


if __name__ == "__main__":
    main()
