"""Property: whatever mix of draws, planned and exceptional inspections two levels attempt, no enterprise ever
exceeds its yearly cap except through an exception that waits for (or has) the leader's approval."""

from __future__ import annotations

import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count

from bureau.enterprises.models import Industry
from bureau.inspection import services as S
from bureau.inspection.models import Inspection
from bureau.kernel.errors import DomainError
from tests.inspection.conftest import announce_and_draw


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_operations_never_break_a_cap(world, seed, clock):
    rng = random.Random(seed)
    general = [world.enterprise(credit_grade="B1") for _ in range(6)]
    key = [world.enterprise(industry=Industry.COAL, is_key=True) for _ in range(2)]
    county_team = [world.inspector, world.inspector2, world.inspector3]
    for step in range(14):
        action = rng.choice(["draw", "random", "planned", "exception", "city"])
        try:
            if action == "draw":
                announce_and_draw(world, clock, officer_ids=[o.pk for o in county_team], size=rng.randint(1, 3))
            elif action == "exception":
                S.inspection_open_exceptional(actor=world.inspector, enterprise=rng.choice(general + key),
                                              reason="complaint", reference=f"举报{step}",
                                              officers=rng.sample(county_team, 2))
            elif action == "city":
                S.inspection_open(actor=world.city_inspector, enterprise=rng.choice(general + key), kind="random",
                                  officers=[world.city_inspector, world.city_inspector2])
            else:
                S.inspection_open(actor=world.inspector, enterprise=rng.choice(general + key), kind=action,
                                  officers=rng.sample(county_team, 2))
        except DomainError:
            pass
        counts = (Inspection.objects.filter(over_cap=False).exclude(state="cancelled")
                  .values("enterprise_id", "enterprise__is_key").annotate(n=Count("id")))
        for row in counts:
            assert row["n"] <= (2 if row["enterprise__is_key"] else 1)
        assert not Inspection.objects.filter(over_cap=True).exclude(
            state__in=["pending_approval", "cancelled"]).filter(approved_by__isnull=True).exists()


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00"
       b"\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def test_photos_are_stored_with_the_item_and_other_types_refused(world, general, login):
    inspection = S.inspection_open(actor=world.inspector, enterprise=general, kind="random",
                                   officers=[world.inspector, world.inspector2])
    S.inspection_check_in(actor=world.inspector, inspection=inspection)
    item = inspection.items()[0]
    with pytest.raises(DomainError, match="类型不允许"):
        S.inspection_record_item(actor=world.inspector, inspection=inspection, item=item, outcome="compliant",
                                 photos=[SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")])
    c = login(world.inspector)
    c.post(f"/inspection/inspections/{inspection.pk}/record/",
           {"item": item.pk, "outcome": "finding", "note": "储存室混存",
            "photos": [SimpleUploadedFile("site.png", PNG, content_type="image/png")]})
    result = inspection.results.get()
    assert result.outcome == "finding"
    from bureau.kernel.models import Attachment

    assert Attachment.objects.filter(object_id=result.pk, purpose="现场照片").count() == 1


def test_item_photos_are_shown_in_scope_and_go_with_the_finding_into_the_hazard(world, general, login):
    """Measure II.5: the photos of a checklist item show on the inspection to the team and to whoever sees the
    inspection (another county answers 404), and a finding's photos travel with it into the hazard."""
    import datetime as dt

    from django.utils import timezone

    from bureau.hazards.models import Hazard

    inspection = S.inspection_open(actor=world.inspector, enterprise=general, kind="random",
                                   officers=[world.inspector, world.inspector2])
    S.inspection_check_in(actor=world.inspector, inspection=inspection)
    items = inspection.items()
    S.inspection_record_item(actor=world.inspector, inspection=inspection, item=items[0], outcome="finding",
                             note="储存室混存", photos=[SimpleUploadedFile("site.png", PNG, content_type="image/png")])
    for item in items[1:]:
        S.inspection_record_item(actor=world.inspector, inspection=inspection, item=item, outcome="compliant")
    page = login(world.inspector).get(f"/inspection/inspections/{inspection.pk}/").content.decode()
    assert page.count('alt="现场照片') == 1
    from bureau.kernel.models import Attachment

    photo = Attachment.objects.get(purpose="现场照片", object_id=inspection.results.get(item=items[0]).pk)
    assert login(world.inspector2).get(f"/attachments/{photo.pk}/download").status_code == 200
    assert login(world.linyi_inspector).get(f"/attachments/{photo.pk}/download").status_code == 404
    S.inspection_finish(actor=world.inspector, inspection=inspection,
                        deadline=timezone.localdate() + dt.timedelta(days=10))
    hazard = Hazard.objects.get(source="inspection", enterprise=general)
    assert [a.sha256 for a in hazard.attachments().filter(purpose="现场照片")] == [photo.sha256]
