from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from bureau.kernel.access import own_account, public_view, through_owner
from bureau.kernel.jobs import platform_health
from bureau.kernel.models import Attachment, Document, Notification
from bureau.kernel.notifications import forget_unread
from bureau.kernel.prepared import Prepared
from bureau.kernel.registry import WorkItem, registry
from bureau.kernel.rows import escape_text as _e

if TYPE_CHECKING:
    from bureau.accounts.http import AuthenticatedRequest
    from bureau.accounts.models import User


@public_view
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while the web server can serve: `status` is `ok`, or `degraded` when the job worker or the scheduler is
    missing, late or dead (the site works; reminders and sweeps wait); 503 when the database does not answer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        health = platform_health()
    except Exception:  # any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    degraded = [name for name in ("worker", "scheduler") if health[name]["status"] != "ok"]
    return JsonResponse({"status": "degraded" if degraded else "ok", "database": "ok", "degraded": degraded,
                         **health, "time": timezone.now().isoformat()})


_NOTICES: Prepared[Notification] = Prepared(  # compiled once (issue 18)
    lambda user_id: Notification.objects.filter(recipient_id=user_id).order_by("-created_at")[:6])


@login_required
@own_account
def workbench(request: AuthenticatedRequest) -> HttpResponse:
    """我的待办: every area's open items for this user, most urgent first."""
    items: list[WorkItem] = []
    for provider in registry.workbench:
        items.extend(provider(request.user))
    order = {"overdue": 0, "due": 1, "running": 2, "stopped": 3, "done": 4}
    items.sort(key=lambda i: (order.get(i.chip, 9), str(i.sort_key)))
    counts = {k: sum(1 for i in items if i.chip == k) for k in ("overdue", "due", "running")}
    notices = _NOTICES.all(request.user.pk)
    return render(request, "kernel/workbench.html",
                  {"items": items[:200], "rows_html": workbench_rows_html(items[:200]), "total": len(items),
                   "counts": counts, "notices": notices})


def workbench_rows_html(items: list[WorkItem]) -> SafeString:
    """The workbench's rows as HTML: the bytes `kernel/_workbench_rows.html` renders (a test compares), put together
    without template nodes (issue 18)."""
    out = []
    for i in items:
        due = f'<span class="chip chip-{_e(i.chip)}">{_e(i.due_label)}</span>' if i.due_label else "—"
        out.append(f'\n      <tr><td data-label="事项" class="cell-title"><a href="{_e(i.url)}">{_e(i.title)}</a></td>'
                   f'<td data-label="类别" class="nowrap">{_e(i.area)}</td><td data-label="状态">{_e(i.status)}</td>'
                   f'<td data-label="时限">{due}</td></tr>\n    ')
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@login_required
@own_account
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    rows = Notification.objects.filter(recipient=request.user).order_by("-created_at")[:200]
    if request.method == "POST":
        Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
        forget_unread([request.user])
    return render(request, "kernel/inbox.html", {"rows": rows})


def _owner_visible(owner_model: Any, object_id: int | None, user: User) -> bool:
    if object_id is None:
        return user.is_superuser
    manager = owner_model._default_manager
    if not hasattr(manager, "restrict"):
        return bool(user.is_superuser)
    return manager.restrict(user).filter(pk=object_id).exists()


def enterprise_may_see_document(owner_model: Any, kind: str, user: User) -> bool:
    """An owner model may list the document kinds its enterprise users may see (`ENTERPRISE_DOCUMENT_KINDS`, a
    frozenset of kinds): the documents addressed to the party, not the authority's internal forms. Models without
    the attribute, and users who are not enterprise users, are not restricted here (scope still applies)."""
    allowed = getattr(owner_model, "ENTERPRISE_DOCUMENT_KINDS", None)
    if allowed is None or not getattr(user, "enterprise_id", None):
        return True
    return kind in allowed


@login_required
@through_owner
def document_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    document = get_object_or_404(Document.objects.select_related("content_type"), pk=pk)
    model = document.content_type.model_class() if document.content_type else None
    if model is None or not _owner_visible(model, document.object_id, request.user):
        raise Http404
    if not enterprise_may_see_document(model, document.kind, request.user):
        raise Http404
    return FileResponse(document.file.open("rb"), content_type="application/pdf", as_attachment=False,
                        filename=f"{document.title}.pdf")


@login_required
@through_owner
def attachment_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("content_type"), pk=pk)
    model = attachment.content_type.model_class() if attachment.content_type else None
    if model is None or not _owner_visible(model, attachment.object_id, request.user):
        raise Http404
    return FileResponse(attachment.file.open("rb"), content_type=attachment.content_type_header,
                        filename=attachment.original_name)
