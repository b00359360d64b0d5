"""Two-way 12345 (国办发〔2020〕53号：工单办理结果及时反馈热线平台): the outbox (retries with backoff, idempotency keys,
leased claims that survive a crash), the HTTP adapter against the simulator, and the platform's read-back by its own
reference with its own token."""

from __future__ import annotations

import datetime as dt
import json
import threading
from urllib.request import urlopen

import pytest
from django.utils import timezone

from bureau.accounts.services import api_token_issue
from bureau.petitions import outbox, rules, services
from bureau.petitions.models import HotlineOutbox, Petition
from bureau.petitions.simulator import Receiver, serve
from tests.factories import make_user
from tests.petitions.factories import submit


def reload(p):
    return Petition.objects.get(pk=p.pk)


def answered_hotline_ticket(world, ref="YC12345-T0001"):
    petition, _ = submit(world, hotline_ref=ref)
    services.petition_dispatch(actor=world.clerk, petition=petition, target=world.yanhu)
    services.petition_accept(actor=world.yanhu_officer, petition=reload(petition))
    services.petition_reply(actor=world.yanhu_officer, petition=reload(petition), reply="已责令整改")
    return reload(petition)


class Flaky(Receiver):
    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    def send(self, payload, key):
        if self.failures:
            self.failures -= 1
            raise ConnectionError("platform down")
        super().send(payload, key)


@pytest.mark.django_db
def test_every_change_of_a_hotline_ticket_is_queued_with_a_key(world):
    """Outbox: each transition of a 12345 ticket writes one row in its transaction (status changes and the result);
    tickets of other channels write none."""
    petition = answered_hotline_ticket(world)
    rows = list(HotlineOutbox.objects.filter(petition=petition).order_by("id"))
    assert [r.payload["state"] for r in rows] == ["dispatched", "handling", "replied"]
    assert [r.event for r in rows] == ["status", "status", "result"]
    result = rows[-1].payload
    assert result["reply"] == "已责令整改" and result["ref"] == "YC12345-T0001" and result["due_on"]
    assert "13912345678" not in json.dumps([r.payload for r in rows], ensure_ascii=False)
    assert len({r.idempotency_key for r in rows}) == 3
    mailbox, _ = submit(world, channel="mailbox")
    services.petition_dispatch(actor=world.clerk, petition=mailbox, target=world.yanhu)
    assert not HotlineOutbox.objects.filter(petition=mailbox).exists()


