"""The API's error contract: every id and number is bounded (out of range answers 400, never 500), control
characters are refused with the field named, and the OpenAPI schema documents every error answer."""

from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import urlencode

import pytest

from bureau.accounts.services import api_token_issue
from bureau.accounts.tokens import scope_catalogue
from bureau.hazards.models import Hazard
from bureau.kernel.validation import MAX_ID
from tests.factories import city_bureau, make_user
from tests.hazards.factories import hazard, today, world

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # 20 digits: past 2^63−1, SQLite's and PostgreSQL's largest integer


@pytest.fixture
def staff_client(client):
    """A city-level staff user signed in, also holding a bearer token for the machine-only routers."""
    staff = make_user("api_staff", roles=["inspector", "section_head", "leader", "licensing_officer", "sysadmin"],
                      organisation=city_bureau())
    client.force_login(staff, backend="bureau.accounts.backends.LockoutModelBackend")
    _token, raw = api_token_issue(actor=None, user=staff, name="契约测试", scopes=sorted(scope_catalogue()))
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


def _schema(client):
    return client.get("/api/openapi.json").json()


def _integer_options(schema: dict) -> list[dict]:
    return [o for o in [schema, *schema.get("anyOf", [])] if o.get("type") in ("integer", "number")]


def test_the_three_reported_urls_answer_400_not_500(login):
    w = world()
    client = login(w.inspector)
    r = client.get(f"/api/v1/hazards?enterprise={HUGE}")
    assert r.status_code == 400 and r.json()["code"] == "invalid" and "enterprise" in r.json()["detail"]
    for url in (f"/hazards/?enterprise={HUGE}", f"/hazards/risks/?enterprise={HUGE}"):
        r = client.get(url)
        assert r.status_code == 400 and "企业应在 1 至" in r.content.decode()
    r = client.get("/hazards/?enterprise=abc")
    assert r.status_code == 400 and "企业应为整数" in r.content.decode()


def test_every_integer_parameter_and_body_field_is_bounded_in_the_schema(client):
    schema = _schema(client)
    unbounded = []
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            for p in op.get("parameters", []):
                for o in _integer_options(p["schema"]):
                    if "maximum" not in o or "minimum" not in o:
                        unbounded.append(f"{method} {path} {p['name']}")
    for name, component in schema["components"]["schemas"].items():
        if not (name.endswith(("In", "Filter", "Form", "Paging")) or "Body" in name):
            continue
        for prop, definition in component.get("properties", {}).items():
            for o in _integer_options(definition):
                if "maximum" not in o:
                    unbounded.append(f"{name}.{prop}")
    assert unbounded == []


def test_every_out_of_range_integer_answers_400_naming_it(staff_client):
    """Walks every operation: each integer parameter (path or query) and each integer field of a JSON body,
    set one past its maximum, is refused by validation (400, code invalid, the field named) — none reaches the
    database."""
    schema = _schema(staff_client)
    components = schema["components"]["schemas"]
    checked = 0
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            targets = [(p["in"], p["name"], _integer_options(p["schema"])) for p in op.get("parameters", [])]
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            if "$ref" in body:
                component = components[body["$ref"].rsplit("/", 1)[1]]
                targets += [("body", name, _integer_options(d)) for name, d in component["properties"].items()]
            for where, name, options in targets:
                if not options or options[0].get("type") != "integer":
                    continue
                too_big = options[0]["maximum"] + 1
                in_path = name if where == "path" else None
                url = re.sub(r"{(\w+)}", lambda m, n=in_path, v=too_big: str(v) if m[1] == n else "1", path)
                query = urlencode({name: too_big}) if where == "query" else ""
                payload = json.dumps({name: too_big} if where == "body" else {})
                r = staff_client.generic(method.upper(), f"{url}?{query}", data=payload,
                                         content_type="application/json")
                assert r.status_code == 400, (method, path, name, r.status_code, r.content[:300])
                answer = r.json()
                assert answer["code"] == "invalid" and name in answer["detail"], (method, path, name, answer)
                checked += 1
    assert checked >= 50  # ids in paths, paging, enterprise filters, body ids and versions


def test_a_path_id_within_range_that_names_nothing_answers_404(staff_client):
    r = staff_client.get(f"/api/v1/hazards/{MAX_ID}")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert staff_client.get("/api/v1/hazards/0").status_code == 400


def test_the_schema_documents_every_error_answer_with_its_body(client):
    schema = _schema(client)
    body = schema["components"]["schemas"]["ErrorBody"]
    assert set(body["required"]) == {"detail", "code"} and {"field", "errors"} <= body["properties"].keys()
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            expected = {"400", "404", "409", "429"} | ({"401", "403"} if op.get("security") else set())
            responses = op["responses"]
            assert expected <= responses.keys(), (method, path)
            for code in expected:
                content = responses[code]["content"]["application/json"]["schema"]
                assert content == {"$ref": "#/components/schemas/ErrorBody"}, (method, path, code)
            assert "Retry-After" in responses["429"]["headers"], (method, path)
    public = schema["paths"]["/api/v1/certificates/verify/{code}"]["get"]
    assert "security" not in public and "401" not in public["responses"]


def test_control_characters_are_refused_in_body_query_and_path_naming_the_field(login):
    w = world()
    client = login(w.owner)
    post = lambda body: client.post("/api/v1/hazards", json.dumps(body), content_type="application/json")  # noqa: E731
    base = {"title": "消防通道堵塞", "found_on": today().isoformat()}
    for field, value in (("title", "消防\x07通道"), ("title", "消防\n通道"), ("location", "一号\u2028库房"),
                         ("description", "描述\x00"), ("description", "描述\x85")):
        r = post({**base, field: value})
        assert r.status_code == 400 and field in r.json()["detail"] and "控制字符" in r.json()["detail"], (field, r.json())
    assert Hazard.objects.count() == 0
    r = post({**base, "description": "第一行\r\n第二行\t完"})  # a multi-line field keeps its line breaks and tabs
    assert r.status_code == 201, r.json()
    assert Hazard.objects.get().description == "第一行\r\n第二行\t完"
    r = client.get("/api/v1/hazards", {"q": "通道\x00"})
    assert r.status_code == 400 and r.json()["field"] == "q" and "U+0000" in r.json()["detail"]
    r = client.get("/api/v1/certificates/verify/ab%01cd")
    assert r.status_code == 400 and r.json()["field"] == "code"


def test_found_on_date_is_bounded_and_the_number_takes_the_registration_year(login):
    w = world()
    client = login(w.owner)
    post = lambda found_on: client.post("/api/v1/hazards", json.dumps({"title": "配电箱未接地", "found_on": found_on}),  # noqa: E731
                                        content_type="application/json")
    r = post("0047-03-01")  # the reported case: year 47 gave hazard number YH47000001
    assert r.status_code == 400 and "found_on" in r.json()["detail"]
    r = post("2001-12-31")  # within the calendar's range, before the rule kernel.earliest_event_date
    assert r.status_code == 400 and r.json()["code"] == "date_too_early" and "2002-11-01" in r.json()["detail"]
    r = post((today() + dt.timedelta(days=1)).isoformat())
    assert r.status_code == 400 and r.json()["code"] == "date_in_future"
    assert Hazard.objects.count() == 0
    last_year = today().replace(year=today().year - 1, day=1).isoformat()
    r = post(last_year)
    assert r.status_code == 201 and r.json()["number"].startswith(f"YH{today().year}")
    h = hazard(w)
    assert h.number.startswith(f"YH{today().year}")
