"""Listed supervision (挂牌督办, measure III.6): only major hazards, by bureau leaders; notice and public notice;
progress and assistance; removal due 10 working days after the recheck request; removal closes the hazard."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.hazards.models import ListedSupervision, ListingEntry
from bureau.kernel.calendar import add_working_days
from tests.factories import messages_of
from tests.hazards.factories import hazard, today

pytestmark = pytest.mark.django_db


def _list(client, h, **extra):
    data = {"reason": "资金大、技术难", "requirements": "每月报送进展",
            "deadline": (today() + dt.timedelta(days=60)).isoformat(), **extra}
    return client.post(f"/hazards/{h.pk}/list/", data)


def test_listing_a_general_hazard_is_refused(w, login):
    h = hazard(w, step="rectifying", source="inspection")
    r = _list(login(w.head), h)
    assert r.status_code == 200 and "只有重大隐患才能挂牌督办" in r.content.decode()
    assert not ListedSupervision.objects.exists()


def test_enterprise_and_plain_inspector_cannot_list(w, login):
    h = hazard(w, step="rectifying", grade="major", source="inspection")
    assert _list(login(w.owner), h).status_code == 404
    assert _list(login(w.inspector), h).status_code == 404
    assert not ListedSupervision.objects.exists()


def test_listing_produces_notice_and_public_notice(w, login, real_pdf):
    h = hazard(w, step="rectifying", grade="major", source="inspection")
    r = _list(login(w.head), h)
    listing = ListedSupervision.objects.get()
    assert r["Location"] == f"/hazards/listings/{listing.pk}/"
    assert listing.state == "listed" and listing.published_at and listing.listed_by_org == w.head.organisation
    assert sorted(listing.documents().values_list("kind", flat=True)) == ["listing_notice", "listing_public_notice"]
    notice = listing.documents().get(kind="listing_notice")
    assert notice.file.open("rb").read(5) == b"%PDF-" and notice.number == listing.number
    assert _list(login(w.head), h).status_code == 200  # listed twice: refused
    assert ListedSupervision.objects.count() == 1


def test_listing_deadline_in_the_past_is_refused(w, login):
    h = hazard(w, step="rectifying", grade="major", source="inspection")
    r = _list(login(w.head), h, deadline=today().isoformat())
    assert "督办整改期限应晚于今天" in r.content.decode()


def _listed(w):
    from bureau.hazards.services import listing_create

    h = hazard(w, step="rectifying", grade="major", source="inspection")
    return listing_create(actor=w.head, hazard=h, reason="难以整改", deadline=today() + dt.timedelta(days=60))


def _complete(w, listing):
    """The enterprise reports the rectification complete (the recheck needs rule listing_recheck_min_percent)."""
    from bureau.hazards.services import listing_entry_add

    listing_entry_add(actor=w.owner, listing=listing, kind="progress", percent=100, text="整改完成")


def test_progress_by_enterprise_assistance_only_by_bureau(w, login):
    listing = _listed(w)
    owner = login(w.owner)
    owner.post(f"/hazards/listings/{listing.pk}/entry/", {"kind": "progress", "percent": "30", "text": "设备已订货"})
    r = owner.post(f"/hazards/listings/{listing.pk}/entry/", {"kind": "assistance", "text": "x"}, follow=True)
    assert "帮扶记录由监管部门填写" in messages_of(r)
    r = owner.post(f"/hazards/listings/{listing.pk}/entry/", {"kind": "progress", "percent": "130", "text": "x"},
                   follow=True)
    assert "0—100" in messages_of(r)
    login(w.inspector).post(f"/hazards/listings/{listing.pk}/entry/", {"kind": "assistance", "text": "专家指导"})
    assert list(ListingEntry.objects.values_list("kind", flat=True)) == ["progress", "assistance"]


def test_recheck_request_sets_removal_due_ten_working_days_and_removal_closes(w, login):
    listing = _listed(w)
    _complete(w, listing)
    login(w.owner).post(f"/hazards/listings/{listing.pk}/act/request_recheck/", {"note": "已整改"})
    listing.refresh_from_db()
    assert listing.state == "recheck_requested"
    assert listing.removal_due == add_working_days(today(), 10).date
    assert listing.hazard.state == "awaiting_acceptance"
    r = login(w.owner).post(f"/hazards/listings/{listing.pk}/act/remove/", {}, follow=True)
    assert "您的角色无权执行「核查通过、销号」" in messages_of(r)  # only the section head or leader removes (declared roles)
    login(w.head).post(f"/hazards/listings/{listing.pk}/act/remove/", {"note": "核查合格"})
    listing.refresh_from_db()
    listing.hazard.refresh_from_db()
    assert listing.state == "removed" and listing.removed_on == today()
    assert listing.hazard.state == "closed" and listing.hazard.closed_at
    assert "listing_removal" in set(listing.documents().values_list("kind", flat=True))


def test_verification_failure_returns_both_to_rectification(w, login):
    listing = _listed(w)
    _complete(w, listing)
    login(w.owner).post(f"/hazards/listings/{listing.pk}/act/request_recheck/", {})
    listing.refresh_from_db()
    assert listing.state == "recheck_requested"
    client = login(w.head)
    r = client.post(f"/hazards/listings/{listing.pk}/act/verify_fail/", {"note": ""}, follow=True)
    assert "原因" in messages_of(r)
    client.post(f"/hazards/listings/{listing.pk}/act/verify_fail/", {"note": "切断阀未调试"})
    listing.refresh_from_db()
    listing.hazard.refresh_from_db()
    assert listing.state == "listed" and listing.removal_due is None and listing.hazard.state == "rectifying"


def test_listed_hazard_cannot_be_closed_outside_the_listing(w):
    from bureau.hazards.services import hazard_transition
    from bureau.kernel.errors import DomainError

    listing = _listed(w)
    h = listing.hazard
    hazard_transition(actor=w.inspector, hazard=h, action="request_acceptance")
    hazard_transition(actor=w.inspector, hazard=h, action="accept")
    with pytest.raises(DomainError, match="挂牌督办"):
        hazard_transition(actor=w.inspector, hazard=h, action="close")


def test_recheck_before_any_plan_is_refused(w):
    from bureau.hazards.services import listing_create, listing_request_recheck
    from bureau.kernel.errors import DomainError

    h = hazard(w, step="reported", grade="major", source="inspection")
    listing = listing_create(actor=w.head, hazard=h, reason="难", deadline=today() + dt.timedelta(days=30))
    with pytest.raises(DomainError, match="整改方案"):
        listing_request_recheck(actor=w.owner, listing=listing)
    listing.refresh_from_db()
    assert listing.state == "listed"


def test_listing_list_and_detail_scoped(w, login, django_assert_max_num_queries):
    listing = _listed(w)
    assert login(w.other_inspector).get(f"/hazards/listings/{listing.pk}/").status_code == 404
    client = login(w.head)
    with django_assert_max_num_queries(14):
        r = client.get("/hazards/listings/")
    assert [x.pk for x in r.context["page"].rows] == [listing.pk]
    assert client.get(f"/hazards/listings/{listing.pk}/").status_code == 200


def test_public_notice_lists_published_listings_without_login(w, client, django_assert_max_num_queries):
    listing = _listed(w)
    with django_assert_max_num_queries(4):
        r = client.get("/hazards/public/listings/")
    assert r.status_code == 200 and listing.number in r.content.decode()
    assert w.owner.real_name not in r.content.decode()


def test_listing_is_the_hazards_declared_action_with_its_guards(w, login):
    """Rule (measure III.6): 挂牌督办 is the hazard's declared action `list` — a section head or leader, a major hazard,
    not yet listed — so the button shows exactly when it can be taken, and listing leaves the hazard's timeline."""
    from bureau.accounts.authority import may
    from bureau.hazards.services import listing_create
    from bureau.hazards.workflow import hazard_workflow

    major = hazard(w, step="rectifying", grade="major", source="inspection")
    general = hazard(w, step="rectifying", source="inspection")
    assert "/list/" in login(w.head).get(f"/hazards/{major.pk}/").content.decode()
    assert f"/hazards/{general.pk}/list/" not in login(w.head).get(f"/hazards/{general.pk}/").content.decode()
    assert may(w.head, general, "list") == "只有重大隐患才能挂牌督办（一般隐患由企业自行整改）"
    assert may(w.inspector, major, "list") == "您的角色无权执行「挂牌督办」"
    listing_create(actor=w.head, hazard=major, reason="资金大", deadline=today() + dt.timedelta(days=30))
    major.refresh_from_db()
    assert major.state == "rectifying" and major.deadline == today() + dt.timedelta(days=30)
    assert [t.action for t in hazard_workflow.available(major, w.head)].count("list") == 0
    assert may(w.head, major, "list") == "该隐患已挂牌督办"
    assert major.history().filter(action="list", note__startswith="督办编号").count() == 1


def test_recheck_request_has_no_button_before_the_hazard_has_its_plan(w, login):
    """Rule (安全生产事故隐患排查治理暂行规定 第15、18条): the recheck of a listing follows the hazard's plan; the guard
    hides the action and the page says why."""
    from bureau.hazards.services import listing_create
    from bureau.hazards.workflow import listing_workflow

    h = hazard(w, step="reported", grade="major", source="inspection")
    listing = listing_create(actor=w.head, hazard=h, reason="难", deadline=today() + dt.timedelta(days=30))
    assert "request_recheck" not in [t.action for t in listing_workflow.available(listing, w.owner)]
    assert "请先在隐患中登记整改方案" in login(w.owner).get(f"/hazards/listings/{listing.pk}/").content.decode()
