"""Listed supervision progress (挂牌督办, issue 13): progress never goes down, entries are dated between the listing
and today, and a recheck (request_recheck) is accepted only once the reported progress reaches rule
`hazards.listing_recheck_min_percent` (100 % by default) — a guard of the listing workflow, so the button is absent
below it."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.hazards import services
from bureau.hazards.models import ListingEntry
from bureau.kernel.errors import DomainError
from bureau.kernel.models import RuleParameter
from tests.factories import messages_of
from tests.hazards.factories import bureau_hazard, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing(w):
    h = bureau_hazard(w, step="rectifying", grade="major")
    return services.listing_create(actor=w.head, hazard=h, reason="资金大", deadline=today() + dt.timedelta(days=60))


def test_progress_cannot_go_down(w, login, listing):
    """Rule: a progress entry below the last one reported is refused, nothing saved."""
    client = login(w.owner)
    client.post(f"/hazards/listings/{listing.pk}/entry/", {"kind": "progress", "percent": "60", "text": "设备已安装"})
    r = client.post(f"/hazards/listings/{listing.pk}/entry/", {"kind": "progress", "percent": "30", "text": "返工"},
                    follow=True)
    assert "完成进度不能低于上次填报的 60%" in messages_of(r)
    assert list(ListingEntry.objects.values_list("percent", flat=True)) == [60]
    services.listing_entry_add(actor=w.inspector, listing=listing, kind="assistance", text="专家指导")
    services.listing_entry_add(actor=w.owner, listing=listing, kind="progress", percent=60, text="调试中")
    assert listing.latest_percent() == 60


def test_progress_dates_not_in_the_future_nor_before_the_listing_or_the_last_entry(w, listing):
    """Rule: the date of an entry is not after today, not before the listing, not before the last progress."""
    def add(on: dt.date, percent: int = 50) -> None:
        services.listing_entry_add(actor=w.owner, listing=listing, kind="progress", percent=percent, text="x", on=on)

    with pytest.raises(DomainError, match="不能晚于今天"):
        add(today() + dt.timedelta(days=1))
    with pytest.raises(DomainError, match="不能早于挂牌日期"):
        add(listing.listed_on - dt.timedelta(days=1))
    add(today())
    with pytest.raises(DomainError, match="不能早于挂牌日期"):
        services.listing_entry_add(actor=w.inspector, listing=listing, kind="assistance", text="x",
                                   on=today() - dt.timedelta(days=400))
    assert ListingEntry.objects.count() == 1


def test_recheck_is_refused_below_the_threshold(w, login, listing):
    """Rule: at 30 % the recheck is refused (no button, POST refused with the reason); at 100 % it is accepted."""
    services.listing_entry_add(actor=w.owner, listing=listing, kind="progress", percent=30, text="设备已订货")
    client = login(w.owner)
    page = client.get(f"/hazards/listings/{listing.pk}/").content.decode()
    assert "申请核查销号" in page and f"/hazards/listings/{listing.pk}/act/request_recheck/" not in page
    assert "整改完成进度达到 100% 方可申请核查销号（当前 30%）" in page
    r = client.post(f"/hazards/listings/{listing.pk}/act/request_recheck/", {"note": "申请"}, follow=True)
    assert "整改完成进度达到 100% 方可申请核查销号" in messages_of(r)
    listing.refresh_from_db()
    listing.hazard.refresh_from_db()
    assert listing.state == "listed" and listing.removal_due is None and listing.hazard.state == "rectifying"
    services.listing_entry_add(actor=w.owner, listing=listing, kind="progress", percent=100, text="完成")
    assert f"/hazards/listings/{listing.pk}/act/request_recheck/" in client.get(
        f"/hazards/listings/{listing.pk}/").content.decode()
    client.post(f"/hazards/listings/{listing.pk}/act/request_recheck/", {"note": "申请"})
    listing.refresh_from_db()
    assert listing.state == "recheck_requested"


def test_the_threshold_is_a_rule_parameter(w, listing):
    """Rule as data: a new row of hazards.listing_recheck_min_percent (e.g. 80 %) changes the threshold."""
    services.listing_entry_add(actor=w.owner, listing=listing, kind="progress", percent=80, text="主体完成")
    with pytest.raises(DomainError, match="100%"):
        services.listing_request_recheck(actor=w.owner, listing=listing)
    RuleParameter.objects.create(key="hazards.listing_recheck_min_percent", value=80, unit="%", description="测试",
                                 source="测试", effective_from=today() - dt.timedelta(days=1))
    services.listing_request_recheck(actor=w.owner, listing=listing)
    assert listing.state == "recheck_requested"
