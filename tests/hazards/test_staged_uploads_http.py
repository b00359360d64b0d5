"""Staged uploads (kernel/staging.py, issue 17 point 2) on the hazard forms: 整改佐证, 申请验收 with evidence, the
check-in photos and the site plan. A refused form saves nothing, keeps every good file for the user who chose it,
names every bad file, and a resubmission attaches the kept files once; another user's token does nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from bureau.hazards import services
from bureau.hazards.models import CheckFrequency, ScheduledCheck, SitePlan
from bureau.kernel import staging
from bureau.kernel.models import Attachment, StagedUpload
from tests.factories import messages_of
from tests.hazards.factories import PNG, bureau_hazard, pdf, png, today

pytestmark = pytest.mark.django_db


def fake_pdf(name="假报告.pdf"):
    return SimpleUploadedFile(name, PNG, content_type="application/pdf")  # a PNG calling itself PDF


def not_png(name):
    return SimpleUploadedFile(name, b"%PDF-1.4 not a picture", content_type="image/png")


def exe(name="病毒.exe"):
    return SimpleUploadedFile(name, b"MZ\x90\x00", content_type="application/pdf")


def carried(response, field="files", key="staged"):
    """staged_<field> → the tokens the re-rendered form carries."""
    return {staging.FIELD_PREFIX + field: [r.token for r in response.context[key][field]]}


def evidence(h):
    return list(Attachment.objects.filter(purpose="整改佐证", object_id=h.pk).order_by("id"))


def test_refused_evidence_keeps_the_good_file_names_every_bad_one_and_attaches_once(w, login):
    """Rule (issue 17.2, kernel/staging.py): a refused 整改佐证 upload saves nothing, shows the good file as kept
    (已选择 with 移除), names each bad file; resubmitting without choosing attaches the kept file exactly once."""
    h = bureau_hazard(w, step="rectifying")
    owner = login(w.owner)
    r = owner.post(f"/hazards/{h.pk}/evidence/", {"files": [png("整改后.png"), fake_pdf(), exe()], "note": "已更换"})
    page = r.content.decode()
    assert r.status_code == 400 and evidence(h) == []
    assert "假报告.pdf" in page and "病毒.exe" in page  # every bad file, by name
    assert "内容与扩展名不符" in messages_of(r) and "类型不允许" in messages_of(r)
    assert "已选择：整改后.png（" in page and 'name="staged_remove"' in page and "已更换" in page
    assert [row.original_name for row in r.context["evidence_staged"]["files"]] == ["整改后.png"]
    tokens = carried(r, key="evidence_staged")
    done = owner.post(f"/hazards/{h.pk}/evidence/", {**tokens, "note": "已更换"})
    assert done.status_code == 302
    assert [a.original_name for a in evidence(h)] == ["整改后.png"]
    again = owner.post(f"/hazards/{h.pk}/evidence/", {**tokens})  # the same tokens again: nothing more attached
    assert again.status_code == 400 and len(evidence(h)) == 1 and not StagedUpload.objects.exists()


def test_refused_request_for_acceptance_keeps_its_evidence_and_the_hazard_unchanged(w, login):
    """Rule (issue 17.2): 申请验收 with one bad file changes nothing, keeps the good file beside the request's
    own file input (not the evidence form's); the resubmission moves the hazard with the kept file."""
    h = bureau_hazard(w, step="rectifying")
    owner = login(w.owner)
    r = owner.post(f"/hazards/{h.pk}/act/request_acceptance/", {"note": "整改完成", "files": [pdf(), fake_pdf()]})
    h.refresh_from_db()
    assert r.status_code == 400 and h.state == "rectifying" and evidence(h) == []
    assert "假报告.pdf" in messages_of(r) and "已选择：检测报告.pdf（" in r.content.decode()
    assert "evidence_staged" not in r.context and r.context["note_form"]["note"].value() == "整改完成"
    done = owner.post(f"/hazards/{h.pk}/act/request_acceptance/", {"note": "整改完成", **carried(r, key="request_staged")})
    h.refresh_from_db()
    assert done.status_code == 302 and h.state == "awaiting_acceptance"
    assert [a.original_name for a in evidence(h)] == ["检测报告.pdf"]


def test_another_users_staged_evidence_token_does_nothing(w, login):
    """Rule (kernel/staging.py): a staged file belongs to the user who chose it; the county inspector sending the
    enterprise's token attaches nothing and leaves the staged file in place."""
    h = bureau_hazard(w, step="rectifying")
    r = login(w.owner).post(f"/hazards/{h.pk}/evidence/", {"files": [png("整改后.png"), exe()]})
    tokens = carried(r, key="evidence_staged")
    other = login(w.inspector).post(f"/hazards/{h.pk}/evidence/", tokens)
    assert other.status_code == 400 and "请选择要上传的整改佐证文件" in messages_of(other)
    assert evidence(h) == [] and StagedUpload.objects.count() == 1
    assert "已选择：" not in other.content.decode()


@pytest.fixture
def check(w):
    point = services.risk_point_save(actor=w.owner, enterprise=w.enterprise, name="甲醇储罐区", hazard_source="甲醇泄漏",
                                     method="lec", factor_l=3, factor_e=6, factor_c=40, controls="可燃气体检测报警")
    item = services.check_item_save(actor=w.owner, risk_point=point, content="可燃气体报警器指示正常",
                                    frequency=CheckFrequency.objects.get(code="daily"), post="罐区操作工",
                                    responsible_person="王建国", standard="GB/T 50493")
    now = timezone.now()
    return ScheduledCheck.objects.get(item=item, window_start__lte=now, missed_after__gt=now)


def test_refused_check_in_keeps_the_photo_names_every_bad_one_and_the_retry_uses_it(w, check, login):
    """Rule (issue 17.2): a check-in refused for another field (发现隐患 without saying what) keeps the good photo
    and names each bad one; the retry with the kept photo checks in once with that photo."""
    client = login(w.owner)
    url = f"/hazards/checks/{check.pk}/check-in/"
    r = client.post(url, {"result": "abnormal", "photos": [png("IMG_1.png"), not_png("IMG_2.png"), exe()]})
    page = r.content.decode()
    check.refresh_from_db()
    assert r.status_code == 400 and check.state == "scheduled"
    assert "IMG_2.png" in page and "病毒.exe" in page and "已选择：IMG_1.png（" in page
    assert "请写明隐患情况" in page and 'name="photos"' in page and " required>" not in page.split('name="photos"')[1][:120]
    tokens = carried(r, "photos")
    done = client.post(url, {"result": "normal", "note": "正常", **tokens})
    check.refresh_from_db()
    assert done.status_code == 302 and check.state == "done"
    assert [a.original_name for a in check.attachments()] == ["IMG_1.png"]
    assert not StagedUpload.objects.exists()


def test_another_users_check_in_photo_token_is_refused(w, check, login):
    """Rule (kernel/staging.py): the inspector cannot use the enterprise's staged photo (nor would anyone else)."""
    from tests.factories import make_user
    colleague = make_user(roles=["enterprise"], enterprise=w.enterprise, real_name="企业 王")
    url = f"/hazards/checks/{check.pk}/check-in/"
    r = login(w.owner).post(url, {"result": "abnormal", "photos": [png("IMG_1.png")]})
    answer = login(colleague).post(url, {"result": "normal", **carried(r, "photos")})
    check.refresh_from_db()
    assert answer.status_code == 400 and check.state == "scheduled" and "至少" in answer.content.decode()
    assert StagedUpload.objects.count() == 1


def plan_png(name="厂区平面图.png"):
    out = io.BytesIO()
    Image.new("RGB", (400, 300), (235, 238, 242)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def test_refused_site_plan_keeps_the_image_and_the_retry_uploads_it_once(w, login):
    """Rule (issue 17.2): a site plan refused for its title (over 80 characters) keeps the image; a bad image is
    named; the retry with the kept image stores one plan, and the kept token cannot be used again."""
    client = login(w.owner)
    r = client.post("/hazards/map/plan/", {"title": "图" * 81, "image": plan_png()})
    page = r.content.decode()
    assert r.status_code == 400 and not SitePlan.objects.exists()
    assert "已选择：厂区平面图.png（" in page
    assert 'name="image"' in page and "required" not in page.split('name="image"')[1].split(">")[0]
    bad = client.post("/hazards/map/plan/", {"title": "总图", "image": not_png("坏图.png")})
    assert bad.status_code == 400 and "坏图.png" in bad.content.decode() and not bad.context["staged"]
    tokens = carried(r, "image")
    done = client.post("/hazards/map/plan/", {"title": "厂区总平面布置图", **tokens})
    assert done.status_code == 302 and SitePlan.objects.get().image.original_name == "厂区平面图.png"
    again = client.post("/hazards/map/plan/", {"title": "厂区总平面布置图", **tokens})
    assert again.status_code == 400 and Attachment.objects.filter(purpose=services.SITE_PLAN).count() == 1


def test_another_users_site_plan_token_is_refused(w, login):
    """Rule (kernel/staging.py): a colleague of the same enterprise cannot use the first user's staged plan."""
    from tests.factories import make_user
    colleague = make_user(roles=["enterprise"], enterprise=w.enterprise, real_name="企业 王")
    r = login(w.owner).post("/hazards/map/plan/", {"title": "图" * 81, "image": plan_png()})
    answer = login(colleague).post("/hazards/map/plan/", {"title": "总图", **carried(r, "image")})
    assert answer.status_code == 400 and not SitePlan.objects.exists() and StagedUpload.objects.count() == 1


def _listing(w):
    from bureau.hazards.services import listing_create

    h = bureau_hazard(w, step="rectifying", grade="major")
    return listing_create(actor=w.head, hazard=h, reason="资金大", deadline=today() + dt.timedelta(days=60))


def test_refused_listing_evidence_keeps_the_good_file_names_every_bad_one_and_attaches_once(w, login):
    """Rule (issue 17.2): 挂牌督办 evidence with bad files saves nothing, keeps the good file, names each bad one;
    the retry with the kept file attaches it once; a colleague's token does nothing."""
    from tests.factories import make_user
    listing = _listing(w)
    url = f"/hazards/listings/{listing.pk}/evidence/"
    r = login(w.owner).post(url, {"files": [pdf("改造合同.pdf"), fake_pdf(), exe()], "note": "合同"})
    page = r.content.decode()
    assert r.status_code == 400 and not listing.attachments().exists()
    assert "假报告.pdf" in page and "病毒.exe" in page and "已选择：改造合同.pdf（" in page
    tokens = carried(r, key="evidence_staged")
    colleague = make_user(roles=["enterprise"], enterprise=w.enterprise, real_name="企业 王")
    assert login(colleague).post(url, tokens).status_code == 400 and StagedUpload.objects.count() == 1
    assert login(w.owner).post(url, tokens).status_code == 302
    assert list(listing.attachments().values_list("original_name", flat=True)) == ["改造合同.pdf"]
    assert login(w.owner).post(url, tokens).status_code == 400 and listing.attachments().count() == 1


def test_refused_recheck_request_keeps_its_evidence_and_the_listing_unchanged(w, login):
    """Rule (issue 17.2): 申请核查销号 with a bad file changes nothing and keeps the good file beside the request's
    input; the retry with the kept file moves the listing with it."""
    from bureau.hazards.services import listing_entry_add
    listing = _listing(w)
    listing_entry_add(actor=w.owner, listing=listing, kind="progress", percent=100, text="改造完成")
    url = f"/hazards/listings/{listing.pk}/act/request_recheck/"
    client = login(w.owner)
    r = client.post(url, {"note": "申请核查", "files": [png("切断阀.png"), exe()]})
    listing.refresh_from_db()
    assert r.status_code == 400 and listing.state == "listed" and not listing.attachments().exists()
    assert "病毒.exe" in messages_of(r) and "已选择：切断阀.png（" in r.content.decode()
    assert "申请核查" in r.content.decode() and "evidence_staged" not in r.context
    done = client.post(url, {"note": "申请核查", **carried(r, key="request_staged")})
    listing.refresh_from_db()
    assert done.status_code == 302 and listing.state == "recheck_requested"
    assert list(listing.attachments().values_list("original_name", flat=True)) == ["切断阀.png"]


def test_another_users_token_does_nothing_on_the_acceptance_and_recheck_requests(w, login):
    """Rule (kernel/staging.py): on 申请验收 and 申请核查销号 a colleague sending the first user's tokens moves the
    record without those files; the staged files stay with who chose them."""
    from bureau.hazards.services import listing_entry_add
    from tests.factories import make_user
    colleague = make_user(roles=["enterprise"], enterprise=w.enterprise, real_name="企业 王")
    h = bureau_hazard(w, step="rectifying")
    r = login(w.owner).post(f"/hazards/{h.pk}/act/request_acceptance/", {"note": "完成", "files": [pdf(), exe()]})
    login(colleague).post(f"/hazards/{h.pk}/act/request_acceptance/", {"note": "完成",
                                                                      **carried(r, key="request_staged")})
    h.refresh_from_db()
    assert h.state == "awaiting_acceptance" and evidence(h) == [] and StagedUpload.objects.count() == 1
    listing = _listing(w)
    listing_entry_add(actor=w.owner, listing=listing, kind="progress", percent=100, text="改造完成")
    url = f"/hazards/listings/{listing.pk}/act/request_recheck/"
    r = login(w.owner).post(url, {"note": "申请核查", "files": [png("阀.png"), exe()]})
    login(colleague).post(url, {"note": "申请核查", **carried(r, key="request_staged")})
    listing.refresh_from_db()
    assert listing.state == "recheck_requested" and not listing.attachments().exists()
    assert StagedUpload.objects.count() == 2
