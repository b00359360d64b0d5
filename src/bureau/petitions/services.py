"""Every state change of a petition. Refusals are DomainErrors raised before anything is written."""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import FloatField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from PIL import Image

from bureau.accounts import roles as R
from bureau.accounts.models import Organisation, OrganisationKind, User
from bureau.feedback import rules as rating_rules
from bureau.feedback.services import followups_settle, rating_submit
from bureau.kernel import throttle
from bureau.kernel.attachments import attachments_by_owner, check_upload, save_upload
from bureau.kernel.audit import audit
from bureau.kernel.calendar import add_working_days
from bureau.kernel.crypto import blind_index
from bureau.kernel.errors import Conflict, DomainError, NotFound
from bureau.kernel.models import Region
from bureau.kernel.notifications import notify
from bureau.kernel.numbering import next_number
from bureau.kernel.rules import rule
from bureau.kernel.sms import send_sms
from bureau.kernel.throttle import Keyed
from bureau.kernel.validation import check_event_date
from bureau.kernel.workflow import apply_transition, check_transition, record_history
from bureau.petitions import outbox, rules
from bureau.petitions.models import Channel, HandlingLimit, Petition, PetitionCategory, RoutingRule, Urgency
from bureau.petitions.workflow import PETITION

MAX_CONTENT = 3000
LOOKUP_CACHE_SECONDS = 30  # bound on staleness where the cache is per process (locmem); Redis is invalidated at once


def _apply(petition: Petition, action: str, **kwargs: Any) -> Any:
    """apply_transition on the petition workflow, then forget the cached public lookup of the ticket.

    Someone acted: the escalation clock restarts (the next one comes only when the new state's deadline passes).
    A ticket of the 12345 platform gets its outbox row in the same transaction (two-way 12345)."""
    kwargs["updates"] = {"last_escalated_at": None, **(kwargs.get("updates") or {})}
    with transaction.atomic():
        entry = apply_transition(PETITION, petition, action, **kwargs)
        if petition.hotline_ref:
            outbox.enqueue(petition, entry)
    key = _lookup_key(petition.number)
    transaction.on_commit(lambda: cache.delete(key))
    return entry


def _lookup_key(number: str) -> str:
    return f"petitions:lookup:{number}"


def _clean(text: str, field: str, label: str, *, required: bool = True, max_len: int = 100) -> str:
    value = (text or "").replace("\x00", "").strip()
    if required and not value:
        raise DomainError(f"请填写{label}", field=field)
    if len(value) > max_len:
        raise DomainError(f"{label}不超过{max_len}字", field=field)
    return value


def handling_limit(category: PetitionCategory, urgency: str, on: dt.date) -> tuple[int, str]:
    """(amount, unit) for a ticket: a HandlingLimit row for its category or all categories, else the rule
    parameter defaults (domain §7: urgent 24 h, general 5 working days, complex 15)."""
    base = HandlingLimit.objects.filter(urgency=urgency, effective_from__lte=on).order_by("-effective_from")
    row = base.filter(category=category).first() or base.filter(category__isnull=True).first()
    if row is not None:
        return row.amount, row.unit
    if urgency == Urgency.URGENT:
        return int(rule("petitions.urgent_hours", on)), "hours"
    key = "petitions.complex_working_days" if urgency == Urgency.COMPLEX else "petitions.normal_working_days"
    return int(rule(key, on)), "working_days"


