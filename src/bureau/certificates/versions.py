"""Versions of a certificate and their one signed document each (issue 15).

A certificate row holds the current state; every 发证, 变更, 延期 (and, for personal certificates, 延期换证 and 复审)
makes a `CertificateVersion`: what is printed on it, its validity, its own verification code and, once rendered, its
one PDF (2-D code to the public verification page, PAdES signature of the issuing bureau, SHA-256 digest). The
previous version is superseded: verification by its code answers "已被新版本替代" with a pointer to the current one.

No dependency on services.py (services and lifecycle both call in here).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bureau.accounts.models import User
from bureau.certificates.models import Certificate, CertificateVersion, HolderKind, VersionReason
from bureau.kernel import signing
from bureau.kernel.audit import audit
from bureau.kernel.documents import Fields, Para, QRCode, Signature, Spec, chinese_date, render_pdf
from bureau.kernel.models import Document

# the reasons told on the document and on the verification page
REASON_TEXT: dict[str, str] = {str(value): str(label) for value, label in VersionReason.choices}


def verify_url_for(code: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("certificates:verify", args=[code])


def printed_rows(cert: Certificate) -> list[list[str]]:
    """The fields printed on the certificate as it stands (a snapshot kept with each version). For a 危化经营许可证:
    企业名称, 主要负责人, 地址, 许可范围, 有效期 (危险化学品经营许可证管理办法 第12条, verify the article)."""
    ctype = cert.type
    enterprise = cert.enterprise if cert.enterprise_id else None
    if ctype.holder_kind == HolderKind.PERSON:
        rows = [["姓名", cert.holder_name], ["身份证号", cert.holder_id_masked]]
        if enterprise is not None:
            rows.append(["工作单位", enterprise.name])
        rows.append(["作业类别/操作项目" if ctype.review_interval_months else "类别", cert.scope_text or ctype.name])
    else:
        rows = [["单位名称", cert.holder_name]]
        if enterprise is not None:
            rows += [["统一社会信用代码", enterprise.uscc], ["主要负责人", enterprise.legal_representative],
                     ["地址", enterprise.address or "—"]]
        rows.append(["许可范围", cert.scope_text or "—"])
    rows.append(["有效期", f"{chinese_date(cert.valid_from)}至{chinese_date(cert.valid_until)}"])
    if cert.next_review_due:
        rows.append(["下次复审", chinese_date(cert.next_review_due)])
    rows.append(["发证机关", cert.issuing_authority])
    return rows


def changed_rows(before: list[list[str]], after: list[list[str]]) -> list[list[str]]:
    """[label, old, new] for every printed field that differs (shown as the 变更 record)."""
    old = {label: value for label, value in before}
    return [[label, old.get(label, "—"), value] for label, value in after if old.get(label) != value]


def current_version(cert: Certificate) -> CertificateVersion:
    """The certificate's current version; a record written without one (bulk import, older data) gets it now."""
    version = CertificateVersion.objects.filter(certificate=cert, version_no=cert.version_no).first()
    if version is not None:
        return version
    version, _ = CertificateVersion.objects.get_or_create(
        certificate=cert, version_no=cert.version_no,
        defaults={"reason": VersionReason.ISSUE, "verify_code": cert.verify_code, "holder_name": cert.holder_name,
                  "scope_text": cert.scope_text, "issued_on": cert.issued_on, "valid_from": cert.valid_from,
                  "valid_until": cert.valid_until, "printed": printed_rows(cert), "source_type": cert.source_type,
                  "source_id": cert.source_id})
    return version


def first_version(cert: Certificate, *, note: str = "") -> CertificateVersion:
    """Version 1 of a certificate just issued (inside the issuing transaction)."""
    return CertificateVersion.objects.create(
        certificate=cert, version_no=1, reason=VersionReason.ISSUE, verify_code=cert.verify_code,
        holder_name=cert.holder_name, scope_text=cert.scope_text, issued_on=cert.issued_on,
        valid_from=cert.valid_from, valid_until=cert.valid_until, printed=printed_rows(cert), note=note[:300],
        source_type=cert.source_type, source_id=cert.source_id)


