"""Public service guide and progress lookup (no login), and the JSON API driving the same steps."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from bureau.licensing import services as s
from bureau.licensing.models import Application
from tests.certificates.factories import licence
from tests.licensing.conftest import application_submit, files_for, form_for, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def submit(w, code="hazchem_operation"):
    item = w.items[code]
    return application_submit(actor=w.qiye, item=item, files=files_for(item))


def test_guide_lists_every_item_without_login(world, client):
    page = client.get("/licensing/guide/").content.decode()
    for item in world.items.values():
        assert item.name in page
    detail = client.get("/licensing/guide/hazchem_operation/").content.decode()
    assert "不收费" in detail and "危险化学品安全管理条例" in detail and "营业执照" in detail


def test_progress_lookup_with_number_and_check_code(world, client):
    app = submit(world)
    ok = client.post("/licensing/progress/", {"number": app.number, "code": app.check_code}).content.decode()
    assert "待受理" in ok and app.item.name in ok


def test_wrong_code_and_unknown_number_answer_the_same(world, client):
    app = submit(world)
    wrong = client.post("/licensing/progress/", {"number": app.number, "code": "000000" if app.check_code != "000000"
                                                 else "111111"}).content.decode()
    unknown = client.post("/licensing/progress/", {"number": "YCXK2026999999", "code": "123456"}).content.decode()
    assert "未查询到办件" in wrong and "未查询到办件" in unknown
    assert app.item.name not in wrong


def test_progress_lookup_is_rate_limited_per_address(world, client):
    """Failed lookups from one address, whatever the numbers: the 11th waits (429 + Retry-After), a right pair too."""
    for i in range(10):
        client.post("/licensing/progress/", {"number": f"X{i}", "code": "1"})
    app = submit(world)
    response = client.post("/licensing/progress/", {"number": app.number, "code": app.check_code})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "查询过于频繁" in response.content.decode() and app.item.name not in response.content.decode()


def test_progress_lookup_is_rate_limited_per_number_from_any_address(world, client):
    """Failures are also keyed per looked-up number: many addresses cannot try codes for one application."""
    app = submit(world)
    for i in range(5):
        other = client.__class__(REMOTE_ADDR=f"10.0.1.{i}")
        assert other.post("/licensing/progress/", {"number": app.number, "code": "bad"}).status_code == 200
    fresh = client.__class__(REMOTE_ADDR="10.0.2.1")
    refused = fresh.post("/licensing/progress/", {"number": app.number, "code": app.check_code})
    assert refused.status_code == 429
    api = fresh.get("/api/v1/licensing/public/progress", {"number": app.number, "code": app.check_code})
    assert api.status_code == 429 and api["Retry-After"] and "查询过于频繁" in api.json()["detail"]


def test_progress_lookup_behind_a_trusted_proxy_limits_the_client_not_the_proxy(world, client, settings):
    """Behind nginx every request comes from 127.0.0.1: the client address is taken from X-Forwarded-For, written
    by a proxy in TRUSTED_PROXIES, so one guesser does not block every citizen; an untrusted sender's header is
    ignored."""
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    app = submit(world)
    for i in range(10):
        client.post("/licensing/progress/", {"number": f"X{i}", "code": "1"}, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert client.post("/licensing/progress/", {"number": app.number, "code": app.check_code},
                       HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    citizen = client.post("/licensing/progress/", {"number": app.number, "code": app.check_code},
                          HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert citizen.status_code == 200 and app.item.name in citizen.content.decode()
    spoofer = client.__class__(REMOTE_ADDR="203.0.113.5")  # not a trusted proxy: its header is not believed
    assert spoofer.post("/licensing/progress/", {"number": app.number, "code": app.check_code},
                        HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429


def test_successful_lookups_do_not_count_against_the_address(world, client):
    """Only failed attempts are limited (guessing a check code); an office behind one address may follow its own
    applications as often as it likes, and the API shares the same counter."""
    app = submit(world)
    for _ in range(15):
        page = client.post("/licensing/progress/", {"number": app.number, "code": app.check_code}).content.decode()
        assert app.item.name in page
    for i in range(9):
        assert client.get("/api/v1/licensing/public/progress", {"number": f"N{i}", "code": "x"}).status_code == 404
    assert client.get("/api/v1/licensing/public/progress",
                      {"number": app.number, "code": app.check_code}).status_code == 200
    client.post("/licensing/progress/", {"number": "X", "code": "1"})  # the tenth failure
    r = client.get("/api/v1/licensing/public/progress", {"number": app.number, "code": app.check_code})
    assert r.status_code == 429 and "查询过于频繁" in r.json()["detail"]


def test_api_public_items_and_progress(world, client):
    items = client.get("/api/v1/licensing/public/items").json()
    assert {i["code"] for i in items} >= {"aqsc_first", "coal_capacity_increase"}
    app = submit(world)
    r = client.get("/api/v1/licensing/public/progress", {"number": app.number, "code": "bad"})
    assert r.status_code == 404 and "未查询到办件" in r.json()["detail"]


def test_api_submit_is_idempotent_and_officer_accepts(world, login):
    client = login(world.qiye)
    item = world.items["hazchem_operation"]
    for _ in range(2):
        data = {"item_code": item.code, "idempotency_key": "api-1",
                "form": json.dumps(form_for(item, world.enterprise), ensure_ascii=False),
                **{f"material_{k}": v for k, v in files_for(item).items()}}
        r = client.post("/api/v1/licensing/applications", data)
        assert r.status_code == 201, r.content
    assert Application.objects.count() == 1
    app_id = r.json()["id"]
    officer = login(world.officer)
    r = officer.post(f"/api/v1/licensing/applications/{app_id}/accept", {"note": "ok"},
                     content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "review"
    assert any(d["kind"] == "acceptance_notice" for d in r.json()["documents"])
    r = officer.post(f"/api/v1/licensing/applications/{app_id}/accept", {"note": "ok"},
                     content_type="application/json")
    assert r.status_code == 400 and "不能执行" in r.json()["detail"]


def test_api_tampered_locked_field_and_bad_file(world, login):
    client = login(world.qiye)
    item = world.items["hazchem_operation"]
    r = client.post("/api/v1/licensing/applications", {"item_code": item.code, "claimed_uscc": "91140000000000000X"})
    assert r.status_code == 400 and r.json()["code"] == "locked_field"
    r = client.post("/api/v1/licensing/applications", {"item_code": item.code, "material_999999": pdf()})
    assert r.status_code == 400


def test_api_scope_other_county_is_404_and_list_is_scoped(world, login, django_assert_max_num_queries):
    app = submit(world)
    assert login(world.county_officer).get(f"/api/v1/licensing/applications/{app.pk}").status_code == 404
    client = login(world.qiye)
    with django_assert_max_num_queries(8):
        r = client.get("/api/v1/licensing/applications")
    assert [a["number"] for a in r.json()["items"]] == [app.number]
    assert login(world.qiye_other).get("/api/v1/licensing/applications").json()["items"] == []


def test_api_commitment_sign_and_stale_version_conflict(world, login):
    item = world.items["hazchem_operation"]
    app = application_submit(actor=world.qiye, item=item, files=files_for(item, frozenset({"tolerable"})))
    officer = login(world.officer)
    r = officer.post(f"/api/v1/licensing/applications/{app.pk}/accept-tolerated",
                     {"version": app.version + 5}, content_type="application/json")
    assert r.status_code == 409
    r = officer.post(f"/api/v1/licensing/applications/{app.pk}/accept-tolerated", {"version": app.version},
                     content_type="application/json")
    assert r.status_code == 200 and r.json()["commitment"]["status"] == "unsigned"
    deadline = r.json()["commitment"]["latest_deadline"]
    r = login(world.qiye).post(f"/api/v1/licensing/applications/{app.pk}/commitment/sign",
                               {"deadline": deadline, "preventive_measures": "措施", "rectification_plan": "计划"},
                               content_type="application/json")
    assert r.status_code == 200 and r.json()["commitment"]["status"] == "signed"


def test_openapi_documents_the_licensing_steps(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for p in ["/api/v1/licensing/applications", "/api/v1/licensing/applications/{application_id}/grant",
              "/api/v1/licensing/applications/{application_id}/commitment/sign",
              "/api/v1/licensing/applications/{application_id}/opinions/{opinion_id}"]:
        assert p in paths


def test_indicators_report_none_without_data_and_values_with_data(world):
    import datetime as dt

    from bureau.kernel.registry import IndicatorQuery
    from bureau.licensing.hooks import indicators

    q = IndicatorQuery(start=dt.date(2000, 1, 1), end=dt.date(2000, 12, 31))
    values = {i.code: i.value for i in indicators(q)}
    assert values["licensing.on_time_rate"] is None and values["licensing.commitments_kept"] is None
    licence(world.enterprise, valid_from=s.today())
    app = submit(world, "hazchem_operation_change")
    s.application_decide_instant(actor=world.officer, application=app)
    today = s.today()
    values = {i.code: i.value for i in indicators(IndicatorQuery(start=today, end=today))}
    assert values["licensing.online_share"] == 100.0 and values["licensing.on_time_rate"] == 100.0
    assert values["licensing.avg_handling_days"] == 0.0
    assert 0 < values["licensing.promised_vs_statutory"] < 100


def test_api_parallel_review_and_expert_pause(world, login):
    item = world.items["coal_capacity_increase"]
    app = application_submit(actor=world.qiye_coal, item=item, files=files_for(item))
    officer = login(world.officer)
    r = officer.post(f"/api/v1/licensing/applications/{app.pk}/accept", {}, content_type="application/json")
    energy_row = next(o for o in r.json()["opinions"] if o["organisation"] == "运城市能源局")
    r = officer.post(f"/api/v1/licensing/applications/{app.pk}/expert-review/start", {"note": "组织评审"},
                     content_type="application/json")
    assert r.json()["state"] == "expert_review"
    energy = login(world.energy_user)
    assert [a["number"] for a in energy.get("/api/v1/licensing/applications").json()["items"]] == [app.number]
    r = energy.post(f"/api/v1/licensing/applications/{app.pk}/opinions/{energy_row['id']}",
                    {"conclusion": "agree", "text": "同意核增"}, content_type="application/json")
    assert r.status_code == 200
    assert next(o for o in r.json()["opinions"] if o["id"] == energy_row["id"])["conclusion"] == "agree"
    r = energy.post(f"/api/v1/licensing/applications/{app.pk}/grant", {}, content_type="application/json")
    assert r.status_code in {400, 403}