def petition_submit(*, actor: User | AnonymousUser | None, channel: str, category: PetitionCategory, title: str, content: str,
                    region_id: str, urgency: str = Urgency.NORMAL, petitioner_name: str = "",
                    petitioner_phone: str = "", enterprise_name: str = "", real_name: bool = True,
                    hotline_ref: str | None = None, received_at: dt.datetime | None = None,
                    hotline_client: User | None = None, photos: Sequence[UploadedFile] = (),
                    location_address: str = "", latitude: float | None = None,
                    longitude: float | None = None) -> tuple[Petition, str]:
    """受理: register a ticket and return it with its check code (shown once; only its digest is stored).

    Photos and the location come from the mailbox (checked before anything is written); `hotline_client` is the
    12345 platform account that pushed the ticket (only its tokens read it back)."""
    if channel not in Channel.values:
        raise DomainError("来源渠道无效")
    if urgency not in Urgency.values:
        raise DomainError("紧急程度无效", field="urgency")
    title = _clean(title, "title", "标题", max_len=100)
    content = _clean(content, "content", "诉求内容", max_len=MAX_CONTENT)
    petitioner_name = _clean(petitioner_name, "petitioner_name", "姓名", required=real_name, max_len=40)
    phone = (petitioner_phone or "").strip()
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
        raise DomainError("联系电话格式不正确", field="petitioner_phone")
    if real_name and not phone:
        raise DomainError("实名反映请填写联系电话，以便答复和回访", field="petitioner_phone")
    if not Region.objects.filter(code=region_id).exists():
        raise DomainError("请选择所在区划", field="region")
    if not category.is_active:
        raise DomainError("该诉求类别已停用", field="category")
    location_address = _clean(location_address, "location_address", "事发地点", required=False, max_len=200)
    refusal = rules.check_coordinates(latitude, longitude)
    if refusal:
        raise DomainError(refusal, field="location_address")
    check_photos(photos)
    if hotline_ref and Petition.objects.filter(hotline_ref=hotline_ref).exists():
        raise Conflict(f"12345工单 {hotline_ref} 已导入", code="duplicate_ref")
    now = timezone.now()
    received = received_at or now
    if timezone.is_naive(received):
        received = timezone.make_aware(received)
    check_event_date(received, field="received_at", label="受理时间")
    dispatch_due = received + dt.timedelta(hours=int(rule("petitions.dispatch_hours")))  # counted from receipt
    amount, unit = handling_limit(category, urgency, timezone.localdate(received))
    due, provisional = rules.due_after(received, amount, unit)
    code = rules.new_check_code()
    user = actor if actor is not None and actor.is_authenticated else None  # a visitor's mailbox letter: nobody
    with transaction.atomic():
        number = next_number("petition", timezone.localdate(now).year, prefix="SQ")  # the registration year
        petition = Petition.objects.create(
            number=number, check_digest=Petition.digest(number, code), channel=channel, hotline_ref=hotline_ref or None,
            category=category, urgency=urgency, title=title, content=content, region_id=region_id,
            enterprise_name=_clean(enterprise_name, "enterprise_name", "涉及单位", required=False, max_len=120),
            petitioner_name=petitioner_name, petitioner_phone=phone, phone_index=blind_index(phone) if phone else "",
            real_name=real_name, submitted_by=user,
            received_at=received, due_at=due, due_provisional=provisional, state="received",
            hotline_client=hotline_client, dispatch_due_at=dispatch_due, location_address=location_address,
            latitude=_coordinate(latitude), longitude=_coordinate(longitude),
        )
        for photo in photos:
            save_upload(photo, owner=petition, purpose=PHOTO_PURPOSE, actor=user, allowed=PHOTO_TYPES,
                        max_bytes=_photo_max_bytes())
        record_history(petition, actor=user, action="receive", label="受理",
                       note=f"{Channel(channel).label}，办理时限 {amount}{'小时' if unit == 'hours' else '个工作日'}")
        audit(actor, "petition.receive", petition, summary=f"受理诉求 {number}",
              data={"channel": channel, "photos": len(photos), "located": latitude is not None})
    return petition, code


PHOTO_TYPES = frozenset({"jpg", "jpeg", "png"})
PHOTO_PURPOSE = "petition_photo"
MAX_PHOTO_PIXELS = 50_000_000  # a decompression bomb is refused before it is decoded


def _photo_max_bytes() -> int:
    return int(rule("petitions.photo_max_mb")) * 1024 * 1024


def _coordinate(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(float(value), 6)))


