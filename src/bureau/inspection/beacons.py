"""The public value of a commit-reveal draw (yc-draw-v2): a value fixed AFTER the draw was announced, that nobody in
the bureau can choose. The seed is SHA-256 of the secret nonce (committed at the announcement) and this value; the
source of the value is part of the announced parameters, so it cannot be switched afterwards.

Adapters (setting `DRAW_BEACON`; docs/inspection.md says which to use and why):

- ``audit`` — the working default, offline: the first entry of the platform's audit chain appended at or after the
  announced draw time (if nobody has acted since, the attempt appends one). Its MAC (HMAC-SM3 over the entry and
  the previous MAC, kernel/audit.py) is published with the entry's sequence number and time. It is fixed after the
  announcement (its time is at or after the draw time, which is after the announcement's own entry) and the
  officer cannot choose it: the MAC needs the audit key, which is not in the database nor known to any officer,
  and the nonce is never shown before the draw, so no officer can tell which entry would favour which enterprise.
  Only someone holding both the server's audit key and the database could grind it, by appending entries until
  the draw time — every such entry stays in the chain (append-only, signed daily checkpoints outside the
  database). The public can check the arithmetic; that the entry is genuine is checked by the audit
  (`manage.py audit_verify`) and by the verify page, which re-reads the entry.
- ``drand`` — the documented real implementation: the League of Entropy's drand "quicknet" beacon (a threshold
  BLS signature every 3 s by independent organisations). The announcement fixes the round published at or after
  the draw time; its randomness is unknown to anyone, the bureau included, before that moment, and anyone can
  fetch and verify it at ``https://api.drand.sh/<chain>/public/<round>``. Needs outbound HTTPS at draw time;
  while the round cannot be fetched the attempt is refused (recorded) and a later attempt fetches the same round.
- A lottery result (e.g. the 福利彩票 draw of the announced evening) is another lawful external value; it is not
  wired in because it would have to be typed by someone, which is what the officer must not do.

The previous published draw was considered and rejected as a default: it is known before the announcement, so an
insider could pick the nonce (announce, look, abandon, re-announce) knowing the seed in advance.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from bureau.inspection import rules as R
from bureau.kernel.audit import audit
from bureau.kernel.models import AuditEntry, AuditHead

# drand quicknet (https://api.drand.sh/52db9ba7…/info): unchained BLS on G1, a round every 3 s since the genesis
QUICKNET_CHAIN = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"
QUICKNET_GENESIS = 1692803367
QUICKNET_PERIOD = 3


class BeaconUnavailable(Exception):
    """The public value cannot be obtained now (the message, Chinese, says why); a later attempt may."""


@dataclass(frozen=True)
class AuditBeacon:
    kind: str = "audit"
    label: str = "审计日志链（抽取时间后的第一条记录）"

    def announce(self, draw_at: dt.datetime) -> dict[str, Any]:
        return {"kind": self.kind}

    def source(self, *, draw: Any, actor: Any) -> dict[str, Any]:
        """Inside the attempt's transaction: lock the chain's head (every entry up to it is committed and any later
        one is stamped after now ≥ the draw time), take the first entry at or after the draw time, or append one."""
        AuditHead.objects.select_for_update().get_or_create(id=1)
        entry = AuditEntry.objects.filter(at__gte=draw.draw_at).order_by("at", "seq").first()
        if entry is None:
            entry = audit(actor, "inspection.draw_beacon", draw,
                          summary=f"抽查 {draw.number} 到达公告的抽取时间，取审计日志链的下一条记录作为公共随机数")
        return {"kind": self.kind, "draw_at": R.instant(draw.draw_at), "seq": entry.seq, "at": R.instant(entry.at),
                "mac": entry.hash}


def _fetch_json(url: str) -> dict[str, Any]:
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "bureau-draw/1"})
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310  (a fixed https URL)
        data = json.loads(response.read(65536))
    if not isinstance(data, dict):
        raise ValueError("not an object")
    return data


@dataclass(frozen=True)
class DrandBeacon:
    base_url: str = "https://api.drand.sh"
    fetch: Callable[[str], dict[str, Any]] = _fetch_json
    kind: str = "drand"
    label: str = "drand 公共随机信标（quicknet）"

    def announce(self, draw_at: dt.datetime) -> dict[str, Any]:
        round_ = R.drand_round_at(draw_at.timestamp(), genesis=QUICKNET_GENESIS, period=QUICKNET_PERIOD)
        return {"kind": self.kind, "chain": QUICKNET_CHAIN, "round": round_,
                "url": f"{self.base_url.rstrip('/')}/{QUICKNET_CHAIN}/public/{round_}"}

    def source(self, *, draw: Any, actor: Any) -> dict[str, Any]:
        announced = draw.beacon
        try:
            data = self.fetch(announced["url"])
            randomness = str(data["randomness"])
            if int(data["round"]) != int(announced["round"]) or len(randomness) != 64:
                raise ValueError("round or randomness does not match")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise BeaconUnavailable(f"drand 第 {announced['round']} 轮暂无法取得（{type(exc).__name__}），请稍后再试") from exc
        return {"kind": self.kind, "chain": announced["chain"], "round": announced["round"],
                "randomness": randomness, "signature": str(data.get("signature", "")), "url": announced["url"]}


Beacon = AuditBeacon | DrandBeacon


def beacon_named(kind: str) -> Beacon:
    if kind == "drand":
        return DrandBeacon(base_url=settings.DRAW_BEACON_URL)
    if kind == "audit":
        return AuditBeacon()
    raise BeaconUnavailable(f"未知的公共随机数来源：{kind}")


def current() -> Beacon:
    """The adapter new announcements use (setting DRAW_BEACON)."""
    return beacon_named(settings.DRAW_BEACON)


def audit_entry_check(source: dict[str, Any]) -> R.Check:
    """That the audit entry named by a draw's public source is genuine: it exists with that MAC and is the first
    entry at or after the announced draw time (read from the chain; the public sees the answer)."""
    entry = AuditEntry.objects.filter(seq=int(source.get("seq") or 0)).first()
    draw_at = R.parse_instant(source["draw_at"])
    first = AuditEntry.objects.filter(at__gte=draw_at).order_by("at", "seq").values_list("seq", flat=True).first()
    ok = entry is not None and entry.hash == source.get("mac") and first == entry.seq
    return R.Check("审计日志记录", ok, f"审计日志第 {source.get('seq')} 条是抽取时间后的第一条记录，摘要一致"
                   if ok else f"审计日志第 {source.get('seq')} 条与公布的出处不符")
