"""Every list page of proactive service renders for the roles that use it, within a query budget, and refuses the
roles that do not."""

from __future__ import annotations

import pytest

from bureau.assistance import services
from tests.assistance.factories import agency, batch, course, expert, hazchem_enterprise, park
from tests.factories import make_user
from tests.hazards.factories import world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/assistance/experts/", "/assistance/parks/", "/assistance/agencies/",
                                  "/assistance/courses/", "/assistance/observations/", "/assistance/first-use/",
                                  "/assistance/spot-checks/"])
def test_staff_list_pages_render_within_budget(path, login, django_assert_max_num_queries):
    w = world()
    expert("甲", conflicts=(w.enterprise,))
    park("140802")
    agency()
    course()
    b = batch(pilot=hazchem_enterprise())
    producer = make_user(roles=["enterprise"], enterprise=hazchem_enterprise())  # measure III.5: 危化生产企业
    services.observation_signup(actor=producer, batch=b, attendees="李丽")
    client = login(w.inspector)
    with django_assert_max_num_queries(16):
        r = client.get(path)
    assert r.status_code == 200


@pytest.mark.parametrize("path", ["/assistance/experts/", "/assistance/parks/", "/assistance/agencies/"])
def test_enterprise_users_cannot_open_bureau_registers(path, login):
    assert login(world().owner).get(path).status_code == 404


def test_enterprise_sees_courses_observations_and_its_checkups(login):
    w = world()
    course()
    client = login(w.owner)
    for path in ("/assistance/courses/", "/assistance/observations/", "/assistance/checkups/",
                 "/assistance/first-use/"):
        assert client.get(path).status_code == 200


def test_the_public_agency_registry_renders_within_budget_however_many_agencies(client, django_assert_max_num_queries):
    """The portal's registry reads the agencies, their business fields and their credit scores in a fixed number of
    queries (no query per agency)."""
    agency()
    with django_assert_max_num_queries(6):
        r = client.get("/assistance/public/agencies/")
    assert r.status_code == 200 and len(r.context["agencies"]) == 1


def test_the_expert_pool_api_lists_within_budget(login, django_assert_max_num_queries):
    w = world()
    for n in range(4):
        expert(f"专家{n}", conflicts=(w.enterprise,))
    client = login(w.inspector)
    with django_assert_max_num_queries(12):
        r = client.get("/api/v1/assistance/experts")
    assert r.status_code == 200 and len(r.json()) == 4
