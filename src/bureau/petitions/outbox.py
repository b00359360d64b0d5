"""Two-way 12345: results and status changes go back to the hotline platform through an outbox.

- `enqueue` writes one HotlineOutbox row in the transaction of the change it reports (nothing reported that did not
  happen, nothing happened that is not reported);
- `deliver_due` (the scheduled job) claims due rows with a lease (`SELECT … FOR UPDATE SKIP LOCKED` where the database
  has it), posts each with its idempotency key through the adapter, acknowledges the delivered ones by a conditional
  UPDATE and pushes failed ones back with exponential backoff (failed for good after the configured attempts);
- a worker killed between claim and acknowledgement loses nothing: its lease runs out and the rows are sent again
  with the same keys, which the platform drops (the contract, docs/petitions.md). Nothing is duplicated at the
  platform, and the rows end delivered exactly once here.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import logging
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from bureau.kernel.jobs import new_worker_id
from bureau.kernel.rules import rule
from bureau.petitions import rules
from bureau.petitions.models import HotlineOutbox
from bureau.petitions.simulator import Receiver
from bureau.settings import env

if TYPE_CHECKING:
    from bureau.kernel.models import ProcessHistory
    from bureau.petitions.models import Petition

log = logging.getLogger("bureau.petitions.outbox")
LEASE = dt.timedelta(seconds=120)
DEFAULT_URL = "http://127.0.0.1:8089/12345/results"
STATE_LABELS = {  # kept here (not imported from the workflow) so that the payload labels are part of the contract
    "received": "已受理", "dispatched": "已派单", "returned": "已退回", "handling": "办理中", "supervised": "督办中",
    "reopened": "重新办理", "replied": "已答复", "closed": "已办结", "visited": "已回访", "rated": "已评价",
    "merged": "已合并",
}


def payload_of(petition: Petition, *, event: str, seq: int, at: dt.datetime, note: str = "") -> dict[str, Any]:
    """The JSON body of one event (the contract: docs/petitions.md). No personal data of the petitioner."""
    replied = bool(petition.replied_at)
    return {
        "ref": petition.hotline_ref, "number": petition.number, "event": event, "seq": seq,
        "state": petition.state, "state_label": STATE_LABELS.get(petition.state, petition.state),
        "due_on": timezone.localdate(petition.due_at).isoformat() if petition.due_at else None,
        "unit": petition.assigned_org.name if petition.assigned_org_id and petition.assigned_org else None,
        "reply": petition.reply if replied else None,
        "replied_at": timezone.localtime(petition.replied_at).isoformat() if replied and petition.replied_at else None,
        "note": note[:500], "at": timezone.localtime(at).isoformat(),
    }


def enqueue(petition: Petition, entry: ProcessHistory) -> HotlineOutbox:
    """The outbox row of one transition of a 12345 ticket (called inside the transition's transaction)."""
    event = "result" if entry.action == "reply" else "status"
    return HotlineOutbox.objects.create(
        petition=petition, idempotency_key=f"{petition.number}:{entry.pk}", event=event,
        payload=payload_of(petition, event=event, seq=entry.pk, at=entry.at, note=entry.note if event == "status"
                           and entry.action in {"return", "send_back", "supervise"} else ""),
        next_attempt_at=entry.at, created_at=entry.at)


# ---------------------------------------------------------------- the adapter


class HotlineAdapter(Protocol):
    def send(self, payload: dict[str, Any], key: str) -> None: ...  # raises on anything but acceptance

    def close(self) -> None: ...


class DeliveryError(Exception):
    pass


class HttpHotlineAdapter:
    """The working default: POST the event as JSON to PETITIONS_HOTLINE_URL with `Idempotency-Key` and (if set) a
    bearer PETITIONS_HOTLINE_TOKEN. Any 2xx is an acceptance (a repeated key answers 200 `{"duplicate": true}`).
    One keep-alive connection per delivery run."""

    def __init__(self, url: str | None = None, token: str | None = None, timeout: float = 10) -> None:
        self.url = url or env("PETITIONS_HOTLINE_URL", DEFAULT_URL)
        self.token = token if token is not None else env("PETITIONS_HOTLINE_TOKEN", "")
        self.timeout = timeout
        parts = urlsplit(self.url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise DeliveryError(f"12345回传地址无效：{self.url}")
        self._parts = parts
        self._conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            cls = http.client.HTTPSConnection if self._parts.scheme == "https" else http.client.HTTPConnection
            self._conn = cls(self._parts.hostname or "", self._parts.port, timeout=self.timeout)
        return self._conn

    def send(self, payload: dict[str, Any], key: str) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": key}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        path = self._parts.path or "/"
        for attempt in (1, 2):  # a keep-alive connection the server closed meanwhile is reopened once
            try:
                conn = self._connection()
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                break
            except (ConnectionError, http.client.HTTPException, OSError) as exc:
                self.close()
                if attempt == 2:
                    raise DeliveryError(f"连接失败：{exc}") from exc
        if not 200 <= response.status < 300:
            raise DeliveryError(f"平台拒收：HTTP {response.status}")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def get_adapter() -> HotlineAdapter:
    """The configured adapter. Without a hotline address outside production (development, `make run`, the demo) the
    platform's own simulator receives the events in process, so the outbox is delivered instead of retried against
    an address nobody serves; production always posts (PETITIONS_HOTLINE_URL, docs/petitions.md)."""
    path = env("PETITIONS_HOTLINE_ADAPTER", "")
    if not path and not env("PETITIONS_HOTLINE_URL", "") and not settings.PRODUCTION:
        return Receiver()
    path = path or "bureau.petitions.outbox.HttpHotlineAdapter"
    module, _, cls = path.rpartition(".")
    adapter: HotlineAdapter = getattr(import_module(module), cls)()
    return adapter


# ---------------------------------------------------------------- delivery


@dataclass
class Delivery:
    delivered: int = 0
    retried: int = 0
    failed: int = 0


def claim(worker: str, now: dt.datetime, batch: int, lease: dt.timedelta = LEASE) -> list[HotlineOutbox]:
    """Lease up to `batch` due rows to `worker` (rows leased by a live worker are skipped, not waited for)."""
    with transaction.atomic():
        due = (HotlineOutbox.objects.filter(status=HotlineOutbox.Status.PENDING, next_attempt_at__lte=now)
               .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now)).order_by("id"))
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("id", flat=True)[:batch])
        if not ids:
            return []
        HotlineOutbox.objects.filter(id__in=ids).update(lease_until=now + lease, leased_by=worker)
    return list(HotlineOutbox.objects.filter(id__in=ids, leased_by=worker).order_by("id"))


