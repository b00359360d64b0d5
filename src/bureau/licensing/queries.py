"""Scoped reads for views, exports and the API (every list goes through `restrict`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet, prefetch_related_objects
from django.http import Http404

from bureau.accounts.authority import restrict_key
from bureau.accounts.models import User
from bureau.kernel.models import Document
from bureau.kernel.prepared import Prepared, PreparedRows, PreparedValues
from bureau.licensing.models import (
    OFFICER_STATES,
    OPEN_STATES,
    Application,
    ApplicationDraft,
    ApplicationMaterial,
    Commitment,
    ItemKind,
    Opinion,
    Pause,
    PermitItem,
)

# List rows load only what the list shows: the enterprise's encrypted columns are never decrypted for a list.
LIST_FIELDS = ("id", "version", "number", "state", "level", "submitted_on", "intake_due", "due_on", "due_provisional",
               "decision_due", "tolerated", "fast_track", "decided_on", "item__id", "item__name", "item__code",
               "enterprise__id", "enterprise__name", "region__code", "region__name")


def _rows(qs: QuerySet[Application]) -> QuerySet[Application]:
    return qs.select_related("item", "enterprise", "region").only(*LIST_FIELDS)


def _base(user: User) -> QuerySet[Application]:
    return Application.objects.restrict(user).select_related("item", "enterprise", "region")


def officer_queue(user: User, params: Any | None = None) -> QuerySet[Application]:
    """The officer's queue: open applications of the officer's level and jurisdiction, fewest days left first."""
    params = params or {}
    qs = Application.objects.restrict(user).filter(state__in=OFFICER_STATES)
    org = getattr(user, "organisation", None)
    if not user.is_superuser:
        if org is not None and org.region_id == settings.CITY_REGION_CODE:
            qs = qs.filter(level="city")
        elif org is not None:
            qs = qs.filter(level="county", region_id=org.region_id)
    if params.get("state") in OFFICER_STATES:
        qs = qs.filter(state=params["state"])
    if params.get("item"):
        qs = qs.filter(item__code=params["item"])
    return _rows(qs).order_by("due_on", "id")


def officer_queue_key(user: User, params: Any | None = None) -> Any:
    """Everything `officer_queue(user, params)` puts into its SQL and parameters, as a hashable key (the compiled
    list query is kept per key, kernel/prepared.py): the scope, the level filter, the state and item filters. None
    when the user sees no application (then the ORM answers)."""
    params = params or {}
    scope = restrict_key(Application, user)
    if scope is None:
        return None
    org = getattr(user, "organisation", None)
    level: Any = None
    if not user.is_superuser:
        if org is not None and org.region_id == settings.CITY_REGION_CODE:
            level = ("city",)
        elif org is not None:
            level = ("county", org.region_id)
    state = params.get("state") if params.get("state") in OFFICER_STATES else None
    return ("officer_queue", scope, level, state, params.get("item") or None)


def leader_approvals(user: User) -> QuerySet[Application]:
    """Decisions and extension requests waiting for a leader of the user's level."""
    qs = officer_queue(user).filter(state__in=["pending_decision", "extension_requested"])
    return qs


def enterprise_applications(user: User, params: Any | None = None) -> QuerySet[Application]:
    """An enterprise's own applications (what Application.authority lets it see), newest first."""
    params = params or {}
    qs = _rows(Application.objects.restrict(user))
    if params.get("state"):
        qs = qs.filter(state=params["state"])
    return qs.order_by("-id")


def enterprise_applications_key(user: User, params: Any | None = None) -> Any:
    """Everything `enterprise_applications(user, params)` puts into its SQL and parameters, as a hashable key (the
    compiled list query is kept per key, kernel/prepared.py): the scope and the state filter. None when the user sees
    no application (then the ORM answers)."""
    scope = restrict_key(Application, user)
    if scope is None:
        return None
    return ("enterprise_applications", scope, (params or {}).get("state") or None)


def department_applications(user: User) -> QuerySet[Application]:
    """A department sees only the applications sent to it for parallel review (measure I.5)."""
    return _rows(Application.objects.restrict(user)).order_by("-id")


def all_applications(user: User, params: Any | None = None) -> QuerySet[Application]:
    params = params or {}
    qs = _rows(Application.objects.restrict(user))
    if params.get("state"):
        qs = qs.filter(state=params["state"])
    if params.get("q"):
        qs = qs.filter(number__startswith=params["q"].strip().upper())
    return qs.order_by("-id")


