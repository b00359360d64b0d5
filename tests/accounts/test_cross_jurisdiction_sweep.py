"""Scope (issue 13 item 5): another jurisdiction's record answers 404 — generated from the declarations. The demo
data set is the ground (its loader's own rules are checked first: every area loads, a second run reuses it).

On the demo data set, for every record kind that declares its authority, one record of one county is requested by
users of another county in each kind of role (staff, the enterprise, experts, agencies, departments, individuals):
- the record is not in `Model.objects.restrict(user)`;
- every page declared `acts_on` that kind and taking its id (GET and an empty POST) answers 403/404/405 or a
  redirect that changed nothing;
- every API operation of the kind's data set taking an id answers 403/404;
- every document and attachment of the record answers 404 on download;
- the kind's exports do not contain the record's number.
Nothing may change: the audit trail has no new entry.
"""

from __future__ import annotations

import functools
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from bureau.accounts.authority import authority_of, declared_models
from bureau.accounts.models import Organisation, OrganisationKind
from bureau.accounts.roles import OFFICERS, STAFF_ROLES
from bureau.enterprises.models import Enterprise
from bureau.kernel.models import AuditEntry, DemoLoad
from bureau.kernel.registry import registry
from tests.factories import OrganisationFactory, make_user, skip_pdf_rendering, valid_id_number
from tests.urlwalk import url_patterns

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]




@functools.cache
def _pages_for(label: str) -> list[str]:
    """Routes of pages declared to act on `label` whose only parameter is that record's id."""
    routes = []
    for route, namespace, view in url_patterns():
        declared = getattr(view, "bureau_acts_on", None)
        if not declared or "api" in namespace or declared[0][0] != label:
            continue
        params = re.findall(r"<(?:\w+:)?(\w+)>", route)
        if params == ["pk"]:
            routes.append(route)
    return routes


def _region_of(record: object, path: str | None) -> str | None:
    if path is None:
        return None
    value: object = record
    for part in path.replace("_id", "").split("__") if path.endswith("_id") else path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return getattr(value, "pk", value)  # type: ignore[return-value]


def _foreign_users(region: str, n: int) -> dict[str, Client]:
    """A signed-in client per kind of role, none of whom has anything to do with `region`."""
    county = Organisation.objects.filter(kind=OrganisationKind.COUNTY_BUREAU).exclude(region_id=region).first()
    enterprise = Enterprise.objects.exclude(region_id=region).exclude(region_id=county.region_id).first()
    others = {
        "agency": OrganisationFactory(code=f"SWEEP-AG{n}", name="某安全评价机构", kind=OrganisationKind.AGENCY,
                                      region_id=None),
        "department": OrganisationFactory(code=f"SWEEP-DP{n}", name="某协同部门", kind=OrganisationKind.DEPARTMENT,
                                          region_id=None),
    }
    users = {
        # every officer's role at once: the most a foreign county's staff could hold (each role's own query is
        # checked separately below, without HTTP)
        "county staff": make_user(f"sweep_staff{n}", roles=sorted(OFFICERS), organisation=county),
        "enterprise": make_user(f"sweep_enterprise{n}", roles=["enterprise"], enterprise=enterprise),
        "expert": make_user(f"sweep_expert{n}", roles=["expert"]),
        "agency": make_user(f"sweep_agency{n}", roles=["agency"], organisation=others["agency"]),
        "department": make_user(f"sweep_department{n}", roles=["department"], organisation=others["department"]),
        "individual": make_user(f"sweep_individual{n}", roles=["individual"], id_number=valid_id_number("140881")),
    }
    for code in sorted(STAFF_ROLES - OFFICERS):  # administrators and auditors of the foreign county
        users[code] = make_user(f"sweep_{code}{n}", roles=[code], organisation=county)
    clients = {}
    for kind, user in users.items():
        client = Client()
        client.force_login(user, backend="bureau.accounts.backends.LockoutModelBackend")
        clients[kind] = client
    return clients