def acknowledge(worker: str, ids: list[int], now: dt.datetime) -> int:
    """Delivered: only rows still leased by this worker (a row re-leased by another after a timeout is theirs)."""
    return HotlineOutbox.objects.filter(id__in=ids, leased_by=worker, status=HotlineOutbox.Status.PENDING).update(
        status=HotlineOutbox.Status.DELIVERED, delivered_at=now, lease_until=None, attempts=F("attempts") + 1)


def _push_back(worker: str, row: HotlineOutbox, error: str, now: dt.datetime, max_attempts: int) -> bool:
    attempts = row.attempts + 1
    failed = attempts >= max_attempts
    HotlineOutbox.objects.filter(pk=row.pk, leased_by=worker, status=HotlineOutbox.Status.PENDING).update(
        attempts=attempts, lease_until=None, last_error=error[:300],
        next_attempt_at=now + rules.retry_delay(attempts),
        status=HotlineOutbox.Status.FAILED if failed else HotlineOutbox.Status.PENDING)
    return failed


def deliver_due(*, adapter: HotlineAdapter | None = None, batch: int = 200, max_rows: int | None = None,
                worker: str | None = None, lease: dt.timedelta = LEASE) -> Delivery:
    """Deliver every due row (or `max_rows`): claim a batch, send in order, acknowledge the accepted ones together.
    A row that fails is pushed back with backoff without stopping the others."""
    adapter = adapter or get_adapter()
    worker = worker or new_worker_id("outbox")
    max_attempts = int(rule("petitions.outbox_max_attempts"))
    result = Delivery()
    try:
        while max_rows is None or _processed(result) < max_rows:
            now = timezone.now()
            rows = claim(worker, now, batch if max_rows is None else min(batch, max_rows - _processed(result)), lease)
            if not rows:
                break
            accepted: list[int] = []
            for row in rows:
                try:
                    adapter.send(row.payload, row.idempotency_key)
                except Exception as exc:  # noqa: BLE001 - any failure is recorded on the row and retried later
                    log.warning("12345 delivery %s failed: %s", row.idempotency_key, exc)
                    if _push_back(worker, row, str(exc), timezone.now(), max_attempts):
                        result.failed += 1
                    else:
                        result.retried += 1
                    continue
                accepted.append(row.pk)
            result.delivered += acknowledge(worker, accepted, timezone.now())
            if len(rows) and not accepted:
                break  # the platform is down: the next run (after the backoff) tries again
    finally:
        adapter.close()
    return result


def _processed(result: Delivery) -> int:
    return result.delivered + result.failed + result.retried