def check_photos(photos: Sequence[UploadedFile]) -> None:
    """局长信箱 photos: at most the configured number, each a JPEG/PNG within the size limit (by content) that
    really decodes as an image (rule data petitions.photo_max_count / photo_max_mb)."""
    limit = int(rule("petitions.photo_max_count"))
    if len(photos) > limit:
        raise DomainError(f"最多上传 {limit} 张照片", field="photos")
    for photo in photos:
        try:
            check_upload(photo, allowed=PHOTO_TYPES, max_bytes=_photo_max_bytes())
        except DomainError as exc:
            raise DomainError(exc.message, field="photos") from None
        try:
            photo.seek(0)
            with Image.open(photo) as image:
                if image.width * image.height > MAX_PHOTO_PIXELS:
                    raise DomainError(f"照片「{photo.name}」像素过大，请压缩后上传", field="photos")
                image.verify()
        except DomainError:
            raise
        except Exception:  # noqa: BLE001 - any decoder error means "not a usable image"
            raise DomainError(f"照片「{photo.name}」已损坏或不是图片", field="photos") from None
        finally:
            photo.seek(0)


def photos_of(petition: Petition) -> list[Any]:
    """The photos the citizen attached (shown to staff only; downloaded through the scoped attachment view)."""
    return attachments_by_owner([petition], PHOTO_PURPOSE).get(petition.pk, [])


def route(petition: Petition) -> tuple[Organisation, RoutingRule | None]:
    """派单规则 (data, by order): the first matching rule decides; without a match the ticket goes to the bureau of
    its region (信访工作条例 第4条：属地管理、分级负责)."""
    text = f"{petition.title} {petition.content} {petition.enterprise_name}"
    for r in RoutingRule.objects.filter(is_active=True).select_related("target").order_by("order", "id"):
        if not rules.matches(r.category_id, r.region_id, r.keywords, category_id=petition.category_id,
                             region_id=petition.region_id, text=text):
            continue
        target = _region_bureau(petition.region_id) if r.to_region_bureau else r.target
        if target is not None and target.is_active:
            return target, r
    target = _region_bureau(petition.region_id)
    if target is None:
        raise DomainError("没有匹配的派单规则，也没有该区划的应急管理局，请手动选择承办单位")
    return target, None


def _region_bureau(region_id: str) -> Organisation | None:
    return (Organisation.objects.filter(region_id=region_id, is_active=True,
                                        kind__in=[OrganisationKind.COUNTY_BUREAU, OrganisationKind.ZONE,
                                                  OrganisationKind.CITY_BUREAU])
            .order_by("sort", "id").first())


def dispatch_targets() -> list[Organisation]:
    return list(Organisation.objects.filter(is_active=True, kind__in=[
        OrganisationKind.SECTION, OrganisationKind.COUNTY_BUREAU, OrganisationKind.ZONE]).order_by("sort", "code"))


def _may(actor: User | None, petition: Petition, action: str) -> None:
    """The declared action's refusal (absent record, state, role, preconditions) before the form is read."""
    if actor is not None:
        check_transition(PETITION, petition, action, actor)


def petition_dispatch(*, actor: User, petition: Petition, target: Organisation | None = None,
                      note: str = "") -> Petition:
    """派单: to the chosen unit, or by the routing rules."""
    _may(actor, petition, "dispatch")
    rule_row = None
    if target is None:
        target, rule_row = route(petition)
    if target.kind not in {OrganisationKind.SECTION, OrganisationKind.COUNTY_BUREAU, OrganisationKind.ZONE,
                           OrganisationKind.CITY_BUREAU}:
        raise DomainError("只能派往市局科室或县级应急管理局", field="target")
    if petition.state == "returned" and target.pk == petition.assigned_org_id:
        raise DomainError("该单位已退回此诉求，请改派其他单位", field="target")
    today = timezone.localdate()
    window = add_working_days(today, int(rule("petitions.return_window_working_days", today)))
    label = f"派往{target.name}" + (f"（规则：{rule_row.name}）" if rule_row else "")
    _apply(petition, "dispatch", actor=actor, note=(note or label),
                     updates={"assigned_org": target, "routing_rule": rule_row, "dispatched_at": timezone.now(),
                              "return_until": window.date, "accept_due_at": timezone.now() + dt.timedelta(
                                  hours=int(rule("petitions.accept_hours", today)))},
                     audit_data={"target": target.code})
    notify(_org_staff(target), f"新派单诉求 {petition.number}", petition.title, url=f"/petitions/{petition.pk}/")
    return petition


