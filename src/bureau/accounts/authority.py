"""Authority: who may see and do what, declared once and answered in one place.

Declarations
- Each model that holds records of an area declares `authority = Authority(...)`: its data set (the API token
  scope `<dataset>:read` / `<dataset>:write`), where its region and its party enterprise are, who else sees it
  (`Grant`: the expert assigned, the person who filed it, the department consulted) and which roles change it.
- Each state change is a declared action: a `Transition` of the model's workflow (bureau.kernel.workflow) with its
  roles, the party that may take it, and its preconditions on facts (guards). The workflow names its model.

Answers
- `restrict(queryset, principal, action)`: the records the principal may see ("view"), change ("change") or take a
  declared action on (e.g. "accept"). Every list, page, export, download and API answer uses it, through the
  model's query method `Model.objects.restrict(principal, action)`.
- `may(principal, record, action)`: the refusal message for one record, or None.
- `actions_for(principal, record)`: the actions the principal may take now (the page's buttons).

A principal is a signed-in user, or a user acting through an API token: the token narrows it to its regions
here (accounts.scope), and to its scopes (deny by default: each API operation declares the scope it needs) and
its fields at the API (bureau.accounts.tokens).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.db.models import Q

from bureau.accounts import roles as R
from bureau.accounts.scope import scope_for
from bureau.kernel.errors import PermissionDenied
from bureau.kernel.workflow import refusal, workflow_for_model

if TYPE_CHECKING:
    from bureau.kernel.workflow import Transition, Workflow

VIEW = "view"
CHANGE = "change"


@dataclass(frozen=True)
class Grant:
    """Who sees records beyond the jurisdiction and the party enterprise: `roles` (None: any signed-in user) and
    `q(user)`, the records they see (None when the grant does not apply to this user)."""

    label: str
    q: Callable[[Any], Q | None]
    roles: frozenset[str] | None = None
    distinct: bool = False  # the query follows a to-many relation
    changes: bool = False  # the grantee also changes the records it sees (e.g. a park's committee its own park)

    def applies(self, user: Any) -> bool:
        return self.roles is None or bool(_roles(user) & self.roles)


@dataclass(frozen=True)
class Authority:
    """The declaration of a record kind: see the module docstring."""

    dataset: str
    label: str
    region: str | None = "region_id"
    enterprise: str | None = "enterprise_id"  # the party enterprise sees its own (None: it does not)
    grants: tuple[Grant, ...] = ()
    public: bool = False  # anyone may see the records (e.g. published exam plans)
    change: frozenset[str] = R.OFFICERS  # staff roles that change records of their jurisdiction (outside the workflow)
    party_changes: bool = False  # the party enterprise changes its own records (e.g. its risk register)

    # ---------------------------------------------------------------- queries

    def view_q(self, user: Any) -> tuple[Q, bool]:
        """(filter, needs distinct) of what the user sees."""
        scope = scope_for(user)
        condition = scope.q(region=self.region, enterprise=self.enterprise)
        if scope.is_all:
            return condition, False  # everything (an empty Q would vanish in an OR)
        distinct = False
        for grant in self.grants:
            if user is not None and getattr(user, "is_authenticated", False) and grant.applies(user):
                extra = grant.q(user)
                if extra is not None:
                    condition = extra if _is_empty(condition) else condition | extra
                    distinct = distinct or grant.distinct
        return condition, distinct

    def change_q(self, user: Any) -> Q:
        scope = scope_for(user)
        if scope.kind == "enterprise":
            if self.party_changes and self.enterprise:
                return scope.q(enterprise=self.enterprise)
            return Q(pk__in=[])
        if not (_roles(user) & self.change) and not getattr(user, "is_superuser", False):
            return self._granted_change_q(user)
        return scope.q(region=self.region)

    def _granted_change_q(self, user: Any) -> Q:
        """What the grants with `changes=True` let a user who holds none of the `change` roles change."""
        condition = Q(pk__in=[])
        for grant in self.changing_grants(user):
            extra = grant.q(user)
            if extra is not None:
                condition = extra if _is_empty(condition) else condition | extra
        return condition

    def changing_grants(self, user: Any) -> list[Grant]:
        if user is None or not getattr(user, "is_authenticated", False):
            return []
        return [g for g in self.grants if g.changes and g.applies(user)]


def _is_empty(condition: Q) -> bool:
    return condition == Q(pk__in=[])


def _roles(user: Any) -> frozenset[str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(getattr(user, "role_codes", frozenset()))


def authority_of(model: type[models.Model]) -> Authority:
    declared = getattr(model, "authority", None)
    if not isinstance(declared, Authority):
        raise LookupError(f"{model._meta.label} declares no authority")
    return declared


# ---------------------------------------------------------------- the answers


def restrict(queryset: models.QuerySet, user: Any, action: str = VIEW) -> models.QuerySet:
    """The records of `queryset` the principal may see, change or take `action` on."""
    auth = authority_of(queryset.model)
    if action == VIEW and auth.public:
        return queryset
    condition, distinct = auth.view_q(user)
    if action == CHANGE:
        condition = auth.change_q(user)
        distinct = False
    elif action != VIEW:
        condition &= _action_q(queryset.model, user, action)
    if _is_empty(condition):
        return queryset.none()
    if not condition:  # Q(): no restriction
        return queryset
    result = queryset.filter(condition)
    return result.distinct() if distinct else result


def restrict_key(model: type[models.Model], user: Any, action: str = VIEW) -> Any:
    """What `restrict(queryset, user, action)` (VIEW or CHANGE) adds to a query of `model`, as a hashable value:
    principals with equal keys get the same SQL and parameters from it, so a query compiled for one serves the other
    (kernel/prepared.py). None when the principal sees nothing (the query is never sent)."""
    auth = authority_of(model)
    if action == CHANGE:
        condition = auth.change_q(user)
        return None if _is_empty(condition) else ("change", condition)
    if action != VIEW:
        raise ValueError(f"no key for the action {action!r}")
    if auth.public:
        return ("public",)
    condition, distinct = auth.view_q(user)
    if _is_empty(condition):
        return None
    return (condition, distinct)


def _action_q(model: type[models.Model], user: Any, action: str) -> Q:
    workflow = workflow_of(model)
    if workflow is None:
        return Q(pk__in=[])
    roles = _roles(user)
    sources = sorted({s for t in workflow.transitions if t.action == action and roles & t.roles for s in t.sources})
    return Q(**{f"{workflow.state_field}__in": sources}) if sources else Q(pk__in=[])


def changes_kind(user: Any, model: type[models.Model]) -> bool:
    """Whether the principal changes records of this kind at all (the menu entry, the 'new' button)."""
    auth = authority_of(model)
    if scope_for(user).kind == "enterprise":
        return auth.party_changes and auth.enterprise is not None
    return bool(getattr(user, "is_superuser", False) or (_roles(user) & auth.change) or auth.changing_grants(user))


def require_change(user: Any, model: type[models.Model], *, region: str | None = None,
                   enterprise_id: int | None = None) -> None:
    """Refuse (PermissionDenied, Chinese) unless the principal may create or change a record of this kind in the
    region (staff) or for the enterprise (the party itself)."""
    auth = authority_of(model)
    if not changes_kind(user, model):
        raise PermissionDenied(f"您的角色无权维护{auth.label}")
    scope = scope_for(user)
    if scope.kind == "enterprise":
        if enterprise_id is not None and enterprise_id != scope.enterprise_id:
            raise PermissionDenied(f"只能维护本企业的{auth.label}")
    elif region is not None and not scope.covers_region(region):
        raise PermissionDenied(f"不能在管辖区域以外维护{auth.label}")


def sees(user: Any, record: models.Model) -> bool:
    """Whether the principal may see this record (one indexed query)."""
    model = type(record)
    return restrict(model._default_manager.filter(pk=record.pk), user).exists()


def may(user: Any, record: models.Model, action: str) -> str | None:
    """Why the principal may not take `action` on the record now, or None if it may (see kernel.workflow for the
    refusal of an action that is not declared in this state, not for these roles, or whose guard says no)."""
    if not sees(user, record):
        return "记录不存在或不在您的管辖范围内"
    auth = authority_of(type(record))
    if action == CHANGE:
        if not restrict(type(record)._default_manager.filter(pk=record.pk), user, CHANGE).exists():
            return f"您无权修改该{auth.label}"
        return None
    workflow = workflow_of(type(record))
    if workflow is None:
        return f"「{action}」不是已声明的操作"
    return refusal(workflow, record, action, user)


def actions_for(user: Any, record: models.Model) -> list[Transition]:
    """The declared actions the principal may take on the record now (the buttons on its page)."""
    workflow = workflow_of(type(record))
    if workflow is None or not sees(user, record):
        return []
    return workflow.available(record, user)


# ---------------------------------------------------------------- the register of declarations


def workflow_of(model: type[models.Model]) -> Workflow | None:
    _load_workflows()
    return workflow_for_model(model._meta.label)


@functools.cache
def _load_workflows() -> None:
    """Import every area's workflow module (where the areas declare their actions)."""
    import importlib
    import importlib.util

    for config in apps.get_app_configs():
        for module in ("workflow", "services"):
            name = f"{config.name}.{module}"
            if config.name.startswith("bureau.") and importlib.util.find_spec(name) is not None:
                importlib.import_module(name)


