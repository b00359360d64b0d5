"""Issue 15: one licence through issue, change, extension and its end; one signed document per version.

Service-level (cheap): the lifecycle functions of certificates/lifecycle.py, the database constraint, the signing
adapter (kernel/signing.py) checked with pyHanko's own validator; one HTTP test for the verification of a superseded
version with the signature status."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from bureau.certificates import lifecycle, services
from bureau.certificates.models import Certificate, CertificateVersion
from bureau.kernel import signing
from bureau.kernel.errors import Conflict, DomainError, PermissionDenied
from bureau.kernel.models import Document
from tests.certificates.factories import licence
from tests.factories import EnterpriseFactory, city_bureau, make_user

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def enterprise(db):
    return EnterpriseFactory(name="运城市测试化工贸易有限公司", region_id="140802", industry="hazchem_operation",
                             legal_representative="李建国")


def test_the_database_refuses_a_second_held_licence_of_one_kind_and_scope(enterprise):
    """Rule: an enterprise never holds two valid licences of one kind for one scope (行政许可法 第49、50条;
    domain §3): the service refuses with a message routing to 变更/延期, and the database's partial unique index
    refuses even a write that bypasses the service; after the licence ends a new one may be issued."""
    held = licence(enterprise, valid_from=TODAY)
    with pytest.raises(Conflict, match="变更"):
        licence(enterprise, valid_from=TODAY)
    twin = Certificate(number="X-1", type=held.type, enterprise=enterprise, region_id=held.region_id,
                       holder_name=enterprise.name, issuing_authority="运城市应急管理局", issued_on=TODAY,
                       valid_from=TODAY, valid_until=held.valid_until, scope_key="")
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    twin.scope_key = "另一经营场所"  # another scope of the same kind is another licence
    twin.save()
    admin = make_user(roles=["sysadmin"], organisation=city_bureau())
    lifecycle.licence_end(actor=admin, certificate=held, action="void", reason="企业申请注销")
    assert licence(enterprise, valid_from=TODAY).number != held.number


def test_a_change_keeps_number_and_validity_and_supersedes_the_old_version(enterprise, client):
    """Rule: 变更 amends the held licence: same number, same validity (危险化学品经营许可证管理办法 第15条: 有效期的
    起始日和截止日不变，但应当载明变更日期), a new version with the changed fields; verification by the old version's
    code answers "已被新版本替代" and points to the current version."""
    held = licence(enterprise, valid_from=TODAY - dt.timedelta(days=200))
    old_code, number, dates = held.verify_code, held.number, (held.valid_from, held.valid_until)
    enterprise.legal_representative = "王建国"
    enterprise.save()
    version = lifecycle.licence_change(actor=None, certificate=held, on=TODAY, note="变更主要负责人")
    held.refresh_from_db()
    assert (held.number, (held.valid_from, held.valid_until), held.version_no) == (number, dates, 2)
    assert version.changes == [["主要负责人", "李建国", "王建国"]] and version.issued_on == TODAY
    assert CertificateVersion.objects.get(certificate=held, version_no=1).superseded_at is not None
    assert Certificate.objects.filter(enterprise=enterprise).count() == 1
    old = services.certificate_verify(old_code)
    assert (old.valid, old.status, old.current_code, old.current_version_no) == (False, "superseded",
                                                                                 held.verify_code, 2)
    assert services.certificate_verify(held.verify_code).valid
    assert held.history().filter(action="change").exists()


def test_an_extension_continues_the_same_licence_for_a_new_term(enterprise):
    """Rule: 延期 continues the same licence (安全生产许可证条例 第9条; 危险化学品经营许可证管理办法 第19条): the new
    term starts the day after the old one ends, same number, version 2, no second licence."""
    held = licence(enterprise, valid_from=services.rules.add_months(TODAY + dt.timedelta(days=60), -36))
    old_until = held.valid_until
    version = lifecycle.licence_extend(actor=None, certificate=held)
    held.refresh_from_db()
    assert held.valid_from == old_until + dt.timedelta(days=1)
    assert held.valid_until == services.rules.add_months(held.valid_from, 36) - dt.timedelta(days=1)
    assert (version.version_no, version.reason, held.status) == (2, "extension", "valid")
    assert Certificate.objects.filter(enterprise=enterprise).count() == 1


def test_revocation_is_decided_by_the_heads_and_ends_the_licence_for_every_version(enterprise):
    """Rule: 吊销 (行政处罚法 第9条) and 撤销 (行政许可法 第69条) of a licence are decided by the section head or the
    leader, not by the reviewing officer; once revoked, every version's code verifies as not valid."""
    held = licence(enterprise, valid_from=TODAY - dt.timedelta(days=30))
    first_code = held.verify_code
    lifecycle.licence_extend(actor=None, certificate=held)
    held.refresh_from_db()
    officer = make_user(roles=["licensing_officer"], organisation=city_bureau())
    with pytest.raises((DomainError, PermissionDenied), match="负责人"):
        lifecycle.licence_end(actor=officer, certificate=held, action="revoke", reason="拒不整改重大事故隐患")
    leader = make_user(roles=["leader"], organisation=city_bureau())
    with pytest.raises(DomainError, match="原因"):
        lifecycle.licence_end(actor=leader, certificate=held, action="revoke", reason=" ")
    lifecycle.licence_end(actor=leader, certificate=held, action="revoke", reason="拒不整改重大事故隐患")
    current = services.certificate_verify(held.verify_code)
    assert (current.valid, current.status, current.status_label) == (False, "revoked", "已吊销")
    old = services.certificate_verify(first_code)
    assert old.valid is False and old.current_status_label == "已吊销"
    assert "行政处罚法 第9条" in held.history().get(action="revoke").note


