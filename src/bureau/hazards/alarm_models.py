"""Alarm intake for 工业互联网+危化安全生产 (measure III.5): an enterprise's monitoring system (GDS 可燃/有毒气体检测,
DCS, SIS) reports alarms against its risk points through a signed webhook; an alarm not cleared within the time of
rule `hazards.alarm_clear_minutes` becomes a hazard lead (a Hazard of source 监测报警).

Kept apart from models.py (imported at its end) so that the risk register and the hazard loop stay readable; the
foreign keys name the hazards models by label, so this module does not import models.py (no cycle)."""

from __future__ import annotations

from django.db import models

from bureau.accounts.authority import Authority, RestrictedQuerySet
from bureau.kernel.fields import EncryptedTextField


class AlarmSystem(models.TextChoices):
    GDS = "gds", "可燃/有毒气体检测报警系统（GDS）"
    DCS = "dcs", "集散控制系统（DCS）"
    SIS = "sis", "安全仪表系统（SIS）"
    OTHER = "other", "其他监测系统"


class AlarmSource(models.Model):
    """A monitoring system of an enterprise that may report alarms (接入凭证): a public key id and a secret. The
    secret is shown once when it is issued or rotated and kept SM4-encrypted (the server needs it to check the
    HMAC); rotating it replaces it at once. Only the enterprise manages its own credentials; the county sees them."""

    authority = Authority(dataset="alarms", label="监测系统接入", change=frozenset(), party_changes=True)

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="alarm_sources",
                                   verbose_name="企业")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="区划")
    name = models.CharField("系统名称", max_length=80)
    system = models.CharField("系统类型", max_length=10, choices=AlarmSystem.choices)
    key_id = models.CharField("接入标识", max_length=40, unique=True)
    secret = EncryptedTextField("签名密钥（加密保存）")
    secret_issued_at = models.DateTimeField("密钥签发时间")
    active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField("最近接收时间", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "监测系统接入"
        verbose_name_plural = verbose_name
        ordering = ["enterprise_id", "name", "id"]
        indexes = [models.Index(fields=["region", "enterprise"], name="alarmsource_region_ent")]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_system_display()}）"


class Alarm(models.Model):
    """One alarm reported by a monitoring system against a risk point of the same enterprise: raised, then cleared
    by the system, or — not cleared within `hazards.alarm_clear_minutes` — turned into a hazard lead by the sweep
    (exactly once: `settled` is claimed by a conditional UPDATE). The state is a fact the machine reports, so the
    alarm is not a workflow process; its timeline is its intake log (AlarmEvent)."""

    authority = Authority(dataset="alarms", label="监测报警", change=frozenset())

    class State(models.TextChoices):
        OPEN = "open", "报警中"
        CLEARED = "cleared", "已消除"
        LEAD = "lead", "已转隐患线索"

    class Level(models.TextChoices):
        LOW = "low", "低报"
        HIGH = "high", "高报"
        HIGHHIGH = "highhigh", "高高报"
        FAULT = "fault", "故障"

    source = models.ForeignKey(AlarmSource, on_delete=models.PROTECT, related_name="alarms", verbose_name="监测系统")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="企业")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="区划")
    risk_point = models.ForeignKey("hazards.RiskPoint", on_delete=models.PROTECT, related_name="alarms",
                                   verbose_name="风险点")
    alarm_ref = models.CharField("报警编号（监测系统）", max_length=64)
    tag = models.CharField("测点位号", max_length=64, blank=True)
    level = models.CharField("报警级别", max_length=10, choices=Level.choices)
    value = models.DecimalField("监测值", max_digits=14, decimal_places=4, null=True, blank=True)
    unit = models.CharField("单位", max_length=16, blank=True)
    message = models.CharField("报警内容", max_length=200, blank=True)
    raised_at = models.DateTimeField("报警时间")
    cleared_at = models.DateTimeField("消除时间", null=True, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN)
    # False until the alarm was cleared in time or became a lead: the sweep reads only these rows (partial index)
    settled = models.BooleanField(default=False)
    hazard = models.OneToOneField("hazards.Hazard", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="alarm", verbose_name="隐患线索")
    received_at = models.DateTimeField("接收时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    chip: str  # set on rows shown in lists (the colour of the state's chip)

    class Meta:
        verbose_name = "监测报警"
        verbose_name_plural = verbose_name
        ordering = ["-raised_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["source", "alarm_ref"], name="alarm_unique_ref_per_source")]
        indexes = [
            models.Index(fields=["raised_at"], condition=models.Q(settled=False), name="alarm_unsettled_raised"),
            models.Index(fields=["region", "state", "raised_at"], name="alarm_region_state_raised"),
            models.Index(fields=["enterprise", "raised_at"], name="alarm_enterprise_raised"),
        ]

    def __str__(self) -> str:
        return f"{self.alarm_ref} {self.get_level_display()}"


class AlarmEvent(models.Model):
    """The intake log: one row per accepted message (报警 or 消除), unique per source and event id, with the answer
    given. A message sent again with the same event id answers this stored answer (idempotent): no second alarm,
    no second clearing. The body's digest tells a true retry from a different message reusing the id."""

    class Kind(models.TextChoices):
        RAISE = "raise", "报警"
        CLEAR = "clear", "消除"

    source = models.ForeignKey(AlarmSource, on_delete=models.CASCADE, related_name="events")
    event_id = models.CharField("事件编号", max_length=64)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    alarm = models.ForeignKey(Alarm, null=True, on_delete=models.CASCADE, related_name="events")
    body_digest = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    answer = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "报警接收记录"
        verbose_name_plural = verbose_name
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["source", "event_id"], name="alarmevent_unique_event")]

    def __str__(self) -> str:
        return f"{self.event_id} {self.get_kind_display()}"
