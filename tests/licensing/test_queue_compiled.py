"""Issue 18: the officer's queue (page and API) reads its page by a query compiled once per scope, filters and page
(kernel/prepared.py `PreparedValues`, `queries.officer_queue_key`): every officer gets exactly the rows the ORM
gives them, never the rows of a query compiled for another jurisdiction."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from bureau.kernel.paging import paginate, paginate_compiled
from bureau.licensing import queries
from bureau.licensing.views import LIST_VALUES
from tests.licensing.conftest import application_submit, files_for

pytestmark = pytest.mark.django_db


def test_each_officer_gets_the_orm_rows_of_their_own_queue(world):
    """Rule (authority: scope; 行政许可法 第32条 queue by level and jurisdiction): the compiled queue page equals the
    ORM's for every officer and filter, asked in turn so that a shape kept for one officer is there for the next."""
    application_submit(actor=world.qiye, item=world.items["hazchem_operation"],
                       files=files_for(world.items["hazchem_operation"]))
    officers = (world.officer, world.yanhu_officer, world.county_officer, world.officer2, world.leader)
    queries_ = ["", "page=2", "state=submitted", "state=bogus", "item=hazchem_operation", "page=abc"]
    non_empty = 0
    for _ in range(2):
        for user in officers:
            for text in queries_:
                params = QueryDict(text)
                expected = paginate(queries.officer_queue(user, params).values(*LIST_VALUES), params)
                key = queries.officer_queue_key(user, params)
                got = paginate_compiled(lambda u=user, p=params: queries.officer_queue(u, p).values(*LIST_VALUES),
                                        ("test", key), params)
                assert got.rows == expected.rows and got.has_next == expected.has_next
                assert got.number == expected.number
                non_empty += bool(got.rows)
    assert non_empty  # some queue held the submitted applications
    assert queries.officer_queue_key(world.officer, {}) != queries.officer_queue_key(world.yanhu_officer, {})


def test_queue_api_and_page_answer_as_before_over_http(world, client):
    """Rule (issue 18, behaviour unchanged): the queue page and the queue API list the same applications for the
    officer and none for a county officer of another county."""
    app = application_submit(actor=world.qiye, item=world.items["hazchem_operation"],
                             files=files_for(world.items["hazchem_operation"]))
    seen = {}
    for user in (world.officer, world.county_officer):
        client.force_login(user)
        session = client.session
        session["otp_verified"] = True
        session.save()
        listed = client.get("/api/v1/licensing/applications?view=queue").json()["items"]
        page = client.get("/licensing/queue/").content.decode()
        seen[user.username] = ([r["id"] for r in listed], app.number in page)
    expected_ids = [a["pk"] for a in queries.officer_queue(world.officer, {}).values("pk")]
    assert seen[world.officer.username][0] == expected_ids[:50]
    assert seen[world.officer.username][1] == (app.pk in expected_ids)
    assert app.pk not in seen[world.county_officer.username][0] and not seen[world.county_officer.username][1]


def test_drafts_compiled_once_per_scope_are_each_enterprises_own(world):
    """Rule (authority: change scope — an enterprise goes on only with its own drafts): the drafts list compiled once
    per change scope (`restrict_key(…, "change")`) equals the ORM's, asked in turn; the other enterprise sees none."""
    from bureau.licensing import intake
    from bureau.licensing.models import ApplicationDraft

    item = world.items["hazchem_operation"]
    draft = intake.draft_save(actor=world.qiye, item=item, form={"scope": "甲醇"}, files=files_for(item))
    for _ in range(2):
        for user in (world.qiye, world.qiye_other, world.officer):
            expected = list(ApplicationDraft.objects.restrict(user, "change").filter(application__isnull=True)
                            .select_related("item", "enterprise").order_by("-updated_at", "-id")[:50])
            got = queries.drafts(user)
            assert [d.pk for d in got] == [d.pk for d in expected]
            assert [d.item.name for d in got] == [d.item.name for d in expected]
    assert [d.pk for d in queries.drafts(world.qiye)] == [draft.pk] and queries.drafts(world.qiye_other) == []