def _org_staff(org: Organisation | None, roles: tuple[str, ...] = (R.SECTION_HEAD, R.LEADER, R.CLERK, R.INSPECTOR,
                                                                   R.LICENSING_OFFICER)) -> list[User]:
    if org is None:
        return []
    return list(User.objects.filter(organisation=org, is_active=True, roles__code__in=roles).distinct()[:30])


def petition_return(*, actor: User, petition: Petition, reason: str) -> Petition:
    """退回: the unit says it is not its duty, within the return window after dispatch."""
    _may(actor, petition, "return")
    reason = _clean(reason, "reason", "退回理由", max_len=500)
    _apply(petition, "return", actor=actor, note=reason, updates={
        "dispatch_due_at": timezone.now() + dt.timedelta(hours=int(rule("petitions.dispatch_hours")))})
    dispatchers = User.objects.filter(is_active=True, roles__code=R.CLERK, organisation__kind__in=[
        OrganisationKind.SECTION, OrganisationKind.CITY_BUREAU]).distinct()[:20]
    notify(dispatchers, f"诉求 {petition.number} 被退回，请改派", reason, url=f"/petitions/{petition.pk}/")
    return petition


def petition_accept(*, actor: User, petition: Petition) -> Petition:
    _may(actor, petition, "accept")
    _apply(petition, "accept", actor=actor, updates={"return_until": None})
    return petition


def petition_reply(*, actor: User, petition: Petition, reply: str) -> Petition:
    """答复: the reply to the petitioner; whether it was on time is recorded for the indicators."""
    _may(actor, petition, "reply")
    reply = _clean(reply, "reply", "答复内容", max_len=MAX_CONTENT)
    now = timezone.now()
    on_time = petition.due_at is None or now <= petition.due_at
    _apply(petition, "reply", actor=actor, note=reply,
                     updates={"reply": reply, "replied_at": now, "replied_on_time": on_time})
    _sms_petitioner(petition, f"您反映的诉求 {petition.number} 已答复，请凭编号和查询码在门户查看并评价。")
    return petition


def petition_supervise(*, actor: User | None, petition: Petition, note: str) -> Petition:
    """督办: a leader (or the overdue sweep) presses the unit; the unit is notified."""
    _may(actor, petition, "supervise")
    note = _clean(note, "note", "督办意见", max_len=500)
    _apply(petition, "supervise", actor=actor, note=note,  # a leader's 督办 counts as an escalation (clock restarts)
           updates={"supervised_count": petition.supervised_count + 1, "last_escalated_at": timezone.now()})
    notify(_org_staff(petition.assigned_org), f"督办：诉求 {petition.number}", note, url=f"/petitions/{petition.pk}/")
    return petition


def petition_close(*, actor: User, petition: Petition, note: str = "") -> Petition:
    """办结; a reopened ticket closing again settles the follow-up its bad rating opened (the rectification
    was the second handling: 好差评 差评整改 closes with the ticket, domain §7)."""
    _may(actor, petition, "close")
    with transaction.atomic():
        _apply(petition, "close", actor=actor, note=note or "办结", updates={"closed_at": timezone.now()})
        if petition.reopen_count:
            followups_settle(service_type="petitions.petition", service_id=str(petition.pk),
                             result=f"诉求 {petition.number} 已重新办理并答复办结：{petition.reply[:200]}")
    return petition


