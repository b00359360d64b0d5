"""Staged uploads (kernel/staging.py, issue 17 point 2) on the phone inspection: a checklist item refused (发现问题
without saying what, a bad photo) saves nothing, keeps the good photos beside that item's form for the officer who
took them, names every bad photo; saving again with the kept photos attaches them once; another officer's token
does nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bureau.inspection import services as S
from bureau.kernel import staging
from bureau.kernel.models import Attachment, StagedUpload

pytestmark = pytest.mark.django_db

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00"
       b"\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def photo(name="现场.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture
def on_site(world, general):
    inspection = S.inspection_open(actor=world.inspector, enterprise=general, kind="random",
                                   officers=[world.inspector, world.inspector2])
    S.inspection_check_in(actor=world.inspector, inspection=inspection)
    return inspection


def photos_of(inspection):
    return list(Attachment.objects.filter(purpose="现场照片", object_id__in=inspection.results.values("pk"))
                .values_list("original_name", flat=True))


def test_refused_item_keeps_the_good_photo_names_every_bad_one_and_saves_once(world, on_site, login):
    """Rule (issue 17.2): 发现问题 without a description, with one good and two bad photos: nothing recorded, the
    good photo kept on that item's form (with what was chosen and typed), each bad photo named; saving again with
    the kept photo records the item with it, and the same token again attaches nothing more."""
    item = on_site.items()[0]
    client = login(world.inspector)
    url = f"/inspection/inspections/{on_site.pk}/record/"
    bad_a = SimpleUploadedFile("假照片.png", b"%PDF-1.4 x", content_type="image/png")
    bad_b = SimpleUploadedFile("报告.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    r = client.post(url, {"item": item.pk, "outcome": "finding", "photos": [photo(), bad_a, bad_b]})
    page = r.content.decode()
    assert r.status_code == 400 and not on_site.results.exists()
    assert "发现问题时请描述问题情况" in page and "假照片.png" in page and "报告.pdf" in page
    assert "已选择：现场.png（" in page and page.count('name="staged_remove"') == 1
    assert r.context["staged_item"] == item.pk and 'value="finding" checked' in page
    tokens = {staging.FIELD_PREFIX + "photos": [row.token for row in r.context["staged"]["photos"]]}
    done = client.post(url, {"item": item.pk, "outcome": "finding", "note": "储存室混存", **tokens})
    assert done.status_code == 302 and on_site.results.get().outcome == "finding"
    assert photos_of(on_site) == ["现场.png"]
    again = client.post(url, {"item": item.pk, "outcome": "finding", "note": "储存室混存", **tokens})
    assert again.status_code == 302 and photos_of(on_site) == ["现场.png"] and not StagedUpload.objects.exists()


def test_another_officers_staged_photo_token_does_nothing(world, on_site, login):
    """Rule (kernel/staging.py): the second officer of the team cannot use the first officer's staged photo."""
    item = on_site.items()[0]
    url = f"/inspection/inspections/{on_site.pk}/record/"
    r = login(world.inspector).post(url, {"item": item.pk, "outcome": "finding", "photos": [photo()]})
    tokens = {staging.FIELD_PREFIX + "photos": [row.token for row in r.context["staged"]["photos"]]}
    done = login(world.inspector2).post(url, {"item": item.pk, "outcome": "compliant", **tokens})
    assert done.status_code == 302 and on_site.results.get().outcome == "compliant"
    assert photos_of(on_site) == [] and StagedUpload.objects.count() == 1
