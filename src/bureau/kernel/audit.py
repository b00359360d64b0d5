"""The audit trail: append-only, hash-chained with SM3 (GB/T 32905-2016).

Each entry's hash covers its canonical content and the previous entry's hash, so any edit, insertion or deletion
breaks the chain from that entry on; `manage.py audit_verify` names the first broken entry. Appends are serialised
by locking the single AuditHead row inside the writing transaction, so the chain is linear on PostgreSQL too.
等保 2.0 (GB/T 22239-2019) 8.1.4.3 requires the trail of every user action, protected against alteration.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from bureau.kernel.context import current_ip
from bureau.kernel.crypto import sm3_hex
from bureau.kernel.masking import mask_text
from bureau.kernel.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def _canonical(entry: AuditEntry) -> bytes:
    payload = {
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "actor": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "result": entry.result,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "summary": entry.summary,
        "data": entry.data,
        "ip": entry.ip,
        "prev": entry.prev_hash,
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(entry: AuditEntry) -> str:
    return sm3_hex(_canonical(entry))


def _actor_name(actor: Any) -> str:
    if actor is None:
        return "系统任务"
    name = getattr(actor, "display_name", None) or getattr(actor, "username", "")
    return str(name)[:80]


def audit(
    actor: Any,
    action: str,
    obj: Any = None,
    *,
    summary: str = "",
    data: dict[str, Any] | None = None,
    result: str = "成功",
    object_type: str = "",
    object_id: str = "",
) -> AuditEntry:
    """Append one entry. Call inside the transaction of the change it records (it opens one if none is open)."""
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or str(obj.pk)
    clean_data = json.loads(mask_text(json.dumps(data or {}, ensure_ascii=False, default=str)))
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        entry = AuditEntry(
            seq=head.last_seq + 1,
            at=timezone.now().replace(microsecond=timezone.now().microsecond // 1000 * 1000),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=_actor_name(actor),
            action=action[:80],
            result=result[:20],
            object_type=object_type[:60],
            object_id=str(object_id)[:64],
            summary=mask_text(summary)[:300],
            data=clean_data,
            ip=current_ip.get()[:45],
            prev_hash=head.last_hash,
        )
        entry.hash = compute_hash(entry)
        entry.save(force_insert=True)
        AuditHead.objects.filter(id=1).update(last_seq=entry.seq, last_hash=entry.hash)
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_seq: int | None
    reason: str


def verify_chain(batch: int = 5000) -> ChainReport:
    """Walk the chain in order; report the first entry whose hash, link or sequence is wrong."""
    previous_hash = GENESIS
    expected_seq = 1
    checked = 0
    for entry in _iter_entries(batch):
        if entry.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, f"缺少序号 {expected_seq} 的日志（可能被删除）")
        if entry.prev_hash != previous_hash:
            return ChainReport(False, checked, entry.seq, "与前一条日志的链接不符")
        if compute_hash(entry) != entry.hash:
            return ChainReport(False, checked, entry.seq, "内容与摘要不符（可能被篡改）")
        previous_hash = entry.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(id=1).first()
    if head and head.last_seq != checked:
        return ChainReport(False, checked, checked + 1, "链尾记录与日志条数不符（可能有日志被删除）")
    return ChainReport(True, checked, None, "")


def _iter_entries(batch: int) -> Iterator[AuditEntry]:
    last = 0
    while True:
        rows = list(AuditEntry.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
