"""Pure rules of exam registration and results (no database). The numbers come from data: the capacity is on the
plan; the full marks, the pass mark and the number of make-up exams are RuleParameter rows (training.hooks)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal


def registration_open(*, status: str, closes: dt.date, today: dt.date) -> str | None:
    """None when a candidate may register today, otherwise the refusal."""
    if status != "open":
        return "该考试计划已停止报名"
    if today > closes:
        return f"报名已于 {closes:%Y-%m-%d} 截止"
    return None


def registration_outcome(registered: int, capacity: int) -> str:
    """A new registration is confirmed while seats remain, otherwise it joins the waiting list."""
    return "registered" if registered < capacity else "waitlisted"


def score_refusal(score: Decimal, full_marks: int) -> str | None:
    """A score lies between 0 and the full marks (安全生产资格考试与证书管理暂行办法 第九条: 满分100分)."""
    if score < 0 or score > full_marks:
        return f"成绩应为0—{full_marks}的数字"
    return None


def exam_passed(score: float, pass_mark: float) -> bool:
    """安全生产培训管理办法 / 特种作业人员安全技术培训考核管理规定 第15条: 百分制, 80 分及格 (pass mark as data)."""
    return score >= pass_mark


def failed_text(makeup_exams: int) -> str:
    """What a failed candidate may do (特种作业人员安全技术培训考核管理规定 第十三条: 不及格的允许补考1次，
    补考仍不及格的重新参加培训)."""
    if makeup_exams <= 0:
        return "不合格，须重新参加培训后报考"
    return f"不合格，可按规定补考 {makeup_exams} 次"


def ticket_number(plan_id: int, seq: int, year: int) -> str:
    """准考证号: year, plan and sequence, e.g. 2026-0012-0034."""
    return f"{year}{plan_id:04d}{seq:04d}"


# ---------------------------------------------------------------- 资格初审 (eligibility), pure

EDUCATION_ORDER = ("primary", "junior", "senior", "college", "bachelor")
EDUCATION_LABELS = {"primary": "小学", "junior": "初中", "senior": "高中或相当于高中", "college": "大专",
                    "bachelor": "本科"}


def age_on(birth: dt.date, day: dt.date) -> int:
    """Full years of age on `day` (周岁)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def eligibility_refusals(*, birth: dt.date, on: dt.date, education: str, employer_industry: str | None,
                         min_age: int | None, max_age: int | None, min_education: str, employer_required: bool,
                         employer_industries: list[str], industry_labels: dict[str, str]) -> list[str]:
    """Every condition of the rule row the candidate does not meet (empty: eligible), in Chinese.

    特种作业人员安全技术培训考核管理规定 第4条: 年满18周岁且不超过国家法定退休年龄；初中及以上文化程度（危险化学品
    特种作业：高中或者相当于高中及以上）. 安全生产法 第27条、生产经营单位安全培训规定 第6条: 主要负责人和安全生产管理
    人员的考核与其所在生产经营单位的行业相适应 (a 煤矿企业主要负责人 works for a coal mine)."""
    problems: list[str] = []
    age = age_on(birth, on)
    if min_age is not None and age < min_age:
        problems.append(f"报考年龄须年满{min_age}周岁（按身份证号计算为{age}周岁）")
    if max_age is not None and age > max_age:
        problems.append(f"报考年龄不得超过{max_age}周岁（按身份证号计算为{age}周岁）")
    if min_education:
        if education not in EDUCATION_ORDER:
            problems.append("请填写文化程度")
        elif EDUCATION_ORDER.index(education) < EDUCATION_ORDER.index(min_education):
            problems.append(f"文化程度须为{EDUCATION_LABELS[min_education]}及以上")
    if (employer_required or employer_industries) and employer_industry is None:
        problems.append("须填写在企业名录中登记的工作单位（统一社会信用代码）")
    elif employer_industries and employer_industry not in employer_industries:
        wanted = "、".join(industry_labels.get(code, code) for code in employer_industries)
        problems.append(f"该考试只接受{wanted}企业的人员报名，所填工作单位不属于该行业")
    return problems


# a person's name as on the 居民身份证: Chinese characters, possibly with the middle dot of minority names
_NAME_RE = re.compile(r"^[\u4e00-\u9fff]{1,15}(?:[·•][\u4e00-\u9fff]{1,15})*$")


def person_name_refusal(name: str) -> str | None:
    """A registrant's name must be the name on the ID card (no account labels such as 「个人 谢春燕」): it is
    printed on the 准考证 and the certificate (特种作业人员安全技术培训考核管理规定 第17条: 证书载明持证人姓名)."""
    text = (name or "").strip()
    if not text:
        return "请填写姓名"
    if not (2 <= len(text) <= 30) or not _NAME_RE.match(text):
        return "姓名须与居民身份证上的姓名一致（仅汉字，少数民族姓名可含「·」），不含空格或称谓"
    return None


# ---------------------------------------------------------------- dates of results and certificates

def exam_held_refusal(exam_date: dt.date, today: dt.date) -> str | None:
    """A result exists only from the exam day on (the outcome of the exam sat on that date)."""
    if today < exam_date:
        return f"考试日期为 {exam_date:%Y-%m-%d}，考试举行前不能录入成绩"
    return None


def certificate_date_refusal(issued_on: dt.date, today: dt.date) -> str | None:
    """No certificate is dated after the day it is issued (发证日期不得晚于当日)."""
    if issued_on > today:
        return f"发证日期 {issued_on:%Y-%m-%d} 晚于今天，不能发证"
    return None


NOTICE_RE = re.compile(r"^\S{1,12}〔\d{4}〕\d{1,4}号$")


def notice_number_refusal(text: str) -> str | None:
    """The provincial notice number of a province-run exam, complete: e.g. 晋应急培〔2026〕12号 (measures I.8, I.9)."""
    value = (text or "").strip()
    if not value:
        return "该工种由省应急管理厅组织考试，请填写省厅通知文号"
    if not NOTICE_RE.match(value):
        return "通知文号格式应为「机关代字〔年份〕序号号」，如 晋应急培〔2026〕12号"
    return None


# ---------------------------------------------------------------- 复审 / 延期换证 applications

def training_hours_refusal(hours: Decimal, required: Decimal) -> str | None:
    """特种作业人员安全技术培训考核管理规定 第23条: 复审前安全培训不少于8个学时; 生产经营单位安全培训规定 第9条:
    主要负责人和安全生产管理人员每年再培训不少于12学时（高危行业16学时）. The required hours are data."""
    if hours < required:
        return f"培训学时不足：须不少于 {required} 学时，申报 {hours} 学时"
    return None


def overdue_days(due: dt.date | None, today: dt.date) -> int:
    """Days past the date by which the holder had to apply (0: not overdue)."""
    return max(0, (today - due).days) if due else 0
