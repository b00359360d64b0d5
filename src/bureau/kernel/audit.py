"""The audit trail: append-only, chained with a keyed hash (HMAC-SM3, GB/T 32905-2016 in RFC 2104's HMAC).

Each entry's MAC covers its canonical content and the previous entry's MAC, so an edit, insertion or deletion
breaks the chain from that entry on; `manage.py audit_verify` names the first broken entry. The key (`AUDIT_KEY`)
is never in the database: someone who can write the table cannot recompute the chain after an edit. Each entry
names the id of the key that made it, so keys rotate (the retired ones stay in `AUDIT_RETIRED_KEYS`).

Deleting the newest entries and moving the head back leaves a shorter chain that still links up; signed
checkpoints (sequence, head, time) written daily outside the database catch that: `verify_chain` requires the
chain to reach the latest checkpoint with the same MAC. On PostgreSQL a trigger refuses UPDATE and DELETE on the
table (migration kernel 0004), so the application's own role cannot rewrite it either. docs/operations.md says what
this protects against and what it does not.

Appends are serialised by locking the single AuditHead row inside the writing transaction, so the chain is linear.
等保 2.0 (GB/T 22239-2019) 8.1.4.3 requires the trail of every user action, protected against alteration.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hmac
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bureau.kernel.context import current_ip
from bureau.kernel.crypto import sm3_hex
from bureau.kernel.masking import mask_text
from bureau.kernel.models import AuditEntry, AuditHead

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from bureau.accounts.models import User

GENESIS = "0" * 64


def key_id_of(key: str) -> str:
    """A short public fingerprint of a key: entries and checkpoints name their key by it."""
    return "k" + sm3_hex(b"bureau-audit-key-id:" + key.encode())[:10]


@lru_cache(maxsize=8)
def _keyring(current: str, retired: tuple[str, ...]) -> tuple[str, dict[str, bytes]]:
    ring = {key_id_of(k): k.encode() for k in retired if k}
    ring[key_id_of(current)] = current.encode()
    return key_id_of(current), ring


def keyring() -> tuple[str, dict[str, bytes]]:
    """(the current key id, every known key by id) from the settings."""
    return _keyring(settings.AUDIT_KEY, tuple(settings.AUDIT_RETIRED_KEYS))


def mac(key: bytes, data: bytes) -> str:
    h = crypto_hmac.HMAC(key, hashes.SM3())
    h.update(data)
    return h.finalize().hex()


class UnknownKey(Exception):
    pass


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
        "key": entry.key_id,
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(entry: AuditEntry) -> str:
    """The entry's MAC with the key it names (UnknownKey when that key is not configured)."""
    _, ring = keyring()
    key = ring.get(entry.key_id)
    if key is None:
        raise UnknownKey(entry.key_id)
    return mac(key, _canonical(entry))


def _actor_name(actor: User | AnonymousUser | None) -> str:
    if actor is None:
        return "系统任务"
    name = getattr(actor, "display_name", None) or getattr(actor, "username", "")
    return str(name)[:80]


