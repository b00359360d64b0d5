"""The rule-of-law business-environment indicators (measure II.1), computed live from the providers that areas
register with `register_indicators(provider)`; never typed in.

`CATALOGUE` lists the indicators domain §7 expects. An area that registers no provider yet shows its catalogue
entries as "暂无数据" (value None), never as zero; once an area registers a provider, its own list is authoritative.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field, replace
from typing import Any

from bureau.kernel.registry import Indicator, IndicatorQuery, registry

log = logging.getLogger(__name__)

CATALOGUE: list[Indicator] = [
    Indicator("licensing.online_share", "全程网办事项占比", "行政许可", None, "%"),
    Indicator("licensing.promised_vs_statutory", "承诺时限占法定时限比例", "行政许可", None, "%", higher_is_better=False),
    Indicator("licensing.avg_handling_days", "平均实际办理时间", "行政许可", None, "个工作日", higher_is_better=False),
    Indicator("licensing.on_time_rate", "按时办结率", "行政许可", None, "%"),
    Indicator("licensing.tolerance_share", "容缺受理占比", "行政许可", None, "%"),
    Indicator("licensing.commitments_kept", "容缺承诺按期履行率", "行政许可", None, "%"),
    Indicator("inspection.per_enterprise", "企业年均被检查次数", "执法检查", None, "次", higher_is_better=False),
    Indicator("inspection.cap_breaches", "超过检查频次上限的企业数", "执法检查", None, "家", higher_is_better=False),
    Indicator("inspection.random_share", "“双随机”检查占比", "执法检查", None, "%"),
    Indicator("inspection.offsite_share", "非现场执法占比", "执法检查", None, "%"),
    Indicator("penalties.reasoned_share", "说理式处罚决定书占比", "行政处罚", None, "%"),
    Indicator("penalties.exemptions", "首违不罚、轻微免罚件数", "行政处罚", None, "件"),
    Indicator("petitions.on_time_rate", "诉求按时答复率", "诉求办理", None, "%"),
    Indicator("petitions.satisfaction", "诉求人满意率", "诉求办理", None, "%"),
    Indicator("ratings.satisfaction", "政务服务满意率（好差评）", "政务服务评价", None, "%"),
]


def collect(query: IndicatorQuery) -> list[Indicator]:
    """Every provider's indicators for the query, plus "no data" placeholders for areas without a provider."""
    found: list[Indicator] = []
    for provider in list(registry.indicators):
        try:
            found.extend(provider(query) or [])
        except Exception:  # noqa: BLE001  (one broken provider must not take the dashboard down)
            log.exception("indicator provider %r failed", provider)
    areas = {i.area for i in found}
    codes = {i.code for i in found}
    placeholders = [i for i in CATALOGUE if i.area not in areas and i.code not in codes]
    return found + placeholders


def month_ranges(start: dt.date, end: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    result = []
    day = start.replace(day=1)
    while day <= end:
        nxt = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        result.append((f"{day:%Y-%m}", max(day, start), min(nxt - dt.timedelta(days=1), end)))
        day = nxt
    return result


@dataclass
class Row:
    indicator: Indicator
    months: list[float | None] = field(default_factory=list)
    counties: list[float | None] = field(default_factory=list)

    @property
    def has_county_data(self) -> bool:
        return any(v is not None for v in self.counties)


@dataclass
class Dashboard:
    start: dt.date
    end: dt.date
    months: list[str]
    counties: list[tuple[str, str]]
    rows: list[Row]

    @property
    def rows_without_county_data(self) -> list[Row]:
        return [r for r in self.rows if not r.has_county_data]

    def by_area(self) -> list[tuple[str, list[Row]]]:
        groups: dict[str, list[Row]] = {}
        for row in self.rows:
            groups.setdefault(row.indicator.area, []).append(row)
        return list(groups.items())

    def chart_data(self) -> dict[str, Any]:
        return {
            "months": self.months,
            "counties": [name for _, name in self.counties],
            "indicators": [{"code": r.indicator.code, "name": r.indicator.name, "area": r.indicator.area,
                            "unit": r.indicator.unit, "value": r.indicator.value, "months": r.months,
                            "counties": r.counties} for r in self.rows],
        }


def dashboard(start: dt.date, end: dt.date, *, region: str | None, regions: frozenset[str] | None,
              counties: list[tuple[str, str]]) -> Dashboard:
    """The period's indicators, each with its monthly series and its value per county."""
    base = IndicatorQuery(start=start, end=end, region=region, regions=regions)
    rows = {i.code: Row(i) for i in collect(base)}
    months = month_ranges(start, end)
    for _, lo, hi in months:
        values = {i.code: i.value for i in collect(replace(base, start=lo, end=hi))}
        for code, row in rows.items():
            row.months.append(values.get(code))
    for code_region, _ in counties:
        values = {i.code: i.value for i in collect(replace(base, region=code_region))}
        for code, row in rows.items():
            row.counties.append(values.get(code))
    return Dashboard(start=start, end=end, months=[m for m, _, _ in months], counties=counties,
                     rows=list(rows.values()))


def display(value: float | None, unit: str = "") -> str:
    if value is None:
        return "暂无数据"
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text}{'' if unit in {'', '%'} else ' '}{unit}"
