"""The process engine: declared states and transitions, applied with role and guard checks, history and audit.

Every process (application, inspection, case, hazard, petition …) declares a `Workflow`. `apply_transition`
- refuses an action that is not declared for the current state, or not allowed for the actor's roles, or whose
  guard says no, with a Chinese message and nothing changed;
- changes the state with a conditional UPDATE on (id, state, version): of two concurrent transitions exactly one
  wins and the other raises `Conflict`;
- writes the ProcessHistory row (the timeline) and the audit entry in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from bureau.kernel.audit import audit
from bureau.kernel.errors import Conflict, DomainError, NotFound, PermissionDenied
from bureau.kernel.models import ProcessHistory, Timeline
from bureau.kernel.prepared import Prepared

if TYPE_CHECKING:
    from bureau.accounts.models import User

SYSTEM = "system"  # the pseudo-role of scheduled jobs (actor None)

Guard = Callable[[Any, Any], str | None]  # (process, actor) -> refusal message or None; its docstring's first
# line names the precondition in the authority matrix

# Who may see a record is answered by bureau.accounts.authority (set at start-up: the kernel does not import it).
# (process, actor) -> whether the actor sees the process; an action on a record one cannot see is refused as absent.
_sees: Callable[[Any, Any], bool] | None = None

_by_model: dict[str, Workflow] = {}


def set_visibility_check(check: Callable[[Any, Any], bool]) -> None:
    global _sees
    _sees = check


def declared_workflows() -> list[Workflow]:
    """Every workflow declared so far (the audit log names events by their transitions' labels)."""
    return list(_by_model.values())


def workflow_for_model(label: str) -> Workflow | None:
    """The workflow declared for a model ("hazards.Hazard"), once its workflow module is imported."""
    return _by_model.get(label)


# Timeline.history() of one process kind (content type) for one object, as `Prepared` sends it again
_HISTORY: Prepared[ProcessHistory] = Prepared(
    lambda pk, ct: ProcessHistory.objects.filter(content_type=ct, object_id=pk).select_related("actor"))

@dataclass(frozen=True)
class Transition:
    """A declared action: its name and label, the states it leaves and enters, the roles that may take it and its
    preconditions on facts (guards, checked in order; the first refusal is the answer)."""

    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    guards: tuple[Guard, ...] = ()

    def refusal(self, process: Any, actor: User | None) -> str | None:
        for guard in self.guards:
            message = guard(process, actor)
            if message:
                return message
        return None


@dataclass
class Workflow:
    name: str
    states: dict[str, str]
    transitions: list[Transition] = field(default_factory=list)
    model: str = ""  # the model it drives ("hazards.Hazard"): authority finds the declared actions through it
    state_field: str = "state"  # older records keep their `status` column; the engine drives it the same way

    def __post_init__(self) -> None:
        for t in self.transitions:
            unknown = [s for s in (*t.sources, t.target) if s not in self.states]
            if unknown:
                raise ValueError(f"{self.name}.{t.action}: unknown states {unknown}")
        if self.model:
            _by_model[self.model] = self

    def state_label(self, state: str) -> str:
        return self.states.get(state, state)

    def history(self, process: Any) -> list[Any]:
        """The process's timeline for the page, each row with `from_label` and `to_label` (the states' names)."""
        rows: list[Any]  # rows get their labels below
        if getattr(type(process), "history", None) is Timeline.history and process.pk is not None:
            # Timeline.history's query, compiled once per process kind (issue 18: ≈ 0.6 ms of ORM a page)
            ct = ContentType.objects.get_for_model(type(process))
            rows = cast(list[Any], _HISTORY.all(process.pk, ct, key=ct.pk))
        else:
            rows = list(process.history())
        for row in rows:
            row.from_label, row.to_label = self.state_label(row.from_state), self.state_label(row.to_state)
        return rows

    def find(self, action: str, state: str) -> Transition | None:
        for t in self.transitions:
            if t.action == action and state in t.sources:
                return t
        return None

    def action_label(self, action: str) -> str:
        for t in self.transitions:
            if t.action == action:
                return t.label
        return action

    def available(self, process: Any, actor: User | None) -> list[Transition]:
        """Transitions the actor could apply now (used to show the action buttons)."""
        roles = _roles_of(actor)
        result = []
        for t in self.transitions:
            if workflow_state(self, process) in t.sources and roles & t.roles and t.refusal(process, actor) is None:
                result.append(t)
        return result


def workflow_state(workflow: Workflow, process: Any) -> str:
    return str(getattr(process, workflow.state_field))


def _roles_of(actor: User | None) -> frozenset[str]:
    if actor is None:
        return frozenset({SYSTEM})
    return frozenset(getattr(actor, "role_codes", frozenset()))


def T(action: str, label: str, sources: str | Iterable[str], target: str, roles: Iterable[str],
      guard: Guard | None = None, *, guards: Iterable[Guard] = ()) -> Transition:
    """Shorthand for declaring a transition in a table."""
    src = (sources,) if isinstance(sources, str) else tuple(sources)
    return Transition(action, label, src, target, frozenset(roles), (*((guard,) if guard else ()), *guards))


def refusal(workflow: Workflow, process: Any, action: str, actor: User | None) -> str | None:
    """Why the actor may not take `action` on the process now, or None."""
    try:
        check_transition(workflow, process, action, actor)
    except DomainError as exc:
        return exc.message
    return None


def check_transition(workflow: Workflow, process: Any, action: str, actor: User | None) -> Transition:
    """The transition `action` from the process's current state if the actor may take it now; otherwise the refusal
    (undeclared in this state, role, guard). A service may call it first so that the step's own checks of its form
    data come after the reason why the step cannot be taken at all; apply_transition calls it again."""
    state = workflow_state(workflow, process)
    if actor is not None and _sees is not None and process.pk is not None and not _sees(process, actor):
        raise NotFound("记录不存在或不在您的管辖范围内")
    transition = workflow.find(action, state)
    if transition is None:
        label = workflow.action_label(action)
        raise DomainError(f"当前状态为「{workflow.state_label(state)}」，不能执行「{label}」", code="invalid_transition")
    if not (_roles_of(actor) & transition.roles):
        raise PermissionDenied(f"您的角色无权执行「{transition.label}」")
    message = transition.refusal(process, actor)
    if message:
        raise DomainError(message, code="guard")
    return transition


def apply_transition(
    workflow: Workflow,
    process: models.Model,
    action: str,
    *,
    actor: User | None,
    note: str = "",
    updates: dict[str, Any] | None = None,
    audit_data: dict[str, Any] | None = None,
) -> ProcessHistory:
    """Apply a declared transition; see the module docstring for the guarantees."""
    state = workflow_state(workflow, process)
    transition = check_transition(workflow, process, action, actor)
    fields = dict(updates or {})
    column = workflow.state_field
    with transaction.atomic():
        model = type(process)
        changed = model._default_manager.filter(
            pk=process.pk, version=process.version, **{column: state}  # type: ignore[attr-defined]
        ).update(version=F("version") + 1, **{column: transition.target}, **fields)
        if changed != 1:
            raise Conflict("该事项已被他人处理或状态已变化，请刷新页面后重试")
        setattr(process, column, transition.target)
        process.version += 1  # type: ignore[attr-defined]
        for key, value in fields.items():
            setattr(process, key, value)
        entry = ProcessHistory.objects.create(
            content_type=ContentType.objects.get_for_model(model),
            object_id=process.pk,
            at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=getattr(actor, "display_name", None) or "系统",
            action=action,
            action_label=transition.label,
            from_state=state,
            to_state=transition.target,
            note=note,
        )
        audit(
            actor,
            f"{workflow.name}.{action}",
            process,
            summary=f"{transition.label}：{workflow.state_label(state)} → {workflow.state_label(transition.target)}",
            data={"note": note[:500], **(audit_data or {})},
        )
    return entry


def record_history(process: models.Model, *, actor: User | None, action: str, label: str, note: str = "") -> ProcessHistory:
    """A timeline entry without a state change (e.g. creation, a document issued)."""
    state = str(getattr(process, "state", None) or getattr(process, "status", None) or "")
    return ProcessHistory.objects.create(
        content_type=ContentType.objects.get_for_model(type(process)),
        object_id=process.pk,
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "display_name", None) or "系统",
        action=action,
        action_label=label,
        from_state=state,
        to_state=state,
        note=note,
    )
