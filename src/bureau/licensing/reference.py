"""The bureau's permit items (行政许可事项) with limits, materials and switches (domain §3; measures I.2–I.7).

Limits are data: the statutory limit from the law named in `source`, the promised limit published by the bureau
(local). Administrators edit them in the admin; `seed_items` only inserts items that do not exist yet.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

R, T, S = "required", "tolerable", "shared"

COMMON_HEAD = [("申请书（网上填报自动生成）", R, ""), ("营业执照", S, "市场监管局共享"),
               ("法定代表人身份证明", S, "公安部门共享")]
# materials another department's system answers automatically (registry.shared_sources; measure III.2)
SHARED_SOURCES = {"营业执照": "business_licence", "法定代表人身份证明": "legal_representative",
                  "主要负责人、安全管理人员考核合格证": "personnel_certificates",
                  "煤矿安全生产标准化达标证明": "standardization_grade"}
# the 申请书 is generated from the online form (measure I.1), never uploaded
GENERATED = {"申请书（网上填报自动生成）"}
PERSONNEL = [("主要负责人、安全管理人员考核合格证", S, "本局证照库共享"), ("特种作业人员操作证", T, "")]
SAFETY_DOCS = [("安全生产责任制、管理制度和操作规程目录", R, ""), ("安全评价报告", R, ""),
               ("生产安全事故应急救援预案备案证明", T, ""), ("工伤保险缴费证明", S, "人社局共享")]

FILING_ITEMS = {"gas_station_special_evaluation"}  # items ending in 备案, not in a licence decision (measure I.7)

# code, name, category, kind, level, statutory, promised, site, expert, tolerance, notice-commitment, grade-skip,
# special evaluation, merged review, joint completion, parallel departments, county site, certificate, basis,
# source, materials
ITEMS = [
    ("aqsc_first", "安全生产许可证（首次申请）", "非煤矿山/危险化学品生产", "promised", "city", 45, 20,
     True, False, True, False, True, False, False, True, "", False, "safety_production_licence",
     "《安全生产许可证条例》第二条、第七条；《非煤矿矿山企业安全生产许可证实施办法》；"
     "《危险化学品生产企业安全生产许可证实施办法》",
     "安全生产许可证条例 第7条：收到申请之日起45日内作出决定", COMMON_HEAD + SAFETY_DOCS + PERSONNEL),
    ("aqsc_extension", "安全生产许可证（延期）", "非煤矿山/危险化学品生产", "promised", "city", 45, 10,
     True, False, True, False, True, False, False, False, "", False, "safety_production_licence",
     "《安全生产许可证条例》第九条",
     "安全生产许可证条例 第9条；承诺时限为本局公布（本地）", COMMON_HEAD + SAFETY_DOCS + PERSONNEL),
    ("aqsc_change", "安全生产许可证（变更）", "非煤矿山/危险化学品生产", "instant", "city", 20, 1,
     False, False, False, False, False, False, False, False, "", False, "safety_production_licence",
     "《非煤矿矿山企业安全生产许可证实施办法》第二十四条", "行政许可法 第42条；即办件（措施I.2）",
     COMMON_HEAD + [("变更事项证明材料", R, "")]),
    ("hazchem_operation", "危险化学品经营许可证", "危险化学品经营", "promised", "city", 30, 15,
     True, False, True, False, False, False, False, False, "", False, "hazchem_operation_licence",
     "《危险化学品安全管理条例》第三十三条；《危险化学品经营许可证管理办法》",
     "危险化学品经营许可证管理办法 第13条：30日内作出决定",  # calendar or working days: open (domain.md)
     COMMON_HEAD + [("经营场所产权或租赁证明", R, ""), ("安全管理制度和岗位操作规程", R, ""),
                    ("储存设施安全评价报告", T, "")] + PERSONNEL),
    ("hazchem_operation_change", "危险化学品经营许可证（变更）", "危险化学品经营", "instant", "city", 20, 1,
     False, False, False, False, False, False, False, False, "", False, "hazchem_operation_licence",
     "《危险化学品经营许可证管理办法》第二十条", "行政许可法 第42条；即办件（措施I.2）",
     COMMON_HEAD + [("变更事项证明材料", R, "")]),
    ("hazchem_use", "危险化学品安全使用许可证", "危险化学品使用", "promised", "city", 45, 20,
     True, False, True, False, False, False, False, True, "", False, "hazchem_use_licence",
     "《危险化学品安全管理条例》第二十九条；《危险化学品安全使用许可证实施办法》",
     "危险化学品安全使用许可证实施办法 第20条：45日内作出决定", COMMON_HEAD + SAFETY_DOCS + PERSONNEL),
    ("fireworks_wholesale", "烟花爆竹经营（批发）许可证", "烟花爆竹", "promised", "city", 30, 15,
     True, False, True, False, False, False, False, False, "", False, "fireworks_wholesale_licence",
     "《烟花爆竹安全管理条例》第十七条；《烟花爆竹经营许可实施办法》",
     "烟花爆竹经营许可实施办法 第10条：30日内作出决定",
     COMMON_HEAD + [("仓库安全评价报告", R, ""), ("仓库产权或租赁证明", R, ""), ("防雷设施检测报告", T, "")]),
    ("fireworks_retail", "烟花爆竹经营（零售）许可证", "烟花爆竹", "promised", "county", 20, 5,
     True, False, True, False, False, False, False, False, "", False, "fireworks_retail_licence",
     "《烟花爆竹安全管理条例》第十八条；《烟花爆竹经营许可实施办法》",
     "烟花爆竹经营许可实施办法 第20条：20日内作出决定",
     COMMON_HEAD + [("零售场所平面图", R, ""), ("安全培训合格证明", T, "")]),
    ("hazchem_project_condition", "危险化学品建设项目安全条件审查", "危化建设项目", "promised", "city", 20, 10,
     False, True, True, False, False, False, True, False, "", False, "",
     "《危险化学品安全管理条例》第十二条；《危险化学品建设项目安全监督管理办法》",
     "危险化学品建设项目安全监督管理办法 第11条：20个工作日",
     COMMON_HEAD + [("建设项目安全评价报告", R, ""), ("项目备案文件", S, "发改部门共享"),
                    ("规划选址意见", T, "")]),
    ("hazchem_project_design", "危险化学品建设项目安全设施设计审查", "危化建设项目", "promised", "city", 20, 10,
     False, True, True, False, False, False, True, False, "", False, "",
     "《危险化学品建设项目安全监督管理办法》第十五条",
     "危险化学品建设项目安全监督管理办法 第16条：20个工作日（可延长10个工作日）",
     COMMON_HEAD + [("安全设施设计专篇", R, ""), ("设计单位资质证明", S, "住建部门共享")]),
    ("noncoal_project_design", "非煤矿山建设项目安全设施设计审查", "非煤矿山", "promised", "city", 20, 12,
     False, True, True, False, False, False, False, False, "", False, "",
     "《中华人民共和国矿山安全法》第八条；《非煤矿矿山建设项目安全设施设计审查与竣工验收办法》",
     "行政许可法 第42条：20个工作日", COMMON_HEAD + [("安全设施设计", R, ""), ("安全预评价报告", R, "")]),
    # measure I.7: gas-station partial renovation without a grade change → 专项评价 filing (its own materials)
    ("gas_station_special_evaluation", "加油站局部改造安全专项评价备案", "危化建设项目", "promised", "city", 20, 5,
     False, False, False, False, False, True, False, False, "", False, "",
     "运城市应急管理局优化营商环境30条 措施I.7（加油站局部更新改造或小型技术改造，等级不变的进行专项评价，"
     "不进行建设项目安全审查）；《危险化学品建设项目安全监督管理办法》",
     "本局公布的备案办理时限（本地，待核实）",
     COMMON_HEAD + [("安全专项评价报告", R, ""), ("局部改造方案（改造内容、范围）", R, ""),
                    ("加油站等级不变的说明", R, ""), ("危险化学品经营许可证", S, "本局证照库共享")]),
    ("coal_capacity_increase", "煤矿产能核增", "煤矿", "promised", "city", 45, 30,
     True, True, True, False, False, False, False, False, "YC-D-NY", True, "",
     "国家发展改革委 国家能源局 国家矿山安全监察局关于煤矿产能核增的有关规定；运城市优化营商环境30条 措施I.5",
     "行政许可法 第42条：联合办理45个工作日（本地承诺30个工作日）",
     COMMON_HEAD + [("产能核增报告", R, ""), ("安全设施设计（与报告同步编制）", R, ""),
                    ("煤矿安全生产标准化达标证明", S, "本局共享"), ("地质报告", T, "")]),
]


# ---------------------------------------------------------------- the online form (申请书) per item, as data
# key, label, kind, required, source (register field it is pre-filled from), choices, help
HEAD_FIELDS = [
    ("name", "单位名称", "text", True, "register:name", "", ""),
    ("uscc", "统一社会信用代码", "text", True, "register:uscc", "", ""),
    ("legal_representative", "法定代表人", "text", True, "register:legal_representative", "", ""),
    ("address", "住所（注册地址）", "text", True, "register:address", "", "与营业执照一致"),
    ("contact_name", "联系人", "text", True, "register:contact_name", "", ""),
    ("contact_phone", "联系电话", "phone", True, "register:contact_phone", "", "手机或固定电话"),
]
LICENCE_FIELDS = [
    ("scope", "申请许可范围", "textarea", True, "", "", "按许可证载明的范围填写，如品名、作业方式"),
    ("principal", "主要负责人", "text", True, "", "", ""),
    ("employees", "从业人员数", "integer", True, "register:employees", "", ""),
    ("safety_staff", "专职安全生产管理人员数", "integer", True, "", "", ""),
]
CHANGE_FIELDS = [
    ("change_kind", "变更事项", "choice", True, "", "单位名称、主要负责人、注册地址、经营范围、其他", ""),
    ("before", "变更前内容", "textarea", True, "", "", ""),
    ("after", "变更后内容", "textarea", True, "", "", ""),
    ("reason", "变更原因", "textarea", False, "", "", ""),
]
PROJECT_FIELDS = [
    ("project_name", "建设项目名称", "text", True, "", "", ""),
    ("project_address", "建设地点", "text", True, "", "", ""),
    ("nature", "建设性质", "choice", True, "", "新建、改建、扩建", ""),
    ("investment", "总投资（万元）", "decimal", True, "", "", ""),
    ("agency", "评价或设计单位", "text", True, "", "", ""),
]
FIELDS = {
    "aqsc_first": LICENCE_FIELDS,
    "aqsc_extension": LICENCE_FIELDS + [
        ("licence_number", "原许可证编号", "text", True, "", "", ""),
        ("valid_until", "原许可证有效期至", "date", True, "", "", "安全生产许可证条例 第9条：期满前3个月申请")],
    "aqsc_change": CHANGE_FIELDS,
    "hazchem_operation": LICENCE_FIELDS + [
        ("operation_mode", "经营方式", "choice", True, "", "批发、零售、批发兼零售", ""),
        ("storage", "储存设施", "choice", True, "", "带储存设施、不带储存设施", ""),
        ("site_address", "经营场所地址", "text", True, "", "", "")],
    "hazchem_operation_change": CHANGE_FIELDS,
    "hazchem_use": LICENCE_FIELDS,
    "fireworks_wholesale": LICENCE_FIELDS + [("site_address", "仓库地址", "text", True, "", "", "")],
    "fireworks_retail": LICENCE_FIELDS + [("site_address", "零售场所地址", "text", True, "", "", "")],
    "hazchem_project_condition": PROJECT_FIELDS,
    "hazchem_project_design": PROJECT_FIELDS,
    "noncoal_project_design": PROJECT_FIELDS,
    # measure I.7: the renovation itself, the evaluation behind it, and that the station's grade stays
    "gas_station_special_evaluation": [
        ("scope", "局部改造内容", "textarea", True, "", "", "如：更换两台加油机及油气回收管线"),
        ("station_grade", "加油站等级（改造前后不变）", "choice", True, "", "一级、二级、三级", ""),
        ("agency", "专项评价机构", "text", True, "", "", ""),
        ("report_date", "专项评价报告日期", "date", True, "", "", "")],
    "coal_capacity_increase": [
        ("scope", "申请核增内容", "textarea", True, "", "", "如：核定生产能力由120万吨/年核增至150万吨/年"),
        ("current_capacity", "现核定生产能力（万吨/年）", "decimal", True, "", "", ""),
        ("requested_capacity", "申请核定生产能力（万吨/年）", "decimal", True, "", "", "")],
}
FIELD_BASIS = "各事项申请书格式（事项设定依据所列办法的申请文书）；本局网上填报表单"

# ---------------------------------------------------------------- who may apply here (industry → issuing level)
# item, industry, sub-sector ("" = all), issuing level, note told to the enterprise, source
_AQSC = "《安全生产许可证条例》第三条"
ELIGIBILITY = [
    *[(code, "non_coal_mine", "", "city", "", "《非煤矿矿山企业安全生产许可证实施办法》第五条（省级委托设区的市实施，待核实）")
      for code in ("aqsc_first", "aqsc_extension", "aqsc_change")],
    *[(code, "hazchem_production", "", "city", "",
       "《危险化学品生产企业安全生产许可证实施办法》第四条（省级委托设区的市实施，待核实）")
      for code in ("aqsc_first", "aqsc_extension", "aqsc_change")],
    *[(code, "coal", "", "province",
       "煤矿企业安全生产许可证由省级煤矿安全生产许可证颁发管理机关颁发，不属于市县应急管理部门办理事项，请向省级机关申请",
       f"{_AQSC}；《煤矿企业安全生产许可证实施办法》第三条") for code in ("aqsc_first", "aqsc_extension", "aqsc_change")],
    *[(code, industry, "", "city", "", "《危险化学品经营许可证管理办法》第五条（待核实）")
      for code in ("hazchem_operation", "hazchem_operation_change") for industry in ("hazchem_operation", "gas_station")],
    ("hazchem_use", "hazchem_use", "", "city", "", "《危险化学品安全使用许可证实施办法》第二条、第四条"),
    ("hazchem_use", "hazchem_operation", "", "province",
     "危险化学品安全使用许可证适用于使用危险化学品从事生产的化工企业，经营企业请申请危险化学品经营许可证",
     "《危险化学品安全使用许可证实施办法》第二条"),
    ("fireworks_wholesale", "fireworks", "", "city", "", "《烟花爆竹经营许可实施办法》第四条"),
    ("fireworks_retail", "fireworks", "", "county", "", "《烟花爆竹经营许可实施办法》第四条"),
    *[(code, industry, "", "city", "", "《危险化学品建设项目安全监督管理办法》第二条、第五条（待核实）")
      for code in ("hazchem_project_condition", "hazchem_project_design")
      for industry in ("hazchem_production", "hazchem_use", "hazchem_operation", "gas_station")],
    ("noncoal_project_design", "non_coal_mine", "", "city", "",
     "《非煤矿矿山建设项目安全设施设计审查与竣工验收办法》（待核实）"),
    ("noncoal_project_design", "coal", "", "province",
     "煤矿建设项目安全设施设计审查由矿山安全监察机构办理，不属于本局事项",
     "《中华人民共和国矿山安全法》第八条；《煤矿建设项目安全设施监察规定》（待核实）"),
    ("coal_capacity_increase", "coal", "", "city", "", "运城市优化营商环境30条 措施I.5"),
    ("gas_station_special_evaluation", "gas_station", "", "city", "",
     "运城市优化营商环境30条 措施I.7（加油站局部改造等级不变的，进行专项评价）"),
]
ELIGIBILITY_FROM = dt.date(2024, 1, 1)


def seed_intake(item_model: Any, field_model: Any, eligibility_model: Any, material_model: Any) -> int:
    """Form fields, eligibility rows and the generated 申请书 flag for items that have none yet (also run by the
    migration, with its historical models). Returns how many items got rows."""
    # set-based: a handful of queries whatever the catalogue's size (the suite's fixtures run this for every test)
    with_fields = set(field_model.objects.values_list("item_id", flat=True).distinct())
    with_rules = set(eligibility_model.objects.values_list("item_id", flat=True).distinct())
    seeded = 0
    for item in item_model.objects.all():
        touched = False
        if item.code in FIELDS and item.pk not in with_fields:
            field_model.objects.bulk_create([
                field_model(item=item, key=key, label=label, kind=kind, required=required, source=source,
                            choices=choices, help_text=help_text, basis=FIELD_BASIS, sort=i,
                            max_length=300 if kind == "textarea" else 120)
                for i, (key, label, kind, required, source, choices, help_text)
                in enumerate(HEAD_FIELDS + FIELDS[item.code])])
            touched = True
        rows = [r for r in ELIGIBILITY if r[0] == item.code]
        if rows and item.pk not in with_rules:
            eligibility_model.objects.bulk_create([
                eligibility_model(item=item, industry=industry, sub_sector=sub, issuing_level=level, note=note,
                                  source=source, effective_from=ELIGIBILITY_FROM)
                for _, industry, sub, level, note, source in rows])
            touched = True
        seeded += touched
    material_model.objects.filter(name__in=GENERATED, generated=False).update(generated=True)
    for name, key in SHARED_SOURCES.items():
        material_model.objects.filter(name=name, shared_source="").update(shared_source=key)
    return seeded

# what granting the item does to the certificate register (PermitItem.certificate_action): a 变更 amends the licence
# the enterprise holds, a 延期 continues it (行政许可法 第49、50条); every other item issues a licence
CERTIFICATE_ACTIONS = {"aqsc_extension": "extension", "aqsc_change": "change", "hazchem_operation_change": "change"}


def seed_items() -> int:
    """Insert the catalogue items that do not exist yet; returns how many were added."""
    from bureau.licensing.models import ItemEligibility, ItemField, ItemStep, PermitItem, PermitMaterial

    existing = set(PermitItem.objects.values_list("code", flat=True))
    added = 0
    for sort, row in enumerate(ITEMS):
        (code, name, category, kind, level, statutory, promised, site, expert, tolerance, notice, grade_skip,
         special, merged, joint, parallel, county_site, cert, basis, source, materials) = row
        if code in existing:
            continue
        item = PermitItem.objects.create(
            code=code, name=name, category=category, kind=kind, level=level, statutory_days=statutory,
            promised_days=promised, needs_site_verification=site, needs_expert_review=expert,
            tolerance_allowed=tolerance, notification_commitment_allowed=notice, grade_skips_site=grade_skip,
            special_evaluation_allowed=special, merged_review_allowed=merged, joint_completion_visit=joint,
            parallel_departments=parallel, county_site_check=county_site, certificate_type=cert, legal_basis=basis,
            certificate_action=CERTIFICATE_ACTIONS.get(code, "issue"),
            source=source, effective_from=dt.date(2024, 1, 1), sort=sort,
            conditions="符合相关法律法规和国家标准、行业标准规定的安全生产条件。",
        )
        PermitMaterial.objects.bulk_create([
            PermitMaterial(item=item, name=m, requirement=req, shared_from=src, sort=i,
                           shared_source=SHARED_SOURCES.get(m, ""), generated=m in GENERATED)
            for i, (m, req, src) in enumerate(materials)
        ])
        if code in FILING_ITEMS:
            PermitItem.objects.filter(pk=item.pk).update(outcome="filing")
        added += 1
    seed_intake(PermitItem, ItemField, ItemEligibility, PermitMaterial)
    seed_guide(PermitItem, PermitMaterial, ItemField, ItemStep)
    return added


# ---------------------------------------------------------------- 一次性告知: the rest of each item's 办事指南
# 行政许可法 第三十条: the authority publishes each item's 事项、依据、条件、数量、程序、期限, the list of all materials
# and a 申请书示范文本 where it receives applications (the 样表 generated from the item's form fields); 第二十九条: it
# gives the applicant the 申请书格式文本 (the 空白表格). Where, who and when are local data (the bureau edits them in
# the admin); these are the values shipped for Yuncheng.
GUIDE_SOURCE = "《中华人民共和国行政许可法》第二十九条、第三十条（公示事项、依据、条件、程序、期限、材料目录和申请书示范文本）"
GUIDE_BY_LEVEL = {
    "city": {"accepting_body": "运城市应急管理局",
             "location": "运城市政务服务中心 应急管理局综合受理窗口（也可在网上办事大厅全程网办）"},
    "county": {"accepting_body": "企业所在县（市、区）应急管理局",
               "location": "企业所在县（市、区）政务服务中心 应急管理局窗口（也可在网上办事大厅全程网办）"},
}
GUIDE_PHONE = "12345（政务服务便民热线，按提示转应急管理部门）"
GUIDE_HOURS = "法定工作日 上午8:30—12:00，下午14:30—17:30（网上办事大厅全天可提交申请）"
DELIVERY_LICENCE = ("网上送达：决定书和电子证照在“我的办件”中查看、下载；需要纸质证照的，可选择窗口领取或免费邮寄送达")
DELIVERY_FILING = "网上送达：备案告知书在“我的办件”中查看、下载"
# 材料形式: what the online hall takes (电子件, measure I.1); 份数 one of each, the system keeps the archive
FORM_GENERATED = "系统生成（网上填报后自动生成PDF，无需上传）"
FORM_SHARED = "免提交（系统从共享数据获取）"
FORM_UPLOAD = "电子件：原件扫描件或照片（PDF、JPG、PNG、OFD），加盖单位公章"
# 样表 examples by field key: what a completed form looks like (a fictitious enterprise)
EXAMPLES = {
    "name": "运城市示例化工有限公司", "uscc": "91140800MA0EXAMP1X", "legal_representative": "张某某",
    "address": "运城市盐湖区示例路1号", "contact_name": "李某某", "contact_phone": "0359-1234567",
    "scope": "按许可证载明的范围填写，例如：硫酸、盐酸（不带储存设施）", "principal": "王某某", "employees": "86",
    "safety_staff": "3", "licence_number": "（晋）WH安许证字〔2023〕000001", "valid_until": "2027-03-31",
    "change_kind": "主要负责人", "before": "主要负责人：王某某", "after": "主要负责人：赵某某",
    "reason": "公司董事会换届", "operation_mode": "批发", "storage": "不带储存设施",
    "site_address": "运城市盐湖区示例路1号", "project_name": "年产2万吨示例产品建设项目",
    "project_address": "运城市示例化工园区", "nature": "新建", "investment": "12000", "agency": "山西某安全评价有限公司",
    "station_grade": "二级", "report_date": "2026-11-20", "current_capacity": "120", "requested_capacity": "150",
}


def item_steps(item: Any) -> list[tuple[str, str, str, str]]:
    """The item's 办理流程 from its switches: (环节, 办理人员, 时限, 说明). 行政许可法 第32条 (受理, 一次性告知 within 5
    working days), 第42条 (decision), 第45条 (expert review outside the limit), 第44条 (licence within 10 working days)."""
    if item.kind == "instant":
        return [("网上申请", "申请人", "", "在网上办事大厅填写申请表、上传材料"),
                ("受理并当场办结", "审批人员", "即办", "材料齐全、符合法定形式的当场作出决定"),
                ("送达", "审批人员", "即时", "决定书和电子证照网上送达")]
    steps = [("网上申请", "申请人", "", "在网上办事大厅填写申请表、上传材料，或到窗口由工作人员代办"),
             ("受理", "受理人员", "5个工作日内",
              "材料不全的一次性告知需要补正的全部内容" + ("；次要材料暂缺的可容缺受理" if item.tolerance_allowed else ""))]
    review = "审查申请材料"
    if item.parallel_departments.strip():
        review += "，相关部门同步并联审查"
    steps.append(("审查", "审批人员", "", review))
    if item.needs_site_verification:
        note = "到企业现场核查安全生产条件"
        if item.grade_skips_site:
            note += "；安全生产标准化一级、二级企业免于现场核查"
        if item.joint_completion_visit:
            note += "；与竣工验收合并为一次联合检查"
        steps.append(("现场核查", "核查人员", "", note))
    if item.needs_expert_review:
        steps.append(("专家评审", "评审专家", "不计入办理时限", "组织专家评审，评审时间书面告知申请人"))
    if item.outcome == "filing":
        steps.append(("备案", "审批人员", f"{item.promised_days}个工作日内（自受理之日起）", "出具备案告知书"))
        steps.append(("送达", "审批人员", "即时", "备案告知书网上送达"))
    else:
        steps.append(("决定", "分管负责人", f"{item.promised_days}个工作日内（自受理之日起）", "作出准予或不予许可决定"))
        steps.append(("发证送达", "审批人员", "决定之日起10个工作日内", "决定书和证照网上送达，可选邮寄纸质证照"))
    return steps


def seed_guide(item_model: Any, material_model: Any, field_model: Any, step_model: Any) -> int:
    """Fill the 办事指南 elements that are empty (also run by the migration with its historical models): where, who,
    when, how the result is delivered, the material forms, the 样表 examples and the steps. Returns items touched."""
    # set-based: only the rows with an empty element are read (the suite's fixtures run this for every test)
    keys = ("accepting_body", "location", "phone", "office_hours", "guide_source", "delivery")
    empty = Q()
    for key in keys:
        empty |= Q(**{key: ""})
    touched = 0
    for item in item_model.objects.filter(empty):
        level = GUIDE_BY_LEVEL.get(item.level, GUIDE_BY_LEVEL["city"])
        updates = {key: value for key, value in {
            **level, "phone": GUIDE_PHONE, "office_hours": GUIDE_HOURS, "guide_source": GUIDE_SOURCE,
            "delivery": DELIVERY_FILING if item.outcome == "filing" else DELIVERY_LICENCE}.items()
            if not getattr(item, key)}
        if updates:
            item_model.objects.filter(pk=item.pk).update(**updates)
        touched += bool(updates)
    for m in material_model.objects.filter(form=""):
        form = FORM_GENERATED if m.generated else FORM_SHARED if m.requirement == "shared" else FORM_UPLOAD
        material_model.objects.filter(pk=m.pk).update(form=form)
    blank = set(field_model.objects.filter(key__in=list(EXAMPLES), example="").values_list("key", flat=True))
    for key in sorted(blank):
        field_model.objects.filter(key=key, example="").update(example=EXAMPLES[key])
    with_steps = set(step_model.objects.values_list("item_id", flat=True).distinct())
    for item in item_model.objects.exclude(pk__in=with_steps):
        step_model.objects.bulk_create([step_model(item=item, name=n, actor=a, limit=lim, note=note, sort=i)
                                        for i, (n, a, lim, note) in enumerate(item_steps(item))])
    return touched