def petition_send_back(*, actor: User, petition: Petition, reason: str) -> Petition:
    """退回重办: the dispatcher finds the reply inadequate and sends it back to the unit with the reason (信访工作条例
    （2022）第五章「信访事项的办理」: the reply must answer the request); the reply is withdrawn and the handling deadline stands."""
    _may(actor, petition, "send_back")
    reason = _clean(reason, "reason", "退回重办理由", max_len=500)
    _apply(petition, "send_back", actor=actor, note=reason,
           updates={"reply": "", "replied_at": None, "replied_on_time": None})
    notify(_org_staff(petition.assigned_org), f"诉求 {petition.number} 答复被退回重办", reason,
           url=f"/petitions/{petition.pk}/")
    return petition


def petition_visit(*, actor: User, petition: Petition, note: str, level: int | None = None) -> Petition:
    """回访: the clerk calls the petitioner back; a rating given on the phone is recorded at once."""
    _may(actor, petition, "visit")
    note = _clean(note, "note", "回访情况", max_len=500)
    _apply(petition, "visit", actor=actor, note=note)
    if level:
        petition_rate(actor=actor, petition=petition, level=level, comment=note, channel="phone")
    return petition


def petition_rate(*, actor: User | AnonymousUser | None, petition: Petition, level: int, comment: str = "", channel: str = "web",
                  reasons: list[str] | None = None) -> Petition:
    """评价: one rating per round; a dissatisfied rating reopens the ticket for follow-up (domain §7). `reasons`:
    the 差评原因 the petitioner chose on the web (None where the channel does not ask: a phone call-back)."""
    level = rating_rules.check_level(level)
    if petition.state not in {"closed", "visited"}:
        raise DomainError("诉求办结后才能评价" if petition.state != "rated" else "该诉求已评价")
    with transaction.atomic():
        rating_submit(actor=actor, service_type="petitions.petition", service_id=str(petition.pk),
                      service_label=f"诉求 {petition.number} {petition.title}", level=level, comment=comment,
                      region_id=petition.region_id, organisation=petition.assigned_org, real_name=petition.real_name,
                      rater_name=petition.petitioner_name, rater_phone=petition.petitioner_phone,
                      round=petition.reopen_count + 1, channel=channel, reasons=reasons)
        _apply(petition, "rate", actor=actor, note=comment,
                         updates={"rating_level": level})
        if rating_rules.is_bad(level):
            _reopen(petition, comment)
    return petition


def _reopen(petition: Petition, comment: str) -> None:
    now = timezone.now()
    amount, unit = handling_limit(petition.category, petition.urgency, timezone.localdate(now))
    due, provisional = rules.due_after(now, amount, unit)
    _apply(petition, "reopen", actor=None, note=f"诉求人不满意：{comment}" if comment else "诉求人不满意",
                     updates={"reopen_count": petition.reopen_count + 1, "due_at": due, "due_provisional": provisional,
                              "closed_at": None})
    notify(_org_staff(petition.assigned_org), f"诉求 {petition.number} 评价不满意，已重新办理",
           comment, url=f"/petitions/{petition.pk}/")


def petition_merge(*, actor: User, petition: Petition, into: Petition, note: str = "") -> Petition:
    """合并重复诉求: the duplicate follows the main ticket (its petitioner gets the main ticket's reply)."""
    _may(actor, petition, "merge")
    if actor is not None and not Petition.objects.restrict(actor).filter(pk=into.pk).exists():
        raise NotFound("诉求不存在或不在您的管辖范围内")
    if into.pk == petition.pk:
        raise DomainError("不能与自身合并")
    if into.state in {"merged"} or into.merged_into_id:
        raise DomainError("目标诉求本身已被合并，请合并到主诉求")
    _apply(petition, "merge", actor=actor, note=note or f"合并至 {into.number}",
                     updates={"merged_into": into}, audit_data={"into": into.number})
    return petition


