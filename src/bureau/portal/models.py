"""The public portal's own records: laws/policies/interpretations (II.10), window consultations and the FAQ grown
from them (III.10). Service ratings (好差评) are the feedback area's (bureau.feedback)."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.db import models

from bureau.accounts.authority import Authority, RestrictedQuerySet

# ---------------------------------------------------------------- laws, policies, interpretations (II.10)


class LawKind(models.TextChoices):
    LAW = "law", "法律"
    REGULATION = "regulation", "行政法规"
    LOCAL = "local", "地方性法规"
    RULE = "rule", "部门规章"
    NORMATIVE = "normative", "规范性文件"
    POLICY = "policy", "政策文件"
    INTERPRETATION = "interpretation", "政策解读"
    STANDARD = "standard", "标准规范"


class LawTopic(models.TextChoices):
    LICENSING = "licensing", "行政许可"
    ENFORCEMENT = "enforcement", "执法检查"
    PENALTY = "penalty", "行政处罚"
    HAZARD = "hazard", "隐患排查"
    TRAINING = "training", "培训考核"
    BUSINESS = "business", "营商环境"
    EMERGENCY = "emergency", "应急救援"


INDUSTRY_CHOICES = [
    ("coal", "煤矿"), ("non_coal_mine", "非煤矿山"), ("hazchem", "危险化学品"), ("metallurgy_trade", "冶金工贸"),
    ("fireworks", "烟花爆竹"), ("gas_station", "加油站"), ("general", "通用"),
]

_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Search text: lower case, whitespace removed (Chinese has no spaces; a query may have some)."""
    return _SPACE.sub("", (text or "")).lower()


class LawDocument(models.Model):
    """A law, regulation, rule, policy or interpretation published on the portal.

    `search_text` holds the normalised title, number and full text (all articles) so that a Chinese query is a
    substring match on one indexed column; it works identically on SQLite and PostgreSQL (see docs/portal.md for
    the pg_trgm index used in production)."""

    kind = models.CharField("类型", max_length=20, choices=LawKind.choices)
    title = models.CharField("标题", max_length=200, db_index=True)
    doc_number = models.CharField("文号", max_length=80, blank=True)
    issuer = models.CharField("发布机关", max_length=100, blank=True)
    issued_on = models.DateField("发布日期", null=True, blank=True)
    effective_on = models.DateField("施行日期", null=True, blank=True)
    is_in_force = models.BooleanField("现行有效", default=True)
    topic = models.CharField("主题", max_length=20, choices=LawTopic.choices, db_index=True)
    industries = models.CharField("适用行业", max_length=200, blank=True,
                                  help_text="行业代码，以逗号分隔，如 ,hazchem,general,")
    summary = models.TextField("摘要", blank=True)
    body = models.TextField("正文", blank=True, help_text="无条文结构的文件（如解读）的正文")
    interprets = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="interpretations", verbose_name="解读的文件")
    is_published = models.BooleanField("已发布", default=True)
    source_url = models.URLField("文本来源", max_length=300, blank=True,
                                 help_text="所载文本、文号和日期核对所用的公开副本地址")
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "法律法规与政策"
        verbose_name_plural = verbose_name
        ordering = ["-issued_on", "id"]
        indexes = [
            models.Index(fields=["is_published", "topic", "-issued_on"], name="law_pub_topic"),
            models.Index(fields=["is_published", "kind", "-issued_on"], name="law_pub_kind"),
        ]

    def __str__(self) -> str:
        return self.title

    def industry_codes(self) -> list[str]:
        return [c for c in self.industries.split(",") if c]

    def industry_labels(self) -> list[str]:
        labels = dict(INDUSTRY_CHOICES)
        return [labels.get(c, c) for c in self.industry_codes()]

    def rebuild_search_text(self) -> None:
        parts = [self.title, self.doc_number, self.issuer, self.summary, self.body]
        if self.pk:
            parts += [f"{a.label}{a.text}" for a in self.articles.all()]
        self.search_text = normalise(" ".join(parts))


class LawArticle(models.Model):
    """One article (条) of a law: its stable address is /portal/laws/<law id>/#art-<number>."""

    law = models.ForeignKey(LawDocument, on_delete=models.CASCADE, related_name="articles")
    number = models.PositiveSmallIntegerField("条号")
    label = models.CharField("条目", max_length=20, help_text="如：第四十二条")
    text = models.TextField("条文")

    class Meta:
        verbose_name = "条文"
        verbose_name_plural = verbose_name
        ordering = ["law", "number"]
        constraints = [models.UniqueConstraint(fields=["law", "number"], name="uniq_law_article")]

    def __str__(self) -> str:
        return f"{self.law.title} {self.label}"


# ---------------------------------------------------------------- window consultations and FAQ (III.10)


class Consultation(models.Model):
    """A consultation at the window (or by phone) with the answer given."""

    authority = Authority(dataset="consultations", label="咨询记录", enterprise=None)

    class Channel(models.TextChoices):
        WINDOW = "window", "窗口"
        PHONE = "phone", "电话"
        ONLINE = "online", "网上"

    channel = models.CharField("方式", max_length=10, choices=Channel.choices, default=Channel.WINDOW)
    topic = models.CharField("主题", max_length=20, choices=LawTopic.choices)
    question = models.TextField("咨询内容")
    answer = models.TextField("答复内容")
    visitor_name = models.CharField("咨询人", max_length=40, blank=True)
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="区划")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    rating_code = models.CharField(max_length=12, editable=False)
    faq = models.ForeignKey("FaqEntry", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="consultations")
    created_at = models.DateTimeField("时间", db_index=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "窗口咨询"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["region", "-created_at"], name="consult_region_at")]


class FaqEntry(models.Model):
    """A frequently asked question with its answer, grown from the window's consultations."""

    topic = models.CharField("主题", max_length=20, choices=LawTopic.choices, db_index=True)
    question = models.CharField("问题", max_length=300)
    answer = models.TextField("答复")
    is_published = models.BooleanField("已发布", default=True)
    asked_count = models.PositiveIntegerField("咨询次数", default=1)
    search_text = models.TextField(editable=False, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "常见问题"
        verbose_name_plural = verbose_name
        ordering = ["-asked_count", "id"]
        indexes = [models.Index(fields=["is_published", "topic"], name="faq_pub_topic")]

    def __str__(self) -> str:
        return self.question

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = normalise(f"{self.question} {self.answer}")
        super().save(*args, **kwargs)
