"""Third-party agencies (measure II.9, issue 16 point 7): a report outside the agency's licensed business fields is
refused (a fireworks report from an agency licensed for 危化 and mines); a report carries its file, checked and
stored; the reports to spot-check are drawn at random with a recorded seed that re-runs to the same draw; the portal
publishes the registry and the credit list without personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bureau.assistance import rules, services
from bureau.assistance.models import AgencyReport, RecordedDraw
from bureau.kernel.errors import DomainError
from bureau.kernel.models import Attachment
from tests.assistance.factories import agency, report_pdf, today
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def _file(w, user, staff, *, enterprise=None, number="R-1", **extra):
    return services.report_file(actor=user, enterprise=enterprise or w.enterprise, kind="status",
                                report_number=number, title="安全现状评价报告", issued_on=today(), conclusion="符合",
                                signers=staff[:2], **{"file": report_pdf(), **extra})


def test_a_fireworks_report_from_an_agency_licensed_for_hazchem_and_mines_is_refused(w, login):
    a, user, staff = agency(scopes=("chemicals", "metal_mining"))
    fireworks = EnterpriseFactory(region_id="140802", industry="fireworks")
    with pytest.raises(DomainError, match="资质业务范围不包括「烟花爆竹制造业」"):
        _file(w, user, staff, enterprise=fireworks)
    r = login(user).post(f"/assistance/agencies/{a.pk}/", {
        "enterprise": fireworks.uscc, "kind": "status", "report_number": "YH-1", "title": "烟花爆竹现状评价",
        "issued_on": today().isoformat(), "conclusion": "符合", "signers": [staff[0].pk, staff[1].pk],
        "file": report_pdf()})
    assert r.status_code == 400 and "不能出具该范围的评价报告" in r.content.decode()
    assert not AgencyReport.objects.exists() and not Attachment.objects.exists()  # nothing saved


def test_a_report_field_must_be_the_clients_industry(w):
    a, user, staff = agency(scopes=("chemicals", "metal_mining"))
    mine = EnterpriseFactory(region_id="140802", industry="non_coal_mine")
    chemicals = a.scopes.get(code="chemicals")
    with pytest.raises(DomainError, match="不属于「石油加工业"):
        _file(w, user, staff, enterprise=mine, scope=chemicals)
    report = _file(w, user, staff, enterprise=mine)  # the field follows the client's industry
    assert report.scope.code == "metal_mining"


def test_a_report_carries_its_file_checked_and_stored(w, login):
    a, user, staff = agency()
    with pytest.raises(DomainError, match="请上传评价报告文件"):
        _file(w, user, staff, file=None)
    with pytest.raises(DomainError, match="类型不允许"):
        _file(w, user, staff, file=SimpleUploadedFile("r.docx", b"PK\x03\x04 x"))
    with pytest.raises(DomainError, match="内容与扩展名不符"):
        _file(w, user, staff, file=SimpleUploadedFile("r.pdf", b"not a pdf"))
    assert not AgencyReport.objects.exists()
    report = _file(w, user, staff)
    attachment = Attachment.objects.get()
    assert services.report_files([report]) == {report.pk: attachment} and len(attachment.sha256) == 64
    assert login(w.inspector).get(f"/attachments/{attachment.pk}/download").status_code == 200
    assert login(w.other_inspector).get(f"/attachments/{attachment.pk}/download").status_code == 404
    page = login(w.inspector).get(f"/assistance/agencies/{a.pk}/").content.decode()
    assert f"/attachments/{attachment.pk}/download" in page


def test_spot_checks_are_drawn_with_a_recorded_seed_from_the_jurisdiction_only(w, login):
    a, user, staff = agency()
    mine = [_file(w, user, staff, number=f"R-{i}") for i in range(5)]
    elsewhere = _file(w, user, staff, enterprise=EnterpriseFactory(region_id="140821"), number="R-LY")
    services.spot_check(actor=w.inspector, report=mine[0], result="qualified", findings="")  # already checked
    client = login(w.inspector)
    r = client.post("/assistance/spot-checks/", {"sample_size": 2, "issued_from": today().isoformat(),
                                                 "issued_to": (today() + dt.timedelta(days=1)).isoformat()})
    assert r.status_code == 400 and not RecordedDraw.objects.exists()  # the period cannot end in the future
    client.post("/assistance/spot-checks/", {"sample_size": 2, "issued_from": today().isoformat(),
                                             "issued_to": today().isoformat()})
    draw = RecordedDraw.objects.get()
    assert draw.pool == sorted(r.pk for r in mine[1:]) and elsewhere.pk not in draw.pool
    assert len(draw.seed) == 64 and services.draw_rerun(draw) == draw.selected
    assert draw.selected == rules.rank_draw(draw.seed, draw.pool, 2)
    page = client.get(f"/assistance/draws/{draw.pk}/").content.decode()
    assert "复核一致" in page and draw.seed in page
    picked = AgencyReport.objects.get(pk=draw.selected[0])
    client.post(f"/assistance/reports/{picked.pk}/spot-check/", {"result": "minor", "findings": "辨识不全",
                                                                "draw": draw.pk})
    check = picked.spot_checks.get()
    assert check.draw == draw and services.agency_credit(a) == 95
    not_drawn = next(r for r in mine[1:] if r.pk not in draw.selected)
    with pytest.raises(DomainError, match="不在本次随机抽取结果中"):
        services.spot_check(actor=w.inspector, report=not_drawn, result="qualified", findings="", draw=draw)
    with pytest.raises(DomainError, match="已抽查"):
        services.spot_check(actor=w.inspector, report=picked, result="qualified", findings="")
    assert login(w.other_inspector).get(f"/assistance/draws/{draw.pk}/").status_code == 404


def test_the_portal_publishes_the_registry_and_credit_list_without_personal_data(w, client):
    a, user, staff = agency()
    staff[0].phone = "13803590001"
    staff[0].save()
    report = _file(w, user, staff)
    services.spot_check(actor=w.inspector, report=report, result="serious", findings="未现场勘查")
    page = client.get("/assistance/public/agencies/").content.decode()  # no sign-in
    assert a.name in page and a.qualification_number in page and "石油加工业" in page and "80" in page
    detail = client.get(f"/assistance/public/agencies/{a.pk}/").content.decode()
    assert "存在严重问题" in detail and "-20" in detail
    for private in (staff[0].name, "13803590001", "138****0001"):
        assert private not in page and private not in detail
    body = client.get("/api/v1/assistance/public/agencies").json()
    assert body[0]["credit"] == 80 and body[0]["credit_events"][0]["points"] == -20
    assert "staff" not in body[0] and "phone" not in str(body)
    a.published = False
    a.save()
    assert client.get(f"/assistance/public/agencies/{a.pk}/").status_code == 404


def test_api_files_a_report_with_its_file_and_draws_spot_checks(w, login):
    a, user, staff = agency(scopes=("chemicals",))
    client = login(user)
    data = {"enterprise_uscc": w.enterprise.uscc, "kind": "status", "report_number": "API-1", "title": "现状评价",
            "issued_on": today().isoformat(), "conclusion": "符合", "signer_ids": [staff[0].pk, staff[1].pk]}
    r = client.post("/api/v1/assistance/agencies/reports", {**data, "file": report_pdf()})
    assert r.status_code == 201 and len(r.json()["file_sha256"]) == 64 and r.json()["scope"] == "chemicals"
    fireworks = EnterpriseFactory(region_id="140802", industry="fireworks")
    r = client.post("/api/v1/assistance/agencies/reports", {**data, "enterprise_uscc": fireworks.uscc,
                                                            "report_number": "API-2", "file": report_pdf()})
    assert r.status_code == 400 and "资质业务范围不包括" in r.json()["detail"]
    client = login(w.inspector)
    r = client.post("/api/v1/assistance/agencies/spot-check-draws", data={
        "sample_size": 1, "issued_from": today().isoformat(), "issued_to": today().isoformat()},
        content_type="application/json")
    assert r.status_code == 201 and r.json()["rerun_matches"] and len(r.json()["seed"]) == 64
    draw_id = r.json()["id"]
    assert client.get(f"/api/v1/assistance/agencies/spot-check-draws/{draw_id}").json()["selected"] == r.json()["selected"]
    assert login(w.other_inspector).get(f"/api/v1/assistance/agencies/spot-check-draws/{draw_id}").status_code == 404


def test_the_report_list_says_which_reports_were_spot_checked_in_a_fixed_number_of_queries(w, login,
                                                                                         django_assert_max_num_queries):
    """The agency's report list (API) marks each spot-checked report, without one query per report."""
    a, user, staff = agency()
    checked = _file(w, user, staff, number="R-1")
    for n in range(2, 6):
        _file(w, user, staff, number=f"R-{n}")
    services.spot_check(actor=w.inspector, report=checked, result="qualified", findings="")
    client = login(user)
    client.get("/api/v1/assistance/agencies/reports")  # the session's first request fills the caches
    with django_assert_max_num_queries(5):
        rows = client.get("/api/v1/assistance/agencies/reports").json()
    assert {r["report_number"]: r["spot_checked"] for r in rows} == {
        "R-1": True, "R-2": False, "R-3": False, "R-4": False, "R-5": False}
