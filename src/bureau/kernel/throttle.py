"""Failure counters shared by every process: sign-in, one-time codes and the public look-ups.

A counter per key (an account, an address, an account at an address, a looked-up number) counts failures inside a
window. A policy turns the count into an answer: after `delay_after` failures every further failure makes the key
wait, the wait doubling each time up to `delay_max`; at `block_after` failures the key is blocked for
`block_seconds` (等保 2.0, GB/T 22239-2019 8.1.4.1 a: 限制非法登录次数). The numbers are rules (kernel rule table),
so an administrator can tune them.

The counters live where every gunicorn process and every app server sees them: the database by default (one
upsert per failure, one indexed read per check), Redis when `REDIS_URL` is set. A process-local cache would let
N processes accept N times the limit.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol, cast

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpResponse

from bureau.kernel.errors import DomainError
from bureau.kernel.models import ThrottleCounter
from bureau.kernel.rules import cached_rule


def clock() -> float:
    """Now, in epoch seconds (a function so that tests can move time)."""
    return time.time()


class RateLimited(DomainError):
    """Too many attempts: answered with 429 and Retry-After."""

    status = 429
    code = "rate_limited"

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        self.retry_after = max(1, int(math.ceil(retry_after)))
        super().__init__(message or f"操作过于频繁，请{wait_text(self.retry_after)}后再试")


def wait_text(seconds: int) -> str:
    """A wait in plain Chinese: 「30 秒」, 「3 分钟」."""
    if seconds < 60:
        return f" {seconds} 秒"
    return f" {math.ceil(seconds / 60)} 分钟"


@dataclass(frozen=True)
class Policy:
    """How failures of one kind of key are answered. Built from rules at call time (see `policy`)."""

    name: str
    window: int
    block_after: int
    block_seconds: int
    delay_after: int | None = None
    delay_max: int = 0

    def wait_after(self, count: int) -> int:
        """Seconds the key must wait after its `count`-th failure (0: none)."""
        if count >= self.block_after:
            return self.block_seconds
        if self.delay_after is not None and count >= self.delay_after:
            return min(self.delay_max, 2 ** (count - self.delay_after))
        return 0


def policy(name: str) -> Policy:
    """The policy `name` from the rule table (`throttle.<name>.*`), re-read at most once a minute per process."""
    def value(part: str, default: int | None = None) -> int | None:
        try:
            return int(cached_rule(f"throttle.{name}.{part}"))
        except DomainError:
            return default
    return Policy(
        name=name,
        window=value("window_seconds") or 900,
        block_after=value("block_after") or 10,
        block_seconds=value("block_seconds") or 900,
        delay_after=value("delay_after"),
        delay_max=value("delay_max_seconds", 0) or 0,
    )


class Store(Protocol):
    def blocked(self, keys: Sequence[str], now: float) -> float: ...
    def fail(self, key: str, window: int, now: float) -> int: ...
    def block(self, key: str, until: float) -> None: ...
    def clear(self, keys: Sequence[str]) -> None: ...
    def clear_prefix(self, prefix: str) -> None: ...


class DatabaseStore:
    """Counters in `kernel_throttlecounter`: an upsert per failure (atomic on PostgreSQL and SQLite)."""

    table = "kernel_throttlecounter"

    @classmethod
    def blocked_sql(cls, keys: Sequence[str], now: float) -> tuple[str, list[Any]]:
        """The latest block of these keys (NULL: none), as a scalar query by primary key."""
        marks = ", ".join(["%s"] * len(keys))
        return (f'SELECT max(blocked_until) FROM {cls.table} WHERE "key" IN ({marks}) AND blocked_until > %s',
                [*keys, now])

    def blocked(self, keys: Sequence[str], now: float) -> float:
        # on every public look-up: plain SQL, no ORM compile
        with connection.cursor() as cursor:
            cursor.execute(*self.blocked_sql(keys, now))
            row = cursor.fetchone()
        return float(row[0]) if row and row[0] is not None else 0.0

    def fail(self, key: str, window: int, now: float) -> int:
        t = self.table
        sql = (
            f'INSERT INTO {t} ("key", "count", window_ends, blocked_until) VALUES (%s, 1, %s, 0) '
            f'ON CONFLICT ("key") DO UPDATE SET '
            f'"count" = CASE WHEN {t}.window_ends <= %s THEN 1 ELSE {t}."count" + 1 END, '
            f"window_ends = CASE WHEN {t}.window_ends <= %s THEN %s ELSE {t}.window_ends END "
            f'RETURNING "count"'
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [key, now + window, now, now, now + window])
            return int(cursor.fetchone()[0])

    def block(self, key: str, until: float) -> None:
        ThrottleCounter.objects.filter(key=key).update(blocked_until=until)

    def clear(self, keys: Sequence[str]) -> None:
        ThrottleCounter.objects.filter(key__in=list(keys)).delete()

    def clear_prefix(self, prefix: str) -> None:
        ThrottleCounter.objects.filter(key__startswith=prefix).delete()

    @staticmethod
    def purge(now: float) -> int:
        """Drop counters whose window and block have both ended (the scheduler's sweep)."""
        deleted, _ = ThrottleCounter.objects.filter(window_ends__lt=now, blocked_until__lt=now).delete()
        return deleted


class RedisStore:
    """Counters in Redis (`REDIS_URL`): INCR with an expiry per window, a separate key per block."""

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2)

    def blocked(self, keys: Sequence[str], now: float) -> float:
        values = cast(list[Any], self.client.mget([f"throttle:block:{k}" for k in keys]))
        return max((float(v) for v in values if v is not None and float(v) > now), default=0.0)

    def fail(self, key: str, window: int, now: float) -> int:
        name = f"throttle:count:{key}"
        pipe = self.client.pipeline()
        pipe.set(name, 0, ex=window, nx=True)
        pipe.incr(name)
        return int(pipe.execute()[1])

    def block(self, key: str, until: float) -> None:
        self.client.set(f"throttle:block:{key}", until, ex=max(1, int(until - clock()) + 1))

    def clear(self, keys: Sequence[str]) -> None:
        if keys:
            self.client.delete(*[f"throttle:count:{k}" for k in keys], *[f"throttle:block:{k}" for k in keys])

    def clear_prefix(self, prefix: str) -> None:
        for kind in ("count", "block"):
            pattern = f"throttle:{kind}:{prefix}".replace("*", "\\*").replace("?", "\\?").replace("[", "\\[")
            names = list(self.client.scan_iter(match=pattern + "*", count=500))
            if names:
                self.client.delete(*names)