def test_one_signed_pdf_per_version_verifiable_with_pyhanko(enterprise):
    """Rule: each licence version has exactly one PDF with the 2-D code and the bureau's PAdES signature (issue 15;
    GB/T 36901–36905): pyHanko's validator finds it intact and made with the configured certificate; a byte
    changed after signing makes it invalid; asking again returns the same file."""
    held = licence(enterprise, valid_from=TODAY)
    document = services.certificate_document(actor=None, certificate=held)
    assert services.certificate_document(actor=None, certificate=held).pk == document.pk
    data = document.file.open("rb").read()
    status = signing.verify_pdf(data)
    assert status.valid and status.digest == document.sha256 and "运城市应急管理局" in status.signer
    version = CertificateVersion.objects.get(certificate=held, version_no=1)
    assert (version.document_id, version.sha256) == (document.pk, document.sha256)
    tampered = bytearray(data)
    tampered[len(data) // 3] ^= 0x01
    assert not signing.verify_pdf(bytes(tampered)).valid
    assert not signing.verify_pdf(b"%PDF-1.4\n%%EOF\n").signed
    lifecycle.licence_extend(actor=None, certificate=held)
    held.refresh_from_db()
    second = services.certificate_document(actor=None, certificate=held)
    assert second.pk != document.pk and Document.objects.filter(kind="e_certificate").count() == 2


def test_verification_of_a_superseded_version_points_to_the_current_and_shows_the_signature(enterprise, client):
    """Rule: the public page and API answer an old version's code as superseded with a link to the current version,
    and show the signature status (signer, digest) of the version's document (issue 15)."""
    held = licence(enterprise, valid_from=TODAY - dt.timedelta(days=10))
    old_code = held.verify_code
    document = services.certificate_document(actor=None, certificate=held)
    lifecycle.licence_change(actor=None, certificate=held, on=TODAY)
    held.refresh_from_db()
    page = client.get(f"/certificates/verify/{old_code}/").content.decode()
    assert "已被新版本替代" in page and f"/certificates/verify/{held.verify_code}/" in page
    assert document.sha256 in page and "运城市应急管理局（演示签名证书）" in page
    body = client.get(f"/api/v1/certificates/verify/{old_code}").json()
    assert (body["status"], body["is_current"], body["current_verify_code"]) == ("superseded", False,
                                                                               held.verify_code)
    assert body["signature"]["sha256"] == document.sha256 and body["version_no"] == 1
    current = client.get(f"/api/v1/certificates/verify/{held.verify_code}").json()
    assert current["valid"] is True and current["version_no"] == 2 and current["signature"] is None
