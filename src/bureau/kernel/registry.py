"""Extension points through which each area plugs into the shared screens without editing them.

An area declares in its `hooks.py`:
- menu entries (left menu, by role),
- workbench providers (items for 我的待办),
- demo loaders (realistic records for `make run`),
- indicator providers (the rule-of-law indicators, measure II.1).

`autodiscover_area` imports `<area>.hooks` when the app is ready, so adding an area never edits the kernel.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from bureau.accounts.models import User


@dataclass(frozen=True)
class MenuEntry:
    """One left-menu link, shown to users holding any of `roles` (empty: every signed-in user)."""

    group: str
    label: str
    url_name: str
    roles: frozenset[str] = frozenset()
    order: int = 100
    icon: str = "•"


@dataclass(frozen=True)
class WorkItem:
    """One line of the workbench (我的待办)."""

    title: str
    url: str
    area: str
    status: str = ""
    due_label: str = ""
    chip: str = "running"  # overdue, due, running, done, stopped
    sort_key: Any = 0


@dataclass(frozen=True)
class IndicatorQuery:
    """What the dashboard asks every indicator provider: a period and optionally one region (county)."""

    start: Any  # datetime.date, inclusive
    end: Any  # datetime.date, inclusive
    region: str | None = None  # a region code, or None for the whole scope
    regions: frozenset[str] | None = None  # the viewer's jurisdiction (None: all)


@dataclass(frozen=True)
class Indicator:
    """One computed rule-of-law indicator (measure II.1). value None means "no data" (never shown as zero)."""

    code: str
    name: str
    area: str
    value: float | None
    unit: str = ""  # "%", "个工作日", "次", …
    numerator: float | None = None
    denominator: float | None = None
    note: str = ""
    higher_is_better: bool = True


@dataclass(frozen=True)
class RateableService:
    """A completed service its user may rate (好差评): what it was, where, and which organisation served."""

    label: str
    region_id: str
    organisation: Any = None


@dataclass
class DemoLoader:
    name: str
    func: Callable[..., None]
    order: int


@dataclass(frozen=True)
class Schedule:
    """A periodic sweep: the scheduler enqueues `task` every `every_seconds`."""

    name: str
    task: Any
    every_seconds: int


@dataclass(frozen=True)
class SharedSource:
    """Data another department holds about an enterprise (measures I.2, III.2), so the enterprise need not submit it.
    `fetch(uscc)` answers the fields as (label, value) pairs, or None when the department holds nothing; it raises
    DomainError when the other system cannot be reached."""

    key: str
    label: str
    fetch: Callable[[str], list[tuple[str, str]] | None]
    check: Callable[[Any, list[tuple[str, str]]], list[str]] | None = None  # (enterprise, fields) → warnings
    prefill: Callable[[str], dict[str, Any]] | None = None  # uscc → enterprise register fields it fills in


@dataclass
class Registry:
    menu: list[MenuEntry] = field(default_factory=list)
    workbench: list[Callable[[Any], Iterable[WorkItem]]] = field(default_factory=list)
    demo: list[DemoLoader] = field(default_factory=list)
    indicators: list[Callable[..., Any]] = field(default_factory=list)
    enterprise_panels: list[Callable[[Any, Any], Any]] = field(default_factory=list)
    deadline_recomputers: list[Callable[[], int]] = field(default_factory=list)
    schedules: list[Schedule] = field(default_factory=list)
    portal_links: list[MenuEntry] = field(default_factory=list)
    law_resolver: Callable[[str, int | None], str | None] | None = None
    rateable: dict[str, Callable[[Any, str], RateableService | None]] = field(default_factory=dict)
    shared_sources: dict[str, SharedSource] = field(default_factory=dict)
    # source_type ("inspection.patrolrecord", …) → callback(actor, source_id, case) when a penalty case is opened from
    # that record, inside the case's transaction: the source area marks its record (e.g. 线索已转立案)
    case_opened: dict[str, Callable[[Any, str, Any], None]] = field(default_factory=dict)
    # name → (help text, count of work owed but not yet done, e.g. reminders not yet sent): /metrics backlog gauges
    backlogs: dict[str, tuple[str, Callable[[], int]]] = field(default_factory=dict)
    # on-date → [(code, label)] of the violations in force (the penalties area's benchmark): a hazard records the
    # violation it is, so that the self-inspection exemption (measure II.8) compares like with like
    violation_catalogue: Callable[[Any], list[tuple[str, str]]] | None = None


registry = Registry()


def register_backlog(name: str, help_text: str, count: Callable[[], int]) -> None:
    """A backlog the operators watch on /metrics (bureau_backlog{name=…})."""
    registry.backlogs[name] = (help_text, count)


def register_menu(*entries: MenuEntry) -> None:
    for entry in entries:
        if entry not in registry.menu:
            registry.menu.append(entry)


def register_workbench(provider: Callable[[Any], Iterable[WorkItem]]) -> Callable[[Any], Iterable[WorkItem]]:
    if provider not in registry.workbench:
        registry.workbench.append(provider)
    return provider


def register_demo(name: str, order: int) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def decorator(func: Callable[..., None]) -> Callable[..., None]:
        if all(loader.name != name for loader in registry.demo):
            registry.demo.append(DemoLoader(name=name, func=func, order=order))
        return func

    return decorator


def register_shared_source(source: SharedSource) -> None:
    """A department's shared data, named by the permit materials it replaces (PermitMaterial.shared_source)."""
    registry.shared_sources[source.key] = source