def audit(
    actor: User | AnonymousUser | None,
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
            actor=actor if actor is not None and actor.is_authenticated and actor.pk else None,
            actor_name=_actor_name(actor),
            action=action[:80],
            result=result[:20],
            object_type=object_type[:60],
            object_id=str(object_id)[:64],
            summary=mask_text(summary)[:300],
            data=clean_data,
            ip=current_ip.get()[:45],
            prev_hash=head.last_hash,
            key_id=keyring()[0],
        )
        entry.hash = compute_hash(entry)
        entry.save(force_insert=True)
        AuditHead.objects.filter(id=1).update(last_seq=entry.seq, last_hash=entry.hash)
    return entry


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement that the chain had `seq` entries ending in `hash` at `at`."""

    seq: int
    hash: str
    at: str
    key_id: str
    mac: str
    path: str = ""

    def payload(self) -> bytes:
        return f"bureau-audit-checkpoint|{self.seq}|{self.hash}|{self.at}|{self.key_id}".encode()

    def signature_ok(self) -> bool:
        key = keyring()[1].get(self.key_id)
        return key is not None and hmac.compare_digest(mac(key, self.payload()), self.mac)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_seq: int | None
    reason: str
    checkpoint: Checkpoint | None = None


def verify_chain(batch: int = 5000, checkpoint: Checkpoint | None | bool = True) -> ChainReport:
    """Walk the chain in order; report the first entry whose MAC, link or sequence is wrong, and compare with the
    latest checkpoint (`checkpoint=True`), a given one, or none (`False`)."""
    cp: Checkpoint | None
    if checkpoint is True:
        try:
            cp = latest_checkpoint()
        except CheckpointError as exc:
            return ChainReport(False, 0, None, str(exc))
    else:
        cp = checkpoint or None
    if cp is not None and not cp.signature_ok():
        return ChainReport(False, 0, None, f"检查点签名无效（{cp.path or cp.seq}），检查点可能被伪造", cp)
    previous_hash = GENESIS
    expected_seq = 1
    checked = 0
    for entry in _iter_entries(batch):
        if entry.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, f"缺少序号 {expected_seq} 的日志（可能被删除）", cp)
        if entry.prev_hash != previous_hash:
            return ChainReport(False, checked, entry.seq, "与前一条日志的链接不符", cp)
        try:
            expected = compute_hash(entry)
        except UnknownKey:
            return ChainReport(False, checked, entry.seq, f"日志使用的密钥 {entry.key_id or '（无）'} 未配置，无法核验", cp)
        if not hmac.compare_digest(expected, entry.hash):
            return ChainReport(False, checked, entry.seq, "内容与摘要不符（可能被篡改）", cp)
        if cp is not None and entry.seq == cp.seq and entry.hash != cp.hash:
            return ChainReport(False, checked, entry.seq, f"与检查点（{cp.at}）记录的第 {cp.seq} 条摘要不符", cp)
        previous_hash = entry.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(id=1).first()
    if head and head.last_seq != checked:
        return ChainReport(False, checked, checked + 1, "链尾记录与日志条数不符（可能有日志被删除）", cp)
    if cp is not None and checked < cp.seq:
        return ChainReport(False, checked, checked + 1,
                           f"日志只有 {checked} 条，少于检查点（{cp.at}）记录的 {cp.seq} 条：末尾的日志被删除，"
                           "或数据库恢复自该检查点之前的备份", cp)
    return ChainReport(True, checked, None, "", cp)


def _iter_entries(batch: int) -> Iterator[AuditEntry]:
    last = 0
    while True:
        rows = list(AuditEntry.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


# ---------------------------------------------------------------- checkpoints (outside the database)

class CheckpointError(Exception):
    pass


def checkpoint_dir() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR)


def write_checkpoint(directory: Path | None = None) -> Checkpoint | None:
    """Sign the current head and write it as a JSON file (atomically) outside the database; None when empty."""
    head = AuditHead.objects.filter(id=1).first()
    if head is None or head.last_seq == 0:
        return None
    key_id, ring = keyring()
    at = timezone.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    unsigned = Checkpoint(seq=head.last_seq, hash=head.last_hash, at=at, key_id=key_id, mac="")
    cp = dataclasses.replace(unsigned, mac=mac(ring[key_id], unsigned.payload()))
    folder = directory or checkpoint_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"audit-checkpoint-{at.replace(':', '').replace('-', '')}-{cp.seq:012d}.json"
    target = folder / name
    temp = folder / f".{name}.tmp"
    body = {"seq": cp.seq, "hash": cp.hash, "at": cp.at, "key_id": cp.key_id, "mac": cp.mac}
    temp.write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(temp, target)
    return dataclasses.replace(cp, path=str(target))


def read_checkpoint(path: Path) -> Checkpoint:
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        return Checkpoint(seq=int(body["seq"]), hash=str(body["hash"]), at=str(body["at"]),
                          key_id=str(body["key_id"]), mac=str(body["mac"]), path=str(path))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CheckpointError(f"检查点文件无法读取：{path.name}（{exc}）") from exc


def latest_checkpoint(directory: Path | None = None) -> Checkpoint | None:
    """The checkpoint with the highest sequence in the checkpoint folder (None when there is none)."""
    folder = directory or checkpoint_dir()
    if not folder.is_dir():
        return None
    best: Checkpoint | None = None
    for path in folder.glob("audit-checkpoint-*.json"):
        cp = read_checkpoint(path)
        if best is None or cp.seq > best.seq:
            best = cp
    return best
