"""行政执法公示 of penalty decisions — the pure part: what is published, how personal data is masked, and the checks
of a withdrawal. No database here (the services are in `penalties.publishing`).

Sources (checked 2026-12-06, see docs/penalties.md «行政执法公示»):
- 行政处罚法（2021）第四十八条: 具有一定社会影响的行政处罚决定应当依法公开。公开的行政处罚决定被依法变更、撤销、确认违法
  或者确认无效的，行政机关应当在三日内撤回行政处罚决定信息并公开说明理由。
- 国办发〔2018〕118号《关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》（三）加强事后
  公开: 执法决定作出之日起20个工作日内向社会公布执法机关、执法对象、执法类别、执法结论等信息；行政许可、行政处罚的执法
  决定信息要在执法决定作出之日起7个工作日内公开（法律、行政法规另有规定的除外）。The two limits are rule parameters
  (`penalties.publication_days.penalty` = 7, `.no_penalty` = 20: a 不予行政处罚决定 is an 执法决定 but not a 行政处罚).
- Masking: 个人信息保护法 第二十八条 (身份证件号码、金融账户等敏感个人信息); the practice of the 行政处罚结果信息网上公开
  rules (隐去自然人的家庭住址、通信方式、身份证号码、银行账号等个人信息，以及被处罚人以外的自然人姓名): names of natural persons
  are shown as the surname and asterisks, ID, mobile, landline and account numbers masked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from bureau.kernel.errors import DomainError
from bureau.kernel.masking import mask_text

PENALTY, NO_PENALTY = "penalty_decision", "no_penalty_decision"
KIND_LABELS = {PENALTY: "行政处罚决定", NO_PENALTY: "不予行政处罚决定"}

PENDING, PUBLISHED, WITHHELD, WITHDRAWN = "pending", "published", "withheld", "withdrawn"
STATE_LABELS = {PENDING: "待公示", PUBLISHED: "已公示", WITHHELD: "不予公开", WITHDRAWN: "已撤回"}

# 行政处罚法 第48条第2款: the four ways a published decision stops standing
WITHDRAW_GROUNDS = {"changed": "依法变更", "revoked": "依法撤销", "illegal": "确认违法", "void": "确认无效"}

# common surnames (百家姓, the ~200 most frequent): a role word followed by one of these and one or two more
# characters is taken for a person's name in free text (焊工王强未取得… → 焊工王*未取得…)
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
    "谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安"
    "齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛"
    "靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝郗")
ROLE_WORDS = ("法定代表人", "主要负责人", "安全管理人员", "作业人员", "操作人员", "负责人", "安全员", "当事人", "焊工",
              "电工", "工人", "员工", "职工", "司机", "驾驶员", "操作工", "班长", "组长", "经理", "主任", "厂长", "矿长",
              "队长", "技术员", "保管员", "库管员", "值班员", "监护人", "证人")
# what may follow a name in a finding (a boundary, or a verb/preposition that starts the next phrase)
_AFTER_NAME = "，。、；：,.;:\\s（）()“”\"'未在于是已持无从被将对把因向到的等没擅签称"
_ROLE_NAME = re.compile(
    "(" + "|".join(sorted(ROLE_WORDS, key=len, reverse=True)) + ")"
    + "([" + "".join(sorted(SURNAMES)) + "])([\u4e00-\u9fa5]{1,2}?)(?=[" + _AFTER_NAME + "]|$)")
_LANDLINE = re.compile(r"(?<![\d*])(0\d{2,3})-?(\d{7,8})(?![\d*])")
_LONG_NUMBER = re.compile(r"(?<![\d*])(\d{4})\d{8,11}(\d{4})(?![\d*])")  # bank accounts and other long numbers


def mask_name(name: str) -> str:
    """A natural person's name as published: the surname and one asterisk per other character (王强 → 王*)."""
    name = name.strip()
    if len(name) < 2:
        return "*" * len(name)
    return name[0] + "*" * (len(name) - 1)


