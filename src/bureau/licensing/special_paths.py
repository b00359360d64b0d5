"""Measure I.7 (简化部分危险化学品建设项目安全审查):
- a gas station's partial renovation without a grade change takes a 专项评价 filing (备案) instead of the project
  review: its own item (`outcome` = filing) with its own materials, ending in 予以备案 / 不予备案 and its notice,
  never in a project-review approval (workflow guards `is_filing` / `_not_filing`; submission rule
  `rules.special_path_refusal`);
- an eligible project's safety-condition and safety-facility-design reviews are merged into one process that
  produces both outputs: the 安全条件审查意见书 and the 安全设施设计审查意见书, each with its own number (grant hook).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from bureau.accounts.models import User
from bureau.kernel.documents import Fields, Para, chinese_date
from bureau.kernel.errors import DomainError
from bureau.kernel.workflow import apply_transition
from bureau.licensing import rules, services
from bureau.licensing.models import Application
from bureau.licensing.workflow import WORKFLOW

FILING_ITEM = "gas_station_special_evaluation"


def application_file(*, actor: User, application: Application, note: str = "") -> Application:
    """予以备案: the special evaluation report is complete and concludes the renovation keeps the station's grade and
    meets the standards; the 专项评价备案告知书 is the outcome (no licence, no project-review approval)."""
    app = services._for_step(actor, application, "file")
    on = services.today()
    with transaction.atomic():
        apply_transition(WORKFLOW, app, "file", actor=actor, note=note,
                         updates={"decision": "filed", "decision_reason": note or "专项评价报告齐全，结论明确，予以备案",
                                  "decided_on": on, "due_on": None,
                                  "handling_days": rules.handling_days(app.accepted_on or on, on, app.pauses())})
        services._document(
            app, kind="filing_notice", title="加油站局部改造安全专项评价备案告知书", prefix="运应急危化备",
            blocks=[Para(f"你单位于{chinese_date(app.submitted_on)}报送的加油站局部改造安全专项评价报告，经审查，"
                         "改造内容属于局部更新改造或小型技术改造，加油站等级不发生变化，评价报告内容完整、结论明确。"
                         "以安全专项评价代替建设项目安全审查，予以备案。"),
                    services._application_facts(app),
                    Fields([("改造内容", app.scope_text or app.description or "—"), ("备案日期", chinese_date(on))]),
                    Para("改造完成后应按专项评价报告落实安全措施；改造导致加油站等级变化的，应依法办理建设项目安全审查。")],
            actor=actor, on=on)
        services._tell_applicant(app, "专项评价已备案", "备案告知书可在网上办事大厅下载。")
    return services._done(application)


def application_decline_filing(*, actor: User, application: Application, reason: str) -> Application:
    """不予备案, with reasons (e.g. the renovation changes the station's grade: the project review applies)."""
    app = services._for_step(actor, application, "decline_filing")
    if not reason.strip():
        raise DomainError("请填写不予备案的理由", field="reason")
    on = services.today()
    with transaction.atomic():
        apply_transition(WORKFLOW, app, "decline_filing", actor=actor, note=reason,
                         updates={"decision": "refuse", "decision_reason": reason, "decided_on": on, "due_on": None})
        services._document(app, kind="filing_refusal", title="不予备案告知书", prefix="运应急危化不备",
                           blocks=[Para(f"你单位于{chinese_date(app.submitted_on)}报送的加油站局部改造安全专项评价报告，"
                                        "经审查，不予备案。"), services._application_facts(app), Para(f"理由：{reason}"),
                                   Para(services.remedies(app, received="收到本告知书"))], actor=actor, on=on)
        services._tell_applicant(app, "专项评价不予备案", reason[:200])
    return services._done(application)


def merged_review_outputs(app: Application, actor: User, on: dt.date) -> None:
    """A merged review produces both outputs of the two reviews in the one process (measure I.7)."""
    if not app.merged_review:
        return
    for kind, title, prefix, basis in (
            ("condition_opinion", "危险化学品建设项目安全条件审查意见书", "运应急危化项条",
             "《危险化学品建设项目安全监督管理办法》第十条至第十二条"),
            ("design_opinion", "危险化学品建设项目安全设施设计审查意见书", "运应急危化项设",
             "《危险化学品建设项目安全监督管理办法》第十四条至第十六条")):
        services._document(
            app, kind=kind, title=title, prefix=prefix,
            blocks=[Para(f"你单位报送的建设项目（{app.scope_text or app.item.name}）申请安全条件审查与安全设施设计审查"
                         f"合并办理。经审查，依据{basis}，同意通过。"),
                    services._application_facts(app),
                    Fields([("审查方式", "安全条件审查与安全设施设计审查合并进行"),
                            ("审查结论", "通过"), ("决定日期", chinese_date(on))])],
            actor=actor, on=on)

services.AFTER_GRANT.append(merged_review_outputs)
