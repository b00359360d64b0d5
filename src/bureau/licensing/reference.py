"""The bureau's permit items (行政许可事项) with limits, materials and switches (domain §3; measures I.2–I.7).

Limits are data: the statutory limit from the law named in `source`, the promised limit published by the bureau
(local). Administrators edit them in the admin; `seed_items` only inserts items that do not exist yet.
"""

from __future__ import annotations

import datetime as dt

R, T, S = "required", "tolerable", "shared"

COMMON_HEAD = [("申请书（网上填报自动生成）", R, ""), ("营业执照", S, "市场监管局共享"),
               ("法定代表人身份证明", S, "公安部门共享")]
# materials another department's system answers automatically (registry.shared_sources; measure III.2)
SHARED_SOURCES = {"营业执照": "business_licence"}
PERSONNEL = [("主要负责人、安全管理人员考核合格证", S, "本局证照库共享"), ("特种作业人员操作证", T, "")]
SAFETY_DOCS = [("安全生产责任制、管理制度和操作规程目录", R, ""), ("安全评价报告", R, ""),
               ("生产安全事故应急救援预案备案证明", T, ""), ("工伤保险缴费证明", S, "人社局共享")]

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
     False, True, True, False, False, True, True, False, "", False, "",
     "《危险化学品安全管理条例》第十二条；《危险化学品建设项目安全监督管理办法》",
     "危险化学品建设项目安全监督管理办法 第11条：20个工作日",
     COMMON_HEAD + [("建设项目安全评价报告", R, ""), ("项目备案文件", S, "发改部门共享"),
                    ("规划选址意见", T, "")]),
    ("hazchem_project_design", "危险化学品建设项目安全设施设计审查", "危化建设项目", "promised", "city", 20, 10,
     False, True, True, False, False, True, True, False, "", False, "",
     "《危险化学品建设项目安全监督管理办法》第十五条",
     "危险化学品建设项目安全监督管理办法 第16条：20个工作日（可延长10个工作日）",
     COMMON_HEAD + [("安全设施设计专篇", R, ""), ("设计单位资质证明", S, "住建部门共享")]),
    ("noncoal_project_design", "非煤矿山建设项目安全设施设计审查", "非煤矿山", "promised", "city", 20, 12,
     False, True, True, False, False, False, False, False, "", False, "",
     "《中华人民共和国矿山安全法》第八条；《非煤矿矿山建设项目安全设施设计审查与竣工验收办法》",
     "行政许可法 第42条：20个工作日", COMMON_HEAD + [("安全设施设计", R, ""), ("安全预评价报告", R, "")]),
    ("coal_capacity_increase", "煤矿产能核增", "煤矿", "promised", "city", 45, 30,
     True, True, True, False, False, False, False, False, "YC-D-NY", True, "",
     "国家发展改革委 国家能源局 国家矿山安全监察局关于煤矿产能核增的有关规定；运城市优化营商环境30条 措施I.5",
     "行政许可法 第42条：联合办理45个工作日（本地承诺30个工作日）",
     COMMON_HEAD + [("产能核增报告", R, ""), ("安全设施设计（与报告同步编制）", R, ""),
                    ("煤矿安全生产标准化达标证明", S, "本局共享"), ("地质报告", T, "")]),
]


def seed_items() -> int:
    """Insert the catalogue items that do not exist yet; returns how many were added."""
    from bureau.licensing.models import PermitItem, PermitMaterial

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
            source=source, effective_from=dt.date(2024, 1, 1), sort=sort,
            conditions="符合相关法律法规和国家标准、行业标准规定的安全生产条件。",
        )
        PermitMaterial.objects.bulk_create([
            PermitMaterial(item=item, name=m, requirement=req, shared_from=src, sort=i,
                           shared_source=SHARED_SOURCES.get(m, ""))
            for i, (m, req, src) in enumerate(materials)
        ])
        added += 1
    return added
