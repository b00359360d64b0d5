"""Demo data of the foundation: the organisation tree of 运城市, staff of every role, ~300 enterprises, the
chemical parks and the 2026 supervision levels. Names are invented; codes are valid (USCC check characters,
ID check digits) so that every rule of the platform applies to them."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth.hashers import make_password

from bureau.accounts import roles as R
from bureau.accounts import sms_codes
from bureau.accounts.models import Organisation, OrganisationKind, Role, SmsCode, User
from bureau.enterprises import registration
from bureau.enterprises.models import ChemicalPark, Enterprise, Industry, SubSector, SupervisionAssignment
from bureau.kernel.identifiers import USCC_ALPHABET, make_id_number, make_uscc
from bureau.kernel.management.commands.demo_load import demo_account
from bureau.kernel.reference import REGIONS
from bureau.kernel.registry import register_demo

COUNTY_PINYIN = {
    "140802": "yanhu", "140821": "linyi", "140822": "wanrong", "140823": "wenxi", "140824": "jishan",
    "140825": "xinjiang", "140826": "jiangxian", "140827": "yuanqu", "140828": "xiaxian", "140829": "pinglu",
    "140830": "ruicheng", "140881": "yongji", "140882": "hejin", "140899": "kaifaqu",
}
SECTIONS = [
    ("YC-S-ZF", "政策法规科"), ("YC-S-XK", "行政审批科"), ("YC-S-WH", "危险化学品安全监督管理科"),
    ("YC-S-KS", "非煤矿山安全监督管理科"), ("YC-S-GM", "工贸安全监督管理科"), ("YC-S-ZD", "执法监督支队"),
    ("YC-S-YJ", "应急指挥中心"),
]
DEPARTMENTS = [
    ("YC-D-NY", "运城市能源局"), ("YC-D-RS", "运城市人力资源和社会保障局"), ("YC-D-SJ", "运城市市场监督管理局"),
    ("SX-YJT", "山西省应急管理厅"),
]
PARKS = [
    ("YC-P01", "山西运城盐湖高新技术产业开发区化工园区", "140802", "C"),
    ("YC-P02", "山西永济经济技术开发区化工园区", "140881", "C"),
    ("YC-P03", "山西河津经济技术开发区化工园区", "140882", "B"),
    ("YC-P04", "山西稷山经济技术开发区化工园区", "140824", "C"),
    ("YC-P05", "山西绛县经济开发区化工园区", "140826", "D"),
    ("YC-P06", "山西闻喜经济技术开发区化工园区", "140823", "C"),
    ("YC-P07", "山西芮城风陵渡经济开发区化工园区", "140830", "D"),
]
WORDS = ["鑫源", "汇丰", "晋兴", "华泰", "永盛", "宏达", "瑞丰", "恒通", "金桥", "聚能", "天元", "盛发", "安泰",
         "润德", "中条", "黄河", "关公", "盐湖", "河东", "舜帝", "德盛", "嘉禾", "顺鑫", "新源", "立信", "凯达"]
SHAPES: dict[str, list[str]] = {
    Industry.COAL: ["{p}{w}煤业有限公司", "山西{w}{p}煤矿有限公司"],
    Industry.NON_COAL_MINE: ["{p}{w}矿业有限公司", "{p}{w}石料有限公司", "{p}{w}铁矿有限公司"],
    Industry.HAZCHEM_PRODUCTION: ["山西{w}化工有限公司", "{p}{w}精细化工有限公司", "{p}{w}化学科技有限公司"],
    Industry.HAZCHEM_OPERATION: ["{p}{w}化工贸易有限公司", "运城{w}危险化学品经营有限公司", "{p}{w}气体销售有限公司"],
    Industry.HAZCHEM_USE: ["{p}{w}新材料有限公司", "山西{w}制药有限公司", "{p}{w}水处理有限公司"],
    Industry.METALLURGY_TRADE: ["{p}{w}铝业有限公司", "{p}{w}铸造有限公司", "{p}{w}机械制造有限公司",
                                "{p}{w}食品有限公司", "{p}{w}纺织有限公司", "{p}{w}钢铁有限公司"],
    Industry.FIREWORKS: ["{p}{w}烟花爆竹批发有限公司", "{p}{w}烟花爆竹零售店"],
    Industry.GAS_STATION: ["中国石化销售股份有限公司山西运城{p}{w}加油站", "中国石油天然气股份有限公司运城{p}{w}加油站",
                           "{p}{w}能源加油站"],
}
# the sub-sector each name shape stands for (SubSector, enterprises.models)
SHAPE_SUB_SECTOR: dict[str, str] = {
    "{p}{w}煤业有限公司": SubSector.UNDERGROUND_COAL, "山西{w}{p}煤矿有限公司": SubSector.UNDERGROUND_COAL,
    "{p}{w}矿业有限公司": SubSector.UNDERGROUND_MINE, "{p}{w}石料有限公司": SubSector.OPEN_PIT_MINE,
    "{p}{w}铁矿有限公司": SubSector.OPEN_PIT_MINE,
    "{p}{w}化工贸易有限公司": SubSector.HAZCHEM_NO_STORAGE, "运城{w}危险化学品经营有限公司": SubSector.HAZCHEM_STORAGE,
    "{p}{w}气体销售有限公司": SubSector.HAZCHEM_STORAGE,
    "{p}{w}铝业有限公司": SubSector.NONFERROUS, "{p}{w}铸造有限公司": SubSector.MACHINERY,
    "{p}{w}机械制造有限公司": SubSector.MACHINERY, "{p}{w}食品有限公司": SubSector.LIGHT_INDUSTRY,
    "{p}{w}纺织有限公司": SubSector.TEXTILE, "{p}{w}钢铁有限公司": SubSector.METALLURGY,
    "{p}{w}烟花爆竹批发有限公司": SubSector.FIREWORKS_WHOLESALE, "{p}{w}烟花爆竹零售店": SubSector.FIREWORKS_RETAIL,
}
COUNTS = {Industry.COAL: 24, Industry.NON_COAL_MINE: 34, Industry.HAZCHEM_PRODUCTION: 30,
          Industry.HAZCHEM_OPERATION: 44, Industry.HAZCHEM_USE: 34, Industry.METALLURGY_TRADE: 74,
          Industry.FIREWORKS: 26, Industry.GAS_STATION: 36}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马胡朱郭何罗高林梁宋郑谢韩唐冯董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛"
GIVEN = ["建国", "志强", "晓东", "丽娟", "海燕", "永红", "文博", "俊杰", "秀英", "振华", "明亮", "红梅", "国庆", "卫东",
         "春燕", "宏伟", "鹏飞", "雅琴", "立新", "玉兰", "学军", "晓峰", "淑芬", "宇航"]


def person_name(rng: Any) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def id_number(rng: Any, region: str = "140802") -> str:
    birth = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 35))
    return make_id_number(f"{region}{birth:%Y%m%d}{rng.randrange(100, 999)}")


def mobile(rng: Any) -> str:
    return rng.choice(["139", "138", "135", "186", "152", "177"]) + f"{rng.randrange(0, 10**8):08d}"


def uscc(rng: Any, region: str) -> str:
    body = "91" + region + "MA0" + "".join(rng.choice(USCC_ALPHABET) for _ in range(6))
    return make_uscc(body)


def short(region_name: str) -> str:
    return region_name.replace("运城经济开发区", "运城开发区").rstrip("区县市") if len(region_name) > 2 else region_name


@register_demo("foundation", order=10)
def load(ctx: Any) -> None:
    rng = ctx.rng
    roles = {r.code: r for r in Role.objects.all()}
    password_hash = make_password(ctx.password)  # one argon2 hash shared by all demo accounts (same password)
    # 文书字号 and the court of each authority (行政诉讼法 第十八条: the court where the authority sits; demo values,
    # to be checked against the courts' concentrated jurisdiction of administrative cases)
    city = Organisation.objects.create(code="YC-CITY", name="运城市应急管理局", short_name="市局",
                                       kind=OrganisationKind.CITY_BUREAU, region_id="140800", sort=0,
                                       document_prefix="运应急", court="运城市盐湖区人民法院")
    sections = {code: Organisation.objects.create(code=code, name=name, kind=OrganisationKind.SECTION, parent=city,
                                                  region_id="140800", sort=i + 1)
                for i, (code, name) in enumerate(SECTIONS)}
    counties: dict[str, Organisation] = {}
    for i, (code, name, _parent, _internal) in enumerate(REGIONS[1:]):
        kind = OrganisationKind.ZONE if code == "140899" else OrganisationKind.COUNTY_BUREAU
        org_name = "运城经济开发区安全生产监督管理部" if code == "140899" else f"{name}应急管理局"
        counties[code] = Organisation.objects.create(
            code=f"YC-{code}", name=org_name, short_name=name, kind=kind, parent=city, region_id=code, sort=20 + i,
            document_prefix="运开安监" if code == "140899" else f"{short(name)}应急",
            court=("运城市盐湖区人民法院" if code == "140899" else
                   f"运城市{name}人民法院" if name.endswith("区") else f"{name}人民法院"))
    departments = {code: Organisation.objects.create(code=code, name=name, kind=(
        OrganisationKind.PROVINCE if code.startswith("SX") else OrganisationKind.DEPARTMENT), sort=60 + i)
        for i, (code, name) in enumerate(DEPARTMENTS)}
    agency_org = Organisation.objects.create(code="AG-001", name="山西晋安安全评价有限公司", kind=OrganisationKind.AGENCY,
                                             sort=80)

    def user(username: str, name: str, org: Organisation | None, role_codes: list[str], *, enterprise: Any = None,
             enforcement: bool = False, title: str = "", description: str = "", superuser: bool = False) -> User:
        u = User(username=username, real_name=name, organisation=org, enterprise=enterprise, title=title,
                 phone=mobile(rng), id_number=id_number(rng), is_superuser=superuser, is_staff=superuser,
                 enforcement_id=f"14080{rng.randrange(100000, 999999)}" if enforcement else "")
        u.password = password_hash
        u.save()
        u.roles.set([roles[c] for c in role_codes])
        if description:
            demo_account(username, description)
        return u

    user("admin", "系统管理员", city, [R.SYSADMIN], description="系统管理员：机构、用户、企业名录导入、工作日历", superuser=True)
    user("secadmin", "安全管理员", city, [R.SECADMIN], description="安全管理员")
    user("auditor", "审计管理员", city, [R.AUDITOR], description="审计管理员：审计日志与链校验")
    user("window", "窗口 王芳", sections["YC-S-XK"], [R.CLERK], description="市局窗口人员")
    user("city_licensing", "审批科 李明", sections["YC-S-XK"], [R.LICENSING_OFFICER], title="科员",
         description="市局审批人员（受理、审查）")
    user("city_licensing2", "审批科 赵静", sections["YC-S-XK"], [R.LICENSING_OFFICER], title="科员")
    user("city_head", "审批科 孙科长", sections["YC-S-XK"], [R.SECTION_HEAD], title="科长",
         description="市局科室负责人")
    user("city_leader", "分管副局长 周强", city, [R.LEADER], title="副局长", description="市局分管负责人（审批、批准）")
    user("city_inspector", "执法支队 张伟", sections["YC-S-ZD"], [R.INSPECTOR], enforcement=True,
         description="市局执法人员（持执法证）")
    user("city_inspector2", "执法支队 刘洋", sections["YC-S-ZD"], [R.INSPECTOR], enforcement=True)
    user("city_inspector3", "危化科 陈磊", sections["YC-S-WH"], [R.INSPECTOR], enforcement=True)
    user("city_inspector4", "工贸科 杨帆", sections["YC-S-GM"], [R.INSPECTOR], enforcement=True)
    for code, org in counties.items():
        p = COUNTY_PINYIN[code]
        described = code in {"140802", "140821"}
        user(f"{p}_inspector", f"{org.short_name} {person_name(rng)}", org, [R.INSPECTOR], enforcement=True,
             description=f"{org.short_name}执法人员（只看本县企业）" if described else "")
        user(f"{p}_inspector2", f"{org.short_name} {person_name(rng)}", org, [R.INSPECTOR], enforcement=True)
        user(f"{p}_licensing", f"{org.short_name} {person_name(rng)}", org, [R.LICENSING_OFFICER])
        user(f"{p}_leader", f"{org.short_name} {person_name(rng)}", org, [R.LEADER], title="副局长")
    # 法制审核人员 (行政处罚法 第58条) of the city bureau and of each county authority, with their 法律职业资格 (第2款);
    # their own random stream, so that the data generated after them stays as it was
    legal_rng = random.Random(58)
    for username, name, org, description in (
            ("city_legal", "政策法规科 韩雪", sections["YC-S-ZF"], "市局法制审核人员（行政处罚法第五十八条）"),
            *((f"{COUNTY_PINYIN[code]}_legal", f"{org.short_name} 法制审核员", org,
               "盐湖区法制审核人员（行政处罚法第五十八条）" if code == "140802" else "")
              for code, org in counties.items())):
        person = User(username=username, real_name=name, organisation=org, title="法制审核人员",
                      phone=mobile(legal_rng), id_number=id_number(legal_rng),
                      legal_qualification=f"A2019{legal_rng.randrange(10**9, 10**10)}")
        person.password = password_hash
        person.save()
        person.roles.set([roles[R.LEGAL_REVIEWER]])
        if description:
            demo_account(username, description)
    user("energy_dept", "能源局 马军", departments["YC-D-NY"], [R.DEPARTMENT], description="市能源局（并联审批）")
    user("hrss_dept", "人社局 何丽", departments["YC-D-RS"], [R.DEPARTMENT])
    user("province", "省厅 郭平", departments["SX-YJT"], [R.DEPARTMENT])
    user("expert1", "专家 高振华", None, [R.EXPERT], description="安全专家")
    user("expert2", "专家 林晓峰", None, [R.EXPERT])
    user("agency1", "评价师 罗海燕", agency_org, [R.AGENCY], description="安全评价机构人员")
    # a person's account carries the person's own name: it pre-fills exam registrations and prints on certificates
    # (the staff accounts' "科室 姓名" labels are demo aids; a citizen has no such label — issue 17 item 2)
    user("person1", "谢春燕", None, [R.INDIVIDUAL], description="个人用户（考生、持证人员）")

    parks = {code: ChemicalPark.objects.create(code=code, name=name, region_id=region, safety_risk_grade=grade)
             for code, name, region, grade in PARKS}
    parks_by_region = {p.region_id: p for p in parks.values()}
    region_codes = [code for code, *_ in REGIONS[1:]]
    enterprises: list[Enterprise] = []
    used_names: set[str] = set()
    for industry, count in COUNTS.items():
        for _ in range(count):
            region = rng.choice(region_codes)
            region_name = next(n for c, n, *_ in REGIONS if c == region)
            name, shape = "", ""
            while not name or name in used_names:
                shape = rng.choice(SHAPES[industry])
                name = shape.format(p=short(region_name), w=rng.choice(WORDS))
            used_names.add(name)
            hazchem = industry in {Industry.HAZCHEM_PRODUCTION, Industry.HAZCHEM_USE}
            grade = rng.choices(["1", "2", "3", ""], weights=[3, 20, 45, 32])[0]
            credit = rng.choices(["A1", "A2", "B1", "B2", "B3", "C1", "C2", "D", ""], weights=[4, 8, 20, 22, 14, 6, 3, 1, 22])[0]
            enterprises.append(Enterprise(
                uscc=uscc(rng, region), name=name, region_id=region, industry=industry,
                sub_sector=SHAPE_SUB_SECTOR.get(shape, ""),
                address=f"山西省运城市{region_name}{rng.choice(WORDS)}路{rng.randrange(1, 300)}号",
                legal_representative=person_name(rng), legal_rep_id_number=id_number(rng, region),
                contact_name=person_name(rng), contact_phone=mobile(rng),
                employees=rng.randrange(8, 1200 if industry == Industry.COAL else 400),
                established_on=dt.date(1995, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 28)),
                standardization_grade=grade, credit_grade=credit,
                is_key=industry in {Industry.COAL, Industry.HAZCHEM_PRODUCTION} or rng.random() < 0.12,
                chemical_park=parks_by_region.get(region) if hazchem and rng.random() < 0.7 else None,
            ))
    for e in enterprises:
        e.save()
    for park in parks.values():  # every park lists a few enterprises (the 盐湖 park drew one or none)
        missing = 3 - sum(e.chemical_park_id == park.pk for e in enterprises)
        if missing > 0:
            members = [e.pk for e in enterprises if e.region_id == park.region_id and e.chemical_park_id is None
                       and e.industry in {Industry.HAZCHEM_PRODUCTION, Industry.HAZCHEM_USE,
                                          Industry.HAZCHEM_OPERATION}][:missing]
            Enterprise.objects.filter(pk__in=members).update(chemical_park=park)
    # A fixed, easy-to-find enterprise for the demo enterprise account (盐湖区, hazchem operation).
    showcase = Enterprise.objects.create(
        uscc=make_uscc("91140802MA0KYC001"), name="运城市河东化工贸易有限公司", region_id="140802",
        industry=Industry.HAZCHEM_OPERATION, sub_sector=SubSector.HAZCHEM_NO_STORAGE,
        address="山西省运城市盐湖区河东东街188号",
        legal_representative="王建国", legal_rep_id_number=id_number(rng, "140802"), contact_name="李丽娟",
        contact_phone=mobile(rng), employees=46, established_on=dt.date(2012, 5, 18), standardization_grade="2",
        credit_grade="A2", is_key=False, business_scope="危险化学品经营（不带储存设施）：甲醇、乙醇、丙酮、硫酸等",
    )
    coal = Enterprise.objects.create(
        uscc=make_uscc("91140882MA0KYC002"), name="山西河津鑫源煤业有限公司", region_id="140882",
        industry=Industry.COAL, sub_sector=SubSector.UNDERGROUND_COAL, address="山西省运城市河津市下化乡", legal_representative="赵振华",
        legal_rep_id_number=id_number(rng, "140882"), contact_name="吕学军", contact_phone=mobile(rng), employees=860,
        established_on=dt.date(2006, 3, 2), standardization_grade="1", credit_grade="A1", is_key=True,
        business_scope="煤炭开采（核定生产能力 120 万吨/年）",
    )
    linyi = Enterprise.objects.create(
        uscc=make_uscc("91140821MA0KYC003"), name="临猗县瑞丰烟花爆竹批发有限公司", region_id="140821",
        industry=Industry.FIREWORKS, sub_sector=SubSector.FIREWORKS_WHOLESALE, address="山西省运城市临猗县猗氏镇", legal_representative="冯立新",
        legal_rep_id_number=id_number(rng, "140821"), contact_name="董春燕", contact_phone=mobile(rng), employees=18,
        established_on=dt.date(2010, 9, 9), standardization_grade="3", credit_grade="B1",
    )
    user("qiye", "企业 李丽娟", None, [R.ENTERPRISE], enterprise=showcase, description="企业用户（盐湖区危化经营企业）")
    user("qiye_coal", "企业 吕学军", None, [R.ENTERPRISE], enterprise=coal, description="企业用户（河津市煤矿）")
    user("qiye_linyi", "企业 董春燕", None, [R.ENTERPRISE], enterprise=linyi, description="企业用户（临猗县烟花爆竹）")

    year = dt.date.today().year
    rows = []
    for e in Enterprise.objects.all():
        city_level = e.is_key and e.industry in {Industry.COAL, Industry.HAZCHEM_PRODUCTION}
        rows.append(SupervisionAssignment(enterprise=e, year=year, level="city" if city_level else "county",
                                          organisation=city if city_level else counties[e.region_id]))
    SupervisionAssignment.objects.bulk_create(rows)


@register_demo("registrations", order=12)
def load_registrations(ctx: Any) -> None:
    """One enterprise registration waiting for 盐湖区's officers (企业注册审核, as `yanhu_licensing`): a company
    founded in 2025, known to the market regulator (portal/data/business_licences.json) but not yet in the register.
    Submitted through the real use case, SMS code included (the logging SMS adapter keeps the message, the code
    masked)."""
    phone = "13903590316"
    code = sms_codes.code_send(phone=phone, purpose=SmsCode.Purpose.REGISTER, address="demo")
    registration.registration_submit(
        uscc="91140802MA0LKC003T", name="运城市盐湖区润德新能源科技有限公司", region="140802",
        industry=Industry.HAZCHEM_OPERATION, address="", legal_representative="韩志刚", phone=phone, code=code,
        username="runde_xny", password=ctx.password, password2=ctx.password)
    demo_account("yanhu_licensing", "盐湖区审批人员：企业注册审核（一家待审核）")
