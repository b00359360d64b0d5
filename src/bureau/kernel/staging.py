"""Staged uploads: a browser cannot refill a file input after the server refused the form, so every file that
passed its own checks (type by content, size) is kept for the same user or anonymous session and shown again
next to its input (「已选择：name.pdf（12 KB）」, a 移除 checkbox and a hidden token). A resubmission without a new
file uses the staged one. Every refused file is reported, one message per file.

A view uses it in three steps (docs/ui.md, 上传文件):

    try:
        with staging.claiming(request) as files:      # request.FILES plus the staged files the form carries
            service(..., files=files)                  # the record; the tokens are consumed in this transaction
    except DomainError as exc:
        staged, file_errors = staging.keep_after_refusal(request, check)
        # render the form with {"staged": staged} and the file_errors in the error summary
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import PurePath
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from bureau.kernel.errors import Conflict, DomainError
from bureau.kernel.models import StagedUpload
from bureau.kernel.rules import rule

FIELD_PREFIX = "staged_"  # hidden input staged_<field> = token (repeated for several files)
REMOVE = "staged_remove"  # checkbox value = token
EXPIRY_RULE = "kernel.staged_upload_hours"

Check = Callable[[str, UploadedFile], Any]


def owner_key(request: HttpRequest) -> str:
    """The signed-in user, else the anonymous visitor's session (created if needed)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    if not request.session.session_key:
        request.session.save()
    return f"session:{request.session.session_key}"


def _cutoff() -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=float(rule(EXPIRY_RULE)))


def posted(request: HttpRequest, *, lock: bool = False) -> dict[str, list[StagedUpload]]:
    """The staged uploads the posted form carries, per field: only this user's (or session's), not expired, not
    ticked 移除. A token from another session or an unknown token is ignored."""
    if request.method != "POST":
        return {}
    wanted: dict[str, str] = {}
    for key in request.POST:
        if key.startswith(FIELD_PREFIX) and key != REMOVE:
            for token in request.POST.getlist(key):
                wanted[token] = key.removeprefix(FIELD_PREFIX)
    removed = set(request.POST.getlist(REMOVE))
    tokens = [t for t in wanted if t and t not in removed]
    if not tokens:
        return {}
    rows = StagedUpload.objects.filter(owner_key=owner_key(request), token__in=tokens, created_at__gte=_cutoff())
    if lock:
        rows = rows.select_for_update()
    found: dict[str, list[StagedUpload]] = {}
    for row in rows.order_by("id"):
        if wanted.get(row.token) == row.field:
            found.setdefault(row.field, []).append(row)
    return found


def _as_upload(row: StagedUpload) -> UploadedFile:
    return UploadedFile(file=row.file.storage.open(row.file.name or "", "rb"), name=row.original_name, size=row.size)


@contextmanager
def claiming(request: HttpRequest) -> Iterator[MultiValueDict]:
    """A transaction in which the files are request.FILES plus, per field, the staged files the form carries
    (staged first, so a single-file field read with .get() takes a newly chosen file). When the block succeeds
    the claimed rows are deleted in the same transaction, exactly once: a token already used makes it fail."""
    with transaction.atomic():
        staged = posted(request, lock=True)
        files: MultiValueDict = MultiValueDict()
        for field in set(staged) | set(request.FILES):
            files.setlist(field, [_as_upload(r) for r in staged.get(field, [])] + request.FILES.getlist(field))
        yield files
        claimed = [r for rows in staged.values() for r in rows]
        deleted = StagedUpload.objects.filter(pk__in=[r.pk for r in claimed]).delete()[0] if claimed else 0
        if deleted != len(claimed):
            raise Conflict("暂存的文件已经用于另一次提交，请重新选择文件")
        names = [r.file.name or "" for r in claimed]
        transaction.on_commit(lambda: _delete_stored(names))


def keep_after_refusal(request: HttpRequest, check: Check, *, fields: Callable[[str], bool] = lambda _f: True
                       ) -> tuple[dict[str, list[StagedUpload]], list[str]]:
    """After a refused POST: stage every newly chosen file of the accepted fields that passes check(field,
    upload); return the staged uploads to show per field (those the form carried and the new ones) and one
    message per refused file, naming it."""
    shown = posted(request)
    problems: list[str] = []
    key = owner_key(request)
    for field in request.FILES:
        if not fields(field):
            continue
        for upload in request.FILES.getlist(field):
            try:
                check(field, upload)
            except DomainError as exc:
                problems.append(exc.message)
                continue
            upload.seek(0)
            row = StagedUpload(owner_key=key, token=secrets.token_urlsafe(32), field=field[:80],
                               original_name=PurePath(upload.name or "file").name[:200], size=upload.size or 0)
            row.file.save(f"{row.token[:16]}{PurePath(upload.name or '').suffix.lower()[:8]}", upload, save=False)
            row.save()
            shown.setdefault(field, []).append(row)
    return shown, problems


def not_required(form: Any, staged: dict[str, list[StagedUpload]]) -> None:
    """A Django form shown again with kept files: their inputs lose the browser's `required` (the kept file
    answers it; the server still checks)."""
    for field in staged:
        if field in form.fields and staged[field]:
            form.fields[field].widget.use_required_attribute = lambda _initial: False


def refused_file_form(request: HttpRequest, form: Any, exc: Any, field: str,
                      check: Callable[[Any], object]) -> dict[str, list[StagedUpload]]:
    """A form with one file field (or one file input read beside the form) was refused (`exc`, a DomainError; an empty message: the form's own errors): keep
    its good file (check(upload) passes), put the refusal and every bad file's message on the form, and let the kept
    file answer the browser's `required`. Returns the staged uploads by input name, for `{% staged_files %}`."""
    name = form.add_prefix(field)
    staged, file_errors = keep_after_refusal(request, lambda _f, upload: check(upload), fields=lambda f: f == name)
    if exc.message and exc.message not in file_errors:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    target = field if field in form.fields else None  # files read beside the form: their messages on the form
    for message in file_errors:
        if message not in form.errors.get(target or NON_FIELD_ERRORS, []):
            form.add_error(target, message)
    not_required(form, {field: staged.get(name, [])})
    return staged


def purge_expired() -> int:
    """Delete the staged uploads older than the rule's period, with their stored files (housekeeping job)."""
    rows = list(StagedUpload.objects.filter(created_at__lt=_cutoff()).values_list("pk", "file"))
    if not rows:
        return 0
    StagedUpload.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
    _delete_stored([name for _, name in rows])
    return len(rows)


def _delete_stored(names: list[str]) -> None:
    storage = StagedUpload._meta.get_field("file").storage  # type: ignore[attr-defined]
    for name in names:
        if name:
            storage.delete(name)


def size_label(size: int) -> str:
    """「12 KB」「1.5 MB」 as the control shows chosen files."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"
