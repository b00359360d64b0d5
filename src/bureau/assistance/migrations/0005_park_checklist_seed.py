"""Seed the province's remediation checklist for chemical parks: the "十有两禁" of 化工园区安全整治提升 (measure
III.3). Rows are data, editable in the admin (园区整治提升清单); docs/assistance.md names the sources."""

import datetime as dt

from django.db import migrations

SOURCE = ("国务院安委会办公室《化工园区安全整治提升工作方案》“十有两禁”；《山西省化工园区安全整治提升工作方案》；"
          "晋安办发〔2022〕104号《2022年山西省化工园区安全整治提升指导意见》")
GUIDE = "《化工园区安全风险排查治理导则（试行）》（应急〔2019〕78号）"
ROWS = [
    ("TH-01", "ten_haves", "有规划体系", f"编制园区总体规划、产业规划及安全生产和综合防灾减灾规划（{GUIDE}第3.3条）"),
    ("TH-02", "ten_haves", "有管理机构、人员、管理制度", "设立园区安全生产监管机构，配备专职安全监管人员，建立安全管理制度"),
    ("TH-03", "ten_haves", "有“四至”范围", "园区边界（四至范围）经批准并公布，化工企业均在边界内"),
    ("TH-04", "ten_haves", "有周边土地规划安全控制线", "划定并落实园区周边土地规划安全控制线"),
    ("TH-05", "ten_haves", "有公用工程和配套功能设施", "供水、供电、供汽、污水处理等公用工程及配套功能设施满足安全要求"),
    ("TH-06", "ten_haves", "有封闭化管理", "实行封闭化管理，设置出入口管控和智能卡口"),
    ("TH-07", "ten_haves", "有危险化学品车辆专用停车场", "建设危险化学品车辆专用停车场并实行专门管理"),
    ("TH-08", "ten_haves", "有信息化平台", "建成园区安全风险智能化管控平台，接入重大危险源监测预警"),
    ("TH-09", "ten_haves", "有化工安全技能实训基地", "建设或共享化工安全技能实训基地"),
    ("TH-10", "ten_haves", "有消防设施（特勤站）", "按标准建设消防站（特勤站）和应急物资储备"),
    ("TB-01", "two_bans", "“禁限控”目录和项目安全准入条件", "制定园区“禁限控”目录和项目安全准入条件，引进项目逐一审查"),
    ("TB-02", "two_bans", "禁止有居民居住和劳动密集型企业", "园区内不得有居民居住，不得有劳动密集型企业"),
]


def seed(apps, schema_editor):
    Item = apps.get_model("assistance", "ParkChecklistItem")
    for sort, (code, group, title, requirement) in enumerate(ROWS):
        Item.objects.update_or_create(code=code, defaults={
            "group": group, "title": title, "requirement": requirement, "source": SOURCE,
            "effective_from": dt.date(2022, 1, 1), "sort": sort, "active": True})


def unseed(apps, schema_editor):
    apps.get_model("assistance", "ParkChecklistItem").objects.filter(code__in=[r[0] for r in ROWS]).delete()


class Migration(migrations.Migration):
    dependencies = [("assistance", "0004_parkchecklistitem_course_co_organiser_and_more")]
    operations = [migrations.RunPython(seed, unseed)]
