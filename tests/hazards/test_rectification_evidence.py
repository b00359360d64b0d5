"""Rectification evidence (整改佐证: photos, certificates, reports; issue 13): JPG/PNG/PDF checked by content, size and
count as rules, attached to a hazard while it is rectified or with the request for acceptance, and to a listing
(挂牌督办) while listed or with the recheck request; shown with download links to whoever sees the record (the
enterprise, its county) and a 404 for anyone else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bureau.hazards import services
from bureau.kernel.models import Attachment, RuleParameter
from tests.factories import EnterpriseFactory, make_user, messages_of
from tests.hazards.factories import PNG, bureau_hazard, pdf, png, today

pytestmark = pytest.mark.django_db


def test_evidence_is_shown_and_downloadable_by_the_enterprise_and_the_county_404_elsewhere(w, login):
    """Rule: evidence uploaded by the enterprise is listed on the hazard page with download links; the enterprise and
    the county download it; another county and another enterprise get 404."""
    h = bureau_hazard(w, step="rectifying")
    owner = login(w.owner)
    assert 'id="evidence-form"' in owner.get(f"/hazards/{h.pk}/").content.decode()
    r = owner.post(f"/hazards/{h.pk}/evidence/", {"files": [png("整改后.png"), pdf("灭火器检测报告.pdf")],
                                                  "note": "已更换"}, follow=True)
    assert "已上传整改佐证 2 个" in messages_of(r)
    files = list(Attachment.objects.filter(purpose="整改佐证").order_by("id"))
    assert [(a.original_name, a.content_type_header) for a in files] == [
        ("整改后.png", "image/png"), ("灭火器检测报告.pdf", "application/pdf")]
    assert [x.action for x in h.history()][-1] == "evidence"
    for user in (w.owner, w.inspector, w.city_leader):
        page = login(user).get(f"/hazards/{h.pk}/").content.decode()
        assert "灭火器检测报告.pdf" in page and f"/attachments/{files[1].pk}/download" in page
        download = login(user).get(f"/attachments/{files[1].pk}/download")
        assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")
    stranger = make_user(roles=["enterprise"], enterprise=EnterpriseFactory(region_id="140802"))
    for user in (w.other_inspector, stranger):
        assert login(user).get(f"/attachments/{files[0].pk}/download").status_code == 404


def test_evidence_goes_with_the_request_for_acceptance(w, login):
    """Rule: the enterprise asks for acceptance with its evidence in one step (multipart on the same action)."""
    h = bureau_hazard(w, step="rectifying")
    owner = login(w.owner)
    assert 'name="files"' in owner.get(f"/hazards/{h.pk}/").content.decode()
    owner.post(f"/hazards/{h.pk}/act/request_acceptance/", {"note": "整改完成", "files": [png(), pdf()]})
    h.refresh_from_db()
    assert h.state == "awaiting_acceptance"
    assert h.attachments().filter(purpose="整改佐证").count() == 2
    assert "整改佐证：after.png、检测报告.pdf" in h.history().last().note


def test_bad_evidence_is_refused_and_nothing_is_saved(w, login):
    """Rule: type by content (JPG/PNG/PDF, rule hazards.evidence_types), size (hazards.evidence_max_mb) and count
    (hazards.evidence_max_files) are checked before anything is saved."""
    h = bureau_hazard(w, step="rectifying")
    owner = login(w.owner)
    def fake():
        return SimpleUploadedFile("report.pdf", PNG, content_type="application/pdf")

    r = owner.post(f"/hazards/{h.pk}/evidence/", {"files": [png(), fake()]}, follow=True)
    assert "内容与扩展名不符" in messages_of(r)
    r = owner.post(f"/hazards/{h.pk}/evidence/", {"files": [SimpleUploadedFile("a.exe", b"MZ..")]}, follow=True)
    assert "类型不允许" in messages_of(r)
    r = owner.post(f"/hazards/{h.pk}/act/request_acceptance/", {"files": [fake()]}, follow=True)
    assert "内容与扩展名不符" in messages_of(r)
    yesterday = today() - dt.timedelta(days=1)
    RuleParameter.objects.create(key="hazards.evidence_max_files", value=1, unit="个", description="测试", source="测试",
                                 effective_from=yesterday)
    r = owner.post(f"/hazards/{h.pk}/evidence/", {"files": [png(), pdf()]}, follow=True)
    assert "最多 1 个文件" in messages_of(r)
    RuleParameter.objects.create(key="hazards.evidence_types", value=["pdf"], description="测试", source="测试",
                                 effective_from=yesterday)
    r = owner.post(f"/hazards/{h.pk}/evidence/", {"files": [png()]}, follow=True)
    assert "只能上传：pdf" in messages_of(r)
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (2 * 1024 * 1024), content_type="application/pdf")
    RuleParameter.objects.create(key="hazards.evidence_max_mb", value=1, unit="MB", description="测试", source="测试",
                                 effective_from=yesterday)
    r = owner.post(f"/hazards/{h.pk}/evidence/", {"files": [big]}, follow=True)
    assert "不超过 1 MB" in messages_of(r)
    h.refresh_from_db()
    assert h.state == "rectifying" and not Attachment.objects.filter(purpose="整改佐证").exists()


def test_evidence_only_while_rectifying_and_only_by_the_party_or_the_county(w, login):
    """Rule: no upload before the plan or after acceptance was asked; an expert or another county cannot upload."""
    h = bureau_hazard(w)  # reported: no plan yet
    owner = login(w.owner)
    assert 'id="evidence-form"' not in owner.get(f"/hazards/{h.pk}/").content.decode()
    r = owner.post(f"/hazards/{h.pk}/evidence/", {"files": [png()]}, follow=True)
    assert "只有整改中的隐患" in messages_of(r)
    assert login(w.other_inspector).post(f"/hazards/{h.pk}/evidence/", {"files": [png()]}).status_code == 404
    services.hazard_plan(actor=w.owner, hazard=h, measures="更换", deadline=None, responsible_person="李丽")
    saved = services.hazard_evidence_add(actor=w.inspector, hazard=h, files=[png("复查照片.png")])
    assert saved[0].uploaded_by == w.inspector
    assert Attachment.objects.filter(purpose="整改佐证").count() == 1


def test_listing_evidence_while_listed_and_with_the_recheck_request(w, login):
    """Rule: listings (挂牌督办) carry evidence too, shown on the listing page and downloadable within scope."""
    from bureau.hazards.services import listing_create, listing_entry_add

    h = bureau_hazard(w, step="rectifying", grade="major")
    listing = listing_create(actor=w.head, hazard=h, reason="资金大", deadline=today() + dt.timedelta(days=60))
    owner = login(w.owner)
    r = owner.post(f"/hazards/listings/{listing.pk}/evidence/", {"files": [pdf("改造合同.pdf")]}, follow=True)
    assert "已上传整改佐证 1 个" in messages_of(r)
    listing_entry_add(actor=w.owner, listing=listing, kind="progress", percent=100, text="改造完成")
    owner.post(f"/hazards/listings/{listing.pk}/act/request_recheck/", {"note": "申请核查",
                                                                        "files": [png("切断阀.png")]})
    listing.refresh_from_db()
    assert listing.state == "recheck_requested"
    names = list(listing.attachments().filter(purpose="整改佐证").order_by("id").values_list("original_name", flat=True))
    assert names == ["改造合同.pdf", "切断阀.png"]
    attachment = listing.attachments().get(original_name="切断阀.png")
    page = login(w.head).get(f"/hazards/listings/{listing.pk}/").content.decode()
    assert "改造合同.pdf" in page and f"/attachments/{attachment.pk}/download" in page
    assert login(w.head).get(f"/attachments/{attachment.pk}/download").status_code == 200
    assert login(w.other_inspector).get(f"/attachments/{attachment.pk}/download").status_code == 404
    r = login(w.owner).post(f"/hazards/listings/{listing.pk}/evidence/", {"files": [png()]}, follow=True)
    assert "只有督办中的事项" in messages_of(r)
