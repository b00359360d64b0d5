"""Demo portal content: laws with articles, the 30 measures and their interpretation, FAQ, window consultations
and their ratings (recorded through the feedback area)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bureau.accounts.models import User
from bureau.accounts.tokens import issue as token_issue
from bureau.feedback.services import rating_submit
from bureau.kernel.registry import register_demo
from bureau.portal import services
from bureau.portal.models import LawArticle, LawDocument

LAWS: list[dict[str, Any]] = [
    {"kind": "law", "title": "中华人民共和国行政许可法", "doc_number": "主席令第七号（2019年修正）",
     "issuer": "全国人民代表大会常务委员会", "issued_on": dt.date(2019, 4, 23), "effective_on": dt.date(2019, 4, 23),
     "topic": "licensing", "industries": ",general,",
     "summary": "规范行政许可的设定和实施，保护公民、法人和其他组织的合法权益，维护公共利益和社会秩序。",
     "articles": [
         (32, "第三十二条", "行政机关对申请人提出的行政许可申请，申请材料存在可以当场更正的错误的，应当允许申请人当场更正；申请材料不齐全或者不符合法定形式的，"
                          "应当当场或者在五日内一次告知申请人需要补正的全部内容，逾期不告知的，自收到申请材料之日起即为受理。"),
         (42, "第四十二条", "除可以当场作出行政许可决定的外，行政机关应当自受理行政许可申请之日起二十日内作出行政许可决定。二十日内不能作出决定的，"
                          "经本行政机关负责人批准，可以延长十日，并应当将延长期限的理由告知申请人。但是，法律、法规另有规定的，依照其规定。"),
     ]},
    {"kind": "regulation", "title": "优化营商环境条例", "doc_number": "国务院令第722号",
     "issuer": "国务院", "issued_on": dt.date(2019, 10, 22), "effective_on": dt.date(2020, 1, 1),
     "topic": "business", "industries": ",general,",
     "summary": "持续优化营商环境，不断解放和发展社会生产力，加快建设现代化经济体系。",
     "articles": [
         (59, "第五十九条", "行政执法中应当推广运用说服教育、劝导示范、行政指导等非强制性手段，依法慎重实施行政强制。"
                          "采用非强制性手段能够达到行政管理目的的，不得实施行政强制。"),
     ]},
    {"kind": "normative", "title": "运城市应急管理系统优化营商环境30条措施", "doc_number": "运应急发〔2023〕17号",
     "issuer": "运城市应急管理局", "issued_on": dt.date(2023, 5, 8), "effective_on": dt.date(2023, 5, 8),
     "topic": "business", "industries": ",general,",
     "summary": "围绕审批提速、包容审慎监管、精准服务等方面，推出30条具体措施，进一步推进全市应急管理系统优化营商环境工作。",
     "body": "一、深化行政审批制度改革：推行容缺受理、告知承诺，压缩审批时限。二、规范涉企行政执法：推行“双随机、一公开”"
             "和非现场执法，落实首违不罚和轻微免罚清单。三、提升政务服务水平：畅通12345热线和局长信箱，推行“好差评”。"},
    {"kind": "interpretation", "title": "《运城市应急管理系统优化营商环境30条措施》政策解读", "doc_number": "",
     "issuer": "运城市应急管理局政策法规科", "issued_on": dt.date(2023, 5, 12), "topic": "business",
     "industries": ",general,", "interprets": "运城市应急管理系统优化营商环境30条措施",
     "summary": "解读30条措施出台的背景、主要内容和企业可以享受的便利：审批时限压缩、容缺受理、轻微免罚、诉求快速办理。",
     "body": "问：企业办理危险化学品经营许可证能快多少？答：法定时限30日，我局承诺时限大幅压缩，材料齐全的当场受理，"
             "次要材料可容缺后补。问：首次轻微违法会被罚款吗？答：违法行为轻微并及时改正，没有造成危害后果的，依法不予处罚。"},
    {"kind": "rule", "title": "危险化学品经营许可证管理办法", "doc_number": "国家安全监管总局令第55号（2015年修正）",
     "issuer": "国家安全生产监督管理总局", "issued_on": dt.date(2015, 5, 27), "effective_on": dt.date(2015, 7, 1),
     "topic": "licensing", "industries": ",hazchem,gas_station,",
     "summary": "规范危险化学品经营许可的申请条件、申请材料、审查时限和证书管理。经营许可证有效期3年。",
     "articles": [(16, "第十六条", "发证机关应当在受理之日起30日内作出是否准予许可的决定。"),
                  (19, "第十九条", "经营许可证的有效期为3年。有效期满后，企业需要继续从事危险化学品经营活动的，应当在经营许可证有效期满3个月前，向本办法第五条规定的发证机关提出经营许可证的延期申请。")]}
]

FAQS = [
    ("licensing", "危险化学品经营许可证（不带储存）需要哪些材料？", "申请书、营业执照、主要负责人和安全管理人员培训合格证明、经营场所产权或租赁证明、安全管理制度和岗位操作规程、事故应急预案等。可在本平台网上提交，次要材料可容缺后补。"),
    ("training", "特种作业操作证到期前多久申请复审？", "特种作业操作证每3年复审1次，应在期满前60日内提出复审申请。符合条件的可延长至每6年复审1次。"),
    ("licensing", "烟花爆竹零售许可证在哪里办理？", "由零售点所在地县级应急管理局审批，可在本平台提交申请，许可证有效期一般不超过2年。"),
    ("enforcement", "执法检查前会通知企业吗？", "“双随机”抽查一般不事先通知；检查时执法人员出示执法证件，并在检查结束后出具检查记录。检查事项清单在门户公开。"),
    ("penalty", "首次轻微违法会被处罚吗？", "违法行为轻微并及时改正，没有造成危害后果的，依法不予行政处罚（行政处罚法第三十三条），我局公布了轻微违法免罚清单。"),
]


@register_demo("portal", order=80)
def load(ctx: Any) -> None:
    admin = User.objects.filter(username="admin").first()
    services.law_library_load(actor=admin)  # data/law-library.json: the laws the checklists and penalties cite
    by_title: dict[str, LawDocument] = {}
    for spec in LAWS:
        spec = dict(spec)
        articles = spec.pop("articles", [])
        interprets = spec.pop("interprets", None)
        law = LawDocument(**spec)
        if interprets:
            law.interprets = by_title.get(interprets)
        law.save()
        LawArticle.objects.bulk_create([LawArticle(law=law, number=n, label=label, text=text)
                                        for n, label, text in articles])
        services.law_save(actor=admin, law=law)
        by_title[law.title] = law
    window = User.objects.get(username="window")
    for topic, question, answer in FAQS:
        row = services.consultation_log(actor=window, topic=topic, question=question, answer=answer)
        services.consultation_to_faq(actor=window, consultation=row)
    energy = User.objects.filter(username="energy_dept").first()
    if energy is not None and admin is not None:  # a token to show on the sharing screen (its raw value is not kept)
        from django.utils import timezone

        token_issue(actor=admin, user=energy, name="市能源局-煤矿企业信息共享", scopes=["enterprises:read"],
                    regions=[], fields={"enterprises": ["uscc", "name", "region_name", "industry", "status"]},
                    expires_at=timezone.now() + dt.timedelta(days=365))
    rng = ctx.rng
    for i in range(12):
        topic, question, answer = FAQS[i % len(FAQS)]
        row = services.consultation_log(actor=window, topic=topic, question=question, answer=answer,
                                        channel=rng.choice(["window", "phone"]), visitor_name=rng.choice(["王先生", "刘女士", ""]))
        level = rng.choice([5, 5, 5, 4, 4, 3, 2])
        rating_submit(actor=None, service_type="window.visit", service_id=str(row.pk),
                      service_label=f"窗口服务：{row.get_topic_display()}咨询", level=level,
                      comment="" if level > 2 else "等候时间太长", region_id=row.region_id,
                      organisation=row.organisation, rater_name="刘女士" if level <= 2 else "",
                      rater_phone="13912340000" if level <= 2 else "")
