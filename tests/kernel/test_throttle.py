"""Failure counters shared by every process (finding: counted per gunicorn process, 20 of 40 wrong progress codes got
through a limit of 10) and the client address behind trusted proxies (finding: keyed on REMOTE_ADDR, so behind a
reverse proxy one person blocked every citizen)."""

from __future__ import annotations

import multiprocessing
import os
import socket
import uuid

import pytest
from django.db import connections
from django.test import RequestFactory

from bureau.kernel import throttle
from bureau.kernel.models import ThrottleCounter
from bureau.kernel.net import client_ip

POLICY = throttle.Policy(name="t", window=600, block_after=10, block_seconds=600)


def _guess_ten_times(key: str) -> int:
    """In a separate process (as a gunicorn worker would be): 10 wrong guesses, returns how many were evaluated."""
    connections.close_all()
    evaluated = 0
    for _ in range(10):
        try:
            throttle.check([(POLICY, key)])
        except throttle.RateLimited:
            continue
        evaluated += 1
        throttle.fail([(POLICY, key)])
    connections.close_all()
    return evaluated


@pytest.mark.django_db(transaction=True)
def test_counters_are_shared_by_all_processes():
    key = f"addr-{uuid.uuid4().hex[:8]}"
    connections.close_all()  # the children open their own connections
    with multiprocessing.get_context("fork").Pool(4) as pool:
        evaluated = sum(pool.map(_guess_ten_times, [key] * 4))
    # a per-process counter lets 40 through; a shared one 10 (plus at most one per process racing at the limit)
    assert 10 <= evaluated <= 13
    assert ThrottleCounter.objects.get(key=f"t:{key}").blocked_until > 0


@pytest.mark.django_db
def test_a_window_that_has_passed_starts_again(monkeypatch):
    now = [1_900_000_000.0]
    monkeypatch.setattr(throttle, "clock", lambda: now[0])
    policy = throttle.Policy(name="w", window=60, block_after=3, block_seconds=60)
    throttle.fail([(policy, "k")])
    throttle.fail([(policy, "k")])
    now[0] += 61
    assert throttle.fail([(policy, "k")]) == 0
    assert ThrottleCounter.objects.get(key="w:k").count == 1
    throttle.fail([(policy, "k")])
    assert throttle.fail([(policy, "k")]) == 60  # the third in this window blocks
    with pytest.raises(throttle.RateLimited) as refused:
        throttle.check([(policy, "k")])
    assert refused.value.status == 429 and refused.value.retry_after == 60 and "1 分钟" in refused.value.message
    now[0] += 200
    assert throttle.store().purge(now[0]) == 1  # expired counters are swept away


def _redis_url() -> str | None:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        if os.environ.get("CI"):
            raise
        return None
    return "redis://127.0.0.1:6379/15"


def test_redis_store_when_redis_is_configured():
    """With REDIS_URL the counters live in Redis: same answers as the database store."""
    url = _redis_url()
    if url is None:
        pytest.skip("本机没有 Redis（CI 中必须有）")
    store = throttle.RedisStore(url)
    key = f"test:{uuid.uuid4().hex}"
    assert [store.fail(key, 60, 0) for _ in range(3)] == [1, 2, 3]
    store.block(key, throttle.clock() + 30)
    assert store.blocked([key, key + "-other"], throttle.clock()) > throttle.clock()
    store.clear_prefix("test:" + key[5:9])
    assert store.blocked([key], throttle.clock()) == 0


def test_client_address_comes_from_trusted_proxies_only(settings):
    factory = RequestFactory()
    settings.TRUSTED_PROXIES = []
    direct = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_ip(direct) == "127.0.0.1"  # no proxy configured: the header is not believed
    settings.TRUSTED_PROXIES = ["127.0.0.1/32", "10.0.0.0/8"]
    chained = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7, 10.1.2.3")
    assert client_ip(chained) == "203.0.113.7"  # the first untrusted hop from the right; 6.6.6.6 was typed by it
    stranger = factory.get("/", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(stranger) == "198.51.100.1"
    v6 = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="[2001:db8::1]:443")
    assert client_ip(v6) == "2001:db8::1"
    junk = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_ip(junk) == "unknown"
