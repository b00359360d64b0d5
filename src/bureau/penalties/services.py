"""Use cases of penalty cases: every write runs in one transaction with history and audit; refusals are
DomainErrors raised before anything is written."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from bureau.accounts.authority import require_change, sees
from bureau.accounts.models import User
from bureau.accounts.roles import INSPECTOR, LEADER, SECTION_HEAD
from bureau.accounts.scope import scope_for
from bureau.enterprises.models import Industry
from bureau.inspection.services import ELECTRONIC, OTHER_METHODS, service_serve_otherwise
from bureau.kernel.attachments import KNOWN_TYPES, check_upload, save_upload
from bureau.kernel.audit import audit
from bureau.kernel.calendar import Deadline, add_working_days
from bureau.kernel.dates import chinese_date
from bureau.kernel.errors import DomainError, NotFound, PermissionDenied
from bureau.kernel.notifications import notify
from bureau.kernel.numbering import next_number
from bureau.kernel.registry import registry
from bureau.kernel.rules import rule
from bureau.kernel.validation import check_event_date
from bureau.kernel.workflow import apply_transition, check_transition, record_history
from bureau.penalties import documents, publishing, rules
from bureau.penalties.facts import (
    court_window,
    latest_legal_review,
    legal_review_reasons,
    legal_reviewer_problem,
    major_reasons,
    officer_problem,
    payment_account_for,
)
from bureau.penalties.models import (
    BenchmarkRow,
    Case,
    CaseSource,
    CollectiveDiscussion,
    EvidenceRecord,
    ExemptionKind,
    LegalReview,
)
from bureau.penalties.workflow import OPEN_STATES, case_workflow

DECIDED_STATES = ("decided", "served", "executed", "closed")


# --- the engine, with its data -----------------------------------------------------------------------------------------
def benchmark_rows(violation_code: str, on: dt.date) -> list[rules.Band]:
    rows = BenchmarkRow.objects.in_force(on).filter(violation_code=violation_code.strip()).order_by("tier", "line")
    return [r.band() for r in rows]


def proposal_compute(*, violation_code: str, circumstances: list[str], stage: str = rules.STAGE_ORDER,
                     target: str = rules.TARGET_UNIT, on: dt.date | None = None, party: str = "当事人",
                     quantity: Decimal | int | None = None, facts: list[str] | tuple[str, ...] = (),
                     history: rules.OffenceHistory | None = None, industry: str = "") -> rules.Proposal:
    """The discretion engine (measure II.6) on the benchmark rows in force on `on` (no write): the facts select the
    row, the circumstances act as the law says, the 不予处罚 option (行政处罚法 第33条) is stated."""
    on = on or timezone.localdate()
    code = violation_code.strip()
    rows, listed = engine_rows(code, on)
    return rules.propose(violation_code=code, circumstances=circumstances, rows=rows, stage=stage, target=target,
                         party=party, quantity=quantity, facts=facts, history=history, listed=listed,
                         industry=industry)


# The proposal's one query, written out: the ORM's compilation of the equivalent queryset (in force, code OR exempt
# row of the same text) cost more than the query itself (bench/penalties/proposal.py). Served by bench_code_from.
ENGINE_ROWS_SQL = (
    f"SELECT * FROM {BenchmarkRow._meta.db_table} WHERE effective_from <= %s "
    "AND (effective_to IS NULL OR effective_to >= %s) "
    f"AND (violation_code = %s OR (tier = %s AND violation IN (SELECT violation FROM {BenchmarkRow._meta.db_table} "
    "WHERE violation_code = %s))) ORDER BY tier, line, id")


def engine_rows(violation_code: str, on: dt.date) -> tuple[list[rules.Band], rules.Band | None]:
    """In one query: the rows of `violation_code` in force on `on`, and its 首违不罚 list entry (an exempt row of the
    same code, else of the same violation text) — the engine's data for one proposal."""
    found = list(BenchmarkRow.objects.raw(ENGINE_ROWS_SQL, [on, on, violation_code, rules.EXEMPT, violation_code]))
    rows = [r for r in found if r.violation_code == violation_code]
    texts = {r.violation for r in rows}
    exempt = [r for r in found if r.tier == rules.EXEMPT and r.violation in texts]
    listed = (next((r for r in exempt if r.violation_code == violation_code), None)
              or max(exempt, key=lambda r: (r.effective_from, r.pk), default=None))
    return [r.band() for r in rows], listed.band() if listed else None


def offence_history(case: Case, *, violation_code: str, override_first: bool | None = None,
                    override_repeat: bool | None = None, reason: str = "") -> rules.OffenceHistory:
    """初次违法 / 一年内再犯 from the enterprise's own decided penalties (any authority's, in this system) before the
    violation was found; the periods are rule parameters (`penalties.first_offence_months`,
    `penalties.repeat_months`) with their sources."""
    on = timezone.localtime(case.found_at).date() if case.found_at else case.filed_on
    priors = [rules.PriorCase(number=n, violation_code=v, decided_on=d) for n, v, d in
              Case.objects.filter(enterprise_id=case.enterprise_id, state__in=DECIDED_STATES, exemption="",
                                  decided_on__isnull=False, decided_on__lte=on)
              .exclude(pk=case.pk).order_by("-decided_on").values_list("number", "violation_code", "decided_on")[:50]
              if d is not None]
    return rules.offence_history(priors=priors, violation_code=violation_code.strip(), on=on,
                                 first_offence_months=int(rule("penalties.first_offence_months", on)),
                                 repeat_months=int(rule("penalties.repeat_months", on)),
                                 override_first=override_first, override_repeat=override_repeat, reason=reason)


def first_offence_listing(violation_code: str, on: dt.date) -> rules.Band | None:
    """The 首违不罚 list entry for a violation: an exempt row with the same code or the same violation text."""
    rows = BenchmarkRow.objects.in_force(on).filter(tier=rules.EXEMPT)
    direct = rows.filter(violation_code=violation_code).first()
    if direct:
        return direct.band()
    ref = BenchmarkRow.objects.in_force(on).filter(violation_code=violation_code).values("violation").first()
    if ref:
        same = rows.filter(violation=ref["violation"]).order_by("-effective_from").first()
        if same:
            return same.band()
    return None


def hearing_threshold(target: str, on: dt.date) -> int:
    key = "penalties.hearing_threshold.unit" if target == rules.TARGET_UNIT else "penalties.hearing_threshold.person"
    return int(rule(key, on))


# --- benchmark import ------------------------------------------------------------------------------------------------
COLUMNS = ["version", "source", "reference", "effective_from", "effective_to", "violation_code", "violation",
           "legal_provision", "penalty_provision", "statutory_min", "statutory_max", "stage", "target", "tier",
           "grade_label", "conditions", "amount_min", "amount_max", "other_measures", "excluded_industries",
           # structured conditions (应急管理部令第12号; see data/README.md): optional columns
           "item", "level", "quantity_unit", "quantity_min", "quantity_max", "min_inclusive", "max_inclusive", "facts"]
OPTIONAL_COLUMNS = frozenset({"reference", "effective_to", "other_measures", "excluded_industries", "grade_label",
                              "item", "level", "quantity_unit", "quantity_min", "quantity_max", "min_inclusive",
                              "max_inclusive", "facts"})
HEADER_LABELS = {"版本": "version", "来源文件": "source", "出处链接": "reference", "生效日期": "effective_from",
                 "失效日期": "effective_to", "违法行为代码": "violation_code", "违法行为": "violation",
                 "违法条款": "legal_provision", "处罚依据": "penalty_provision", "法定罚款下限": "statutory_min",
                 "法定罚款上限": "statutory_max", "阶段": "stage", "处罚对象": "target", "裁量阶次": "tier",
                 "原档次": "grade_label", "适用条件": "conditions", "罚款下限": "amount_min", "罚款上限": "amount_max",
                 "其他处理措施": "other_measures", "排除行业": "excluded_industries", "条目": "item", "层级": "level",
                 "数量单位": "quantity_unit", "数量下限": "quantity_min", "数量上限": "quantity_max",
                 "下限含本数": "min_inclusive", "上限含本数": "max_inclusive", "情形": "facts"}