@pytest.mark.django_db
def test_failed_delivery_backs_off_then_fails_after_max_attempts(world):
    """Rule petitions.outbox_max_attempts, exponential backoff: a refused row waits, is retried, and is marked failed
    after the configured attempts; the other rows are not blocked."""
    answered_hotline_ticket(world)
    flaky = Flaky(failures=1)
    result = outbox.deliver_due(adapter=flaky)
    assert (result.delivered, result.retried) == (2, 1)  # one refused, the others not blocked
    row = HotlineOutbox.objects.order_by("id").first()
    assert row.attempts == 1 and row.next_attempt_at > timezone.now() and "platform down" in row.last_error
    assert outbox.deliver_due(adapter=flaky).delivered == 0  # still waiting for its backoff
    assert [rules.retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    HotlineOutbox.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert outbox.deliver_due(adapter=flaky).delivered == 1
    assert set(HotlineOutbox.objects.values_list("status", flat=True)) == {"delivered"}
    assert flaky.tickets["YC12345-T0001"]["state"] == "replied"  # the late status did not overwrite the result
    HotlineOutbox.objects.update(status="pending", attempts=7, next_attempt_at=timezone.now())
    result = outbox.deliver_due(adapter=Flaky(failures=99))
    assert result.failed == 3 and HotlineOutbox.objects.filter(status="failed").count() == 3


@pytest.mark.django_db
def test_crash_between_claim_and_ack_loses_and_duplicates_nothing(world):
    """kill -9 of the worker after it sent but before it acknowledged: the lease runs out, the rows are sent again
    with the same keys, the platform drops the repeats; every row ends delivered once."""
    answered_hotline_ticket(world)
    platform = Receiver()
    now = timezone.now()
    claimed = outbox.claim("worker-killed", now, batch=10)
    for row in claimed:
        platform.send(row.payload, row.idempotency_key)  # … and the process dies here (no acknowledge)
    assert outbox.claim("worker-2", now, batch=10) == []  # leased: not taken while the first could be alive
    later = now + outbox.LEASE + dt.timedelta(seconds=1)
    assert len(outbox.claim("worker-2", later, batch=10)) == 3
    HotlineOutbox.objects.update(lease_until=None)
    assert outbox.deliver_due(adapter=platform).delivered == 3
    assert platform.stats() == {"calls": 6, "distinct": 3, "duplicates": 3, "tickets": 1}
    assert outbox.acknowledge("worker-killed", [r.pk for r in claimed], timezone.now()) == 0  # late ack: no effect
    assert HotlineOutbox.objects.filter(status="delivered").count() == 3


@pytest.mark.django_db
def test_http_adapter_posts_to_the_simulator_with_idempotency_keys(world):
    """The working default adapter: JSON POST with Idempotency-Key and bearer token to the configured URL; the
    simulator dedupes and refuses a wrong token."""
    answered_hotline_ticket(world)
    server = serve(0, token="s3cret")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/12345/results"
        wrong = outbox.deliver_due(adapter=outbox.HttpHotlineAdapter(url=url, token="nope"))
        assert wrong.delivered == 0 and "401" in HotlineOutbox.objects.first().last_error
        HotlineOutbox.objects.update(next_attempt_at=timezone.now())
        assert outbox.deliver_due(adapter=outbox.HttpHotlineAdapter(url=url, token="s3cret")).delivered == 3
        stats = json.loads(urlopen(f"http://127.0.0.1:{server.server_address[1]}/stats").read())  # noqa: S310
        assert stats["distinct"] == 3 and stats["duplicates"] == 0
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.django_db
def test_hotline_reads_its_own_ticket_by_its_reference(client, world):
    """GET /api/v1/petitions/hotline/{ref} (petitions:hotline): number, state, due_on and the reply once given; the
    ref of a ticket another hotline pushed answers 404; a token without the scope is refused."""
    platform = make_user("hotline_a", roles=["clerk"], organisation=world.xk)
    other = make_user("hotline_b", roles=["clerk"], organisation=world.xk)
    _t, raw = api_token_issue(actor=None, user=platform, name="12345平台A", scopes=["petitions:hotline"])
    _t, raw_b = api_token_issue(actor=None, user=other, name="12345平台B", scopes=["petitions:hotline"])
    ticket = {"ref": "YC12345-R1", "category": "complaint", "title": "举报", "content": "加油站违规卸油",
              "region": "140802", "petitioner_name": "王先生", "petitioner_phone": "13912345678"}
    r = client.post("/api/v1/petitions/hotline", data=json.dumps(ticket), content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 201, r.content
    r = client.get("/api/v1/petitions/hotline/YC12345-R1", HTTP_AUTHORIZATION=f"Bearer {raw}")
    body = r.json()
    assert r.status_code == 200 and body["state"] == "received" and body["due_on"] and body["reply"] is None
    p = Petition.objects.get(hotline_ref="YC12345-R1")
    services.petition_dispatch(actor=world.clerk, petition=p, target=world.yanhu)
    services.petition_accept(actor=world.yanhu_officer, petition=reload(p))
    services.petition_reply(actor=world.yanhu_officer, petition=reload(p), reply="已查处")
    body = client.get("/api/v1/petitions/hotline/YC12345-R1", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert body["number"] == p.number and body["state"] == "replied" and body["reply"] == "已查处"
    assert "petitioner_phone" not in body
    assert client.get("/api/v1/petitions/hotline/YC12345-R1", HTTP_AUTHORIZATION=f"Bearer {raw_b}").status_code == 404
    assert client.get("/api/v1/petitions/hotline/NOPE", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 404
    _t, reader = api_token_issue(actor=None, user=platform, name="只读", scopes=["enterprises:read"])
    assert client.get("/api/v1/petitions/hotline/YC12345-R1",
                      HTTP_AUTHORIZATION=f"Bearer {reader}").status_code == 403
