"""Penalties test helpers: officers with enforcement IDs, a leader, an enterprise user, the demo benchmark,
hazards from inspections and self-inspections, and cases at each step."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from pathlib import Path
from typing import Any

from django.utils import timezone

from tests.factories import EnterpriseFactory, county_bureau, make_user

_n = itertools.count(1)
SAMPLES = Path(__file__).resolve().parents[2] / "src" / "bureau" / "penalties" / "data" / "discretion-benchmark-samples.csv"


@functools.cache
def _parsed() -> tuple[list[Any], list[dict[str, Any]]]:
    from bureau.penalties.demo import DATA
    from bureau.penalties.services import parse_benchmark

    items, fields, problems = parse_benchmark(DATA.read_bytes(), DATA.name)
    assert not problems, problems
    return items, fields


def bands_on(on: dt.date, code: str) -> list[Any]:
    """Demo benchmark rows of `code` in force on `on`, parsed without the database (for pure rule tests)."""
    items, fields = _parsed()
    return [i.band for i, f in zip(items, fields, strict=True)
            if i.band.violation_code == code and f["effective_from"] <= on
            and (f["effective_to"] is None or f["effective_to"] >= on)]


def demo_rows() -> list[tuple[Any, dict[str, Any]]]:
    items, fields = _parsed()
    return list(zip(items, fields, strict=True))


class World:
    """A county bureau (盐湖区) with two officers, a leader, an enterprise and its user."""

    def __init__(self, region: str = "140802", industry: str = "metallurgy_trade") -> None:
        from bureau.penalties.demo import load_benchmark

        if not _benchmark_loaded():
            load_benchmark()
        org = county_bureau(region)
        n = next(_n)
        self.org = org
        self.officer = make_user(f"insp{n}a", roles=["inspector"], organisation=org, enforcement_id=f"1408020{n}01",
                                 real_name="执法员甲")
        self.officer2 = make_user(f"insp{n}b", roles=["inspector"], organisation=org, enforcement_id=f"1408020{n}02",
                                  real_name="执法员乙")
        self.leader = make_user(f"lead{n}", roles=["leader"], organisation=org, real_name="分管局长")
        # 行政处罚法 第58条第2款: a 法制审核人员 holding the 法律职业资格
        self.legal = make_user(f"legal{n}", roles=["legal_reviewer"], organisation=org, real_name="法制审核员",
                               legal_qualification=f"A20191408{n:05d}")
        self.enterprise = EnterpriseFactory(region_id=region, industry=industry)
        self.company_user = make_user(f"corp{n}", roles=["enterprise"], enterprise=self.enterprise,
                                      real_name="企业安全员")

    def inspection_hazard(self, title: str = "特种作业人员无证上岗", violation_code: str = "AQSCF-97-7") -> Any:
        """An inspection finding, recorded by the officer as the violation it is (the welder without a licence)."""
        from bureau.hazards.services import hazard_report

        return hazard_report(actor=self.officer, enterprise=self.enterprise, source="inspection", title=title,
                             description="检查发现焊工1名未取得特种作业操作证。", found_on=timezone.localdate(),
                             violation_code=violation_code, deadline=timezone.localdate() + dt.timedelta(days=15))

    def self_hazard(self, *, plan: bool = True, title: str = "新招焊工1名特种作业操作证尚未取得",
                    violation_code: str = "AQSCF-97-7") -> Any:
        """A self-found hazard; by default the same violation as the inspection finding (measure II.8). Pass
        `title="配电室未设置安全警示标志", violation_code=""` for an unrelated one."""
        from bureau.hazards.services import hazard_report
        from bureau.hazards.workflow import hazard_workflow
        from bureau.kernel.workflow import apply_transition

        hazard = hazard_report(actor=self.company_user, enterprise=self.enterprise, source="self_inspection",
                               title=title, found_on=timezone.localdate(), violation_code=violation_code)
        if plan:
            apply_transition(hazard_workflow, hazard, "plan", actor=self.company_user, note="整改方案")
        return hazard

    def open_case(self, hazard: Any = None) -> Any:
        from bureau.penalties import services

        return services.case_open(actor=self.officer, enterprise=self.enterprise,
                                  hazard=hazard or self.inspection_hazard(), second_officer=self.officer2)

    def evidence(self, case: Any) -> Any:
        from bureau.penalties import services

        return services.evidence_add(actor=self.officer, case=case, kind="inquiry_record",
                                     recorded_on=timezone.localdate(), place="企业储罐区", content="询问记录",
                                     officers=[self.officer, self.officer2])

    def proposed_case(self, amount: int = 20000, circumstances: tuple[str, ...] = ("corrected_in_time",),
                      code: str | None = None) -> Any:
        """A proposed case: up to 30,000 yuan on 应急〔2024〕90号 (26) — one unlicensed special worker → 阶次A
        (≤ 30,000 yuan); above it on 安全生产法 第九十七条第（六）项, which has no benchmark row in force (the
        statutory range, up to 100,000 yuan)."""
        from bureau.penalties import services

        code = code or ("AQSCF-97-7" if amount <= 30000 else "AQSCF-97-6")
        case = self.open_case()
        self.evidence(case)
        return services.case_propose(actor=self.officer, case=case, violation_code=code,
                                     circumstances=list(circumstances), amount=amount,
                                     quantity=1 if code == "AQSCF-97-7" else None)

    def notified_case(self, amount: int = 20000) -> Any:
        from bureau.penalties import services

        case = self.proposed_case(amount=amount)
        services.case_transition(actor=self.officer, case=case, action="submit_review")
        return services.case_notify(actor=self.leader, case=case, opinion="同意")


    def review_statement(self, case: Any, outcome: str = "rejected", reason: str = "当事人未提出新的事实和证据",
                         amount: int | None = None) -> Any:
        """复核 of the party's statement (行政处罚法 第45条)."""
        from bureau.penalties import services

        return services.statement_review_record(actor=self.officer, case=case, outcome=outcome, reason=reason,
                                                amount=amount)

    def legal_review(self, case: Any, opinion: str = "agree", text: str = "") -> Any:
        """法制审核 (行政处罚法 第58条) by the world's 法制审核人员."""
        from bureau.penalties import services

        return services.legal_review_record(actor=self.legal, case=case, opinion=opinion, text=text)


def _benchmark_loaded() -> bool:
    from bureau.penalties.models import BenchmarkRow

    return BenchmarkRow.objects.exists()