def test_demo_data_loads_every_area_reuses_itself_and_leaks_nothing_across_jurisdictions(monkeypatch):
    """Two rules on one loaded demo data set (loading it is the expensive part): `make run` loads the demo data
    (every area adds its records) and reuses it when run again; and the sweep described above finds 0 leaks.
    The demo's documents are stored without running the PDF engine (a fifth of the load; the PDFs are tested
    where they are made)."""
    skip_pdf_rendering(monkeypatch)
    out = io.StringIO()
    call_command("demo_load", stdout=out)
    loaded = set(DemoLoad.objects.values_list("name", flat=True))
    assert loaded == {loader.name for loader in registry.demo}
    enterprises = Enterprise.objects.count()
    assert enterprises >= 250 and "Yc@2026demo" in out.getvalue()
    call_command("demo_load", stdout=io.StringIO())
    assert Enterprise.objects.count() == enterprises and DemoLoad.objects.count() == len(loaded)

    leaks: list[str] = []
    requests = 0
    checked_kinds = 0
    clients_by_region: dict[str, dict[str, Client]] = {}
    api_schema = Client().get("/api/openapi.json").json()
    for model in declared_models():
        auth = authority_of(model)
        if auth.public or auth.region is None:
            continue
        record = model._default_manager.exclude(**{auth.region: "140800"}).order_by("pk").first()
        if record is None:
            continue
        region = str(_region_of(record, auth.region))
        if region not in clients_by_region:
            clients_by_region[region] = _foreign_users(region, len(clients_by_region))
        clients = clients_by_region[region]
        label = model._meta.label
        checked_kinds += 1
        version = getattr(record, "version", None)
        before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for kind, client in clients.items():
            user = _user_of(client)
            if model._default_manager.restrict(user).filter(pk=record.pk).exists():
                leaks.append(f"{label} #{record.pk} in restrict() of {kind}")
            for route in _pages_for(label):
                url = "/" + route.replace("<id:pk>", str(record.pk)).replace("<int:pk>", str(record.pk))
                for method in ("get", "post"):
                    answer = getattr(client, method)(url)
                    requests += 1
                    if answer.status_code not in (302, 403, 404, 405):
                        leaks.append(f"{method.upper()} {url} as {kind}: {answer.status_code}")
            for path, operations in api_schema["paths"].items():
                params = re.findall(r"{(\w+)}", path)
                get = operations.get("get")
                if len(params) != 1 or not params[0].endswith("id") or get is None or not _api_serves(path, auth.dataset):
                    continue
                answer = client.get(path.replace("{" + params[0] + "}", str(record.pk)))
                requests += 1
                if answer.status_code == 200 and _another_kind_answers(user, model, auth.dataset, record.pk):
                    continue  # the operation serves another kind of the data set, whose record of that id is the user's
                if answer.status_code not in (401, 403, 404):
                    leaks.append(f"API {path} as {kind}: {answer.status_code}")
            for download in _downloads(record):
                answer = client.get(download)
                requests += 1
                if answer.status_code != 404:
                    leaks.append(f"{download} of {label} as {kind}: {answer.status_code}")
            number = getattr(record, "number", None)
            for export in _exports_for(label):
                answer = client.get("/" + export)
                requests += 1
                if answer.status_code == 200 and number and _xlsx_contains(answer, str(number)):
                    leaks.append(f"export {export} as {kind} contains {number}")
        written = list(AuditEntry.objects.filter(pk__gt=before).exclude(action__endswith="export")
                       .values_list("action", flat=True))  # an export is audited even when it finds nothing
        if written:
            leaks.append(f"requests about {label} #{record.pk} changed something: {written}")
        if version is not None:
            record.refresh_from_db()
            if record.version != version:
                leaks.append(f"{label} #{record.pk} changed by a foreign user")
    assert not leaks, "\n".join(leaks)
    assert checked_kinds >= 25 and requests >= 1000, (checked_kinds, requests)
    print(f"swept {checked_kinds} record kinds with {requests} requests")


def _user_of(client: Client):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


def _another_kind_answers(user, model, dataset: str, pk: int) -> bool:
    """Whether a record of another kind of the same data set has this id and is the user's to see: the operations of
    a data set are tried with the swept record's id, and ids of different tables coincide (on PostgreSQL they are not
    reset between tests), so an operation of another kind may rightly answer."""
    return any(other is not model and authority_of(other).dataset == dataset
               and other._default_manager.restrict(user).filter(pk=pk).exists()
               for other in declared_models())


@functools.cache
def _api_serves(path: str, dataset: str) -> bool:
    """Whether the API operation at `path` (as the schema names it) belongs to `dataset`."""
    import importlib

    from django.apps import apps

    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.api")
        except ImportError:
            continue
        for prefix, router, _dataset in getattr(module, "routers", []):
            for route, path_view in router.path_operations.items():
                if f"/api/{prefix}{route}".rstrip("/") == path.rstrip("/"):
                    return any(getattr(op.view_func, "bureau_dataset", None) == dataset
                               for op in path_view.operations)
    return False


def _downloads(record: object) -> list[str]:
    urls = []
    for getter in ("documents", "attachments"):
        method = getattr(record, getter, None)
        if method is None:
            continue
        for item in method()[:3]:
            urls.append(f"/{'documents' if getter == 'documents' else 'attachments'}/{item.pk}/download")
    return urls


@functools.cache
def _exports_for(label: str) -> list[str]:
    return [route for route, namespace, view in url_patterns()
            if getattr(view, "bureau_acts_on", None) and view.bureau_acts_on[0][0] == label
            and route.endswith(".xlsx") and "<" not in route]


def _xlsx_contains(answer, text: str) -> bool:
    book = load_workbook(io.BytesIO(b"".join(answer.streaming_content) if answer.streaming else answer.content),
                         read_only=True)
    return any(text in str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
               for cell in row if cell is not None)
