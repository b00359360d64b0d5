"""Issue 18: the enterprise's "my applications" reads its page by a query compiled once per scope, state filter and
page (`queries.enterprise_applications_key`), and its drafts with only what the draft links show: every enterprise
gets exactly the rows the ORM gives it, never another enterprise's."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from bureau.kernel.paging import paginate, paginate_compiled
from bureau.licensing import queries
from bureau.licensing.views import LIST_VALUES
from tests.licensing.conftest import application_submit, files_for

pytestmark = pytest.mark.django_db


def test_each_enterprise_gets_the_orm_rows_of_its_own_applications(world):
    """Rule (authority: an enterprise sees its own applications only): the compiled page equals the ORM's for each
    enterprise and filter, asked in turn so that a shape kept for one is there for the next."""
    app = application_submit(actor=world.qiye, item=world.items["hazchem_operation"],
                             files=files_for(world.items["hazchem_operation"]))
    non_empty = 0
    seen = {}
    for _ in range(2):
        for user in (world.qiye, world.qiye_other):
            for text in ("", "page=2", "state=submitted", "state=bogus", "page=abc", "state=a&state=submitted"):
                params = QueryDict(text)
                expected = paginate(queries.enterprise_applications(user, params).values(*LIST_VALUES), params)
                key = queries.enterprise_applications_key(user, params)
                got = paginate_compiled(
                    lambda u=user, p=params: queries.enterprise_applications(u, p).values(*LIST_VALUES),
                    ("test", key), params)
                assert got.rows == expected.rows and got.has_next == expected.has_next, (user, text)
                non_empty += bool(got.rows)
                seen[(user.username, text)] = [r["pk"] for r in got.rows]
    assert non_empty
    assert app.pk in seen[(world.qiye.username, "")] and app.pk not in seen[(world.qiye_other.username, "")]
    assert seen[(world.qiye.username, "state=bogus")] == []
    assert (queries.enterprise_applications_key(world.qiye, {})
            != queries.enterprise_applications_key(world.qiye_other, {}))


def test_draft_links_are_the_drafts_with_what_the_links_show(world, client, login):
    """The drafts listed on "my applications" are `drafts(user)`, in order, with the same item, enterprise and time;
    the page lists them with a link each and one query for all."""
    from bureau.licensing.models import ApplicationDraft

    for item in list(world.items.values())[:3]:
        ApplicationDraft.objects.create(item=item, enterprise=world.qiye.enterprise, created_by=world.qiye,
                                        region_id=world.qiye.enterprise.region_id)
    full = [(d.pk, d.item.code, d.item.name, d.enterprise.name, d.updated_at) for d in queries.drafts(world.qiye)]
    links = [(d.pk, d.item.code, d.item.name, d.enterprise.name, d.updated_at) for d in queries.draft_links(world.qiye)]
    assert links == full and len(full) == 3
    assert list(queries.draft_links(world.qiye_other)) == []
    page = login(world.qiye).get("/licensing/mine/").content.decode()
    assert all(f"?draft={pk}" in page for pk, *_ in full)
