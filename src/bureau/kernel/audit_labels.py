"""Chinese names for what the audit log records (issue 17 item 3): the event and the object, never the raw codes
(`accounts.login`, `hazards.hazard 12`) on the screen. The codes stay in the log itself (they are what the chain's
hashes cover and what the filters and exports match); only the page shows the names.

An event `<area>.<action>` is named by the area's workflow when the action is one of its transitions (the label the
timeline shows), otherwise by VERBS below; an object `<app>.<model>` by the model's verbose name.
"""

from __future__ import annotations

from functools import cache

from django.apps import apps

from bureau.kernel import workflow

VERBS = {
    "api_token_issue": "签发接口令牌", "api_token_revoke": "吊销接口令牌", "appeal_file": "登记复议诉讼",
    "benchmark_cancel": "撤销裁量基准导入", "benchmark_confirm": "确认裁量基准导入", "benchmark_import": "导入裁量基准",
    "benchmark_mapping": "调整裁量基准对应", "benchmark_upload": "上传裁量基准", "calendar_day": "调整工作日",
    "calendar_publish": "发布工作日历", "checkin": "现场签到", "checklist_import": "导入检查表",
    "checkup_request": "申请安全体检", "collective_discussion": "集体讨论", "conflict_declare": "回避申报",
    "consultation_log": "登记咨询", "course_create": "开设培训课程", "course_enrol": "报名培训课程", "create": "新建",
    "credit_event": "记录信用事件", "credit_reversal": "撤销信用事件", "e_certificate": "生成电子证照",
    "delete": "删除", "draw_announce": "公示抽查结果", "draw_attempt": "双随机抽取", "draw_beacon": "记录抽取随机数",
    "draw_task_refused": "抽查任务被拒", "evidence": "上传证据", "export": "导出", "faq_grow": "更新常见问题",
    "finding_add": "登记问题", "finding_delete": "删除问题", "finding_photos": "上传问题照片",
    "first_use_create": "登记首次使用工艺论证", "import": "导入", "import_queued": "提交导入", "issue": "发证",
    "law_save": "保存法规", "legal_review": "法制审核", "listing_create": "挂牌督办", "listing_remove": "督办销号",
    "listing_progress": "督办进展", "listing_verify": "督办核查", "login": "登录", "login_failed": "登录失败",
    "logout": "退出登录", "mailing_request": "申请寄递", "mask_publication": "公示脱敏",
    "observation_batch_create": "发布观摩批次", "observation_signup": "报名观摩", "open": "立案/开始",
    "opinion": "提出意见", "park_item_create": "登记园区整治事项", "password_changed": "修改密码",
    "patrol_plan_adopt": "采用巡查计划", "patrol_plan_create": "制定巡查计划", "patrol_record": "记录网上巡查",
    "plan_create": "制定计划", "plan_entry_add": "计划增加企业", "plan_entry_remove": "计划移除企业",
    "progress": "填报进展", "propose": "提出处罚建议", "propose_exemption": "提出免罚建议", "publish": "公开",
    "rating_submit": "提交评价", "ratings_export": "导出评价", "receive": "接收", "record_item": "记录检查项",
    "register": "报名/登记", "remind": "提醒", "reminder_review": "催办审核", "reminder_statement": "催办陈述申辩",
    "report": "登记", "report_file": "上报文件", "results_import": "导入成绩", "review_statement": "复核陈述申辩",
    "risk_point_save": "保存风险点", "schedule_hearing": "安排听证", "service_consent": "同意电子送达",
    "sign_in_limits_released": "解除登录限制", "spot_check": "抽查", "statement": "陈述申辩", "submit": "提交",
    "supervision_export": "导出监管分级", "supervision_import": "导入监管分级", "supervision_import_upload": "上传监管分级",
    "supervision_rollover": "结转监管分级", "totp_begin": "开始绑定动态口令", "totp_check": "校验动态口令",
    "totp_confirm_failed": "动态口令确认失败", "totp_disabled": "停用动态口令", "totp_replaced": "更换动态口令",
    "totp_reset": "重置动态口令", "withdraw_publication": "撤回公开", "withhold_publication": "暂不公开",
    "add": "新增", "change": "修改", "daily_sweep": "每日检查", "overdue_sweep": "超期提醒", "kiosk_code": "自助终端验证码",
    "kiosk_print": "自助打印", "plan_publish": "发布计划",
    "password_reset": "短信验证找回密码", "oidc_linked": "绑定统一身份认证", "oidc_unlinked": "解除统一身份认证绑定",
    "registration_submit": "提交企业注册申请",
    "alarm_source_create": "登记监测系统接入", "alarm_source_rotate": "更换监测系统签名密钥",
    "alarm_source_enable": "启用监测系统接入", "alarm_source_disable": "停用监测系统接入",
    "alarm_leads": "监测报警转隐患线索",
    "assistance.expert_create": "专家入库", "assistance.expert_update": "修改专家信息",
    "assistance.expert_conflict": "登记专家利害关系", "assistance.expert_conflict_remove": "撤销专家利害关系",
    "assistance.expert_draw": "随机抽取专家", "assistance.report_draw": "随机抽取评价报告",
    "assistance.report_file": "报送评价报告",
}


@cache
def _workflows() -> dict[str, workflow.Workflow]:
    return {w.name: w for w in workflow.declared_workflows()}


@cache
def event_label(code: str) -> str:
    """「登录」「行政审批 · 受理」… for an event code; an unknown code is named by its area."""
    area, _, action = code.partition(".")
    flow = _workflows().get(area)
    if flow is not None:
        label = flow.action_label(action)
        if label != action:
            return label
    verb = VERBS.get(action) or VERBS.get(action.rsplit(".", 1)[-1])
    try:
        area_name = str(apps.get_app_config(area).verbose_name)
    except LookupError:
        area_name = ""
    if verb:
        return f"{area_name} · {verb}" if area_name else verb
    return f"{area_name} · 其他操作" if area_name else "其他操作"


@cache
def object_label(object_type: str) -> str:
    """「隐患」 for `hazards.hazard`; empty when the type is not a model of this site."""
    if not object_type:
        return ""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return "记录"