@lru_cache(maxsize=4)
def _store_for(url: str) -> Store:
    return RedisStore(url) if url else DatabaseStore()


def store() -> Store:
    return _store_for(settings.THROTTLE_REDIS_URL)


Keyed = tuple[Policy, str]


def limit_policy(name: str, *, limit_rule: str, window_rule: str) -> Policy:
    """`limit` attempts per `window` seconds, both rules; the next one waits until the window has passed."""
    window = int(cached_rule(window_rule))
    return Policy(name=name, window=window, block_after=int(cached_rule(limit_rule)), block_seconds=window)


def lookup_keys(name: str, address: str, number: str, *, limit_rule: str, number_limit_rule: str,
                window_rule: str) -> list[Keyed]:
    """Keys of a public look-up by number and code: failures count per address and per number looked up, so
    neither one address nor many addresses can try codes for one number without limit."""
    return [(limit_policy(f"{name}_addr", limit_rule=limit_rule, window_rule=window_rule), address or "unknown"),
            (limit_policy(f"{name}_number", limit_rule=number_limit_rule, window_rule=window_rule),
             normalise(number, 40))]


def retry_after(keys: Iterable[Keyed]) -> int:
    """Seconds until all of these keys may try again (0: now)."""
    names = [f"{p.name}:{k}" for p, k in keys]
    if not names:
        return 0
    now = clock()
    until = store().blocked(names, now)
    return int(math.ceil(until - now)) if until > now else 0


def folded_check(keys: Iterable[Keyed]) -> tuple[str, list[Any]] | None:
    """The block check as a scalar SQL subquery (the latest `blocked_until` of these keys, or NULL), for a caller
    that can fold it into a query it runs anyway: one round trip less on a hot public page. None with the Redis
    store (its check is a cheap MGET of its own)."""
    if not isinstance(store(), DatabaseStore):
        return None
    sql, params = DatabaseStore.blocked_sql([f"{p.name}:{k}" for p, k in keys], clock())
    return f"({sql})", params


def raise_if_blocked(until: float | None, message: str | None = None) -> None:
    """Raise RateLimited for a `blocked_until` read by a folded check."""
    wait = int(math.ceil(until - clock())) if until else 0
    if wait > 0:
        raise RateLimited(wait, message.replace("{}", wait_text(wait)) if message else None)


def check(keys: Iterable[Keyed], message: str | None = None) -> None:
    """Raise RateLimited when any key is blocked or waiting; `{}` in the message becomes the wait in words."""
    wait = retry_after(list(keys))
    if wait:
        raise RateLimited(wait, message.replace("{}", wait_text(wait)) if message else None)


def fail(keys: Iterable[Keyed]) -> int:
    """Count one failure on every key; returns the longest wait this imposes (0: none)."""
    s = store()
    now = clock()
    longest = 0
    for p, key in keys:
        name = f"{p.name}:{key}"
        count = s.fail(name, p.window, now)
        wait = p.wait_after(count)
        if wait:
            s.block(name, now + wait)
            longest = max(longest, wait)
    return longest


def reset(keys: Iterable[Keyed]) -> None:
    """Forget the failures of these keys (after a success)."""
    store().clear([f"{p.name}:{k}" for p, k in keys])


def as_limited(response: HttpResponse, exc: BaseException | None) -> HttpResponse:
    """Mark a rendered refusal as 429 with Retry-After when `exc` is a RateLimited (else leave it as it is)."""
    if isinstance(exc, RateLimited):
        response.status_code = 429
        response["Retry-After"] = str(exc.retry_after)
    return response


def clear_prefix(prefix: str) -> None:
    """Forget every key that starts with `prefix` (an administrator releasing a name at all addresses)."""
    store().clear_prefix(prefix)


def normalise(value: str, limit: int = 120) -> str:
    """A key part from user input: trimmed, case-folded, bounded (a key never grows with the input)."""
    return (value or "").strip().casefold()[:limit] or "-"
