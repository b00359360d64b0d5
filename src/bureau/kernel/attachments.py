"""Uploads: type and size checked on the server (by content, not by the name alone), stored through the storage
API with their SHA-256 digest."""

from __future__ import annotations

import hashlib
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile

from bureau.kernel.errors import DomainError
from bureau.kernel.models import Attachment

if TYPE_CHECKING:
    from bureau.accounts.models import User

# extension -> (magic prefixes, MIME type)
KNOWN_TYPES: dict[str, tuple[tuple[bytes, ...], str]] = {
    "pdf": ((b"%PDF-",), "application/pdf"),
    "jpg": ((b"\xff\xd8\xff",), "image/jpeg"),
    "jpeg": ((b"\xff\xd8\xff",), "image/jpeg"),
    "png": ((b"\x89PNG\r\n\x1a\n",), "image/png"),
    "xlsx": ((b"PK\x03\x04",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": ((b"PK\x03\x04",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "ofd": ((b"PK\x03\x04",), "application/ofd"),
}
DEFAULT_ALLOWED = frozenset({"pdf", "jpg", "jpeg", "png", "ofd"})


def check_upload(upload: UploadedFile, *, allowed: frozenset[str] = DEFAULT_ALLOWED, max_bytes: int | None = None
                 ) -> str:
    """Return the normalised extension or raise DomainError with a Chinese message."""
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    name = upload.name or ""
    ext = PurePath(name).suffix.lower().lstrip(".")
    if ext not in allowed:
        allowed_text = "、".join(sorted(allowed))
        raise DomainError(f"文件「{name}」的类型不允许，只能上传：{allowed_text}", code="file_type")
    if upload.size is None or upload.size == 0:
        raise DomainError(f"文件「{name}」是空文件", code="file_empty")
    if upload.size > max_bytes:
        raise DomainError(f"文件「{name}」超过大小限制（不超过 {max_bytes // (1024 * 1024)} MB）", code="file_size")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    magics, _ = KNOWN_TYPES[ext]
    if not any(head.startswith(m) for m in magics):
        raise DomainError(f"文件「{name}」的内容与扩展名不符", code="file_content")
    return ext


def save_upload(upload: UploadedFile, *, owner: Any = None, purpose: str = "", actor: User | None = None,
                allowed: frozenset[str] = DEFAULT_ALLOWED, max_bytes: int | None = None) -> Attachment:
    ext = check_upload(upload, allowed=allowed, max_bytes=max_bytes)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(type(owner)) if owner is not None else None,
        object_id=owner.pk if owner is not None else None,
        purpose=purpose,
        original_name=PurePath(upload.name or "file").name[:200],
        content_type_header=KNOWN_TYPES[ext][1],
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    attachment.file.save(f"{digest.hexdigest()[:16]}.{ext}", upload, save=False)
    attachment.save()
    return attachment


def attachments_by_owner(owners: Any, purpose_prefix: str = "") -> dict[int, list[Attachment]]:
    """The attachments of several owners of one model in one query: {owner pk: [attachment, …]} (no N+1 on lists
    of checklist results or findings)."""
    owners = list(owners)
    if not owners:
        return {}
    ct = ContentType.objects.get_for_model(type(owners[0]))
    rows = Attachment.objects.filter(content_type=ct, object_id__in=[o.pk for o in owners]).order_by("id")
    if purpose_prefix:
        rows = rows.filter(purpose__startswith=purpose_prefix)
    found: dict[int, list[Attachment]] = {}
    for row in rows:
        if row.object_id is not None:  # always, the rows are read by object_id
            found.setdefault(row.object_id, []).append(row)
    return found


def share_attachment(attachment: Attachment, *, owner: Any, purpose: str = "", actor: User | None = None) -> Attachment:
    """The same stored file (same digest) attached to another record too, e.g. a finding's photo on the hazard it
    became; the file is not copied."""
    return Attachment.objects.create(
        content_type=ContentType.objects.get_for_model(type(owner)), object_id=owner.pk,
        purpose=purpose or attachment.purpose, original_name=attachment.original_name,
        content_type_header=attachment.content_type_header, size=attachment.size, sha256=attachment.sha256,
        file=attachment.file.name, uploaded_by=actor if getattr(actor, "pk", None) else attachment.uploaded_by)
