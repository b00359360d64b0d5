"""Official documents are real PDFs with the Chinese font embedded and stored with their digest; uploads are checked
by content and size."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bureau.kernel.attachments import save_upload
from bureau.kernel.documents import Fields, Para, QRCode, Signature, Spec, render_pdf, store_document
from bureau.kernel.errors import DomainError
from tests.factories import EnterpriseFactory, city_bureau, make_user

SPEC = Spec(title="受理通知书", number="运应急受〔2026〕1号", blocks=[
    Para("运城市河东化工贸易有限公司：你单位提交的危险化学品经营许可申请，经审查，材料齐全，决定予以受理。"),
    Fields([("申请事项", "危险化学品经营许可证（首次）"), ("受理日期", "2026年11月26日")]),
    QRCode("https://example.invalid/verify/abc", "扫码查询办理进度"),
    Signature("运城市应急管理局", dt.date(2026, 11, 26)),
])


def test_pdf_embeds_the_song_font():
    pdf = render_pdf(SPEC)
    assert pdf.startswith(b"%PDF-")
    assert b"/FontFile2" in pdf  # the TrueType program is inside the file
    assert b"/ToUnicode" in pdf  # Chinese text is extractable


@pytest.mark.django_db
def test_stored_document_keeps_its_digest_and_owner():
    enterprise = EnterpriseFactory()
    document = store_document(owner=enterprise, kind="notice", spec=SPEC)
    content = document.file.read()
    assert hashlib.sha256(content).hexdigest() == document.sha256
    assert document.number == "运应急受〔2026〕1号"


@pytest.mark.django_db
def test_document_download_is_scoped(login):
    from tests.factories import county_bureau

    enterprise = EnterpriseFactory(region_id="140821")
    document = store_document(owner=enterprise, kind="notice", spec=SPEC)
    outsider = make_user(roles=["inspector"], organisation=county_bureau("140802"))
    assert login(outsider).get(f"/documents/{document.pk}/download").status_code == 404
    city = make_user(roles=["inspector"], organisation=city_bureau())
    assert login(city).get(f"/documents/{document.pk}/download").status_code == 200


@pytest.mark.django_db
def test_uploads_are_checked_by_type_content_and_size(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    ok = save_upload(SimpleUploadedFile("材料.pdf", b"%PDF-1.4 test"))
    assert ok.sha256 == hashlib.sha256(b"%PDF-1.4 test").hexdigest()
    with pytest.raises(DomainError, match="类型不允许"):
        save_upload(SimpleUploadedFile("run.exe", b"MZ"))
    with pytest.raises(DomainError, match="内容与扩展名不符"):
        save_upload(SimpleUploadedFile("fake.pdf", b"<html>"))
    with pytest.raises(DomainError, match="超过大小限制"):
        save_upload(SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2000))