YES_NO = {"是": True, "否": False, "true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}


def _read_table(data: bytes, filename: str) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    if filename.lower().endswith(".xlsx"):
        from bureau.kernel.excel import read_rows

        header, rows = read_rows(data)
        return header, list(rows)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")
    reader = list(csv.reader(io.StringIO(text)))
    if not reader:
        return [], []
    return [h.strip() for h in reader[0]], [(i, r) for i, r in enumerate(reader[1:], start=2) if any(c.strip() for c in r)]


def _int(value: Any, line: int, name: str, problems: list[str]) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        number = int(float(str(value).replace(",", "").strip()))
    except ValueError:
        problems.append(f"第{line}行：{name}「{value}」不是数字")
        return None
    if number < 0:
        problems.append(f"第{line}行：{name}不能为负数")
    return number


def _date(value: Any, line: int, name: str, problems: list[str]) -> dt.date | None:
    if value is None or str(value).strip() == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        problems.append(f"第{line}行：{name}「{value}」不是 YYYY-MM-DD 日期")
        return None


def _decimal(value: Any, line: int, name: str, problems: list[str]) -> Decimal | None:
    text = "" if value is None else str(value).replace(",", "").replace("%", "").strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        problems.append(f"第{line}行：{name}「{value}」不是数字")
        return None
    if number < 0:
        problems.append(f"第{line}行：{name}不能为负数")
    return number


# the old three-tier labels are still read (rank 1/2/3 of that row set); any other printed 阶次 code keeps its text
_OLD_TIER_RANK = {rules.LENIENT: 1, rules.STANDARD: 2, rules.SEVERE: 3}
_CODE_RANK = {c: i for i, c in enumerate("ABCDEFGHIJ", start=1)}


def _tier(text: str) -> tuple[str, int]:
    """(tier code, rank) of a printed 阶次: A/B/C…, 1/2/3…, 从轻/一般/从重, 不予处罚, 法定幅度; ("", 0) if invalid."""
    text = text.strip()
    code = rules.TIER_BY_LABEL.get(text, text)
    if code in (rules.EXEMPT, rules.STATUTORY):
        return code, 0
    if code in _OLD_TIER_RANK:
        return code, _OLD_TIER_RANK[code]
    letter = code.upper().removesuffix("阶次")
    if letter in _CODE_RANK:
        return letter, _CODE_RANK[letter]
    if letter.isdigit() and 0 < int(letter) < 100:
        return letter, int(letter)
    return "", 0


def parse_benchmark(data: bytes, filename: str) -> tuple[list[rules.ImportRow], list[dict[str, Any]], list[str]]:
    """Parse a benchmark spreadsheet (CSV or XLSX); returns rows for the checks, model field dicts and problems."""
    header, raw = _read_table(data, filename)
    keys = [HEADER_LABELS.get(h, h) for h in header]
    missing = [c for c in COLUMNS if c not in keys and c not in OPTIONAL_COLUMNS]
    if missing:
        return [], [], [f"缺少列：{'、'.join(missing)}"]
    problems: list[str] = []
    items: list[rules.ImportRow] = []
    fields: list[dict[str, Any]] = []
    industries = set(Industry.values)
    for line, cells in raw:
        row = {k: ("" if i >= len(cells) or cells[i] is None else str(cells[i]).strip()) for i, k in enumerate(keys)}
        raw_cells = {k: (cells[i] if i < len(cells) else None) for i, k in enumerate(keys)}
        tier, tier_rank = _tier(row.get("tier", ""))
        if not tier:
            problems.append(f"第{line}行：裁量阶次「{row.get('tier')}」无效（应为基准所列阶次如 A、B、C 或 1、2、3，"
                            "或 不予处罚 / 法定幅度）")
            continue
        unit = rules.QUANTITY_UNIT_BY_LABEL.get(row.get("quantity_unit", ""), row.get("quantity_unit", ""))
        if unit and unit not in rules.QUANTITY_UNITS:
            problems.append(f"第{line}行：数量单位「{row.get('quantity_unit')}」无效（应为 人次/处/项/%/元/日）")
            continue
        level = {v: k for k, v in rules.LEVEL_LABELS.items()}.get(row.get("level", ""), row.get("level") or "national")
        if level not in rules.LEVEL_LABELS:
            problems.append(f"第{line}行：层级「{row.get('level')}」无效（应为 国家/省/市）")
            continue
        flags = {}
        for key, name in (("min_inclusive", "下限含本数"), ("max_inclusive", "上限含本数")):
            text = row.get(key, "").lower()
            if text and text not in YES_NO:
                problems.append(f"第{line}行：{name}「{row.get(key)}」应为 是/否")
            flags[key] = YES_NO.get(text, True)
        stage = {v: k for k, v in rules.STAGE_LABELS.items()}.get(row.get("stage", ""), row.get("stage") or "order")
        target = {v: k for k, v in rules.TARGET_LABELS.items()}.get(row.get("target", ""), row.get("target") or "unit")
        if stage not in rules.STAGE_LABELS or target not in rules.TARGET_LABELS:
            problems.append(f"第{line}行：阶段或处罚对象无效")
            continue
        excluded = [x.strip() for x in row.get("excluded_industries", "").replace("；", ";").split(";") if x.strip()]
        unknown = [x for x in excluded if x not in industries]
        if unknown:
            problems.append(f"第{line}行：排除行业代码无效：{'、'.join(unknown)}")
        if not row.get("violation_code") or not row.get("violation"):
            problems.append(f"第{line}行：缺少违法行为代码或违法行为")
            continue
        effective_from = _date(raw_cells.get("effective_from"), line, "生效日期", problems)
        if effective_from is None:
            problems.append(f"第{line}行：缺少生效日期")
            continue
        values: dict[str, Any] = {
            "version": row.get("version") or "", "source": row.get("source", ""), "reference": row.get("reference", ""),
            "effective_from": effective_from,
            "effective_to": _date(raw_cells.get("effective_to"), line, "失效日期", problems),
            "violation_code": row["violation_code"], "violation": row["violation"],
            "legal_provision": row.get("legal_provision", ""), "penalty_provision": row.get("penalty_provision", ""),
            "statutory_min": _int(row.get("statutory_min"), line, "法定罚款下限", problems),
            "statutory_max": _int(row.get("statutory_max"), line, "法定罚款上限", problems),
            "stage": stage, "target": target, "tier": tier, "grade_label": row.get("grade_label", ""),
            "conditions": row.get("conditions", ""),
            "amount_min": _int(row.get("amount_min"), line, "罚款下限", problems),
            "amount_max": _int(row.get("amount_max"), line, "罚款上限", problems),
            "other_measures": row.get("other_measures", ""), "excluded_industries": excluded, "line": line,
            "tier_rank": tier_rank, "item": row.get("item", "")[:20], "level": level, "quantity_unit": unit,
            "quantity_min": _decimal(row.get("quantity_min"), line, "数量下限", problems),
            "quantity_max": _decimal(row.get("quantity_max"), line, "数量上限", problems), **flags,
            "facts": [x.strip() for x in row.get("facts", "").replace("；", ";").split(";") if x.strip()],
        }
        if not values["version"] or not values["source"]:
            problems.append(f"第{line}行：缺少版本或来源文件")
        fields.append(values)
        band_fields = {k: values[k] for k in ("violation_code", "violation", "legal_provision", "penalty_provision",
                                               "statutory_min", "statutory_max", "stage", "target", "tier",
                                               "grade_label", "conditions", "amount_min", "amount_max",
                                               "other_measures", "source", "effective_from", "tier_rank", "item",
                                               "level", "quantity_unit", "quantity_min", "quantity_max",
                                               "min_inclusive", "max_inclusive")}
        items.append(rules.ImportRow(line=line, band=rules.Band(row_id=0, excluded_industries=tuple(excluded),
                                                                facts=tuple(values["facts"]), **band_fields),
                                     effective_to=values["effective_to"]))
    if not fields and not problems:
        problems.append("文件中没有数据行")
    problems.extend(rules.validate_benchmark(items))
    return items, fields, problems


def benchmark_import(*, actor: User, data: bytes, filename: str) -> int:
    """Import benchmark rows; a file that contradicts itself is refused whole, naming the rows. Rows of a version
    already present are replaced (a new version gets a new label and its own effective dates)."""
    if not (actor is None or actor.is_superuser or actor.has_role("sysadmin", SECTION_HEAD, LEADER)):
        raise PermissionDenied("只有系统管理员、科室负责人或分管负责人可以导入裁量基准")
    _items, fields, problems = parse_benchmark(data, filename)
    if problems:
        raise DomainError("裁量基准导入被拒绝：" + "；".join(problems[:30]) + ("……" if len(problems) > 30 else ""),
                          code="benchmark_invalid")
    versions = sorted({f["version"] for f in fields})
    with transaction.atomic():
        BenchmarkRow.objects.filter(version__in=versions).delete()
        BenchmarkRow.objects.bulk_create([BenchmarkRow(**f) for f in fields])
        audit(actor, "penalties.benchmark_import", summary=f"导入裁量基准 {len(fields)} 条（{'、'.join(versions)}）",
              data={"filename": filename, "versions": versions, "rows": len(fields)})
    return len(fields)


# --- cases -----------------------------------------------------------------------------------------------------------
def _source_of(source_type: str) -> str:
    kind = source_type.lower()
    for key, value in (("patrol", CaseSource.PATROL), ("petition", CaseSource.PETITION),
                       ("inspection", CaseSource.INSPECTION)):
        if key in kind:
            return value
    return CaseSource.HAND


def _enterprise_users(case: Case) -> list[Any]:
    from bureau.accounts.models import User

    return list(User.objects.filter(enterprise_id=case.enterprise_id, is_active=True))


def case_open(*, actor: User, enterprise: Any, source_type: str = "", source_id: str = "", hazard: Any = None,
              title: str = "", facts: str = "", second_officer: Any = None, found_at: dt.datetime | None = None) -> Case:
    """立案 from an inspection finding (an inspection-sourced hazard), a patrol lead or petition (source_type,
    source_id) or by hand. Decision due within the legal period from filing (行政处罚法 第60条)."""
    require_change(actor, Case)
    problem = officer_problem(actor, "立案人")  # 行政处罚法 第42条: officers with enforcement IDs, at least two
    if problem:
        raise PermissionDenied(problem)
    if second_officer is None or second_officer.pk == actor.pk:
        raise DomainError("须指定另一名执法人员协办（执法人员不少于两人）", field="second_officer")
    problem = officer_problem(second_officer, "协办人")
    if problem:
        raise PermissionDenied(problem)
    if not sees(actor, enterprise):
        raise NotFound("企业不存在或不在您的管辖范围内")
    if not scope_for(second_officer).covers_region(enterprise.region_id):
        raise DomainError("协办人不属于该企业所在地的执法机构", field="second_officer")
    source = _source_of(source_type) if source_type else CaseSource.HAND
    if hazard is not None:
        if hazard.enterprise_id != enterprise.pk:
            raise DomainError("所选隐患不属于该企业", field="hazard")
        if hazard.source == "self_inspection":
            raise DomainError("企业自查发现的隐患不能作为立案线索（自查整改问题免罚）", field="hazard")
        if Case.objects.filter(hazard=hazard, state__in=OPEN_STATES).exists():
            raise DomainError(f"隐患{hazard.number}已有在办案件", field="hazard")
        source = {"inspection": CaseSource.INSPECTION, "patrol": CaseSource.PATROL,
                  "petition": CaseSource.PETITION}.get(hazard.source, CaseSource.INSPECTION)
        source_type = source_type or (hazard.source_type or "hazards.hazard")
        source_id = source_id or (hazard.source_id or str(hazard.pk))
        title = title or hazard.title
        facts = facts or hazard.description or hazard.title
        found_at = found_at or hazard.reported_at
    if not title.strip():
        raise DomainError("请填写案由", field="title")
    if not facts.strip():
        raise DomainError("请填写违法事实", field="facts")
    organisation = actor.organisation.bureau if actor.organisation else None
    if organisation is None:
        raise DomainError("立案人没有所属执法机构")
    today = timezone.localdate()
    found_at = found_at or timezone.now()
    if found_at > timezone.now():
        raise DomainError("发现时间不能晚于现在", field="found_at")
    with transaction.atomic():
        case = Case.objects.create(
            # each authority numbers its own cases with its own 机关代字 (盐湖应急立〔2026〕1号 beside
            # 运应急立〔2026〕1号; GB/T 9704-2012 7.2.4: 发文顺序号不加“第”字，不编虚位): the sequence is keyed by the organisation
            number=next_number("penalty_case", today.year, pattern="{prefix}〔{year}〕{seq}号",
                               prefix=f"{organisation.number_prefix}立", scope=organisation.code),
            enterprise=enterprise, region_id=enterprise.region_id, organisation=organisation, source=source,
            source_type=source_type[:60], source_id=str(source_id)[:40], hazard=hazard, found_at=found_at,
            title=title.strip()[:200], facts=facts.strip(), lead_officer=actor, second_officer=second_officer,
            filed_on=today, decision_due=today + dt.timedelta(days=int(rule("penalties.decision_days", today))),
            state="investigating",
        )
        record_history(case, actor=actor, action="open", label="立案",
                       note=f"来源：{case.get_source_display()}；承办人：{actor.display_name}、{second_officer.display_name}")
        audit(actor, "penalties.open", case, summary=f"立案：{case.number} {case.title}",
              data={"source": source, "source_type": source_type, "source_id": str(source_id)})
        documents.filing_approval(case, actor)
        listener = registry.case_opened.get(case.source_type)
        if listener is not None and case.source_id:
            listener(actor, case.source_id, case)  # e.g. the patrol lead is marked 已转立案 with this number
    return case


def evidence_add(*, actor: User, case: Case, kind: str, recorded_on: dt.date, place: str, content: str,
                 officers: list[Any]) -> EvidenceRecord:
    """调查取证笔录 with at least two officers holding enforcement IDs."""
    check_transition(case_workflow, case, "evidence", actor)
    from bureau.penalties.models import EvidenceKind

    if kind not in EvidenceKind.values:
        raise DomainError("笔录种类无效", field="kind")
    unique = {u.pk: u for u in officers if u is not None}
    minimum = int(rule("penalties.min_officers", recorded_on))
    if len(unique) < minimum:
        raise DomainError(f"调查取证须由不少于{minimum}名执法人员进行（行政处罚法第四十二条）", field="officers")
    without = [u.display_name for u in unique.values() if not (u.enforcement_id or "").strip()]
    if without:
        raise DomainError(f"{'、'.join(without)}没有执法证，不能参与调查取证", field="officers")
    if recorded_on > timezone.localdate() or recorded_on < case.filed_on - dt.timedelta(days=30):
        raise DomainError("制作日期无效", field="recorded_on")
    if not place.strip() or not content.strip():
        raise DomainError("请填写地点和笔录内容", field="content")
    with transaction.atomic():
        record = EvidenceRecord.objects.create(case=case, kind=kind, recorded_on=recorded_on, place=place.strip(),
                                               content=content.strip(), created_by=actor)
        record.officers.set(list(unique.values()))
        record_history(case, actor=actor, action="evidence", label=f"制作{record.get_kind_display()}",
                       note="执法人员：" + "、".join(u.display_name for u in unique.values()))
        audit(actor, "penalties.evidence", case, summary=f"{case.number} 制作{record.get_kind_display()}")
        documents.evidence_record(case, record, actor)
    return record


def _override(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def case_propose(*, actor: User, case: Case, violation_code: str, circumstances: list[str], amount: int,
                 stage: str = rules.STAGE_ORDER, target: str = rules.TARGET_UNIT, deviation_reason: str = "",
                 complex_case: bool = False, quantity: Decimal | int | None = None,
                 facts: list[str] | tuple[str, ...] = (), first_offence_override: bool | None = None,
                 repeat_override: bool | None = None, override_reason: str = "") -> Case:
    """裁量建议 (measure II.6): the facts recorded (quantity, stage, named facts) select the benchmark row; 初次违法 /
    一年内再犯 come from the enterprise's cases (an officer's correction needs a reason, stored, audited and shown in
    the reasoning); an amount outside the band needs a written reason that the review sees; the statutory range is
    never exceeded; where the law says 不予行政处罚 (第33条第1款前段、第2款) no fine is proposed."""
    check_transition(case_workflow, case, "propose", actor)
    history = offence_history(case, violation_code=violation_code, override_first=first_offence_override,
                              override_repeat=repeat_override, reason=override_reason)
    proposal = proposal_compute(violation_code=violation_code, circumstances=circumstances, stage=stage,
                                target=target, on=case.filed_on, party=case.enterprise.name, quantity=quantity,
                                facts=facts, history=history, industry=case.enterprise.industry)
    if proposal.exemption.mandatory:
        raise DomainError(f"依法应当不予行政处罚，不能提出罚款建议：{proposal.exemption.basis}请提出免罚意见",
                          code="exemption_required", field="circumstances")
    rules.check_amount(amount, proposal.amount_min, proposal.amount_max, deviation_reason)
    row = proposal.benchmark_row
    if not rules.within_statute(amount, row.statutory_min, row.statutory_max):
        raise DomainError(f"拟罚款超出法定幅度（{rules.yuan(row.statutory_min or 0)}至{rules.yuan(row.statutory_max)}）",
                          code="outside_statute", field="amount")
    within = proposal.amount_min <= amount <= proposal.amount_max
    hearing = amount >= hearing_threshold(target, case.filed_on) or "停产停业" in proposal.other_measures
    fields = dict(violation_code=violation_code.strip(), benchmark_row_id=row.row_id, circumstances=proposal.circumstances,
                  quantity=proposal.quantity, named_facts=proposal.facts,
                  first_offence_override=first_offence_override if history.overridden else None,
                  repeat_override=repeat_override if history.overridden else None,
                  history_override_reason=override_reason.strip() if history.overridden else "",
                  stage=stage, target=target, tier=proposal.tier, amount_min=proposal.amount_min,
                  amount_max=proposal.amount_max, proposed_amount=amount, other_measures=proposal.other_measures,
                  deviation_reason="" if within else deviation_reason.strip(), reasoning=proposal.reasoning,
                  hearing_right=hearing, exemption="", exemption_basis="", exempt_hazard=None,
                  complex_case=bool(complex_case))
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(**fields)
        for key, value in fields.items():
            setattr(case, key, value)
        note = f"{proposal.tier_label}，幅度{rules.yuan(proposal.amount_min)}至{rules.yuan(proposal.amount_max)}，" \
               f"拟罚款{rules.yuan(amount)}" + ("" if within else f"；偏离理由：{deviation_reason.strip()}") + (
                   f"；更正初次违法/再犯认定，理由：{override_reason.strip()}" if history.overridden else "") + (
                   "；承办人认定情节复杂，须集体讨论" if complex_case else "")
        record_history(case, actor=actor, action="propose", label="提出裁量建议", note=note[:500])
        audit(actor, "penalties.propose", case, summary=f"{case.number} 裁量建议：{note}"[:300],
              data={"violation_code": violation_code, "circumstances": proposal.circumstances, "amount": amount,
                    "quantity": str(proposal.quantity) if proposal.quantity is not None else None,
                    "facts": proposal.facts, "tier": proposal.tier, "benchmark_row": row.row_id,
                    "statutory_range": proposal.fallback,
                    "history": {"first_offence": history.first_offence, "repeat": history.repeat,
                                "overridden": history.overridden,
                                "first_offence_override": _override(first_offence_override),
                                "repeat_override": _override(repeat_override),
                                "reason": override_reason.strip() if history.overridden else ""}})
    return case


def self_inspection_case_facts(case: Case, violation_code: str = "") -> tuple[set[str], int | None]:
    """What the case's violation is known as, for the II.8 comparison: the violation codes (the one chosen now,
    the proposal's, the inspection finding's) and the checklist item of the inspection finding."""
    codes = {c for c in (violation_code.strip(), case.violation_code,
                         case.hazard.violation_code if case.hazard else "") if c}
    return codes, (case.hazard.checklist_item_id if case.hazard else None)


def self_inspection_candidates(case: Case, violation_code: str = "") -> tuple[list[Any], list[Any]]:
    """The enterprise's self-found hazards recorded before the inspection (measure II.8), split into those that are
    the case's violation (same violation code or checklist item: offered first) and the others (linking one needs
    the officer's written reason)."""
    from bureau.hazards.queries import self_inspection_hazards

    codes, item = self_inspection_case_facts(case, violation_code)
    matching: list[Any] = []
    others: list[Any] = []
    for h in self_inspection_hazards(case.enterprise_id, reported_before=case.found_at).order_by("-reported_at")[:50]:
        (matching if _same_violation(h, codes, item) else others).append(h)
    return matching, others


def _same_violation(hazard: Any, codes: set[str], item: int | None) -> bool:
    return bool(hazard.violation_code and hazard.violation_code in codes) or (
        item is not None and hazard.checklist_item_id == item)


def case_propose_exemption(*, actor: User, case: Case, kind: str, violation_code: str = "",
                           circumstances: list[str] | None = None, hazard: Any = None,
                           link_reason: str = "", first_offence_override: bool | None = None,
                           override_reason: str = "") -> Case:
    """免罚意见: the self-inspection exemption (measure II.8: only for the self-found hazard that is the case's
    violation — same violation code or checklist item, or linked by the officer with a written reason), 首违不罚
    (行政处罚法 第33条第1款后段: 初次违法 computed from the enterprise's cases), 违法行为轻微并及时改正、没有造成危害后果
    (第33条第1款前段) or 没有主观过错 (第33条第2款)."""
    check_transition(case_workflow, case, "propose", actor)
    codes = rules.check_circumstances(circumstances or [])
    row_id = None
    linked = False  # II.8: the officer linked a hazard whose recorded violation differs (with a written reason)
    history = None
    if violation_code.strip():
        bands = benchmark_rows(violation_code, case.filed_on)
        if not bands:
            raise DomainError(f"裁量基准中没有违法行为代码「{violation_code}」", code="unknown_violation",
                              field="violation_code")
        row_id = bands[0].row_id
    if kind == ExemptionKind.SELF_INSPECTION:
        from bureau.hazards.queries import self_inspection_hazards

        if hazard is None:
            raise DomainError("请选择企业自查隐患记录", field="hazard")
        own = self_inspection_hazards(case.enterprise_id, reported_before=case.found_at).filter(pk=hazard.pk).first()
        fact = rules.HazardFact(number=hazard.number, source=hazard.source, reported_at=hazard.reported_at,
                                state=(own or hazard).state, enterprise_id=hazard.enterprise_id,
                                violation_code=hazard.violation_code, checklist_item_id=hazard.checklist_item_id,
                                title=hazard.title)
        case_codes, item = self_inspection_case_facts(case, violation_code)
        exempt, basis = rules.self_inspection_exemption(fact, enterprise_id=case.enterprise_id,
                                                        inspection_at=case.found_at, case_codes=case_codes,
                                                        case_item_id=item, link_reason=link_reason)
        linked = exempt and not _same_violation(hazard, case_codes, item)
    elif kind in (ExemptionKind.FIRST_OFFENCE, ExemptionKind.MINOR, ExemptionKind.NO_FAULT):
        if not violation_code.strip():
            raise DomainError("请选择违法行为", field="violation_code")
        history = offence_history(case, violation_code=violation_code, override_first=first_offence_override,
                                  reason=override_reason)
        codes = rules.check_circumstances(rules.with_history(codes, history))
        if kind == ExemptionKind.FIRST_OFFENCE:
            listed = first_offence_listing(violation_code.strip(), case.filed_on)
            exempt, basis = rules.first_offence_exemption(circumstances=codes, listed=listed,
                                                          industry=case.enterprise.industry, prior_penalties=0)
            if not history.first_offence:
                exempt, basis = False, history.text
        else:
            option = rules.exemption_option(codes)
            exempt, basis = option.possible and option.kind == kind, option.basis
            if not exempt:
                required = rules.MINOR_REQUIRED if kind == ExemptionKind.MINOR else ("no_fault",)
                missing = [rules.CIRCUMSTANCES[c] for c in required if c not in codes]
                basis = f"缺少{'、'.join(missing)}" if missing else (basis or "条件不符")
        if exempt:
            basis = f"{basis}（{history.text}。）" if kind == ExemptionKind.FIRST_OFFENCE else basis
    else:
        raise DomainError("免罚类型无效", field="kind")
    if not exempt:
        raise DomainError(f"不符合免罚条件：{basis}", code="not_exempt",
                          field="link_reason" if "关联理由" in basis else None)
    link = " ".join(link_reason.split()) if kind == ExemptionKind.SELF_INSPECTION and linked else ""
    overridden = bool(history and history.overridden)
    fields = dict(exemption=kind, exemption_basis=basis, exempt_hazard=hazard if kind == ExemptionKind.SELF_INSPECTION
                  else None, violation_code=violation_code.strip(), benchmark_row_id=row_id, circumstances=codes,
                  tier=rules.EXEMPT, amount_min=0, amount_max=0, proposed_amount=None, deviation_reason="",
                  reasoning=basis, hearing_right=False, other_measures="", exempt_link_reason=link,
                  first_offence_override=first_offence_override if overridden else None, repeat_override=None,
                  history_override_reason=override_reason.strip() if overridden else "")
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(**fields)
        for key, value in fields.items():
            setattr(case, key, value)
        record_history(case, actor=actor, action="propose_exemption", label="提出免罚意见", note=basis[:500])
        audit(actor, "penalties.propose_exemption", case, summary=f"{case.number} 免罚意见：{case.get_exemption_display()}",
              data={"kind": kind, "hazard": hazard.pk if hazard is not None else None,
                    "violation_code": violation_code.strip(), "link_reason": link, "circumstances": codes,
                    "history_overridden": overridden, "reason": override_reason.strip() if overridden else ""})
    return case


def case_transition(*, actor: User, case: Case, action: str, note: str = "") -> Case:
    """Transitions without extra data: submit_review, return (with a note)."""
    if action not in ("submit_review", "return"):
        raise DomainError("不支持的操作")
    check_transition(case_workflow, case, action, actor)
    if action == "return" and not note.strip():
        raise DomainError("退回须写明需补充调查的内容", field="note")
    with transaction.atomic():
        fields = {"review_opinion": note.strip()} if action == "return" else {}
        apply_transition(case_workflow, case, action, actor=actor, note=note.strip(), updates=fields)
    return case


def answer_deadline(notified_on: dt.date) -> Deadline:
    """陈述申辩期限: `penalties.statement_days` working days after the notice (行政处罚法 第85条); also used when a
    provisional holiday year is entered (hooks.recompute_answer_deadlines)."""
    return add_working_days(notified_on, int(rule("penalties.statement_days", notified_on)))


def case_notify(*, actor: User, case: Case, opinion: str = "") -> Case:
    """审理通过并告知 (行政处罚法 第44条): the notice with the reasoning, the answer deadline (working days,
    行政处罚法 第85条) and, where the hearing right applies, the hearing notice (第63、64条)."""
    check_transition(case_workflow, case, "notify", actor)
    today = timezone.localdate()
    answer = answer_deadline(today)
    hearing = add_working_days(today, int(rule("penalties.hearing_request_days", today))) if case.hearing_right else None
    updates: dict[str, Any] = dict(notified_on=today, answer_due=answer.date, answer_due_provisional=answer.provisional,
                                   hearing_due=hearing.date if hearing else None, review_opinion=opinion.strip())
    if case.notified_on is not None:  # notified again after a return (e.g. 法制审核 建议修改): a new statement period
        updates.update(statement="", statement_at=None, statement_waived=False, statement_review="",
                       statement_review_reason="", statement_reviewed_at=None, statement_reviewer=None,
                       statement_amount_before=None)
    with transaction.atomic():
        apply_transition(case_workflow, case, "notify", actor=actor, note=opinion.strip(), updates=updates)
        documents.penalty_notice(case, actor)
        if case.hearing_right:
            documents.hearing_notice(case, actor)
        from bureau.kernel.notifications import notify

        notify(_enterprise_users(case), f"行政处罚告知：{case.number}",
               f"请于{answer.date:%Y-%m-%d}前在线提出陈述申辩" + ("，或申请听证" if case.hearing_right else ""),
               url=f"/penalties/cases/{case.pk}/")
    return case


def statement_submit(*, actor: User, case: Case, text: str, waive: bool = False) -> Case:
    """陈述申辩 online by the enterprise (or recorded by an officer) within the deadline (行政处罚法 第45条)."""
    check_transition(case_workflow, case, "statement", actor)
    if case.statement_at or case.statement_waived:
        raise DomainError("已提交过陈述申辩意见")
    if case.answer_due and timezone.localdate() > case.answer_due:
        raise DomainError(f"陈述申辩期限已于{case.answer_due:%Y-%m-%d}届满", code="deadline_passed")
    if not waive and not text.strip():
        raise DomainError("请填写陈述申辩意见", field="text")
    with transaction.atomic():
        case.statement = "" if waive else text.strip()
        case.statement_waived = waive
        case.statement_at = timezone.now()
        Case.objects.filter(pk=case.pk).update(statement=case.statement, statement_waived=waive,
                                               statement_at=case.statement_at)
        record_history(case, actor=actor, action="statement", label="放弃陈述申辩" if waive else "提交陈述申辩",
                       note=case.statement[:500])
        audit(actor, "penalties.statement", case, summary=f"{case.number} {'放弃陈述申辩' if waive else '陈述申辩'}")
        if not waive:
            documents.statement_record(case, actor)
        from bureau.kernel.notifications import notify

        notify([case.lead_officer], f"当事人已{'放弃' if waive else '提交'}陈述申辩：{case.number}",
               url=f"/penalties/cases/{case.pk}/")
    return case


def hearing_request(*, actor: User, case: Case, note: str = "") -> Case:
    check_transition(case_workflow, case, "request_hearing", actor)
    with transaction.atomic():
        apply_transition(case_workflow, case, "request_hearing", actor=actor, note=note.strip(),
                         updates={"hearing_requested_at": timezone.now()})
        from bureau.kernel.notifications import notify

        notify([case.lead_officer], f"当事人申请听证：{case.number}", url=f"/penalties/cases/{case.pk}/")
    return case


def hearing_record_save(*, actor: User, case: Case, record: str) -> Case:
    check_transition(case_workflow, case, "record_hearing", actor)
    if not record.strip():
        raise DomainError("请填写听证情况", field="record")
    with transaction.atomic():
        apply_transition(case_workflow, case, "record_hearing", actor=actor, note=record.strip()[:500],
                         updates={"hearing_record": record.strip()})
        documents.hearing_record(case, actor)
        documents.handling_approval(case, actor)
    return case


def statement_review_record(*, actor: User, case: Case, outcome: str, reason: str, amount: int | None = None) -> Case:
    """复核 of the party's statement (行政处罚法 第45条): 采纳 / 部分采纳 / 不采纳, each with its reasons, before the case
    goes for decision. Adopting it may lower the proposed fine (never raise it, 第45条第2款): the proposal is updated
    and the change written to the timeline and the audit trail. The 陈述申辩复核意见书 is filed; the party is told."""
    check_transition(case_workflow, case, "review_statement", actor)
    row = case.benchmark_row.band() if case.benchmark_row else None
    rules.check_statement_review(outcome=outcome, reason=reason, amount=amount, proposed=case.proposed_amount,
                                 statutory_min=row.statutory_min if row else None,
                                 statutory_max=row.statutory_max if row else None)
    now = timezone.now()
    before = case.proposed_amount
    changed = amount is not None and amount != before
    updates: dict[str, Any] = dict(statement_review=outcome, statement_review_reason=reason.strip(),
                                   statement_reviewed_at=now, statement_reviewer=actor)
    if changed:
        within = (case.amount_min or 0) <= (amount or 0) <= (case.amount_max or 0)
        updates.update(proposed_amount=amount, statement_amount_before=before,
                       deviation_reason="" if within else f"采纳当事人陈述申辩：{reason.strip()}")
    label = rules.STATEMENT_OUTCOMES[outcome]
    note = f"{label}：{reason.strip()}" + (f"；拟罚款由{rules.yuan(before)}变更为{rules.yuan(amount)}" if changed else "")
    with transaction.atomic():
        updated = Case.objects.filter(pk=case.pk, statement_review="").update(**updates)
        if not updated:
            raise DomainError("已复核当事人的陈述申辩", code="already_reviewed")
        for key, value in updates.items():
            setattr(case, key, value)
        record_history(case, actor=actor, action="review_statement", label="复核陈述申辩", note=note[:500])
        if changed:
            record_history(case, actor=actor, action="proposal_changed", label="变更拟处罚（采纳陈述申辩）",
                           note=f"拟罚款由{rules.yuan(before)}变更为{rules.yuan(amount)}（行政处罚法第四十五条）")
        audit(actor, "penalties.review_statement", case, summary=f"{case.number} 复核陈述申辩：{note}"[:300],
              data={"outcome": outcome, "amount_before": before, "amount": amount if changed else before})
        documents.statement_review_record(case, actor)
        notify(_enterprise_users(case), f"陈述申辩复核结果：{case.number}", note[:200], url=f"/penalties/cases/{case.pk}/")
    return case


def legal_review_record(*, actor: User, case: Case, opinion: str, text: str = "",
                        reviewed_on: dt.date | None = None) -> LegalReview:
    """法制审核 (行政处罚法 第58条) by a 法制审核人员 of the deciding authority who did not investigate the case (and holds
    the 法律职业资格 when reviewing for the first time, 第2款): 同意 lets the case go to the (collective) decision;
    建议修改 (with what) or 不同意 (with why) returns it to its officers for correction (`legal_return`), after which
    it is reviewed again. The 法制审核意见书 is filed in the case file."""
    action = "legal_review" if opinion == rules.LEGAL_AGREE else "legal_return"
    check_transition(case_workflow, case, action, actor)
    today = timezone.localdate()
    reviewed_on = reviewed_on or today
    rules.check_legal_review(opinion=opinion, text=text, reviewed_on=reviewed_on, filed_on=case.filed_on, today=today)
    problem = legal_reviewer_problem(case, actor)  # the guard said it; read again inside the rules' terms
    if problem:
        raise PermissionDenied(problem)
    reasons = legal_review_reasons(case) or ["本机关决定进行法制审核"]
    label = rules.LEGAL_OPINIONS[opinion]
    note = f"{label}" + (f"：{text.strip()}" if text.strip() else "") + f"（审核人员：{actor.display_name}）"
    with transaction.atomic():
        review = LegalReview.objects.create(case=case, reviewer=actor, qualification=actor.legal_qualification,
                                            reviewed_on=reviewed_on, opinion=opinion, text=text.strip(),
                                            reasons=reasons, amount=case.proposed_amount)
        if opinion == rules.LEGAL_AGREE:
            record_history(case, actor=actor, action="legal_review", label="法制审核", note=note[:500])
            audit(actor, "penalties.legal_review", case, summary=f"{case.number} 法制审核：{label}",
                  data={"opinion": opinion, "review": review.pk})
        else:
            apply_transition(case_workflow, case, "legal_return", actor=actor, note=note[:500],
                             updates={"review_opinion": f"法制审核意见（{label}）：{text.strip()}"[:2000]},
                             audit_data={"opinion": opinion, "review": review.pk})
        documents.legal_review_opinion(case, review, actor)
        notify([case.lead_officer, case.second_officer], f"法制审核意见（{label}）：{case.number}",
               ("案件已退回，请按审核意见修改后重新提交" if opinion != rules.LEGAL_AGREE else "可提请负责人作出决定"),
               url=f"/penalties/cases/{case.pk}/")
    return review


def legal_review_history(case: Case) -> list[LegalReview]:
    return list(LegalReview.objects.filter(case=case).select_related("reviewer").order_by("id"))


def case_submit_decision(*, actor: User, case: Case) -> Case:
    """呈批处理决定 after the statement (or the deadline passed): the 案件处理呈批表."""
    check_transition(case_workflow, case, "submit_decision", actor)
    with transaction.atomic():
        apply_transition(case_workflow, case, "submit_decision", actor=actor)
        documents.handling_approval(case, actor)
    return case


def case_decide(*, actor: User, case: Case, amount: int | None = None, deviation_reason: str = "",
                late_reason: str = "") -> Case:
    """行政处罚决定 (行政处罚法 第57、59条) with the reasoning; after the legal period only with the approved
    extension stated (第60条)."""
    check_transition(case_workflow, case, "decide", actor)
    discussion = CollectiveDiscussion.objects.filter(case=case).first()
    if discussion is not None and discussion.conclusion == rules.CONCLUSION_NO_PENALTY:
        raise DomainError("集体讨论决定不予行政处罚，应作出不予行政处罚决定", code="discussion_no_penalty")
    if amount is None:
        amount = discussion.amount if discussion is not None and discussion.conclusion == rules.CONCLUSION_CHANGE \
            else case.proposed_amount
    if amount is None:
        raise DomainError("缺少罚款金额", field="amount")
    # 行政处罚法 第5条 (过罚相当) and the penalty provision: the statutory range binds everyone, collective
    # discussion included, so an amount outside it is refused for that reason first
    row = case.benchmark_row.band() if case.benchmark_row else None
    if row and not rules.within_statute(amount, row.statutory_min, row.statutory_max):
        raise DomainError(f"罚款超出法定幅度（{rules.yuan(row.statutory_min or 0)}至{rules.yuan(row.statutory_max)}）",
                          code="outside_statute", field="amount")
    # 行政处罚法 第58条: the amount decided may bring the case into the 法制审核 list (the guard read the proposal)
    legal = legal_review_reasons(case, amount)
    review = latest_legal_review(case) if legal else None
    if legal and (review is None or not review.passed):
        raise DomainError(f"本案须经法制审核（{'；'.join(legal)}），未经法制审核或者审核未通过的，不得作出决定（行政处罚法"
                          "第五十八条）", code="legal_review_required", field="amount")
    # 行政处罚法 第57条第2款: a major or complex case is decided by the leaders' collective discussion
    if discussion is None and major_reasons(case, amount):
        raise DomainError(rules.COLLECTIVE_REFUSAL, code="collective_required", field="amount")
    if discussion is not None:
        agreed = discussion.amount if discussion.conclusion == rules.CONCLUSION_CHANGE else case.proposed_amount
        if amount != agreed:
            raise DomainError(f"决定罚款须与集体讨论结论一致（{rules.yuan(agreed)}）", code="discussion_mismatch",
                              field="amount")
    reason = deviation_reason.strip() or case.deviation_reason or (discussion.reason if discussion else "")
    rules.check_amount(amount, case.amount_min or 0, case.amount_max or 0, reason)
    today = timezone.localdate()
    if today > case.decision_due and not late_reason.strip():
        raise DomainError(f"已超过决定期限（{case.decision_due:%Y-%m-%d}），须写明经批准延长期限的情况",
                          code="deadline_passed", field="late_reason")
    within = (case.amount_min or 0) <= amount <= (case.amount_max or 0)
    updates = dict(decided_amount=amount, decided_on=today, late_reason=late_reason.strip(),
                   deviation_reason="" if within else reason)
    with transaction.atomic():
        apply_transition(case_workflow, case, "decide", actor=actor, updates=updates,
                         note=f"罚款{rules.yuan(amount)}" + ("" if within else f"（偏离基准：{reason}）"))
        documents.penalty_decision(case, actor)
        publishing.decision_made(actor, case)  # 行政执法公示 (行政处罚法 第48条) and the credit record
        from bureau.kernel.notifications import notify

        notify(_enterprise_users(case), f"行政处罚决定：{case.number}", "请查阅决定书及裁量说理",
               url=f"/penalties/cases/{case.pk}/")
    return case


def case_decide_no_penalty(*, actor: User, case: Case) -> Case:
    """不予行政处罚决定 (措施二第8条 / 行政处罚法 第33条): the exemption and its basis, shown to the enterprise."""
    check_transition(case_workflow, case, "decide_no_penalty", actor)
    updates: dict[str, Any] = {"decided_on": timezone.localdate(), "decided_amount": 0}
    if case.state == "deciding":  # the leaders' collective discussion concluded: no penalty (第57条)
        discussion = CollectiveDiscussion.objects.filter(case=case).first()
        if discussion is not None:
            updates.update(exemption=ExemptionKind.COLLECTIVE, exemption_basis=(
                f"本案经本机关负责人于{chinese_date(discussion.held_on)}集体讨论，决定不予行政处罚。理由：{discussion.reason}"
                "依据《中华人民共和国行政处罚法》第五十七条第一款、第二款。"))
    with transaction.atomic():
        apply_transition(case_workflow, case, "decide_no_penalty", actor=actor,
                         note=(updates.get("exemption_basis") or case.exemption_basis)[:500], updates=updates)
        for key, value in updates.items():
            setattr(case, key, value)
        documents.no_penalty_decision(case, actor)
        publishing.decision_made(actor, case)  # 行政执法公示 of the no-penalty decision (国办发〔2018〕118号)
        from bureau.kernel.notifications import notify

        notify(_enterprise_users(case), f"不予行政处罚决定：{case.number}", case.get_exemption_display(),
               url=f"/penalties/cases/{case.pk}/")
    return case


def case_serve(*, actor: User, case: Case, method: str, served_on: dt.date | None = None) -> Case:
    """送达 the decision by other means than the platform (直接送达, 邮寄送达 …, recorded by an officer); a fine is
    then due within `penalties.payment_days` calendar days of receipt (行政处罚法 第67条第3款). Electronic service is
    the party's own 签收 on the platform (service_acknowledged), never an officer's record."""
    check_transition(case_workflow, case, "serve", actor)
    served_on = served_on or timezone.localdate()
    method = method.strip()
    if not method:
        raise DomainError("请填写送达方式", field="method")
    if method.startswith(ELECTRONIC):
        raise DomainError("电子送达以当事人在平台签收为准（须当事人签署电子送达确认书，行政处罚法第六十一条第二款），"
                          "请等待当事人签收，或选择其他送达方式", field="method")
    if method not in OTHER_METHODS:
        raise DomainError(f"请选择送达方式（{'、'.join(OTHER_METHODS)}）", field="method")
    if case.decided_on and served_on < case.decided_on or served_on > timezone.localdate():
        raise DomainError("送达日期无效", field="served_on")
    pending = _pending_decision_service(case)
    with transaction.atomic():
        if pending is not None:  # the decision waits on the platform: recorded there, which serves the case
            service_serve_otherwise(actor=actor, service=pending, method=method, served_on=served_on,
                                    earliest=case.decided_on)
            case.refresh_from_db()
        else:
            _serve(actor, case, "serve", method=method, served_on=served_on)
    return case


def _serve(actor: Any, case: Case, action: str, *, method: str, served_on: dt.date, acknowledged: Any = None,
           note: str = "") -> None:
    """The case's service: the date and method, the payment deadline counted from it (行政处罚法 第67条第3款) and
    the 送达回执."""
    updates: dict[str, Any] = {"served_on": served_on, "service_method": method[:40]}
    if not case.exemption:
        updates["payment_due"] = rules.payment_due(served_on, int(rule("penalties.payment_days", served_on)))
        account = payment_account_for(case, served_on)
        if account is not None and not case.payment_code:  # the decision's 缴款码 (行政处罚法 第67条)
            updates["payment_code"] = rules.payment_code(account.collector_code, served_on.year, case.pk)
    apply_transition(case_workflow, case, action, actor=actor, note=note or method, updates=updates)
    documents.service_receipt(case, actor, acknowledged=acknowledged)


def _pending_decision_service(case: Case) -> Any:
    from django.contrib.contenttypes.models import ContentType

    from bureau.inspection.models import DocumentService

    return (DocumentService.objects.filter(document__content_type=ContentType.objects.get_for_model(Case),
                                           document__object_id=case.pk, document__kind__in=Case.DECISION_KINDS,
                                           state="pending").select_related("document").order_by("-id").first())


def service_acknowledged(actor: Any, service: Any) -> None:
    """The party acknowledged a case document on the platform (inspection.services.service_acknowledge, in its
    transaction): the case's timeline shows it; a decision acknowledged while the case waits for service is the
    case's service on that day (电子送达, 行政处罚法 第61条第2款), from which the fine's payment deadline runs."""
    case = Case.objects.select_related("enterprise", "lead_officer", "second_officer", "organisation").get(
        pk=service.document.object_id)
    at = timezone.localtime(service.acknowledged_at)
    note = f"{ELECTRONIC}，签收人 {service.acknowledged_name}，签收时间 {at:%Y-%m-%d %H:%M:%S}"
    if service.document.kind in Case.DECISION_KINDS and case.state == "decided":
        _serve(actor, case, "acknowledge_service", method=ELECTRONIC, served_on=service.served_on,
               acknowledged=service, note=note)
    else:
        record_history(case, actor=actor, action="service_acknowledged",
                       label=f"当事人签收《{service.document.title}》", note=note)
    from bureau.kernel.notifications import notify

    notify([case.lead_officer], f"当事人已签收：{service.document.title}", case.number,
           url=f"/penalties/cases/{case.pk}/")


def service_served_otherwise(actor: Any, service: Any) -> None:
    """An officer recorded the service of a case document by other means: the timeline shows it; for the decision
    it is the case's service."""
    case = Case.objects.select_related("enterprise", "lead_officer", "second_officer", "organisation").get(
        pk=service.document.object_id)
    if service.document.kind in Case.DECISION_KINDS and case.state == "decided":
        _serve(actor, case, "serve", method=service.method, served_on=service.served_on)
    else:
        record_history(case, actor=actor, action="service_recorded", label=f"送达《{service.document.title}》",
                       note=f"{service.method}，送达日期 {service.served_on:%Y-%m-%d}")


def court_application_from(case: Case, window: tuple[dt.date, dt.date] | None = None) -> dt.date | None:
    """The first day the court may be applied to: ten days after the reminder (第54条) and after the litigation
    period (第53条). `window`: court_window(case) when the caller already has it (each rule read is a query)."""
    window = window or court_window(case)
    if not case.reminder_on or window is None:
        return None
    after_reminder = rules.court_application_from(
        case.reminder_on, int(rule("penalties.enforcement_notice_days", case.reminder_on)))
    return max(after_reminder, window[0])


def case_execute(*, actor: User, case: Case, method: str, amount: int | None = None, paid_on: dt.date | None = None,
                 voucher: str = "", note: str = "", court_name: str = "", applied_on: dt.date | None = None) -> Case:
    """记录执行情况 (行政处罚法 第66、67、72条): how the decision was executed — paid (自觉/分期/延期缴纳, with the
    amount, date and 缴款凭证号), 申请人民法院强制执行 (with the court and the application date, after the 催告 and its
    ten days, a reviewed statement and within the window of 行政强制法 第53条; the 强制执行申请书 is filed), or
    责令改正已履行."""
    check_transition(case_workflow, case, "execute", actor)  # why the step is refused comes first
    today = timezone.localdate()
    rules.check_execution(method=method, amount=amount, paid_on=paid_on, voucher=voucher,
                          fine=case.decided_amount or 0, served_on=case.served_on, today=today)
    court = method == rules.EXEC_COURT
    if court:  # 行政强制法 第53、54、36条
        rules.check_court_application(reminder_on=case.reminder_on, today=today,
                                      days=int(rule("penalties.enforcement_notice_days", today)))
        if case.reminder_review_pending:
            raise DomainError(rules.REVIEW_PENDING_REFUSAL, code="review_pending", field="method")
        if not court_name.strip():
            raise DomainError("申请人民法院强制执行须填写受理法院", code="court_required", field="court_name")
        if applied_on is None:
            raise DomainError("申请人民法院强制执行须填写申请日期", code="date_required", field="applied_on")
        check_event_date(applied_on, field="applied_on", label="申请日期", today=today)
        rules.check_court_application(reminder_on=case.reminder_on, today=applied_on,
                                      days=int(rule("penalties.enforcement_notice_days", applied_on)))
        if case.served_on is None:
            raise DomainError("处罚决定书尚未送达，不能申请人民法院强制执行", code="not_served", field="method")
        rules.check_court_window(applied_on=applied_on, served_on=case.served_on,
                                 litigation_months=int(rule("penalties.litigation_months", case.served_on)),
                                 application_months=int(rule("penalties.enforcement_application_months",
                                                             case.served_on)))
    label = rules.EXECUTION_METHODS[method]
    updates = dict(execution_method=method, paid_amount=amount, paid_on=paid_on, payment_voucher=voucher.strip()[:60],
                   executed_on=today, execution_note=note.strip(),
                   court_name=court_name.strip()[:100] if court else "", court_applied_on=applied_on if court else None)
    summary = label + (f"，{rules.yuan(amount)}" if amount else "") + (
        f"，{paid_on:%Y-%m-%d}" if paid_on else "") + (f"，凭证号{voucher.strip()}" if voucher.strip() else "") + (
        f"，{applied_on:%Y-%m-%d}向{court_name.strip()}申请" if court else "")
    with transaction.atomic():
        apply_transition(case_workflow, case, "execute", actor=actor, note=(summary + (
            f"；{note.strip()}" if note.strip() else ""))[:500], updates=updates,
            audit_data={"method": method, "amount": amount, "paid_on": paid_on.isoformat() if paid_on else None,
                        "court": court_name.strip() if court else None,
                        "applied_on": applied_on.isoformat() if court and applied_on else None})
        if court:
            for key, value in updates.items():
                setattr(case, key, value)
            documents.court_application(case, actor)
            from bureau.kernel.notifications import notify

            notify(_enterprise_users(case), f"申请强制执行：{case.number}",
                   f"因逾期不履行行政处罚决定，本机关已于{applied_on:%Y-%m-%d}向{court_name.strip()}申请强制执行"
                   "（行政强制法第五十三条）", url=f"/penalties/cases/{case.pk}/")
    return case


def case_close(*, actor: User, case: Case, note: str = "") -> Case:
    """结案: a fine after its execution is recorded (state 已执行); a no-penalty decision straight after service."""
    check_transition(case_workflow, case, "close", actor)
    with transaction.atomic():
        apply_transition(case_workflow, case, "close", actor=actor, note=note.strip()[:500],
                         updates={"closed_on": timezone.localdate()})
        documents.closing_approval(case, actor)
    return case


# --- collective discussion, hearing notice, payment reminder --------------------------------------------------------
def _bureau_users(case: Case, roles: tuple[str, ...]) -> Any:
    from django.db.models import Q

    from bureau.accounts.models import User

    bureau = case.organisation
    return (User.objects.filter(roles__code__in=roles, is_active=True, enterprise__isnull=True)
            .filter(Q(organisation=bureau) | Q(organisation__parent=bureau)).distinct().order_by("username")
            .prefetch_related("roles"))  # has_role() on each candidate (the host list) reads the prefetched roles


def discussion_candidates(case: Case) -> list[Any]:
    """The bureau's leaders and section heads, who may take part in a collective discussion."""
    return list(_bureau_users(case, (LEADER, SECTION_HEAD))[:100])


def hearing_staff(case: Case) -> list[Any]:
    """The bureau's staff who may be designated hearing host or clerk (the rule excludes the investigators)."""
    return list(_bureau_users(case, (INSPECTOR, SECTION_HEAD, LEADER))[:200])


def discussion_record(*, actor: User, case: Case, held_on: dt.date, place: str, host: Any, participants: list[Any],
                      summary: str, conclusion: str, amount: int | None = None, reason: str = "") -> CollectiveDiscussion:
    """集体讨论记录 (行政处罚法 第57条第2款), recorded by a section head or leader before the decision: a leader hosts,
    at least `penalties.collective_min_participants` leaders/section heads of the bureau take part."""
    check_transition(case_workflow, case, "discuss", actor)
    if CollectiveDiscussion.objects.filter(case=case).exists():
        raise DomainError("本案已有集体讨论记录", code="discussion_exists")
    if case.exemption:
        raise DomainError("免罚案件不需要集体讨论", code="exempt")
    today = timezone.localdate()
    eligible = {u.pk: u for u in discussion_candidates(case)}
    if host is None:
        raise DomainError("请选择主持人", code="host_required", field="host")
    people = {u.pk: u for u in [host, *participants] if u is not None}
    outsiders = [u.display_name for u in people.values() if u.pk not in eligible]
    if outsiders:
        raise DomainError(f"{'、'.join(outsiders)}不是本机关负责人或科室负责人，不能参加集体讨论", code="not_eligible",
                          field="participants")
    minimum = int(rule("penalties.collective_min_participants", today))
    rules.check_discussion(participants=len(people), minimum=minimum, host_is_leader=host.has_role(LEADER),
                           held_on=held_on, filed_on=case.filed_on, today=today, summary=summary,
                           conclusion=conclusion, amount=amount, reason=reason)
    if conclusion == rules.CONCLUSION_CHANGE:
        row = case.benchmark_row.band() if case.benchmark_row else None
        if row and not rules.within_statute(amount or 0, row.statutory_min, row.statutory_max):
            raise DomainError(f"变更后的罚款超出法定幅度（{rules.yuan(row.statutory_min or 0)}至"
                              f"{rules.yuan(row.statutory_max)}）", code="outside_statute", field="amount")
    if not place.strip():
        raise DomainError("请填写讨论地点", code="place_required", field="place")
    with transaction.atomic():
        discussion = CollectiveDiscussion.objects.create(
            case=case, held_on=held_on, place=place.strip()[:200], host=host, summary=summary.strip(),
            conclusion=conclusion, amount=amount if conclusion == rules.CONCLUSION_CHANGE else None,
            reason=reason.strip(), created_by=actor)
        discussion.participants.set(list(people.values()))
        note = f"主持人：{host.display_name}；参加：{'、'.join(u.display_name for u in people.values())}；" \
               f"结论：{discussion.conclusion_text}"
        record_history(case, actor=actor, action="collective_discussion", label="集体讨论", note=note[:500])
        audit(actor, "penalties.collective_discussion", case, summary=f"{case.number} 集体讨论：{discussion.conclusion_text}"[:300],
              data={"conclusion": conclusion, "amount": amount, "participants": sorted(people)})
        documents.collective_discussion(case, discussion, actor)
    return discussion


def hearing_schedule(*, actor: User, case: Case, hearing_at: dt.datetime, place: str, host: Any,
                     clerk: Any) -> Case:
    """安排听证 and the 听证通知书 to the party (行政处罚法 第64条): the time and place notified
    `penalties.hearing_notice_days` days ahead, a host designated by the authority who is not an investigator."""
    check_transition(case_workflow, case, "schedule_hearing", actor)
    today = timezone.localdate()
    staff = {u.pk for u in hearing_staff(case)}
    for person, field, label in ((host, "host", "听证主持人"), (clerk, "clerk", "记录员")):
        if person is not None and person.pk not in staff:
            raise DomainError(f"{label}须为本机关工作人员", code="not_staff", field=field)
    if timezone.is_naive(hearing_at):
        hearing_at = timezone.make_aware(hearing_at)
    rules.check_hearing_schedule(hearing_on=timezone.localtime(hearing_at).date(), today=today,
                                 notice_days=int(rule("penalties.hearing_notice_days", today)),
                                 host_id=host.pk if host else None,
                                 officer_ids=(case.lead_officer_id, case.second_officer_id),
                                 clerk_id=clerk.pk if clerk else None, place=place)
    updates = dict(hearing_at=hearing_at, hearing_place=place.strip()[:200], hearing_host=host, hearing_clerk=clerk,
                   hearing_notified_on=today)
    when = f"{timezone.localtime(hearing_at):%Y-%m-%d %H:%M}"
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(**updates)
        for key, value in updates.items():
            setattr(case, key, value)
        note = f"{when}，{place.strip()}；主持人：{host.display_name}；记录员：{clerk.display_name}"
        record_history(case, actor=actor, action="schedule_hearing", label="安排听证", note=note)
        audit(actor, "penalties.schedule_hearing", case, summary=f"{case.number} 安排听证：{note}"[:300],
              data={"hearing_at": hearing_at.isoformat(), "host": host.pk, "clerk": clerk.pk})
        documents.hearing_schedule_notice(case, actor)
        from bureau.kernel.notifications import notify

        notify(_enterprise_users(case), f"听证通知：{case.number}",
               f"听证定于{when}在{place.strip()}举行，请准时参加（行政处罚法第六十四条）",
               url=f"/penalties/cases/{case.pk}/")
    return case


def reminder_issue(*, actor: User, case: Case) -> Case:
    """发出催告 (行政强制法 第35、54条): a served fine not paid by its deadline; the 履行催告书 states the fine, the
    加处罚款 to date (行政处罚法 第72条, capped at the fine, 行政强制法 第45条), the ten days and the right to state
    the party's case. The court may be applied to only ten days after it."""
    check_transition(case_workflow, case, "remind", actor)
    if case.exemption:
        raise DomainError("不予处罚案件无需催告", code="exempt")
    if case.reminder_on:
        raise DomainError(f"已于{case.reminder_on:%Y-%m-%d}发出履行催告书", code="already_reminded")
    today = timezone.localdate()
    if not case.payment_due or today <= case.payment_due:
        due = f"（{case.payment_due:%Y-%m-%d}）" if case.payment_due else ""
        raise DomainError(f"罚款缴纳期限{due}尚未届满，不能催告", code="not_overdue")
    days, surcharge = rules.late_surcharge(fine=case.decided_amount or 0, payment_due=case.payment_due, on=today,
                                           daily_pct=int(rule("penalties.late_surcharge_pct", today)))
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(reminder_on=today, reminder_surcharge=surcharge)
        case.reminder_on, case.reminder_surcharge = today, surcharge
        note = f"逾期{days}日，加处罚款{rules.yuan(surcharge)}"
        record_history(case, actor=actor, action="remind", label="发出履行催告书", note=note)
        audit(actor, "penalties.remind", case, summary=f"{case.number} 履行催告：{note}",
              data={"days_overdue": days, "surcharge": surcharge})
        documents.enforcement_reminder(case, actor, days_overdue=days)
        from bureau.kernel.notifications import notify

        notify(_enterprise_users(case), f"履行催告：{case.number}",
               f"请于收到催告书之日起{int(rule('penalties.enforcement_notice_days', today))}日内缴纳罚款及加处罚款，"
               "或提出陈述和申辩", url=f"/penalties/cases/{case.pk}/")
    return case


def reminder_statement_submit(*, actor: User, case: Case, text: str) -> Case:
    """陈述申辩 against the 履行催告书 (行政强制法 第36条), online by the enterprise (or recorded by an officer)
    within the reminder period; the case officer is told to review it."""
    check_transition(case_workflow, case, "reminder_statement", actor)
    today = timezone.localdate()
    rules.check_reminder_statement(reminder_on=case.reminder_on, today=today,
                                   days=int(rule("penalties.enforcement_notice_days", case.reminder_on or today)),
                                   text=text, already=bool(case.reminder_statement_at))
    now = timezone.now()
    with transaction.atomic():
        updated = Case.objects.filter(pk=case.pk, reminder_statement_at__isnull=True).update(
            reminder_statement=text.strip(), reminder_statement_at=now)
        if not updated:
            raise DomainError("已对履行催告书提出过陈述申辩", code="statement_exists")
        case.reminder_statement, case.reminder_statement_at = text.strip(), now
        record_history(case, actor=actor, action="reminder_statement", label="对催告书提出陈述申辩",
                       note=case.reminder_statement[:500])
        audit(actor, "penalties.reminder_statement", case, summary=f"{case.number} 对履行催告书提出陈述申辩")
        from bureau.kernel.notifications import notify

        notify([case.lead_officer], f"当事人对催告书提出陈述申辩，请复核：{case.number}",
               "行政强制法第三十六条：对当事人提出的事实、理由和证据，应当进行记录、复核",
               url=f"/penalties/cases/{case.pk}/")
    return case


def reminder_review_record(*, actor: User, case: Case, decision: str, reason: str) -> Case:
    """复核 of the party's statement against the reminder (行政强制法 第36条): 采纳 or 不采纳 with the reason; the
    催告陈述申辩及复核记录 is filed and the party told."""
    check_transition(case_workflow, case, "reminder_review", actor)
    rules.check_reminder_review(statement_at=case.reminder_statement_at, reviewed=bool(case.reminder_review),
                                decision=decision, reason=reason)
    now = timezone.now()
    with transaction.atomic():
        updated = Case.objects.filter(pk=case.pk, reminder_review="").update(
            reminder_review=decision, reminder_review_reason=reason.strip(), reminder_reviewed_at=now,
            reminder_reviewer=actor)
        if not updated:
            raise DomainError("已复核当事人对催告书的陈述申辩", code="already_reviewed")
        case.reminder_review, case.reminder_review_reason = decision, reason.strip()
        case.reminder_reviewed_at, case.reminder_reviewer = now, actor
        label = rules.REVIEW_DECISIONS[decision]
        record_history(case, actor=actor, action="reminder_review", label="复核催告陈述申辩",
                       note=f"{label}：{reason.strip()}"[:500])
        audit(actor, "penalties.reminder_review", case, summary=f"{case.number} 复核催告陈述申辩：{label}",
              data={"decision": decision})
        documents.reminder_statement_record(case, actor)
        from bureau.kernel.notifications import notify

        notify(_enterprise_users(case), f"催告陈述申辩复核结果：{case.number}", f"{label}：{reason.strip()}"[:200],
               url=f"/penalties/cases/{case.pk}/")
    return case


# --- paying the fine (行政处罚法 第67条) --------------------------------------------------------------------------------
PAYMENT_VOUCHER = "payment_voucher"  # Attachment.purpose of the party's 缴款凭证


def payment_details(case: Case) -> dict[str, Any] | None:
    """How the party pays this fine: the amount, the deadline (fifteen days from service, 第67条第3款), the collector,
    the account, the channels and the decision's 缴款码; None for a case without a fine to pay."""
    if case.exemption or not case.decided_amount or case.state not in ("decided", "served", "executed", "closed"):
        return None
    account = payment_account_for(case, case.served_on or case.decided_on)
    return {"amount": case.decided_amount, "due": case.payment_due, "code": case.payment_code,
            "payee": account.payee if account else "", "collector_code": account.collector_code if account else "",
            "bank": account.bank if account else "", "account_number": account.account_number if account else "",
            "channels": account.channels if account else "", "configured": account is not None,
            "payment_days": int(rule("penalties.payment_days", case.served_on or timezone.localdate()))}


def payment_voucher(case: Case) -> Any:
    """The party's latest 缴款凭证 file (or None)."""
    return case.attachments().filter(purpose=PAYMENT_VOUCHER).order_by("-id").first()


def _voucher_limits() -> tuple[frozenset[str], int]:
    allowed = frozenset(str(t).lower() for t in rule("penalties.voucher_types")) & frozenset(KNOWN_TYPES)
    return allowed, int(rule("penalties.voucher_max_mb")) * 1024 * 1024


def check_voucher_file(upload: Any) -> None:
    """The voucher file on its own (type by content and size, rules penalties.voucher_types and
    penalties.voucher_max_mb): what a refused form keeps (kernel/staging.py)."""
    allowed, max_bytes = _voucher_limits()
    check_upload(upload, allowed=allowed, max_bytes=max_bytes)


def case_submit_voucher(*, actor: User, case: Case, amount: int | None, paid_on: dt.date | None, number: str,
                        upload: Any) -> Case:
    """The party reports its payment with its 缴款凭证 (行政处罚法 第67条: paid at the bank or electronically): the
    amount, the date, the voucher number and the file (type by content and size, rules `penalties.voucher_types`,
    `penalties.voucher_max_mb`). Checked as the officer's execution record would be, then the officer confirms it
    (case_confirm_payment) or returns it."""
    check_transition(case_workflow, case, "submit_voucher", actor)
    today = timezone.localdate()
    rules.check_execution(method=rules.EXEC_VOLUNTARY, amount=amount, paid_on=paid_on, voucher=number,
                          fine=case.decided_amount or 0, served_on=case.served_on, today=today)
    if upload is None:
        raise DomainError("请上传缴款凭证（电子缴款凭证或纸质凭证的照片）", code="voucher_file_required", field="file")
    try:
        check_voucher_file(upload)  # before anything is written
    except DomainError as exc:
        raise DomainError(exc.message, code=exc.code, field="file") from exc
    allowed, max_bytes = _voucher_limits()
    stored: list[Any] = []
    try:
        with transaction.atomic():
            _record_voucher(actor, case, amount, paid_on, number, upload, allowed, max_bytes, stored)
    except Exception:
        for attachment in stored:  # a refusal after the file was stored (a conflict): no orphan file either
            attachment.file.delete(save=False)
        raise
    return case


def _record_voucher(actor: User, case: Case, amount: int | None, paid_on: dt.date | None, number: str, upload: Any,
                    allowed: frozenset[str], max_bytes: int, stored: list[Any]) -> None:
    attachment = save_upload(upload, owner=case, purpose=PAYMENT_VOUCHER, actor=actor, allowed=allowed,
                             max_bytes=max_bytes)
    stored.append(attachment)
    apply_transition(case_workflow, case, "submit_voucher", actor=actor,
                     note=f"{rules.yuan(amount or 0)}，{paid_on:%Y-%m-%d}，凭证号{number.strip()}",
                     updates={"voucher_amount": amount, "voucher_paid_on": paid_on,
                              "voucher_number": number.strip()[:60], "voucher_at": timezone.now(),
                              "voucher_returned": ""},
                     audit_data={"amount": amount, "paid_on": paid_on.isoformat() if paid_on else None,
                                 "attachment": attachment.pk, "sha256": attachment.sha256})
    notify([case.lead_officer], f"当事人已上传缴款凭证：{case.number}", f"{rules.yuan(amount or 0)}，请核对确认",
           url=f"/penalties/cases/{case.pk}/")


def case_return_voucher(*, actor: User, case: Case, reason: str) -> Case:
    """The officer returns the party's 缴款凭证 with the reason (amount or code wrong, unreadable); the party uploads
    again."""
    check_transition(case_workflow, case, "return_voucher", actor)
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise DomainError("请写明退回缴款凭证的理由（不少于4个字）", code="reason_required", field="reason")
    with transaction.atomic():
        apply_transition(case_workflow, case, "return_voucher", actor=actor, note=reason[:500],
                         updates={"voucher_at": None, "voucher_returned": reason[:500]})
        notify(_enterprise_users(case), f"缴款凭证被退回：{case.number}", reason[:200], url=f"/penalties/cases/{case.pk}/")
    return case


def case_confirm_payment(*, actor: User, case: Case, note: str = "") -> Case:
    """The officer checked the party's 缴款凭证 against the non-tax receipt: the fine is executed as paid (自觉缴纳)
    with the amount, date and voucher number the party reported (the 记录执行情况 step, 行政处罚法 第66、67条)."""
    if not case.voucher_at:
        raise DomainError("当事人尚未上传缴款凭证", code="no_voucher")
    return case_execute(actor=actor, case=case, method=rules.EXEC_VOLUNTARY, amount=case.voucher_amount,
                        paid_on=case.voucher_paid_on, voucher=case.voucher_number,
                        note=(note.strip() or "已核对当事人上传的缴款凭证"))
