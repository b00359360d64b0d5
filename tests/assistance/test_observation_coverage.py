"""Measure III.5 (issue 16): every hazardous-chemical producer visits a pilot each year — the coverage is tracked per
year and jurisdiction; the visits go only to pilots the province designated; only the city's producers sign up."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.assistance import services
from bureau.assistance.models import ObservationBatch, ObservationPilot
from bureau.assistance.observation_coverage import coverage_status
from bureau.enterprises.models import EnterpriseStatus
from bureau.kernel.errors import DomainError
from tests.assistance.factories import batch, hazchem_enterprise, held, today
from tests.factories import EnterpriseFactory, make_user

pytestmark = pytest.mark.django_db


def _designate(enterprise, on=None, withdrawn=None):
    return ObservationPilot.objects.create(enterprise=enterprise, designated_on=on or dt.date(today().year - 1, 1, 1),
                                           withdrawn_on=withdrawn, source="测试名单")


@pytest.mark.parametrize(("states", "pilot", "expected"), [
    ((), False, "none"), (("signed_up",), False, "signed_up"), (("absent",), False, "absent"),
    (("absent", "attended"), False, "attended"), (("absent", "signed_up"), False, "signed_up"),
    ((), True, "pilot"), (("attended",), True, "attended")])
def test_coverage_status_counts_a_visit_taken_once_in_the_year(states, pilot, expected):
    assert coverage_status(states, pilot) == expected


def _world():
    pilot = hazchem_enterprise()
    _designate(pilot)
    visited, absent, pending, never = (hazchem_enterprise() for _ in range(4))
    closed = EnterpriseFactory(region_id="140802", industry="hazchem_production", status=EnterpriseStatus.CLOSED)
    trader = EnterpriseFactory(region_id="140802", industry="hazchem_operation")
    elsewhere = hazchem_enterprise(region="140821")
    past = batch(pilot=pilot, capacity=10)
    later = batch(pilot=pilot, capacity=10)
    signups = {}
    for firm, b in ((visited, past), (absent, past), (pending, later), (elsewhere, past)):
        user = make_user(roles=["enterprise"], enterprise=firm)
        signups[firm.pk] = services.observation_signup(actor=user, batch=b, attendees="安全总监")
    held(past)
    return locals()


def test_the_coverage_lists_every_producer_of_the_jurisdiction_with_its_visit(w, login):
    world = _world()
    services.observation_attendance(actor=w.inspector, signup=world["signups"][world["visited"].pk], attended=True)
    services.observation_attendance(actor=w.inspector, signup=world["signups"][world["absent"].pk], attended=False)
    answer = login(w.inspector).get("/api/v1/assistance/observations/coverage")
    assert answer.status_code == 200, answer.content
    data = answer.json()
    status = {row["enterprise_id"]: row["status"] for row in data["items"]}
    assert status == {world["pilot"].pk: "pilot", world["visited"].pk: "attended", world["absent"].pk: "absent",
                      world["pending"].pk: "signed_up", world["never"].pk: "none"}
    # not a producer, closed, or another county's: not in 盐湖区's coverage
    assert not {world["trader"].pk, world["closed"].pk, world["elsewhere"].pk} & set(status)
    assert (data["total"], data["covered"], data["percent"]) == (5, 2, 40.0)
    visited = next(r for r in data["items"] if r["status"] == "attended")
    assert visited["visited_on"] == world["past"].visit_on.isoformat()
    narrowed = login(w.inspector).get("/api/v1/assistance/observations/coverage?status=none").json()
    assert [r["enterprise_id"] for r in narrowed["items"]] == [world["never"].pk] and narrowed["total"] == 5


def test_the_city_sees_every_county_and_another_year_is_empty(w, login):
    world = _world()
    city = login(w.city_leader)
    ids = {r["enterprise_id"] for r in city.get("/api/v1/assistance/observations/coverage").json()["items"]}
    assert world["elsewhere"].pk in ids
    last_year = city.get(f"/api/v1/assistance/observations/coverage?year={today().year - 1}").json()
    assert last_year["covered"] == 1  # the pilot (designated then); nobody visited last year


def test_the_coverage_page_shows_who_has_not_visited_within_budget(w, login, django_assert_max_num_queries):
    world = _world()
    client = login(w.inspector)
    with django_assert_max_num_queries(14):
        page = client.get("/assistance/observations/coverage/")
    text = page.content.decode()
    assert page.status_code == 200 and world["never"].name in text and "未报名" in text
    assert world["elsewhere"].name not in text
    assert client.get("/assistance/observations/coverage/?year=abc").status_code == 400


def test_an_enterprise_does_not_read_the_coverage(w, login):
    assert login(w.owner).get("/api/v1/assistance/observations/coverage").status_code == 403
    assert login(w.owner).get("/assistance/observations/coverage/").status_code == 404


def test_a_batch_goes_only_to_a_pilot_the_province_designated(w):
    plain = hazchem_enterprise()
    visit = today() + dt.timedelta(days=20)
    args = {"title": "第二批", "visit_on": visit, "mode": "on_site", "capacity": 10,
            "signup_closes_on": today() + dt.timedelta(days=10)}
    with pytest.raises(DomainError) as refused:
        services.observation_batch_create(actor=w.inspector, pilot=plain, **args)
    assert refused.value.field == "pilot" and "试点企业" in refused.value.message
    withdrawn = hazchem_enterprise()
    _designate(withdrawn, withdrawn=today())
    with pytest.raises(DomainError):
        services.observation_batch_create(actor=w.inspector, pilot=withdrawn, **args)
    _designate(plain)
    made = services.observation_batch_create(actor=w.inspector, pilot=plain, **args)
    assert ObservationBatch.objects.filter(pk=made.pk, pilot=plain).exists()


def test_a_closed_producer_and_the_pilot_itself_do_not_sign_up(w):
    pilot = hazchem_enterprise()
    b = batch(pilot=pilot, capacity=10)
    closed = EnterpriseFactory(region_id="140802", industry="hazchem_production", status=EnterpriseStatus.CLOSED)
    for firm, words in ((closed, "关闭注销"), (pilot, "试点企业")):
        with pytest.raises(DomainError, match=words):
            services.observation_signup(actor=make_user(roles=["enterprise"], enterprise=firm), batch=b,
                                        attendees="张三")


def test_the_api_signs_up_and_records_attendance_from_the_visit_day(w, login):
    b = batch(pilot=hazchem_enterprise(), capacity=10)
    producer = make_user(roles=["enterprise"], enterprise=hazchem_enterprise())
    made = login(producer).post(f"/api/v1/assistance/observations/{b.pk}/signups", {"attendees": "张三"},
                                content_type="application/json")
    assert made.status_code == 201, made.content
    signup_id = made.json()["id"]
    early = login(w.inspector).post(f"/api/v1/assistance/observations/signups/{signup_id}/attendance",
                                    {"attended": True}, content_type="application/json")
    assert early.status_code in (400, 403) and "观摩前不能登记出勤" in early.json()["detail"]
    held(b)
    done = login(w.inspector).post(f"/api/v1/assistance/observations/signups/{signup_id}/attendance",
                                   {"attended": True}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "attended"
    other = login(w.other_inspector).post(f"/api/v1/assistance/observations/signups/{signup_id}/attendance",
                                          {"attended": False}, content_type="application/json")
    assert other.status_code == 404
    trader = make_user(roles=["enterprise"], enterprise=EnterpriseFactory(industry="hazchem_operation"))
    refused = login(trader).post(f"/api/v1/assistance/observations/{b.pk}/signups", {"attendees": "李四"},
                                 content_type="application/json")
    assert refused.status_code == 400 and "危险化学品生产" in refused.json()["detail"]