def mask_public_text(text: str, names: Iterable[str] = ()) -> str:
    """Free text (the facts, a basis) as it may be published: the known names of natural persons masked (the
    party's legal representative and contacts, its staff, names an officer added), names that follow a role word
    (焊工王强 → 焊工王*), ID, mobile, landline and account numbers masked."""
    if not text:
        return ""
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))

    def role(m: re.Match[str]) -> str:
        if m.group(3).startswith("某"):  # 王某, 王某某: already anonymous
            return m.group(0)
        return m.group(1) + mask_name(m.group(2) + m.group(3))

    text = _ROLE_NAME.sub(role, text)
    text = mask_text(text)  # ID numbers (first 6 + last 4) and mobile numbers (first 3 + last 4)
    text = _LANDLINE.sub(lambda m: m.group(1) + "-" + "*" * (len(m.group(2)) - 2) + m.group(2)[-2:], text)
    return _LONG_NUMBER.sub(lambda m: m.group(1) + "*" * 8 + m.group(2), text)


@dataclass(frozen=True)
class PublicText:
    """What the portal shows of one decision (the snapshot taken when the decision is made)."""

    title: str
    number: str
    party_name: str
    party_uscc: str
    legal_representative: str
    violation: str
    basis: str
    penalty: str
    authority_name: str
    decided_on: dt.date


def public_text(*, kind: str, number: str, party_name: str, party_uscc: str, legal_representative: str,
                facts: str, title: str, basis: str, penalty: str, authority_name: str, decided_on: dt.date,
                names: Iterable[str]) -> PublicText:
    """The published summary of a decision (执法机关、执法对象、执法类别、执法结论, 国办发〔2018〕118号): the party (a
    legal person, named) with its representative's name masked, the facts masked, the basis and the outcome."""
    names = [*names, legal_representative]
    facts_text = mask_public_text(facts.strip() or title.strip(), names)
    return PublicText(title=KIND_LABELS[kind] + "书", number=number, party_name=party_name, party_uscc=party_uscc,
                      legal_representative=mask_name(legal_representative) if legal_representative else "",
                      violation=facts_text, basis=mask_public_text(basis, names), penalty=mask_public_text(penalty, names),
                      authority_name=authority_name, decided_on=decided_on)


def penalty_text(*, amount: int | None, other_measures: str, exemption_label: str) -> str:
    """The outcome as published: the fine and other measures, or 不予行政处罚 with its kind."""
    if exemption_label:
        return f"不予行政处罚（{exemption_label}）"
    parts = [f"罚款人民币{amount}元"] if amount else []
    if other_measures:
        parts.append(other_measures)
    return "；".join(parts) or "行政处罚"


def withdraw_due(revoked_on: dt.date, days: int) -> dt.date:
    """行政处罚法 第48条第2款: the published information is withdrawn within three days of the change/revocation."""
    return revoked_on + dt.timedelta(days=days)


def check_withdrawal(*, state: str, ground: str, reason: str, revoked_on: dt.date | None, decided_on: dt.date,
                     today: dt.date) -> None:
    """A withdrawal names the ground (第48条第2款: 变更、撤销、确认违法、确认无效), the date of that act and the reason
    made public; it applies to a decision that is published or still waiting (never twice)."""
    if state == WITHDRAWN:
        raise DomainError("该决定的公示信息已撤回", code="already_withdrawn")
    if ground not in WITHDRAW_GROUNDS:
        raise DomainError("请选择撤回原因（依法变更、撤销、确认违法或者确认无效，行政处罚法第四十八条第二款）",
                          code="ground_required", field="ground")
    if revoked_on is None:
        raise DomainError("请填写决定被变更、撤销或确认违法、无效的日期", code="date_required", field="revoked_on")
    if revoked_on < decided_on or revoked_on > today:
        raise DomainError(f"日期应在决定日期（{decided_on:%Y-%m-%d}）与今天之间", code="date_invalid",
                          field="revoked_on")
    if len(" ".join(reason.split())) < 4:
        raise DomainError("请写明撤回的理由（将向社会公开说明，行政处罚法第四十八条第二款）", code="reason_required",
                          field="reason")


def check_withholding(*, state: str, reason: str) -> None:
    """不予公开 a pending decision: only with the reason written down (第48条 publishes decisions 具有一定社会影响的,
    依法; 政府信息公开条例 第十四、十五条: 国家秘密、商业秘密、个人隐私 …)."""
    if state != PENDING:
        raise DomainError("只有待公示的决定可以决定不予公开", code="not_pending")
    if len(" ".join(reason.split())) < 4:
        raise DomainError("请写明不予公开的理由和依据（如政府信息公开条例第十四条、第十五条）", code="reason_required",
                          field="reason")
