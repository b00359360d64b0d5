"""Tables every area shares: regions, rules as data, the working-day calendar, the audit trail, numbering,
process history, attachments, official documents and the in-app inbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Region(models.Model):
    """An administrative division (GB/T 2260). The development zone has an internal code (see docs/domain)."""

    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=40)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    is_internal = models.BooleanField("内部代码", default=False, help_text="无国标代码的功能区使用内部代码")
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = verbose_name
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


# Called after every write of a rule: kernel.rules registers its invalidation here (it imports this module, so this
# module does not import it).
RULES_CHANGED: list[Callable[[], None]] = []


def _rules_changed() -> None:
    for callback in RULES_CHANGED:
        callback()


class RuleParameterQuerySet(models.QuerySet["RuleParameter"]):
    """Every bulk write of rules empties the rules' per-process copies (kernel.rules), as a save does."""

    def update(self, **kwargs: Any) -> int:
        count = super().update(**kwargs)
        _rules_changed()
        return count

    def delete(self) -> tuple[int, dict[str, int]]:
        result = super().delete()
        _rules_changed()
        return result

    def bulk_create(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        created = super().bulk_create(*args, **kwargs)
        _rules_changed()
        return created

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        count = super().bulk_update(*args, **kwargs)
        _rules_changed()
        return count


class RuleParameter(models.Model):
    """A rule as data: a time limit, validity, threshold or switch, with its legal source and effective date.

    Values are looked up with `bureau.kernel.rules.rule(key, on=date)`: the row with the latest
    effective date not after `on` wins, so a changed rule never rewrites the past.
    """

    key = models.CharField("规则键", max_length=80)
    value = models.JSONField("取值")
    unit = models.CharField("单位", max_length=20, blank=True)
    description = models.CharField("说明", max_length=200)
    source = models.CharField("依据", max_length=200)
    effective_from = models.DateField("生效日期")
    updated_at = models.DateTimeField(auto_now=True)

    objects = RuleParameterQuerySet.as_manager()

    class Meta:
        verbose_name = "规则参数"
        verbose_name_plural = verbose_name
        ordering = ["key", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["key", "effective_from"], name="uniq_rule_key_effective")]

    def __str__(self) -> str:
        return f"{self.key}={self.value} ({self.effective_from})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        _rules_changed()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        result = super().delete(*args, **kwargs)
        _rules_changed()
        return result


class CalendarYear(models.Model):
    """A year of the State Council's holiday arrangement as maintained by an administrator.

    Years known to the `chinesecalendar` package need no row. For a later year, the administrator enters the
    published holidays and make-up working days (CalendarDay rows) and marks the year published; until then the
    clock computes provisional dates from weekends and the statutory holidays and says so.
    """

    year = models.PositiveSmallIntegerField("年度", primary_key=True)
    published = models.BooleanField("已发布", default=False)
    source = models.CharField("依据", max_length=200, blank=True, help_text="如：国务院办公厅关于2027年部分节假日安排的通知")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "工作日历年度"
        verbose_name_plural = verbose_name
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDay(models.Model):
    """An administrator-entered exception: a holiday on a weekday, or a make-up working day (调休) on a weekend."""

    date = models.DateField("日期", primary_key=True)
    is_working_day = models.BooleanField("是否工作日")
    name = models.CharField("名称", max_length=40, blank=True)

    class Meta:
        verbose_name = "工作日历调整"
        verbose_name_plural = verbose_name
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_working_day else '休息'} {self.name}"


class AuditHead(models.Model):
    """The single row that serialises appends to the audit chain (locked in each writing transaction)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)


class AuditEntry(models.Model):
    """Append-only audit trail; each entry's HMAC-SM3 covers its content and the previous entry's hash.

    等保 2.0 (GB/T 22239-2019) 8.1.4.3: date, user, event, result; protected against alteration; kept ≥ 6 months.
    """

    seq = models.BigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间", db_index=True)
    # No database constraint and no cascade: deleting a user must not UPDATE the append-only table (on PostgreSQL a
    # trigger refuses that); the name is kept in actor_name.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+",
        db_index=False, db_constraint=False,
    )
    actor_name = models.CharField("操作人", max_length=80)
    action = models.CharField("事件", max_length=80)
    result = models.CharField("结果", max_length=20, default="成功")
    object_type = models.CharField("对象类型", max_length=60, blank=True)
    object_id = models.CharField("对象", max_length=64, blank=True)
    summary = models.CharField("摘要", max_length=300, blank=True)
    data = models.JSONField("详情", default=dict, blank=True)
    ip = models.CharField("来源地址", max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # which audit key made `hash` (HMAC-SM3); keys rotate, old ids stay verifiable with the retired keys
    key_id = models.CharField(max_length=16, default="")

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = verbose_name
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["actor", "-seq"], name="audit_actor_seq"),
            models.Index(fields=["action", "-seq"], name="audit_action_seq"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class Counter(models.Model):
    """Counter row for human-readable numbers per kind and year (locked in the transaction that uses it)."""

    kind = models.CharField(max_length=100)  # the kind, and "@" + the scope (numbering.counter_key)
    year = models.PositiveSmallIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="uniq_counter_kind_year")]


class ProcessHistory(models.Model):
    """One applied transition of any process: the timeline shown on every process page."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.BigIntegerField()
    process = GenericForeignKey("content_type", "object_id")
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField("办理人", max_length=80)
    action = models.CharField("动作", max_length=40)
    action_label = models.CharField("动作名称", max_length=60)
    from_state = models.CharField("原状态", max_length=40)
    to_state = models.CharField("新状态", max_length=40)
    note = models.TextField("意见", blank=True)

    class Meta:
        verbose_name = "流程记录"
        verbose_name_plural = verbose_name
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="history_process_at")]