@functools.cache
def declared_models() -> tuple[type[models.Model], ...]:
    """Every model that declares its authority, in app order."""
    return tuple(m for m in apps.get_models() if isinstance(getattr(m, "authority", None), Authority))


def datasets() -> dict[str, str]:
    """{dataset: label} of every declared record kind (the token scopes `<dataset>:read|write` derive from it)."""
    result: dict[str, str] = {}
    for model in declared_models():
        auth = authority_of(model)
        result.setdefault(auth.dataset, auth.label)
    return result


class RestrictedQuerySet(models.QuerySet):
    """The one query method of every declared model: `Model.objects.restrict(principal, action)`."""

    def restrict(self, user: Any, action: str = VIEW) -> models.QuerySet:
        return restrict(self, user, action)


@dataclass(frozen=True)
class Rule:
    """One row of the authority matrix."""

    area: str
    record: str
    action: str
    label: str
    role: str
    jurisdiction: str
    decision: str
    conditions: str = ""


def _jurisdictions(role: str) -> list[tuple[str, bool]]:
    """The jurisdictions a rule for `role` is stated for: (label, inside?)."""
    if role == R.ENTERPRISE:
        return [("本企业", True), ("其他企业", False)]
    if role in R.STAFF_ROLES:
        return [("本辖区", True), ("其他辖区", False)]
    return [("相关记录", True), ("其他记录", False)]