def new_version(cert: Certificate, *, reason: str, actor: User | None, issued_on: dt.date, note: str = "",
                source: Any = None) -> CertificateVersion:
    """A new version of `cert` as it now stands (after the change, extension, renewal or review was applied to the
    row): the previous one is superseded, the certificate carries the new verification code. Same number.
    Must run inside the caller's transaction."""
    previous = current_version(cert)
    now = timezone.now()
    code = secrets.token_urlsafe(24)
    printed = printed_rows(cert)
    CertificateVersion.objects.filter(pk=previous.pk, superseded_at__isnull=True).update(superseded_at=now)
    version = CertificateVersion.objects.create(
        certificate=cert, version_no=previous.version_no + 1, reason=reason, verify_code=code,
        holder_name=cert.holder_name, scope_text=cert.scope_text, issued_on=issued_on, valid_from=cert.valid_from,
        valid_until=cert.valid_until, printed=printed,
        # an imported or migrated version kept no snapshot: what changed is then not known
        changes=changed_rows(previous.printed, printed) if previous.printed else [],
        note=note[:300],
        source_type=f"{source._meta.app_label}.{source._meta.model_name}" if source is not None else "",
        source_id=str(source.pk) if source is not None else "")
    # optimistic concurrency on the row: the version moves on (the register's pages carry it)
    Certificate.objects.filter(pk=cert.pk).update(verify_code=code, version_no=version.version_no, updated_at=now)
    cert.verify_code, cert.version_no = code, version.version_no
    audit(actor, "certificates.version", cert,
          summary=f"{cert.type.name} {cert.number} 第{version.version_no}版（{REASON_TEXT.get(reason, reason)}）",
          data={"version": version.version_no, "reason": reason, "superseded": previous.version_no})
    return version


def _spec(cert: Certificate, version: CertificateVersion) -> Spec:
    rows = [(label, value) for label, value in (version.printed or printed_rows(cert))]
    reason = REASON_TEXT.get(version.reason, "")
    number = f"编号：{cert.number}" + (f"（第{version.version_no}版）" if version.version_no > 1 else "")
    blocks: list[Any] = [Fields(rows)]
    if version.version_no > 1:
        # 危险化学品经营许可证管理办法 第15条: a changed licence states the date of the change
        text = f"本证照于{chinese_date(version.issued_on)}{reason}，为第{version.version_no}版，此前各版同时失效。"
        if version.changes:
            text += "变更事项：" + "；".join(f"{label}由“{old}”变更为“{new}”" for label, old, new in version.changes) + "。"
        blocks.append(Para(text, indent=False))
    blocks += [
        QRCode(verify_url_for(version.verify_code),
               caption="使用手机扫描二维码，可在运城市应急管理局政务服务门户核验本证照的真伪、当前状态和电子签名。"
                       f"核验码：{version.verify_code}"),
        Para("本电子证照依据国家电子证照标准（GB/T 36901—36905）生成，由发证机关加盖电子签名，与纸质证照具有同等效力。",
             indent=False),
        Signature(cert.issuing_authority, version.issued_on),
    ]
    return Spec(title=cert.type.name, authority=cert.issuing_authority, number=number, blocks=blocks,
                footer=f"生成时间：{timezone.localtime():%Y-%m-%d %H:%M}")


def version_document(*, actor: User | None, certificate: Certificate,
                     version: CertificateVersion | None = None) -> Document:
    """The one PDF of a version: rendered, signed (PAdES, kernel/signing.py) and stored the first time it is asked
    for, then always the same file. Two concurrent first requests: one wins, the other's file is dropped."""
    version = version or current_version(certificate)
    if version.document_id:
        return version.document  # type: ignore[return-value]
    pdf = render_pdf(_spec(certificate, version))
    signed = signing.sign_pdf(pdf, reason=f"{certificate.issuing_authority}{REASON_TEXT.get(version.reason, '')}",
                              location=settings.SIGNING_LOCATION)
    status = signing.verify_pdf(signed)
    digest = hashlib.sha256(signed).hexdigest()
    with transaction.atomic():
        document = Document(content_type=ContentType.objects.get_for_model(Certificate), object_id=certificate.pk,
                            kind="e_certificate", title=certificate.type.name,
                            number=f"{certificate.number} 第{version.version_no}版", sha256=digest,
                            created_by=actor if getattr(actor, "pk", None) else None)
        document.file.save(f"e-certificate-{certificate.pk}-v{version.version_no}-{digest[:8]}.pdf",
                           ContentFile(signed), save=False)
        document.save()
        won = CertificateVersion.objects.filter(pk=version.pk, document__isnull=True).update(
            document=document, sha256=digest, signer=status.signer, signed_at=status.signed_at)
        if not won:
            document.file.delete(save=False)
            document.delete()
            version.refresh_from_db()
            return version.document  # type: ignore[return-value]
        audit(actor, "certificates.e_certificate", certificate,
              summary=f"生成电子证照：{certificate.number} 第{version.version_no}版（已签名）", data={"sha256": digest})
    version.document, version.sha256, version.signer, version.signed_at = document, digest, status.signer, \
        status.signed_at
    return document


def attach_copy(document: Document, *, owner: Any, kind: str, sort: int = 0) -> Document:
    """The same stored file listed in another record's case file (an application's 卷宗 lists the licence it
    produced): one PDF, one digest, a second index row."""
    return Document.objects.create(content_type=ContentType.objects.get_for_model(type(owner)), object_id=owner.pk,
                                   kind=kind, title=document.title, number=document.number, file=document.file.name,
                                   sha256=document.sha256, sort=sort, created_by=document.created_by)
