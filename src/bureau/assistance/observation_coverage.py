"""Coverage of the observation visits (measure III.5: 每年组织全市危化生产企业分批次到省厅确定的我市双重预防机制建设
试点企业进行现场观摩): for one year, every producer of the industries the measure names (rule
`assistance.observation_industries`) in the user's jurisdiction, and whether it has taken part.

`coverage_status` is the pure rule; `observation_coverage` reads the scoped records for it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from bureau.accounts.models import User
from bureau.assistance.models import ObservationPilot, ObservationSignup
from bureau.enterprises.models import Enterprise, EnterpriseStatus
from bureau.kernel.rules import rule

STATUS_LABELS = {"attended": "已观摩", "pilot": "试点企业（承办观摩）", "signed_up": "已报名待观摩",
                 "absent": "报名未参加", "none": "未报名"}
COVERED = frozenset({"attended", "pilot"})


def coverage_status(signup_states: Iterable[str], is_pilot: bool) -> str:
    """An enterprise's coverage in a year from its sign-ups' states: it took part once → covered; a designated
    pilot hosts the visits and counts as covered; else pending, absent or not signed up."""
    states = set(signup_states)
    if "attended" in states:
        return "attended"
    if is_pilot:
        return "pilot"
    if "signed_up" in states:
        return "signed_up"
    if "absent" in states:
        return "absent"
    return "none"


@dataclass
class CoverageRow:
    enterprise_id: int
    name: str
    region_id: str
    region_name: str
    status: str
    visited_on: dt.date | None = None
    batch_title: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def covered(self) -> bool:
        return self.status in COVERED


@dataclass
class Coverage:
    """A year's coverage: the counts of the whole year (`summary`) and the rows shown (maybe narrowed)."""

    year: int
    industries: list[str]
    rows: list[CoverageRow] = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.summary.values())

    @property
    def covered(self) -> int:
        return sum(n for status, n in self.summary.items() if status in COVERED)

    @property
    def percent(self) -> float | None:
        return round(100 * self.covered / self.total, 1) if self.total else None


def observation_coverage(user: User, year: int, status: str | None = None) -> Coverage:
    """Every producer in the user's scope for `year` (closed enterprises are no longer producers), with its
    coverage; `status` narrows the rows (the counts are of the whole year)."""
    today = timezone.localdate()
    on = min(today, dt.date(year, 12, 31))
    industries = [str(code) for code in rule("assistance.observation_industries", on)]
    enterprises = list(Enterprise.objects.restrict(user).filter(industry__in=industries)
                       .exclude(status=EnterpriseStatus.CLOSED)
                       .order_by("region_id", "name", "id").values_list("id", "name", "region_id", "region__name"))
    ids = [row[0] for row in enterprises]
    states: dict[int, list[str]] = {}
    visited: dict[int, tuple[dt.date, str]] = {}
    for enterprise_id, state, visit_on, title in (
            ObservationSignup.objects.filter(batch__year=year, enterprise_id__in=ids)
            .values_list("enterprise_id", "status", "batch__visit_on", "batch__title").order_by("batch__visit_on")):
        states.setdefault(enterprise_id, []).append(state)
        if state == "attended" and enterprise_id not in visited:
            visited[enterprise_id] = (visit_on, title)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    pilots = set(ObservationPilot.objects.filter(enterprise_id__in=ids, designated_on__lte=end)
                 .exclude(withdrawn_on__lt=start).values_list("enterprise_id", flat=True))
    coverage = Coverage(year=year, industries=industries)
    for enterprise_id, name, region_id, region_name in enterprises:
        row_status = coverage_status(states.get(enterprise_id, ()), enterprise_id in pilots)
        visit: Any = visited.get(enterprise_id)
        coverage.rows.append(CoverageRow(enterprise_id, name, region_id, region_name, row_status,
                                         visit[0] if visit else None, visit[1] if visit else ""))
    coverage.summary = {key: sum(1 for r in coverage.rows if r.status == key) for key in STATUS_LABELS}
    if status in STATUS_LABELS:
        coverage.rows = [r for r in coverage.rows if r.status == status]
    return coverage
