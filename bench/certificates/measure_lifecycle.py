"""In-process timings on the bench database of generate_versions.py (issue 15):

1. the register query "the valid licence of this kind for this enterprise" (`lifecycle.held_licence`);
2. public verification by code (`services.certificate_verify`): current codes, superseded codes, unknown codes;
3. signing a licence PDF: render + PAdES signature + verification of the result (`versions.version_document`'s
   work, without storing), and `signing.sign_pdf` alone.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_lic .venv/bin/python bench/certificates/measure_lifecycle.py
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from bureau.certificates import lifecycle, services, versions  # noqa: E402
from bureau.certificates.models import Certificate  # noqa: E402
from bureau.kernel import signing  # noqa: E402
from bureau.kernel.documents import render_pdf  # noqa: E402
from bureau.kernel.errors import NotFound  # noqa: E402

LICENCES = ["hazchem_operation_licence", "safety_production_licence", "hazchem_use_licence",
            "fireworks_wholesale_licence"]


def timed(label: str, calls: Sequence[Callable[[], object]]) -> None:
    samples = []
    begin = time.perf_counter()
    for call in calls:
        t = time.perf_counter()
        call()
        samples.append((time.perf_counter() - t) * 1000)
    wall = time.perf_counter() - begin
    samples.sort()
    p = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))]  # noqa: E731
    print(f"| {label} | {len(samples):,} | {statistics.median(samples):.2f} | {p(0.95):.2f} | {p(0.99):.2f} | "
          f"{len(samples) / wall:,.0f} |", flush=True)


def _verify(code: str) -> None:
    try:
        services.certificate_verify(code)
    except NotFound:
        pass


def main() -> None:
    rng = random.Random(15)
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(enterprise_id), MAX(enterprise_id) FROM certificates_certificate "
                       "WHERE number LIKE 'L0-%%'")
        low, high = cursor.fetchone()
        cursor.execute("SELECT verify_code FROM certificates_certificate TABLESAMPLE SYSTEM (0.2) LIMIT 3000")
        current = [r[0] for r in cursor.fetchall()]
        cursor.execute("SELECT verify_code FROM certificates_certificateversion TABLESAMPLE SYSTEM (1) "
                       "WHERE superseded_at IS NOT NULL LIMIT 1000")
        superseded = [r[0] for r in cursor.fetchall()]
    unknown = [f"{rng.getrandbits(128):032x}" for _ in range(500)]
    print("| measurement | calls | p50 ms | p95 ms | p99 ms | calls/s (one process) |\n|---|---|---|---|---|---|")
    pairs = [(rng.randint(low, high), rng.choice(LICENCES)) for _ in range(3000)]
    timed("held_licence_row (warm-up)", [lambda e=e, t=t: lifecycle.held_licence_row(enterprise_id=e, type_code=t)
                                         for e, t in pairs[:300]])
    timed("register query: held licence of a kind for an enterprise (held_licence_row)",
          [lambda e=e, t=t: lifecycle.held_licence_row(enterprise_id=e, type_code=t) for e, t in pairs])
    timed("same as a model for the write paths (held_licence, ORM)",
          [lambda e=e, t=t: lifecycle.held_licence(enterprise_id=e, type_code=t) for e, t in pairs[:1000]])
    mixed = current[:2000] + superseded[:700] + unknown[:300]
    rng.shuffle(mixed)
    timed("verification: current codes", [lambda c=c: _verify(c) for c in current[:2000]])
    timed("verification: superseded codes", [lambda c=c: _verify(c) for c in superseded])
    timed("verification: unknown codes", [lambda c=c: _verify(c) for c in unknown])
    timed("verification: mixed 67/23/10", [lambda c=c: _verify(c) for c in mixed])
    cert = Certificate.objects.select_related("type", "enterprise").filter(number__startswith="L0-").first()
    assert cert is not None
    version = versions.current_version(cert)
    spec = versions._spec(cert, version)
    pdf = render_pdf(spec)
    signing.sign_pdf(pdf, reason="预热", location="运城")

    def sign_licence() -> None:
        signed = signing.sign_pdf(render_pdf(spec), reason="发证", location="山西省运城市")
        assert signing.verify_pdf(signed).valid

    timed("licence PDF: render + sign + verify", [sign_licence for _ in range(40)])
    timed("sign_pdf alone", [lambda: signing.sign_pdf(pdf, reason="发证", location="山西省运城市") for _ in range(40)])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN ANALYZE SELECT id FROM certificates_certificate WHERE enterprise_id = %s AND "
                       "type_id = 1 AND scope_key = '' AND status IN ('valid', 'due_for_review', 'suspended')",
                       [pairs[0][0]])
        print("\n".join(r[0] for r in cursor.fetchall()))


if __name__ == "__main__":
    main()