def duplicates_of(petition: Petition, limit: int = 10) -> list[Petition]:
    """Possible duplicates: same caller or same title, still open, within the configured window."""
    days = int(rule("petitions.duplicate_window_days"))
    since = petition.received_at - dt.timedelta(days=days)
    cond = Q(title=petition.title)
    if petition.phone_index:
        cond |= Q(phone_index=petition.phone_index)
    return list(Petition.objects.filter(cond, received_at__gte=since, merged_into__isnull=True)
                .exclude(pk=petition.pk).exclude(state="merged").order_by("received_at")[:limit])


def overdue_sweep(now: dt.datetime | None = None, *, limit: int = 500) -> int:
    """催办/督办 sweep over every open state (国办发〔2020〕53号：限时派单、签收、办结，督办): a ticket past its
    dispatch, sign-for or handling deadline is escalated, and again every `petitions.escalation_repeat_hours` until
    someone acts. Each escalation is claimed by a conditional UPDATE of `last_escalated_at` (two sweeps never
    escalate a ticket twice); a ticket overdue in handling is put under supervision (督办) by the system."""
    now = now or timezone.now()
    repeat = dt.timedelta(hours=int(rule("petitions.escalation_repeat_hours", timezone.localdate(now))))
    quiet = Q(last_escalated_at__isnull=True) | Q(last_escalated_at__lte=now - repeat)
    late = (Q(state__in=["received", "returned"], dispatch_due_at__lte=now)
            | Q(state="dispatched", accept_due_at__lte=now) | Q(state__in=["dispatched", "handling", "reopened",
                                                                          "supervised"], due_at__lte=now))
    rows = (Petition.objects.filter(late, quiet, merged_into__isnull=True).select_related("assigned_org")
            .order_by("due_at", "id")[:limit])
    done = 0
    leaders_of: dict[int | None, list[Any]] = {}  # one lookup per unit, not per ticket
    for petition in rows:
        reason = rules.escalation_due(petition.state, now=now, dispatch_due_at=petition.dispatch_due_at,
                                      accept_due_at=petition.accept_due_at, due_at=petition.due_at,
                                      last_escalated_at=petition.last_escalated_at, repeat=repeat)
        if reason is None:
            continue
        try:
            if _escalate(petition, reason, now):
                done += 1
        except (Conflict, DomainError):
            continue  # changed meanwhile: the next sweep sees it again
        if petition.assigned_org_id not in leaders_of:
            leaders_of[petition.assigned_org_id] = list(_org_staff(
                petition.assigned_org.bureau if petition.assigned_org else _dispatch_bureau(), (R.LEADER,)))
        notify(leaders_of[petition.assigned_org_id], f"超期诉求 {petition.number}：{reason}", petition.title,
               url=f"/petitions/{petition.pk}/")
    return done


def _dispatch_bureau() -> Organisation | None:
    return Organisation.objects.filter(kind=OrganisationKind.CITY_BUREAU, is_active=True).order_by("sort", "id").first()


def _escalate(petition: Petition, reason: str, now: dt.datetime) -> bool:
    """One escalation, exactly once: the claim is the conditional UPDATE of `last_escalated_at` (from the value the
    sweep read), in the transaction of the timeline entry and the notices."""
    count = petition.supervised_count + 1
    with transaction.atomic():
        claimed = Petition.objects.filter(pk=petition.pk, state=petition.state, version=petition.version,
                                          last_escalated_at=petition.last_escalated_at
                                          ).update(last_escalated_at=now, supervised_count=count)
        if not claimed:
            return False
        petition.last_escalated_at, petition.supervised_count = now, count
        note = f"{reason}，系统第 {count} 次催办"
        if petition.state in {"handling", "reopened", "dispatched"} and petition.due_at and petition.due_at <= now:
            _apply(petition, "supervise", actor=None, note=note, updates={"last_escalated_at": now})
        else:
            record_history(petition, actor=None, action="escalate", label="系统催办", note=note)
            audit(None, "petition.escalate", petition, summary=f"催办诉求 {petition.number}：{reason}",
                  data={"reason": reason, "count": count})
        if petition.state in {"received", "returned"}:
            recipients = list(User.objects.filter(is_active=True, roles__code=R.CLERK, organisation__kind__in=[
                OrganisationKind.SECTION, OrganisationKind.CITY_BUREAU]).distinct()[:20])
        else:
            recipients = _org_staff(petition.assigned_org)
        notify(recipients, f"催办：诉求 {petition.number}", note, url=f"/petitions/{petition.pk}/")
    return True


