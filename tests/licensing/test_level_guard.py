"""The level rule is declared on the workflow (issue 13): city items are handled at the city bureau, county items at
the county bureau of the enterprise's region (licensing.workflow.own_level on every officer transition). The page
shows no buttons to an officer of another level, and the same rule refuses the POST."""

from __future__ import annotations

import pytest

from bureau.accounts.authority import actions_for, may
from bureau.licensing import services as s
from bureau.licensing.models import Application
from bureau.licensing.workflow import WORKFLOW, own_level
from tests.licensing.conftest import application_submit, files_for

pytestmark = pytest.mark.django_db


def submit(w, code, user):
    item = w.items[code]
    return application_submit(actor=user, item=item, files=files_for(item))


def test_county_officer_sees_no_action_buttons_on_a_city_level_application_and_the_post_is_refused(world, login):
    """盐湖区's officer sees the city-level application of a 盐湖区 enterprise (its region) but may not handle it:
    no 办理 card, and accepting by POST is refused with nothing changed."""
    app = submit(world, "hazchem_operation", world.qiye)
    assert app.level == "city"
    client = login(world.yanhu_officer)
    page = client.get(f"/licensing/{app.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="actions"' not in body and "/act/accept/" not in body
    r = client.post(f"/licensing/{app.pk}/act/accept/", {"version": app.version}, follow=True)
    assert "该事项由市局办理，您无权办理" in r.content.decode()
    app.refresh_from_db()
    assert app.state == "submitted"
    assert actions_for(world.yanhu_officer, app) == []
    assert may(world.yanhu_officer, app, "accept") == "该事项由市局办理，您无权办理"


def test_city_officer_sees_the_buttons_of_a_city_level_application(world, login):
    """The officer of the right level keeps the buttons (the guard does not hide too much)."""
    app = submit(world, "hazchem_operation", world.qiye)
    body = login(world.officer).get(f"/licensing/{app.pk}/").content.decode()
    assert 'id="actions"' in body and f"/licensing/{app.pk}/act/accept/" in body


def test_city_officer_sees_no_buttons_on_a_county_level_application_and_the_county_officer_does(world, login):
    """A county item (烟花爆竹零售) is handled by the county bureau of the enterprise's region, not the city."""
    app = submit(world, "fireworks_retail", world.qiye_other)
    assert app.level == "county" and app.region_id == "140821"
    assert 'id="actions"' not in login(world.officer).get(f"/licensing/{app.pk}/").content.decode()
    with pytest.raises(s.DomainError, match="所在县级应急管理局"):
        s.application_accept(actor=world.officer, application=app)
    body = login(world.county_officer).get(f"/licensing/{app.pk}/").content.decode()
    assert f"/licensing/{app.pk}/act/accept/" in body
    s.application_accept(actor=world.county_officer, application=app)
    assert Application.objects.get(pk=app.pk).state == "review"


def test_every_officer_transition_declares_the_level_guard_first():
    """The rule is in the declaration (and so in the authority matrix), not in a private check."""
    staff = {"licensing_officer", "clerk", "leader", "section_head"}
    for t in WORKFLOW.transitions:
        if t.roles & staff:
            assert t.guards and t.guards[0] is own_level, t.action
        else:
            assert own_level not in t.guards, t.action
    assert (own_level.__doc__ or "").splitlines()[0].startswith("办理人员属于该事项的审批层级")


def test_officer_lists_are_declared_for_their_roles_and_all_applications_is_restricted(world, login):
    """Rule (issue 13: one mechanism): the officers' queue, the leaders' approvals and the departments' list are
    declared with for_roles (404 to anyone else); the enterprise's own list is for the enterprise; 全部办件 is what
    Application.authority lets the user see (an enterprise its own, another county nothing of this one)."""
    app = submit(world, "hazchem_operation", world.qiye)
    enterprise = login(world.qiye)
    for url in ("/licensing/queue/", "/licensing/approvals/", "/licensing/department/"):
        assert enterprise.get(url).status_code == 404, url
    assert app.number in enterprise.get("/licensing/mine/").content.decode()
    assert app.number in enterprise.get("/licensing/all/").content.decode()
    assert login(world.officer).get("/licensing/mine/").status_code == 404
    assert app.number not in login(world.county_officer).get("/licensing/all/").content.decode()
    assert app.number in login(world.officer).get("/licensing/queue/").content.decode()
