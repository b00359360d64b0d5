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
                                  "/assistance/courses/", "/assistance/observations/", "/assistance/first-use/"])
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
