"""Staged uploads (kernel/staging.py, issue 17 point 2) on the assistance forms: the expert's finding photos, the
first-use process materials and the park remediation progress attachments. A refused form saves nothing, keeps
every good file for the user who chose it, names every bad file, and a resubmission attaches the kept files once;
another user's token does nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bureau.accounts.models import OrganisationKind
from bureau.assistance import services
from bureau.assistance.models import CheckupFinding, ParkProgress
from bureau.enterprises.models import ChemicalPark
from bureau.kernel import staging
from bureau.kernel.models import Attachment, StagedUpload
from tests.assistance.factories import checklist, expert, park, pdf, today
from tests.factories import OrganisationFactory, make_user

pytestmark = pytest.mark.django_db


def photo(name="现场.png"):
    return SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n" + b"0" * 64, content_type="image/png")


def not_a_photo(name="假照片.png"):
    return SimpleUploadedFile(name, b"%PDF-1.4 not a picture", content_type="image/png")


def exe(name="病毒.exe"):
    return SimpleUploadedFile(name, b"MZ\x90\x00", content_type="application/pdf")


def carried(response, field):
    """staged_<field> → the tokens the re-rendered form carries."""
    return {staging.FIELD_PREFIX + field: [r.token for r in response.context["staged"][field]]}


# -- the expert's finding photos ---------------------------------------------------------------------------------


@pytest.fixture
def checkup(w):
    c = services.checkup_request(actor=w.owner, specialty="hazchem", topics="储罐区")
    e, second = expert("高专家"), expert("李专家")
    services.checkup_assign(actor=w.inspector, checkup=c, experts=[e, second], planned_on=today(), leader=e)
    c.expert_user, c.second_user = e.user, second.user
    return c


def test_refused_finding_keeps_the_good_photo_names_every_bad_one_and_attaches_once(checkup, login):
    """Rule (issue 17.2): a finding refused for another field (重大隐患 without 判定依据) keeps the good photo (已选择
    with 移除), names each bad photo; the retry with the kept photo records one finding with that photo, and the
    same token again attaches nothing more."""
    client = login(checkup.expert_user)
    url = f"/assistance/checkups/{checkup.pk}/findings/"
    r = client.post(url, {"title": "联锁旁路", "grade": "major", "photos": [photo(), not_a_photo(), exe()]})
    page = r.content.decode()
    assert r.status_code == 400 and not CheckupFinding.objects.exists()
    assert "判定依据" in page and "假照片.png" in page and "病毒.exe" in page
    assert "已选择：现场.png（" in page and 'name="staged_remove"' in page and "照片需要重新选择" not in page
    tokens = carried(r, "photos")
    done = client.post(url, {"title": "联锁旁路", "grade": "major", "major_criterion": "判定标准 第9条", **tokens})
    assert done.status_code == 302
    finding = CheckupFinding.objects.get()
    assert [a.original_name for a in Attachment.objects.filter(purpose=f"finding:{finding.pk}")] == ["现场.png"]
    again = client.post(url, {"title": "另一问题", "grade": "general", **tokens})
    assert again.status_code == 302 and Attachment.objects.filter(purpose__startswith="finding:").count() == 1


def test_another_users_finding_photo_token_does_nothing(checkup, login):
    """Rule (kernel/staging.py): a second expert of the team cannot use the first expert's staged photo."""
    url = f"/assistance/checkups/{checkup.pk}/findings/"
    r = login(checkup.expert_user).post(url, {"title": "联锁旁路", "grade": "major", "photos": [photo()]})
    login(checkup.second_user).post(url, {"title": "报警器未校验", "grade": "general", **carried(r, "photos")})
    assert not Attachment.objects.filter(purpose__startswith="finding:").exists()
    assert StagedUpload.objects.count() == 1


# -- first-use process materials ----------------------------------------------------------------------------------


def test_refused_first_use_upload_keeps_the_good_file_names_every_bad_one_and_uploads_once(w, login):
    """Rule (issue 17.2): a material upload with one bad file saves nothing, keeps the good one and the chosen
    category, names each bad file; the retry stores the kept file once; another user's token does nothing."""
    x = services.first_use_create(actor=w.owner, process_name="微通道硝化", project="中间体项目", description="硝化")
    client = login(w.owner)
    url = f"/assistance/first-use/{x.pk}/upload/"
    r = client.post(url, {"purpose": "pilot", "files": [pdf("中试数据.pdf"), photo("照片.png"), exe()]})
    page = r.content.decode()
    assert r.status_code == 400 and not x.attachments().exists()
    assert "照片.png" in page and "病毒.exe" in page and "已选择：中试数据.pdf（" in page
    assert 'value="pilot" selected' in page
    input_tag = page.split('id="id_files"')[1].split(">")[0]
    assert "required" not in input_tag  # the kept file answers the browser's required check
    tokens = carried(r, "files")
    colleague = make_user(roles=["enterprise"], enterprise=w.enterprise, real_name="企业 王")
    login(colleague).post(url, {"purpose": "pilot", **tokens})
    assert not x.attachments().exists() and StagedUpload.objects.count() == 1
    done = login(w.owner).post(url, {"purpose": "pilot", **tokens})
    assert done.status_code == 302
    assert [(a.purpose, a.original_name) for a in x.attachments()] == [("pilot", "中试数据.pdf")]
    again = client.post(url, {"purpose": "pilot", **tokens})
    assert again.status_code == 400 and x.attachments().count() == 1


