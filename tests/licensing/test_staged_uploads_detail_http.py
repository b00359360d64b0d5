"""Staged uploads (kernel/staging.py, issue 17 point 2) on the application page: 补正 (resubmission after a
correction notice) and 容缺 (supplementing tolerated materials). A refused upload changes nothing, keeps every good
file beside its material for the user who chose it, names every bad file; the resubmission uses the kept files once;
a colleague's token does nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bureau.kernel import staging
from bureau.kernel.models import StagedUpload
from bureau.licensing import services as s
from bureau.licensing.models import Commitment
from tests.factories import make_user
from tests.licensing.conftest import application_submit, files_for, pdf

pytestmark = pytest.mark.django_db


def submit(w, skip=frozenset()):
    item = w.items["hazchem_operation"]
    return application_submit(actor=w.qiye, item=item, files=files_for(item, skip))


def fake(name="假.pdf"):
    return SimpleUploadedFile(name, b"not a pdf", content_type="application/pdf")


def exe(name="病毒.exe"):
    return SimpleUploadedFile(name, b"MZ\x90\x00", content_type="application/pdf")


def carried(response, key):
    return {staging.FIELD_PREFIX + field: [r.token for r in rows] for field, rows in response.context[key].items()}


@pytest.fixture
def in_correction(world):
    app = submit(world)
    unclear = [m.material_id for m in app.materials.filter(status="provided", material__generated=False)[:3]]
    s.application_request_correction(actor=world.officer, application=app, material_ids=unclear, note="不清晰")
    app.refresh_from_db()
    assert app.state == "correction"
    return app


def test_refused_correction_keeps_good_files_names_every_bad_one_and_resubmits_once(world, login, in_correction):
    """Rule (issue 17.2): a 补正 with two bad files changes nothing, keeps the good file beside its material and
    names both bad files; sending again with the kept file and new files for the rest resubmits, once."""
    app = in_correction
    ids = sorted(app.materials.filter(status="missing").values_list("material_id", flat=True))
    client = login(world.qiye)
    url = f"/licensing/{app.pk}/act/resubmit/"
    r = client.post(url, {"version": app.version, f"material_{ids[0]}": pdf("营业执照.pdf"),
                          f"material_{ids[1]}": fake(), f"material_{ids[2]}": exe()})
    page = r.content.decode()
    app.refresh_from_db()
    assert r.status_code == 400 and app.state == "correction"
    assert "假.pdf" in page and "病毒.exe" in page and "已选择：营业执照.pdf（" in page
    assert set(r.context["resubmit_staged"]) == {f"material_{ids[0]}"}
    done = client.post(url, {"version": app.version, **carried(r, "resubmit_staged"),
                             f"material_{ids[1]}": pdf("b.pdf"), f"material_{ids[2]}": pdf("c.pdf")})
    app.refresh_from_db()
    assert done.status_code == 302 and app.state == "submitted"
    provided = app.materials.get(material_id=ids[0])
    assert provided.status == "provided" and provided.attachment.original_name == "营业执照.pdf"
    assert not StagedUpload.objects.exists()


def test_a_colleagues_correction_token_does_nothing(world, login, in_correction):
    """Rule (kernel/staging.py): a staged file belongs to the user who chose it, even within one enterprise: the
    colleague's resubmission carrying the token attaches nothing and leaves the staged file in place."""
    app = in_correction
    ids = sorted(app.materials.filter(status="missing").values_list("material_id", flat=True))
    r = login(world.qiye).post(f"/licensing/{app.pk}/act/resubmit/",
                               {"version": app.version, f"material_{ids[0]}": pdf("营业执照.pdf"),
                                f"material_{ids[1]}": exe()})
    colleague = make_user("t_colleague", roles=["enterprise"], enterprise=world.enterprise)
    answer = login(colleague).post(f"/licensing/{app.pk}/act/resubmit/",
                                   {"version": app.version, **carried(r, "resubmit_staged")})
    # a resubmission without files is the enterprise's choice (the officer checks again); the kept file is not used
    assert answer.status_code == 302 and StagedUpload.objects.count() == 1
    assert app.materials.get(material_id=ids[0]).status == "missing"


