"""Issue 18: the enterprise page's and the workbench's queries compiled once per scope (kernel/prepared.PreparedRows,
Prepared, PreparedValues) give exactly what the ORM gives each principal: the enterprise (404 outside the
jurisdiction, never another principal's cached scope), its hazards, risk colours and credit record, and the
enterprise's own open hazards on its workbench."""

from __future__ import annotations

import pytest
from django.db.models import Count, F
from django.http import Http404

from bureau.enterprises import credit
from bureau.enterprises import queries as enterprise_queries
from bureau.enterprises.models import CreditEvent, Enterprise
from bureau.hazards import queries, services
from bureau.hazards.hooks import hazard_work
from bureau.hazards.models import Hazard, RiskPoint
from tests.factories import EnterpriseFactory, make_user
from tests.hazards.factories import hazard

pytestmark = pytest.mark.django_db


def _risks(user, enterprise_id):
    counts = {"red": 0, "orange": 0, "yellow": 0, "blue": 0}
    for row in (RiskPoint.objects.restrict(user).filter(enterprise_id=enterprise_id).values("level")
                .annotate(n=Count("id")).order_by()):
        counts[row["level"]] = row["n"]
    return counts


def test_the_enterprise_page_queries_answer_as_the_orm_for_each_scope(w):
    """Rule (authority: scope): each principal gets the enterprise, hazards, risk colours and credit events the
    ORM's restrict gives it; an enterprise of another county answers 404 and shows none of its rows."""
    hazard(w, step="rectifying")
    hazard(w, source="inspection", grade="major")
    point = services.risk_point_save(actor=w.owner, enterprise=w.enterprise, name="甲醇储罐区", hazard_source="甲醇泄漏",
                                     method="lec", factor_l=3, factor_e=6, factor_c=40)
    other = EnterpriseFactory(region_id="140821")
    other_owner = make_user(roles=["enterprise"], enterprise=other)
    seen = set()
    for user in (w.inspector, w.owner, w.other_inspector, other_owner, w.city_leader, w.inspector, w.owner):
        for enterprise in (w.enterprise, other):
            expected = Enterprise.objects.restrict(user).filter(pk=enterprise.pk).first()
            seen.add((user.pk, enterprise.pk, expected is not None))
            if expected is None:
                with pytest.raises(Http404):
                    enterprise_queries.get_enterprise_for(user, enterprise.pk)
            else:
                got = enterprise_queries.get_enterprise_for(user, enterprise.pk)
                assert got.pk == expected.pk and got.region.name == expected.region.name
                assert got.legal_rep_id_number == expected.legal_rep_id_number  # decrypted as the ORM does
            assert ([h.pk for h in queries.enterprise_panel_hazards(user, enterprise.pk)]
                    == [h.pk for h in queries.hazard_list(user, {"enterprise": enterprise.pk})[:10]])
            assert queries.risk_distribution(user, enterprise.pk) == _risks(user, enterprise.pk)
            assert ([e.pk for e in credit.events_for(user, enterprise)] == [
                e.pk for e in CreditEvent.objects.restrict(user).filter(enterprise=enterprise)
                .order_by("-occurred_on", "-id")[:50]])
    assert (w.inspector.pk, w.enterprise.pk, True) in seen and (w.other_inspector.pk, w.enterprise.pk, False) in seen
    assert queries.risk_distribution(w.inspector, w.enterprise.pk)[point.level] == 1
    assert queries.risk_distribution(w.other_inspector, w.enterprise.pk)[point.level] == 0
    assert len(queries.enterprise_panel_hazards(w.inspector, w.enterprise.pk)) == 2
    assert queries.enterprise_panel_hazards(w.other_inspector, w.enterprise.pk) == []


def test_the_enterprise_workbench_lists_its_own_open_hazards_only(w):
    """Rule (authority: scope): the enterprise's workbench shows its own reported and rectifying hazards (the
    compiled query), in deadline order; another enterprise's owner sees none of them."""
    first, second = hazard(w, step="rectifying"), hazard(w, source="inspection")
    hazard(w, step="awaiting_acceptance")
    expected = list(Hazard.objects.restrict(w.owner).filter(state__in=("reported", "rectifying"))
                    .order_by(F("deadline").asc(nulls_last=True))[:20])
    assert [i.url for i in hazard_work(w.owner)] == [f"/hazards/{h.pk}/" for h in expected]
    assert {f"/hazards/{first.pk}/", f"/hazards/{second.pk}/"} == {i.url for i in hazard_work(w.owner)}
    other_owner = make_user(roles=["enterprise"], enterprise=EnterpriseFactory(region_id="140802"))
    assert list(hazard_work(other_owner)) == []
