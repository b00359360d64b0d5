"""行政执法公示 rules (pure): personal data masked before publication (个人信息保护法 第28条), the withdrawal of a
changed or revoked decision (行政处罚法 第48条第2款)."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.kernel.errors import DomainError
from bureau.penalties import publicity

FACTS = ("检查发现焊工王强未取得特种作业操作证上岗作业，安全员李建国在现场；联系电话13912345678，座机0359-2345678，"
         "身份证140802199001011234，账号6222021234567890123。问：焊工王某是否持证？法定代表人张三丰签字。")


def test_public_text_masks_names_ids_phones_and_accounts():
    masked = publicity.mask_public_text(FACTS, ["张三丰"])
    for secret in ("王强", "李建国", "张三丰", "13912345678", "2345678", "199001011234", "6222021234567890123"):
        assert secret not in masked, secret
    assert "焊工王*" in masked and "安全员李**" in masked and "张**" in masked and "139****5678" in masked
    assert "焊工王某" in masked  # already anonymous: left alone
    assert "特种作业操作证" in masked and "焊工1名未取得" in publicity.mask_public_text("焊工1名未取得证书")


def test_published_summary_keeps_the_legal_person_and_masks_its_representative():
    text = publicity.public_text(kind=publicity.PENALTY, number="运应急罚〔2026〕1号", party_name="运城某化工有限公司",
                                 party_uscc="91140802MA0K0000XX", legal_representative="王建国", facts=FACTS,
                                 title="特种作业人员无证上岗", basis="依据安全生产法第九十七条第（七）项",
                                 penalty="罚款人民币20000元", authority_name="运城市盐湖区应急管理局",
                                 decided_on=dt.date(2026, 12, 1), names=["李丽"])
    assert text.party_name == "运城某化工有限公司" and text.legal_representative == "王**"
    assert text.title == "行政处罚决定书" and "王强" not in text.violation


def test_outcome_text():
    assert publicity.penalty_text(amount=70000, other_measures="", exemption_label="") == "罚款人民币70000元"
    assert publicity.penalty_text(amount=0, other_measures="", exemption_label="企业自查整改免罚").startswith("不予行政处罚")


TODAY = dt.date(2026, 12, 6)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"ground": ""}, "ground"),
    ({"revoked_on": None}, "revoked_on"),
    ({"revoked_on": dt.date(2026, 11, 1)}, "revoked_on"),  # before the decision
    ({"revoked_on": TODAY + dt.timedelta(days=1)}, "revoked_on"),
    ({"reason": "撤销"}, "reason"),
])
def test_article_48_2_withdrawal_names_ground_date_and_public_reason(kwargs, field):
    args = dict(state=publicity.PUBLISHED, ground="revoked", reason="经行政复议，运城市盐湖区人民政府撤销该决定",
                revoked_on=dt.date(2026, 12, 4), decided_on=dt.date(2026, 11, 20), today=TODAY)
    args.update(kwargs)
    with pytest.raises(DomainError) as refused:
        publicity.check_withdrawal(**args)
    assert refused.value.field == field


def test_article_48_2_withdrawal_within_three_days():
    assert publicity.withdraw_due(dt.date(2026, 12, 4), 3) == dt.date(2026, 12, 7)
    with pytest.raises(DomainError, match="已撤回"):
        publicity.check_withdrawal(state=publicity.WITHDRAWN, ground="revoked", reason="复议撤销该决定",
                                   revoked_on=dt.date(2026, 12, 4), decided_on=dt.date(2026, 11, 20), today=TODAY)