def test_refused_tolerated_supplement_keeps_the_good_file_and_the_retry_uses_it_once(world, login):
    """Rule (issue 17.2, measure I.3): supplementing 容缺 materials with a bad file changes nothing and keeps the
    good file; the retry with the kept file reports the commitment fulfilled once; a colleague's token does
    nothing."""
    app = submit(world, skip=frozenset({"tolerable"}))
    s.application_accept_tolerated(actor=world.officer, application=app)
    c = Commitment.objects.get(application=app)
    s.commitment_sign(actor=world.qiye, commitment=c, deadline=s.today() + dt.timedelta(days=2),
                      preventive_measures="措施", rectification_plan="计划")
    tolerated = sorted(app.materials.filter(status="tolerated").values_list("material_id", flat=True))
    c.refresh_from_db()
    url = f"/licensing/{app.pk}/commitment/fulfil/"
    good = {f"material_{k}": pdf(f"补交{k}.pdf") for k in tolerated}
    r = login(world.qiye).post(url, {"version": c.version, **good, "material_999999": exe()})
    page = r.content.decode()
    c.refresh_from_db()
    assert r.status_code == 400 and c.status != "reported"
    assert "病毒.exe" in page and f"已选择：补交{tolerated[0]}.pdf（" in page
    colleague = make_user("t_colleague", roles=["enterprise"], enterprise=world.enterprise)
    login(colleague).post(url, {"version": c.version, **carried(r, "fulfil_staged")})
    c.refresh_from_db()
    assert c.status != "reported" and StagedUpload.objects.count() == len(tolerated)
    done = login(world.qiye).post(url, {"version": c.version, **carried(r, "fulfil_staged")})
    c.refresh_from_db()
    assert done.status_code == 302 and c.status == "reported" and not StagedUpload.objects.exists()
    assert sorted(m.attachment.original_name for m in app.materials.filter(material_id__in=tolerated)) == sorted(
        f"补交{k}.pdf" for k in tolerated)


def test_refused_review_commitment_report_keeps_its_evidence_and_the_retry_uses_it_once(world, login):
    """Rule (issue 17.2, measure I.3 in review): 报告整改完成 without the text but with one good and one bad file is
    refused with nothing changed, the good file kept for this commitment and the bad one named; the retry reports
    with the kept file once; a colleague's token does nothing."""
    from bureau.licensing import tolerance

    item = world.items["hazchem_operation"]
    app = application_submit(actor=world.qiye, item=item, files=files_for(item))
    s.application_accept(actor=world.officer, application=app)
    s.application_site_verify(actor=world.officer, application=app, result="储存区防火间距不足")
    c = tolerance.review_tolerance_open(actor=world.officer, application=app, found_in="site", problems="防火间距不足")
    s.commitment_sign(actor=world.qiye, commitment=c, deadline=s.today() + dt.timedelta(days=5),
                      preventive_measures="减量储存", rectification_plan="增设防火墙")
    c = Commitment.objects.get(pk=c.pk)
    url = f"/licensing/{app.pk}/commitments/{c.pk}/report/"
    r = login(world.qiye).post(url, {"version": c.version, "text": "", "evidence": [pdf("防火墙验收.pdf"), exe()]})
    page = r.content.decode()
    c.refresh_from_db()
    assert r.status_code == 400 and c.status == "signed" and not c.attachments().exists()
    assert "请说明整改完成情况" in page and "病毒.exe" in page and "已选择：防火墙验收.pdf（" in page
    tokens = carried(r, "report_staged")
    colleague = make_user("t_colleague", roles=["enterprise"], enterprise=world.enterprise)
    login(colleague).post(url, {"version": c.version, "text": "已整改", **tokens})
    c.refresh_from_db()
    assert c.status == "signed" and StagedUpload.objects.count() == 1
    done = login(world.qiye).post(url, {"version": c.version, "text": "已增设防火墙", **tokens})
    c.refresh_from_db()
    assert done.status_code == 302 and c.status == "reported" and not StagedUpload.objects.exists()
    assert [a.original_name for a in c.attachments()] == ["防火墙验收.pdf"]
