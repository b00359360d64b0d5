"""The inspected enterprise's side (issue 13): it sees its own inspections that took place and the documents
addressed to it (现场检查记录, 责令限期整改指令书, 整改复查意见书), never another enterprise's (404), never a task that is
still planned or awaiting approval."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bureau.inspection import services as S
from bureau.inspection.models import Inspection, ResultOutcome
from tests.factories import make_user


def finished(world, enterprise, *, finding: bool = True) -> Inspection:
    """An inspection of `enterprise` by 盐湖区, finished (with one finding: a 责令限期整改指令书)."""
    inspection = S.inspection_open(actor=world.inspector, enterprise=enterprise, kind="random",
                                   officers=[world.inspector, world.inspector2])
    S.inspection_check_in(actor=world.inspector, inspection=inspection)
    for item in inspection.items():
        bad = finding and item.seq == 2
        S.inspection_record_item(actor=world.inspector, inspection=inspection, item=item,
                                 outcome=ResultOutcome.FINDING if bad else ResultOutcome.COMPLIANT,
                                 note="甲醇与氧化剂混存" if bad else "")
    S.inspection_finish(actor=world.inspector, inspection=inspection, summary="检查完毕",
                        deadline=timezone.localdate() + dt.timedelta(days=15) if finding else None)
    inspection.refresh_from_db()
    return inspection


@pytest.fixture
def party(world, general):
    return make_user("qiye_insp", roles=["enterprise"], enterprise=general, real_name="企业 安全员")


def _download(client, document):
    return client.get(f"/documents/{document.pk}/download").status_code


def test_enterprise_lists_its_own_inspections_in_my_inspection_records(world, general, party, login):
    """我的检查记录: the enterprise's inspections that took place, and nothing of another enterprise."""
    own = finished(world, general)
    other = finished(world, world.enterprise(credit_grade="B1"))
    page = login(party).get("/inspection/mine/")
    assert page.status_code == 200
    body = page.content.decode()
    assert own.number in body and other.number not in body
    assert "待签收的执法文书" in body and "责令限期整改指令书" in body


def test_enterprise_opens_its_inspection_page_and_downloads_the_documents_addressed_to_it(world, general, party,
                                                                                       login):
    """The detail page and downloads of the 现场检查记录 and the 责令限期整改指令书 answer 200 to the party."""
    inspection = finished(world, general)
    client = login(party)
    page = client.get(f"/inspection/inspections/{inspection.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "甲醇与氧化剂混存" in body and "现场检查记录" in body and "责令限期整改指令书" in body
    for kind in ("site_record", "rectification_order"):
        assert _download(client, inspection.documents().get(kind=kind)) == 200, kind


def test_another_enterprise_gets_404_for_the_inspection_and_its_documents(world, general, login):
    """Another enterprise's inspection record and order: 404 in the page and the downloads."""
    inspection = finished(world, general)
    stranger = make_user("qiye_other", roles=["enterprise"], enterprise=world.enterprise(credit_grade="B1"))
    client = login(stranger)
    assert client.get(f"/inspection/inspections/{inspection.pk}/").status_code == 404
    for document in inspection.documents():
        assert _download(client, document) == 404, document.kind
    assert inspection.number not in client.get("/inspection/mine/").content.decode()


def test_enterprise_does_not_see_an_inspection_before_it_takes_place(world, general, party, login):
    """A task that is assigned (or awaits the leader's approval) is not announced to the enterprise."""
    assigned = S.inspection_open(actor=world.inspector, enterprise=general, kind="random",
                                 officers=[world.inspector, world.inspector2])
    client = login(party)
    assert client.get(f"/inspection/inspections/{assigned.pk}/").status_code == 404
    assert assigned.number not in client.get("/inspection/mine/").content.decode()
    assert not Inspection.objects.restrict(party).filter(pk=assigned.pk).exists()
    S.inspection_check_in(actor=world.inspector, inspection=assigned)
    assert client.get(f"/inspection/inspections/{assigned.pk}/").status_code == 200


def test_enterprise_still_has_no_officer_screens_or_actions(world, general, party, login):
    """The party sees its record, never the officers' task list or their actions."""
    inspection = finished(world, general)
    client = login(party)
    assert client.get("/inspection/").status_code == 404
    assert client.post(f"/inspection/inspections/{inspection.pk}/recheck/", {"opinion": "x"}).status_code == 404
    body = client.get(f"/inspection/inspections/{inspection.pk}/").content.decode()
    assert "提交复查意见" not in body and "立案" not in body


def test_my_inspection_records_is_in_the_enterprise_menu_and_404_for_officers(world, party, login):
    """The menu names 我的检查记录 for the enterprise; officers keep their own task list."""
    body = login(party).get("/").content.decode()
    assert "我的检查记录" in body
    assert login(world.inspector).get("/inspection/mine/").status_code == 404


def test_my_inspection_records_keeps_its_query_budget(world, general, party, login, django_assert_max_num_queries):
    """The list costs the same number of queries for 1 or 4 inspections (no query per row)."""
    from bureau.kernel.models import RuleParameter
    from bureau.kernel.rules import forget_cached_rules

    RuleParameter.objects.create(key="inspection.general_max_per_year", value=9, description="测试", source="测试",
                                 effective_from=dt.date(2025, 1, 1))
    forget_cached_rules()
    finished(world, general)
    client = login(party)
    client.get("/inspection/mine/")
    with django_assert_max_num_queries(25) as one:
        client.get("/inspection/mine/")
    for _ in range(3):
        finished(world, general, finding=False)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get("/inspection/mine/").status_code == 200