def _sms_petitioner(petition: Petition, text: str) -> None:
    if not petition.petitioner_phone:
        return
    phone = petition.petitioner_phone
    transaction.on_commit(lambda: send_sms(phone, text))


PUBLIC_LOOKUP_FIELDS = ("id", "number", "title", "state", "received_at", "due_at", "content", "reply", "replied_at",
                        "check_digest", "category__name", "assigned_org__name")


def find_for_lookup(number: str, code: str, *, fresh: bool = False,
                    limits: list[Keyed] | None = None) -> dict[str, Any] | None:
    """The public view of a ticket if number and code match; None otherwise (the caller never says which one was
    wrong). The answer is cached per ticket (the HMAC of number + code is checked on every hit) and forgotten on
    every transition, so the lookup page serves repeated queries with one small read.

    With `limits` (the look-up's failure counters) it raises RateLimited when one of them is blocked, before it
    says anything about the ticket: on a cache miss the check rides along in the ticket's own query (one round
    trip less on the public page), otherwise it is its own read."""
    number = (number or "").strip().upper()
    if not number or not code or len(number) > 30 or len(code) > 20:
        if limits:
            throttle.check(limits, LOOKUP_LIMITED)
        return None
    digest = Petition.digest(number, code)
    key = _lookup_key(number)
    data = None if fresh else cache.get(key)
    if data is None:
        # only what the public page shows (no personal data: the phone is never read, so never decrypted)
        query = (Petition.objects.select_related("category", "assigned_org").only(*PUBLIC_LOOKUP_FIELDS)
                 .filter(number=number))
        folded = throttle.folded_check(limits) if limits else None
        if folded is not None:
            query = query.annotate(limits_blocked_until=RawSQL(*folded, output_field=FloatField()))
        petition = query.first()
        if petition is None:
            if limits:
                throttle.check(limits, LOOKUP_LIMITED)
            return None
        if folded is not None:
            throttle.raise_if_blocked(petition.limits_blocked_until, LOOKUP_LIMITED)  # type: ignore[attr-defined]
        elif limits:
            throttle.check(limits, LOOKUP_LIMITED)
        history = [{"action_label": h["action_label"], "at": h["at"]}
                   for h in petition.history().values("action", "action_label", "at") if h["action"] != "merge"]
        data = {"digest": petition.check_digest, "petition": petition, "history": history}
        cache.set(key, data, LOOKUP_CACHE_SECONDS)
    elif limits:
        throttle.check(limits, LOOKUP_LIMITED)
    if not hmac.compare_digest(data["digest"], digest):
        return None
    return data


LOOKUP_LIMITED = "查询过于频繁，请{}后再试"


def recompute_provisional_deadlines() -> int:
    """After an administrator enters a year's holidays: recompute provisional deadlines of open tickets (first
    round; a reopened ticket keeps its date, counted from the reopening)."""
    changed = 0
    rows = Petition.objects.filter(due_provisional=True, state__in=["received", "dispatched", "returned", "handling",
                                                                    "supervised"], reopen_count=0)
    for petition in rows.select_related("category").iterator():
        amount, unit = handling_limit(petition.category, petition.urgency, timezone.localdate(petition.received_at))
        due, provisional = rules.due_after(petition.received_at, amount, unit)
        if due != petition.due_at or provisional != petition.due_provisional:
            Petition.objects.filter(pk=petition.pk).update(due_at=due, due_provisional=provisional)
            changed += 1
    return changed