ALL_ROLES = [code for code, *_ in R.DEFAULT_ROLES]


def matrix() -> list[Rule]:
    """Every declared rule: for each record kind, view and change, and each declared action, per role and
    jurisdiction, allowed or refused (with the preconditions named)."""
    rules: list[Rule] = []
    for model in declared_models():
        auth = authority_of(model)
        area = model._meta.app_label
        record = auth.label
        for role in ALL_ROLES:
            grants = [g.label for g in auth.grants if g.roles is None or role in g.roles]
            for where, inside in _jurisdictions(role):
                sees_it = auth.public or (inside and (
                    (role == R.ENTERPRISE and auth.enterprise is not None)
                    or (role in R.STAFF_ROLES and auth.region is not None))) or bool(grants and inside)
                rules.append(Rule(area, record, VIEW, "查看", role, where, "allowed" if sees_it else "refused",
                                  "；".join(grants)))
                changes = inside and ((role == R.ENTERPRISE and auth.party_changes)
                                      or (role in auth.change and role in R.STAFF_ROLES)
                                      or any(g.changes and g.roles is not None and role in g.roles
                                             for g in auth.grants))
                rules.append(Rule(area, record, CHANGE, "修改", role, where, "allowed" if changes else "refused"))
        workflow = workflow_of(model)
        if workflow is None:
            continue
        for t in _unique(workflow.transitions):
            for role in [*ALL_ROLES, "system"]:
                wheres = [("定时任务", True)] if role == "system" else _jurisdictions(role)
                for where, inside in wheres:
                    allowed = inside and role in t.roles
                    rules.append(Rule(area, record, t.action, t.label, role, where,
                                      "allowed" if allowed else "refused",
                                      conditions_of(workflow, t) if allowed else ""))
    return rules


