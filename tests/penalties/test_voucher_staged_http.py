"""Staged uploads (kernel/staging.py, issue 17 point 2) on the 缴款凭证 form: a voucher refused for another field
changes nothing (no state, no history, no attachment, no stored file) and keeps the chosen file for the user who
chose it; a bad file is named; the resubmission uses the kept file once; a colleague's token does nothing; a refusal
after the file was stored (a conflict) leaves no file behind."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bureau.kernel import staging
from bureau.kernel.errors import Conflict
from bureau.kernel.models import Attachment, ProcessHistory, StagedUpload
from bureau.penalties import services
from bureau.penalties.models import Case, PaymentAccount
from tests.factories import make_user
from tests.penalties.factories import World

PDF = b"%PDF-1.4 voucher\n"
pytestmark = pytest.mark.django_db


@pytest.fixture
def w(db):
    world = World()
    PaymentAccount.objects.create(
        organisation=world.org, payee="运城市盐湖区财政局（非税收入）", collector_code="140802017",
        bank="中国工商银行运城盐湖支行", account_number="0508001234567890123", channels="手机银行",
        source="行政处罚法第六十七条（测试）", effective_from=dt.date(2024, 1, 1))
    return world


@pytest.fixture
def case(w):
    case = w.notified_case(amount=20000)
    services.statement_submit(actor=w.company_user, case=case, text="", waive=True)
    services.case_submit_decision(actor=w.officer, case=case)
    services.case_decide(actor=w.leader, case=case)
    return services.case_serve(actor=w.officer, case=case, method="直接送达")


def post(client, case, **fields):
    data = {"voucher-amount": "20000", "voucher-paid_on": timezone.localdate().isoformat(),
            "voucher-number": "FS14080226000123"}
    data.update({f"voucher-{k}": v for k, v in fields.items()})
    return client.post(f"/penalties/cases/{case.pk}/act/submit_voucher/", data)


def nothing_changed(case):
    fresh = Case.objects.get(pk=case.pk)
    return (fresh.voucher_at is None and fresh.version == case.version and services.payment_voucher(fresh) is None
            and not ProcessHistory.objects.filter(object_id=case.pk, action="submit_voucher").exists())


def test_refused_voucher_changes_nothing_keeps_the_file_and_the_retry_uses_it_once(w, case, login):
    """Rule (issue 17.2; 行政处罚法 第67条 payment reported by the party): an amount over the fine refuses the
    voucher with nothing saved, the chosen file kept (已选择 with 移除, no browser `required`); the corrected
    amount with the kept token stores the voucher once; the token again stores nothing more."""
    client = login(w.company_user)
    r = post(client, case, amount="20001", file=SimpleUploadedFile("缴款凭证.pdf", PDF, content_type="application/pdf"))
    page = r.content.decode()
    assert r.status_code == 400 and "超过决定罚款" in page and nothing_changed(case)
    assert "已选择：缴款凭证.pdf（" in page and 'name="staged_remove"' in page
    assert "required" not in page.split('name="voucher-file"')[1].split(">")[0]
    token = r.context["staged"]["voucher-file"][0].token
    done = post(client, case, file="")  # no new file chosen and the token not sent
    assert done.status_code == 400 and "请上传缴款凭证文件" in done.content.decode()
    done = client.post(f"/penalties/cases/{case.pk}/act/submit_voucher/", {
        "voucher-amount": "20000", "voucher-paid_on": timezone.localdate().isoformat(),
        "voucher-number": "FS14080226000123", staging.FIELD_PREFIX + "voucher-file": token})
    assert done.status_code == 302
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.voucher_amount == 20000 and services.payment_voucher(fresh).original_name == "缴款凭证.pdf"
    assert not StagedUpload.objects.exists()
    assert Attachment.objects.filter(object_id=case.pk, purpose=services.PAYMENT_VOUCHER).count() == 1


def test_a_bad_voucher_file_is_named_and_not_kept(w, case, login):
    """Rule (issue 17.2): a file that fails its own check (content not PDF) is named in the refusal and not kept."""
    r = post(login(w.company_user), case, file=SimpleUploadedFile("凭证扫描.pdf", b"not a pdf"))
    assert r.status_code == 400 and "凭证扫描.pdf" in r.content.decode() and "内容与扩展名不符" in r.content.decode()
    assert nothing_changed(case) and not StagedUpload.objects.exists() and not r.context["staged"]


def test_a_colleagues_voucher_token_does_nothing(w, case, login):
    """Rule (kernel/staging.py): the kept file belongs to the user who chose it, even in the same enterprise."""
    r = post(login(w.company_user), case, amount="20001",
             file=SimpleUploadedFile("缴款凭证.pdf", PDF, content_type="application/pdf"))
    colleague = make_user("corp_colleague", roles=["enterprise"], enterprise=w.enterprise)
    answer = login(colleague).post(f"/penalties/cases/{case.pk}/act/submit_voucher/", {
        "voucher-amount": "20000", "voucher-paid_on": timezone.localdate().isoformat(),
        "voucher-number": "FS14080226000123",
        staging.FIELD_PREFIX + "voucher-file": r.context["staged"]["voucher-file"][0].token})
    assert answer.status_code == 400 and nothing_changed(case) and StagedUpload.objects.count() == 1


def test_a_conflict_after_the_file_was_stored_leaves_nothing(w, case, login, monkeypatch):
    """Rule (house rules: conflicts reported 409, nothing changed): when the case changes under the submission the
    answer is 409, the stored voucher file is removed with the rolled-back row, and the file is kept to try again."""
    from bureau.penalties import services as penalties_services

    stored_names = []
    real = penalties_services.save_upload

    def save_and_note(*args, **kwargs):
        attachment = real(*args, **kwargs)
        stored_names.append((attachment.file.storage, attachment.file.name))
        return attachment

    def conflict(*args, **kwargs):  # another officer changed the case between the check and the update
        raise Conflict("该事项已被他人处理或状态已变化，请刷新页面后重试")

    monkeypatch.setattr(penalties_services, "save_upload", save_and_note)
    monkeypatch.setattr(penalties_services, "apply_transition", conflict)
    r = post(login(w.company_user), case, file=SimpleUploadedFile("缴款凭证.pdf", PDF, content_type="application/pdf"))
    assert r.status_code == 409 and nothing_changed(case)
    assert stored_names and not any(storage.exists(name) for storage, name in stored_names)
    assert "已选择：缴款凭证.pdf（" in r.content.decode()


def test_an_expired_kept_voucher_is_not_used(w, case, login):
    """Rule kernel.staged_upload_hours (24 小时): a kept file older than the period is not used; the form asks for
    the file again and nothing is saved."""
    client = login(w.company_user)
    r = post(client, case, amount="20001", file=SimpleUploadedFile("缴款凭证.pdf", PDF, content_type="application/pdf"))
    StagedUpload.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    late = client.post(f"/penalties/cases/{case.pk}/act/submit_voucher/", {
        "voucher-amount": "20000", "voucher-paid_on": timezone.localdate().isoformat(),
        "voucher-number": "FS14080226000123",
        staging.FIELD_PREFIX + "voucher-file": r.context["staged"]["voucher-file"][0].token})
    assert late.status_code == 400 and "请上传缴款凭证文件" in late.content.decode() and nothing_changed(case)