def _one_application(pk: Any, user: User, proxy: bool) -> QuerySet[Application]:
    qs = _base(user)
    if proxy:  # the detail page names the window clerk of a 代办 and links the authorisation
        qs = qs.select_related("proxy_clerk", "proxy_clerk__organisation", "proxy_authorisation")
    return qs.filter(pk=pk)


# compiled once per scope and `proxy` (issue 18: the ORM spent ≈ 2 ms building this query on every detail page)
_ONE_APPLICATION: Prepared[Application] = Prepared(_one_application)


_MATERIALS: Prepared[ApplicationMaterial] = Prepared(
    lambda pk: ApplicationMaterial.objects.filter(application_id=pk).select_related("material", "attachment"))
_OPINIONS: Prepared[Opinion] = Prepared(
    lambda pk: Opinion.objects.filter(application_id=pk).select_related("organisation", "given_by"))


def materials_of(app: Application) -> list[ApplicationMaterial]:
    """`app.materials.select_related("material", "attachment")` as a list, the query compiled once (issue 18)."""
    rows = _MATERIALS.all(app.pk)
    for row in rows:
        row.application = app  # as the related manager sets it
    return rows


def opinions_of(app: Application) -> list[Opinion]:
    """`app.opinions.select_related("organisation", "given_by")` as a list, the query compiled once (issue 18)."""
    rows = _OPINIONS.all(app.pk)
    for row in rows:
        row.application = app
    return rows


_PAUSES: Prepared[Pause] = Prepared(lambda pk: Pause.objects.filter(application_id=pk))
_DOCUMENTS: Prepared[Document] = Prepared(lambda pk, ct: Document.objects.filter(content_type=ct, object_id=pk))
_COMMITMENTS: Prepared[Commitment] = Prepared(
    lambda pk, user: Commitment.objects.restrict(user).filter(application_id=pk))


def documents_of(app: Application) -> list[Document]:
    """`app.documents()` as a list, the query compiled once (issue 18)."""
    ct = ContentType.objects.get_for_model(Application)
    return _DOCUMENTS.all(app.pk, ct, key=ct.pk)


def commitments_of(user: User, app: Application) -> list[Commitment]:
    """`Commitment.objects.restrict(user).filter(application=app)` with their consequences, compiled once per scope."""
    scope = restrict_key(Commitment, user)
    if scope is None:
        return []
    rows = _COMMITMENTS.all(app.pk, user, key=scope)
    prefetch_related_objects(rows, "consequences")
    return rows


def get_application_for(user: User, pk: int, *, proxy: bool = False) -> Application:
    scope = restrict_key(Application, user)
    if scope is None:  # the principal sees no application
        raise Http404("申请不存在")
    found = _ONE_APPLICATION.all(pk, user, proxy, key=(scope, proxy))
    if not found:
        raise Http404("申请不存在")
    app = found[0]
    # prefetch_related("pause_rows") as Django stores it, from a compiled query
    pauses = app.pause_rows.all()
    pauses._result_cache = _PAUSES.all(app.pk)
    for pause in pauses._result_cache:
        pause.application = app
    pauses._prefetch_done = True  # type: ignore[attr-defined]
    app._prefetched_objects_cache = {"pause_rows": pauses}  # type: ignore[attr-defined]
    return app


def commitments_due(user: User) -> QuerySet[Commitment]:
    return (Commitment.objects.restrict(user).filter(status__in=["unsigned", "signed", "overdue"])
            .select_related("application", "application__item").order_by("deadline", "id"))


_OWN_OPEN = PreparedValues()
_DUE_COMMITMENTS: PreparedRows[Commitment] = PreparedRows()
_PANEL_APPLICATIONS: PreparedRows[Application] = PreparedRows()
_PANEL_COMMITMENTS: PreparedRows[Commitment] = PreparedRows()


def enterprise_open_applications(user: User, limit: int) -> list[dict[str, Any]]:
    """`enterprise_applications(user).filter(state__in=OPEN_STATES)[:limit]` (the workbench) as the values the
    workbench shows (pk, number, state, item__name, decision_due), the query compiled once per scope (issue 18)."""
    scope = restrict_key(Application, user)
    if scope is None:
        return []
    return _OWN_OPEN.rows(lambda: enterprise_applications(user).filter(state__in=OPEN_STATES)
                          .values("pk", "number", "state", "item__name", "decision_due")[:limit],
                          key=(scope, limit))


def commitments_due_rows(user: User, limit: int) -> list[Commitment]:
    """`commitments_due(user)[:limit]` (the workbench), the query compiled once per scope (issue 18)."""
    scope = restrict_key(Commitment, user)
    if scope is None:
        return []
    return _DUE_COMMITMENTS.rows(lambda: commitments_due(user)[:limit], key=(scope, limit))