def register_portal_link(*entries: MenuEntry) -> None:
    """A link in the public portal's navigation (no login), e.g. certificate verification, draw results."""
    for entry in entries:
        if entry not in registry.portal_links:
            registry.portal_links.append(entry)


def register_indicators(provider: Callable[..., Any]) -> Callable[..., Any]:
    """provider(query: IndicatorQuery) -> list[Indicator]; called by the indicators dashboard."""
    if provider not in registry.indicators:
        registry.indicators.append(provider)
    return provider


def register_enterprise_panel(func: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """A panel on the enterprise page: func(user, enterprise) -> {"title", "template", "context"} or None."""
    if func not in registry.enterprise_panels:
        registry.enterprise_panels.append(func)
    return func


def register_deadline_recomputer(func: Callable[[], int]) -> Callable[[], int]:
    """Called when an administrator enters or changes a calendar year: recompute stored provisional deadlines
    of the area's open processes; returns how many were changed."""
    if func not in registry.deadline_recomputers:
        registry.deadline_recomputers.append(func)
    return func


def register_schedule(name: str, task: Any, every_seconds: int) -> None:
    if all(s.name != name for s in registry.schedules):
        registry.schedules.append(Schedule(name, task, every_seconds))


def register_law_resolver(func: Callable[[str, int | None], str | None]) -> None:
    """The portal publishes laws; areas link a legal basis to it through `{% law_link title article %}`."""
    registry.law_resolver = func


def register_violation_catalogue(func: Callable[[Any], list[tuple[str, str]]]) -> None:
    """The violations (code, label) in force on a date, offered where a hazard is recorded (measure II.8)."""
    registry.violation_catalogue = func


def register_case_opened(source_type: str, callback: Callable[[Any, str, Any], None]) -> None:
    """The area owning `source_type` records learns when a penalty case is opened from one of them."""
    registry.case_opened[source_type] = callback


def register_rateable(service_type: str, resolver: Callable[[Any, str], RateableService | None]) -> None:
    """resolver(user, service_id) -> RateableService when this user may rate that completed service, else None."""
    registry.rateable[service_type] = resolver


def autodiscover_area(app_name: str) -> None:
    module = f"{app_name}.hooks"
    if importlib.util.find_spec(module) is not None:
        importlib.import_module(module)


def menu_for(user: User | AnonymousUser) -> list[tuple[str, list[MenuEntry]]]:
    """The left menu for a user, grouped, workbench first."""
    if not user.is_authenticated:
        return []
    codes = user.role_codes
    visible = [e for e in registry.menu if not e.roles or e.roles & codes]
    visible.sort(key=lambda e: (e.order, e.label))
    groups: dict[str, list[MenuEntry]] = {}
    for entry in visible:
        groups.setdefault(entry.group, []).append(entry)
    return list(groups.items())
