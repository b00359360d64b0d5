"""Issue 18: the application detail page's queries compiled once (kernel/prepared.py) give exactly what the ORM gives,
for every scope: the same application with its joined rows, the same materials, opinions and timeline, and 404 for an
application outside the principal's jurisdiction."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from bureau.licensing import queries, services
from bureau.licensing.models import Application, Commitment, Pause
from bureau.licensing.workflow import WORKFLOW
from tests.licensing.conftest import application_submit, files_for

pytestmark = pytest.mark.django_db


def _submit(world, code="hazchem_operation"):
    item = world.items[code]
    return application_submit(actor=world.qiye, item=item, files=files_for(item))


def _orm(user, pk):
    return (Application.objects.restrict(user).select_related("item", "enterprise", "region", "proxy_clerk",
                                                              "proxy_clerk__organisation", "proxy_authorisation")
            .filter(pk=pk).first())


def test_the_compiled_application_query_answers_as_the_orm_for_each_scope(world):
    """Rule (authority: scope): each principal gets the application the ORM's restrict gives it, compiled once per
    scope; an application of another county (or another enterprise) answers 404, never the cached scope of someone
    else."""
    app = _submit(world)
    outcomes = set()
    for user in (world.officer, world.qiye, world.qiye_other, world.yanhu_officer, world.county_officer,
                 world.energy_user, world.officer, world.qiye):
        for pk in (app.pk, app.pk + 1000):
            expected = _orm(user, pk)
            outcomes.add((user.username, expected is not None))
            if expected is None:
                with pytest.raises(Http404):
                    queries.get_application_for(user, pk, proxy=True)
                continue
            got = queries.get_application_for(user, pk, proxy=True)
            assert got.pk == expected.pk and got.number == expected.number and got.state == expected.state
            assert got.item.name == expected.item.name and got.region.name == expected.region.name
            # the enterprise's protected columns decrypted as the ORM decrypts them
            assert got.enterprise.legal_rep_id_number == expected.enterprise.legal_rep_id_number
            assert got.proxy_clerk_id == expected.proxy_clerk_id and got.pauses() == expected.pauses()
    assert ("t_officer", True) in outcomes and ("t_qiye", True) in outcomes and ("t_qiye_other", False) in outcomes
    assert queries.get_application_for(world.qiye, app.pk).pk == app.pk  # without the proxy joins: its own shape
    with pytest.raises(Http404):
        queries.get_application_for(world.qiye_other, app.pk)


def test_materials_opinions_and_timeline_are_the_related_rows(world):
    """Rule (issue 18, behaviour unchanged): the detail page's materials, opinions and timeline are the rows the
    related managers give, in their order, each knowing its application without another query."""
    app = _submit(world)
    materials = queries.materials_of(app)
    assert [m.pk for m in materials] == [m.pk for m in app.materials.select_related("material", "attachment")]
    assert materials and all(m.application is app for m in materials)
    assert [m.material.name for m in materials] == [m.material.name for m in app.materials.all()]
    assert [o.pk for o in queries.opinions_of(app)] == [o.pk for o in app.opinions.all()]
    timeline = WORKFLOW.history(app)
    assert [(h.pk, h.actor_id, h.to_label) for h in timeline] == [
        (h.pk, h.actor_id, WORKFLOW.state_label(h.to_state)) for h in app.history()]
    assert timeline and timeline[0].actor is not None


def test_documents_commitments_and_pauses_are_the_orm_rows(world):
    """Rule (issue 18, behaviour unchanged; authority: scope): documents, the commitments the principal may see
    (none of another enterprise's) and the clock's pauses are what the ORM gives."""
    item = world.items["hazchem_operation"]
    app = application_submit(actor=world.qiye, item=item, files=files_for(item, frozenset({"tolerable"})))
    services.application_accept_tolerated(actor=world.officer, application=app)  # a commitment (容缺) and documents
    assert [d.pk for d in queries.documents_of(app)] == [d.pk for d in app.documents()]
    seen = 0
    for user in (world.officer, world.qiye, world.qiye_other):
        expected = list(Commitment.objects.restrict(user).filter(application=app))
        assert [c.pk for c in queries.commitments_of(user, app)] == [c.pk for c in expected]
        seen += len(expected)
    assert seen == 2  # the officer's and the enterprise's view of the one commitment; none for another enterprise
    loaded = queries.get_application_for(world.officer, app.pk)
    expected_pauses = [(p.start, p.end) for p in Pause.objects.filter(application=app)]
    with CaptureQueriesContext(connection) as sent:
        assert loaded.pauses() == expected_pauses
    assert len(sent) == 0  # prefetched, as prefetch_related("pause_rows") left them