class Attachment(models.Model):
    """A stored file (through the storage API) with its SM3/SHA-256 digest, linked to any record."""

    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE)
    object_id = models.BigIntegerField(null=True, blank=True)
    owner = GenericForeignKey("content_type", "object_id")
    purpose = models.CharField("用途", max_length=60, blank=True)
    file = models.FileField("文件", upload_to="attachments/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    content_type_header = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = verbose_name
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_owner")]

    def __str__(self) -> str:
        return self.original_name


class Document(models.Model):
    """An official document (notice, 执法文书, certificate) rendered to PDF, stored with its digest."""

    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE)
    object_id = models.BigIntegerField(null=True, blank=True)
    owner = GenericForeignKey("content_type", "object_id")
    kind = models.CharField("文书种类", max_length=60)
    title = models.CharField("标题", max_length=200)
    number = models.CharField("文号", max_length=80, blank=True)
    file = models.FileField(upload_to="documents/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    sort = models.PositiveSmallIntegerField("卷内顺序", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "文书"
        verbose_name_plural = verbose_name
        ordering = ["sort", "created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="document_owner")]

    def __str__(self) -> str:
        return self.title


class Notification(models.Model):
    """The in-app inbox (站内消息); email and SMS go out through adapters alongside."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = verbose_name
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox")]


class OutboundMessage(models.Model):
    """A log of every SMS/email sent through an adapter (numbers stored masked)."""

    channel = models.CharField(max_length=10)
    to_masked = models.CharField(max_length=120)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    status = models.CharField(max_length=20, default="sent")
    provider_ref = models.CharField(max_length=80, blank=True)
    # the client message id given to the gateway (e.g. "reminder:123"); blank for one-off messages
    idempotency_key = models.CharField(max_length=80, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)


class Timeline(models.Model):
    """Abstract base of every record a workflow drives: its timeline (ProcessHistory), documents and attachments.
    `version` makes concurrent transitions safe: the state change is a conditional UPDATE on (id, version), so of
    two officers acting at once exactly one wins and the other gets a conflict error. A record with an older
    `status` column uses this base and a workflow with `state_field="status"`."""

    version = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def history(self) -> models.QuerySet[ProcessHistory]:
        ct = ContentType.objects.get_for_model(type(self))
        return ProcessHistory.objects.filter(content_type=ct, object_id=self.pk).select_related("actor")

    def documents(self) -> models.QuerySet[Document]:
        ct = ContentType.objects.get_for_model(type(self))
        return Document.objects.filter(content_type=ct, object_id=self.pk)

    def attachments(self) -> models.QuerySet[Attachment]:
        ct = ContentType.objects.get_for_model(type(self))
        return Attachment.objects.filter(content_type=ct, object_id=self.pk)


class ProcessModel(Timeline):
    """Abstract base for processes driven by a declared workflow (bureau.kernel.workflow) on their `state`."""

    state = models.CharField("状态", max_length=40, db_index=True)

    class Meta:
        abstract = True


class DemoLoad(models.Model):
    """Which demo data sets are loaded, so `make run` twice reuses what exists."""

    name = models.CharField(max_length=60, unique=True)
    loaded_at = models.DateTimeField(auto_now_add=True)


class ThrottleCounter(models.Model):
    """A failure counter shared by all processes (sign-in, one-time codes, public look-ups): kernel.throttle.

    Times are epoch seconds: the same arithmetic in SQL on PostgreSQL and SQLite.
    """

    key = models.CharField(max_length=200, primary_key=True)
    count = models.IntegerField(default=0)
    window_ends = models.FloatField()
    blocked_until = models.FloatField(default=0)

    class Meta:
        verbose_name = "失败计数"
        verbose_name_plural = verbose_name


class WorkerHeartbeat(models.Model):
    """The last sign of life of a job worker or the scheduler (kernel.jobs): a task claimed by a worker that stopped
    beating is put back in the queue, and /healthz reports a late or missing worker as degraded."""

    worker_id = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=20)  # worker | scheduler
    hostname = models.CharField(max_length=100, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "后台进程心跳"
        verbose_name_plural = verbose_name


class StagedUpload(models.Model):
    """A file that passed its own checks on a form the server refused: kept for the same user (or anonymous
    session) so the re-rendered form shows it and a resubmission without a new file uses it (kernel/staging.py).
    Claimed once, in the transaction that saves the record; expired rows are deleted by the housekeeping job."""

    owner_key = models.CharField("所属用户或会话", max_length=80, db_index=True)
    token = models.CharField(max_length=43, unique=True)
    field = models.CharField("表单字段", max_length=80)
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveBigIntegerField()
    file = models.FileField(upload_to="staged/%Y/%m/")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "暂存的上传文件"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.original_name