def _unique(transitions: Iterable[Transition]) -> list[Transition]:
    """One rule per action and roles: an action declared from several states (e.g. 补交 from 履行中 and from
    逾期) is one rule whose condition names every state."""
    seen: dict[tuple[str, frozenset[str]], Transition] = {}
    for t in transitions:
        first = seen.get((t.action, t.roles))
        if first is None:
            seen[(t.action, t.roles)] = t
        else:
            merged = tuple(dict.fromkeys((*first.sources, *t.sources)))
            seen[(t.action, t.roles)] = dataclasses.replace(first, sources=merged)
    return list(seen.values())


def conditions_of(workflow: Workflow, transition: Transition) -> str:
    states = "、".join(workflow.state_label(s) for s in transition.sources)
    parts = [f"状态为{states}"]
    for guard in transition.guards:
        doc = (guard.__doc__ or "").strip().splitlines()
        if doc:
            parts.append(doc[0])
    return "；".join(parts)


ROLE_NAMES = {code: name for code, name, *_ in R.DEFAULT_ROLES} | {"system": "定时任务"}


def markdown(scope_catalogue: dict[str, str]) -> str:
    """docs/authority.md: the matrix as a page people read (generated; `manage.py authority_matrix --markdown`), with
    the token scopes (`accounts.tokens.scope_catalogue()`, passed in: tokens reads this module's data sets)."""
    rules = matrix()
    allowed = [r for r in rules if r.decision == "allowed"]
    lines = [
        "# Authority matrix (generated)",
        "",
        "Generated by `manage.py authority_matrix --markdown` from the declarations (`authority = Authority(...)`",
        "on each model, the workflows' transitions with their roles and guards). Do not edit by hand: a test",
        "compares this page with the declarations. `manage.py authority_matrix` prints every rule as CSV",
        f"({len(rules)} rules, {len(allowed)} allowed, {len(declared_models())} record kinds).",
        "",
        "Jurisdiction: staff act in their own jurisdiction (本辖区: the city bureau and its sections the whole",
        "city, a county bureau or the development zone its region), never in another (其他辖区); an enterprise",
        "user acts on its own records (本企业); other roles only on the records a grant names (相关记录).",
        "An action is also refused when its preconditions (the conditions column) do not hold.",
        "",
    ]
    by_record: dict[tuple[str, str], list[Rule]] = {}
    for rule in allowed:
        by_record.setdefault((rule.area, rule.record), []).append(rule)
    for (area, record), rows in by_record.items():
        lines += [f"## {record} (`{area}`)", "", "| action | who (allowed, inside their jurisdiction) | conditions |",
                  "|---|---|---|"]
        seen: dict[tuple[str, str], tuple[list[str], str]] = {}
        for rule in rows:
            key = (rule.action, rule.label)
            who, conditions = seen.setdefault(key, ([], rule.conditions))
            name = ROLE_NAMES.get(rule.role, rule.role)
            if name not in who:
                who.append(name)
        for (action, label), (who, conditions) in seen.items():
            lines.append(f"| {label} (`{action}`) | {'、'.join(who)} | {conditions or '—'} |")
        lines.append("")
    lines += ["## API token scopes", "", "| scope | meaning |", "|---|---|"]
    lines += [f"| `{scope}` | {label} |" for scope, label in scope_catalogue.items()]
    lines.append("")
    return "\n".join(lines)