# What the panel (licensing/_enterprise_panel.html) shows: no application's form data, verification or locked data
# (JSON) is read for it
_PANEL_APPLICATION_FIELDS = ("id", "number", "state", "item__id", "item__name")
_PANEL_COMMITMENT_FIELDS = ("id", "missing_text", "deadline", "status", "application__id", "application__number")


def enterprise_panel_rows(user: User, enterprise_id: int) -> tuple[list[Application], list[Commitment]]:
    """The enterprise page's panel: its latest 10 applications (with the item) and 10 commitments (with the
    application) that the user sees, the queries compiled once per scope and enterprise (issue 18)."""
    apps: list[Application] = []
    scope = restrict_key(Application, user)
    if scope is not None:
        apps = _PANEL_APPLICATIONS.rows(
            lambda: Application.objects.restrict(user).filter(enterprise_id=enterprise_id).select_related("item")
            .only(*_PANEL_APPLICATION_FIELDS).order_by("-id")[:10], key=(scope, enterprise_id))
    commitments: list[Commitment] = []
    scope = restrict_key(Commitment, user)
    if scope is not None:
        commitments = _PANEL_COMMITMENTS.rows(
            lambda: Commitment.objects.restrict(user).filter(application__enterprise_id=enterprise_id)
            .select_related("application").only(*_PANEL_COMMITMENT_FIELDS).order_by("-id")[:10],
            key=(scope, enterprise_id))
    return apps, commitments


def active_items(*, with_materials: bool = True) -> QuerySet[PermitItem]:
    """The items in force, in the catalogue's order; with their materials, form fields and steps (the guide, the
    API), or without them for the item list, which shows none (issue 18: two queries and ≈ 240 model instances a
    page)."""
    qs = PermitItem.objects.filter(is_active=True).order_by("sort", "code")
    return qs.prefetch_related("materials", "form_fields", "steps") if with_materials else qs


@dataclass(frozen=True)
class ListedItem:
    """What the item list (and the eligibility judgement beside it) reads of a PermitItem in force: its plain values,
    without a model instance of 33 fields per row (issue 18: the logged-in floor)."""

    pk: int
    code: str
    name: str
    kind: str
    level: str
    statutory_days: int
    promised_days: int
    tolerance_allowed: bool

    def get_kind_display(self) -> str:
        """As PermitItem.get_kind_display()."""
        return str(_KIND_LABELS.get(self.kind, self.kind))


_KIND_LABELS = dict(ItemKind.choices)
_LISTED_ITEMS = PreparedValues()


def listed_items() -> list[ListedItem]:
    """The items of active_items(with_materials=False), in its order, as plain values; the query compiled once per
    process (it has no parameter of its own)."""
    rows = _LISTED_ITEMS.rows(lambda: active_items(with_materials=False).values(
        "pk", "code", "name", "kind", "level", "statutory_days", "promised_days", "tolerance_allowed"), key="listed")
    return [ListedItem(**row) for row in rows]


def _open_drafts(user: User) -> QuerySet[ApplicationDraft]:
    """The drafts the user may go on with (an enterprise its own; a window clerk those of the jurisdiction), newest
    first, at most 50."""
    return (ApplicationDraft.objects.restrict(user, "change").filter(application__isnull=True)
            .select_related("item", "enterprise").order_by("-updated_at", "-id"))


def _compiled_drafts(kept: PreparedRows[ApplicationDraft], user: User, *only: str) -> list[ApplicationDraft]:
    """`_open_drafts(user)` (with only the named columns, if any) compiled once per change scope (issue 18)."""
    scope = restrict_key(ApplicationDraft, user, "change")
    if scope is None:
        return []
    return kept.rows(lambda: (_open_drafts(user).only(*only) if only else _open_drafts(user))[:50], key=scope)


_DRAFTS: PreparedRows[ApplicationDraft] = PreparedRows()
_DRAFT_LINKS: PreparedRows[ApplicationDraft] = PreparedRows()


def drafts(user: User) -> list[ApplicationDraft]:
    """The drafts the user may go on with, whole."""
    return _compiled_drafts(_DRAFTS, user)


def draft_links(user: User) -> list[ApplicationDraft]:
    """`drafts(user)` with only what the pages' draft links show (the item's code and name, the enterprise's name,
    the time saved): not the enterprise's ≈ 40 columns, two of them decrypted per draft."""
    return _compiled_drafts(_DRAFT_LINKS, user, "updated_at", "item", "item__code", "item__name", "enterprise",
                            "enterprise__name")