# -- park remediation progress -----------------------------------------------------------------------------------


def _committee_item(w):
    p = park("140802")
    org = OrganisationFactory(code="PK-1", name=f"{p.name}管理委员会", kind=OrganisationKind.DEPARTMENT,
                              region_id=p.region_id)
    ChemicalPark.objects.filter(pk=p.pk).update(committee=org)
    committee = make_user(roles=["park_committee"], organisation=org, real_name="管委会 张立军")
    item = services.park_item_create(actor=w.inspector, park=p, checklist_item=checklist(), responsible="管委会",
                                     deadline=today() + dt.timedelta(days=30))
    return committee, item


def test_refused_park_progress_keeps_the_good_file_and_the_retry_uses_it_once(w, login):
    """Rule (issue 17.2): a progress report refused for its percent (over 100) keeps the good attachment, names
    the bad one, shows the item's page again with what was typed; the retry records one report with the file."""
    committee, item = _committee_item(w)
    client = login(committee)
    url = f"/assistance/parks/items/{item.pk}/progress/"
    r = client.post(url, {"percent": "101", "note": "卡口安装调试", "next": "item",
                          "files": [pdf("验收记录.pdf"), exe()]})
    page = r.content.decode()
    assert r.status_code == 400 and not ParkProgress.objects.exists()
    assert "病毒.exe" in page and "已选择：验收记录.pdf（" in page and "卡口安装调试" in page
    tokens = carried(r, "files")
    other_committee = make_user(roles=["park_committee"], organisation=committee.organisation, real_name="管委会 李")
    login(other_committee).post(url, {"percent": "30", "note": "他人的填报", "next": "item", **tokens})
    theirs = ParkProgress.objects.get()  # saved, but without the first user's kept file
    assert services.progress_files(item).get(theirs.pk, []) == [] and StagedUpload.objects.count() == 1
    done = login(committee).post(url, {"percent": "40", "note": "卡口安装调试", "next": "item", **tokens})
    assert done.status_code == 302
    mine = ParkProgress.objects.exclude(pk=theirs.pk).get()
    assert [a.original_name for a in services.progress_files(item)[mine.pk]] == ["验收记录.pdf"]
    assert not StagedUpload.objects.exists()


# -- the agency's evaluation report ---------------------------------------------------------------------------------


def test_refused_agency_report_keeps_its_file_and_the_retry_files_it_once(w, login):
    """Rule (issue 17.2): a report refused for another field (one signer; 应急管理部令第1号 wants two) keeps the
    report file; a bad file is named and not kept; the retry with the kept file files the report with it once; a
    colleague's token does nothing."""
    from bureau.assistance.models import AgencyReport
    from tests.assistance.factories import agency, report_pdf

    a, user, staff = agency()
    url = f"/assistance/agencies/{a.pk}/"
    data = {"enterprise": w.enterprise.uscc, "kind": "status", "report_number": "YH-1", "title": "现状评价",
            "issued_on": today().isoformat(), "conclusion": "符合"}
    r = login(user).post(url, {**data, "signers": [staff[0].pk], "file": report_pdf("现状评价报告.pdf")})
    page = r.content.decode()
    assert r.status_code == 400 and not AgencyReport.objects.exists() and "两名" in page
    assert "已选择：现状评价报告.pdf（" in page
    bad = login(user).post(url, {**data, "signers": [staff[0].pk], "file": SimpleUploadedFile("扫描.pdf", b"x")})
    assert bad.status_code == 400 and "扫描.pdf" in bad.content.decode() and not bad.context["staged"]
    tokens = carried(r, "file")
    colleague = make_user(roles=["agency"], organisation=user.organisation)
    login(colleague).post(url, {**data, "signers": [staff[0].pk, staff[1].pk], **tokens})
    assert not AgencyReport.objects.exists() and StagedUpload.objects.count() == 1
    done = login(user).post(url, {**data, "signers": [staff[0].pk, staff[1].pk], **tokens})
    assert done.status_code == 302
    report = AgencyReport.objects.get()
    assert services.report_files([report])[report.pk].original_name == "现状评价报告.pdf"
    again = login(user).post(url, {**data, "report_number": "YH-2", "signers": [staff[0].pk, staff[1].pk], **tokens})
    assert again.status_code == 400 and AgencyReport.objects.count() == 1
