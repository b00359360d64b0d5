"""Measure III.8: the daily job reminds each certificate once per offset, even when it runs twice or crashes."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.certificates import services
from bureau.certificates.models import Certificate, Reminder
from bureau.kernel.models import Notification, OutboundMessage
from tests.certificates.factories import licence, person_certificate
from tests.factories import EnterpriseFactory, make_user

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 27)


def _due_in(days: int, **kw):
    """A 合格证 whose window (≥30 days before expiry) closes `days` after TODAY."""
    valid_until = TODAY + dt.timedelta(days=days + 30)
    valid_from = services.rules.add_months(valid_until + dt.timedelta(days=1), -36)
    return person_certificate(type_code="safety_manager_competency", valid_from=valid_from, **kw)


def test_a_run_twice_sends_each_reminder_once():
    certs = [_due_in(d) for d in (5, 20, 45, 80, 200)]
    first = services.daily_sweep(TODAY)
    assert first.reminders_created == 4 and first.reminders_sent == 4
    again = services.daily_sweep(TODAY)
    assert again.reminders_created == 0 and again.reminders_sent == 0
    assert Reminder.objects.count() == 4
    assert sorted(Reminder.objects.values_list("offset_days", flat=True)) == [7, 30, 60, 90]
    assert not Reminder.objects.filter(certificate=certs[-1]).exists()  # 200 days away: not yet
    assert OutboundMessage.objects.filter(channel="sms").count() == 4


def test_next_offset_is_sent_when_the_day_comes_and_never_the_same_one_again():
    cert = _due_in(61)
    services.daily_sweep(TODAY)
    services.daily_sweep(TODAY + dt.timedelta(days=1))  # 60 days left: the 60-day reminder
    services.daily_sweep(TODAY + dt.timedelta(days=2))
    assert sorted(cert.reminders.values_list("offset_days", flat=True)) == [60, 90]


def test_a_crash_half_way_and_a_re_run_send_no_duplicates():
    certs = [_due_in(d) for d in (3, 10, 25, 40, 70, 85)]
    calls: list[str] = []

    def crashing(phone: str, text: str, key: str = "") -> str:
        if len(calls) == 3:
            raise SystemExit("worker killed")  # a kill, not an error the sweep could catch
        calls.append(phone)
        return services.send_sms(phone, text, key=key)

    with pytest.raises(SystemExit):
        services.daily_sweep(TODAY, send=crashing)
    assert Reminder.objects.filter(status="sent").count() == 3
    assert Reminder.objects.filter(status="pending").count() == 3
    assert OutboundMessage.objects.count() == 3  # the fourth message was rolled back with its claim
    services.daily_sweep(TODAY)
    assert Reminder.objects.filter(status="sent").count() == 6
    for cert in certs:
        assert OutboundMessage.objects.filter(body__contains=cert.number).count() == 1


def test_a_kill_after_the_gateway_took_the_message_is_not_sent_twice(settings):
    """Rule: exactly one SMS per reminder even when the worker dies after the gateway accepted the message and before
    the claim committed — the re-run gives the gateway the same client message id (out_id), which it drops. Here the
    gateway is a real HTTP server on 127.0.0.1 that deduplicates by out_id, driven by the documented adapter."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    delivered: dict[str, str] = {}
    received: list[str] = []

    class Gateway(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server API)
            data = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            assert self.headers["Authorization"] == "Bearer t0ken"
            received.append(data["out_id"])
            delivered.setdefault(data["out_id"], data["text"])  # a repeated out_id is not sent again
            answer = json.dumps({"id": f"gw-{len(received)}"}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.SMS_BACKEND = "bureau.kernel.sms.HttpGatewaySmsBackend"
    import os

    os.environ["SMS_GATEWAY_URL"] = f"http://127.0.0.1:{server.server_port}/sms"
    os.environ["SMS_TOKEN"] = "t0ken"
    try:
        certs = [_due_in(d) for d in (3, 10, 25)]
        sent: list[str] = []

        def killed_after_send(phone: str, text: str, key: str = "") -> str:
            ref = services.send_sms(phone, text, key=key)  # the gateway has it now
            sent.append(key)
            if len(sent) == 2:
                raise SystemExit("worker killed before the commit")
            return ref

        with pytest.raises(SystemExit):
            services.daily_sweep(TODAY, send=killed_after_send)
        assert Reminder.objects.filter(status="sent").count() == 1  # the second claim was rolled back
        services.daily_sweep(TODAY)
        assert Reminder.objects.filter(status="sent").count() == 3
        assert len(received) == 4 and received.count(sent[1]) == 2  # the re-run repeated the killed message's id
        assert len(delivered) == 3  # … and the holder got one SMS per reminder
        assert all(sum(c.number in text for text in delivered.values()) == 1 for c in certs)
    finally:
        server.shutdown()
        os.environ.pop("SMS_GATEWAY_URL", None)
        os.environ.pop("SMS_TOKEN", None)


def test_a_failing_reminder_does_not_block_the_others():
    _due_in(5)
    _due_in(40)

    def flaky(phone: str, text: str, key: str = "") -> str:
        if "须于" in text and len(flaky.calls) == 0:
            flaky.calls.append(1)
            raise ConnectionError("gateway down")
        return services.send_sms(phone, text, key=key)

    flaky.calls = []
    result = services.daily_sweep(TODAY, send=flaky)
    assert result.reminders_sent == 1 and result.reminders_failed == 1
    retry = services.daily_sweep(TODAY)
    assert retry.reminders_sent == 1
    assert Reminder.objects.filter(status="sent").count() == 2


def test_holder_and_enterprise_get_the_inbox_message():
    enterprise = EnterpriseFactory()
    staff = make_user(enterprise=enterprise, roles=["enterprise"])
    holder = make_user(id_number="", roles=["individual"])
    cert = _due_in(20, enterprise=enterprise)
    holder.id_number = cert.holder_id_number
    holder.save()
    services.daily_sweep(TODAY)
    assert Notification.objects.filter(recipient=holder).count() == 1
    assert Notification.objects.filter(recipient=staff).count() == 1
    assert Reminder.objects.get().channels == "inbox,sms"


def test_licence_reminder_goes_to_the_enterprise_contact_phone():
    enterprise = EnterpriseFactory()
    valid_from = services.rules.add_months(TODAY + dt.timedelta(days=101), -36)
    licence(enterprise, type_code="safety_production_licence", valid_from=valid_from)  # window (≥ 90 days before expiry) closes in 10 days
    services.daily_sweep(TODAY)
    message = OutboundMessage.objects.get()
    assert message.to_masked == "139****5678" and "延期" in message.body


def test_the_sweep_expires_voids_and_flags_due_for_review():
    expired = _due_in(-40)
    special = person_certificate(valid_from=services.rules.add_months(TODAY, -36) + dt.timedelta(days=30))
    missed = person_certificate(valid_from=services.rules.add_months(TODAY, -36) - dt.timedelta(days=5))
    Certificate.objects.filter(pk__in=[expired.pk, special.pk, missed.pk]).update(status="valid")
    result = services.sweep_statuses(TODAY)
    assert (result.expired, result.voided, result.due_for_review) == (1, 1, 1)
    assert Certificate.objects.get(pk=expired.pk).status == "expired"
    assert Certificate.objects.get(pk=missed.pk).status == "void"
    assert Certificate.objects.get(pk=special.pk).status == "due_for_review"
    assert services.sweep_statuses(TODAY).expired == 0


def test_reminded_share_indicator_counts_sent_reminders():
    from bureau.certificates.hooks import certificate_indicators
    from bureau.kernel.registry import IndicatorQuery

    _due_in(5)
    _due_in(20)
    services.generate_reminders(TODAY)
    Reminder.objects.filter(pk=Reminder.objects.order_by("id").first().pk).update(status="sent")
    [indicator] = certificate_indicators(IndicatorQuery(start=TODAY, end=TODAY + dt.timedelta(days=30)))
    assert (indicator.numerator, indicator.denominator, indicator.value) == (1, 2, 50.0)


def test_later_runs_look_only_at_new_days_and_new_writes():
    services.daily_sweep(TODAY)
    late = _due_in(20)  # written after the run: must still be reminded next time
    entering = _due_in(91)  # enters the 90-day bucket tomorrow by the passing of a day
    Certificate.objects.filter(pk=late.pk).update(updated_at=late.updated_at)
    result = services.daily_sweep(TODAY + dt.timedelta(days=1))
    assert result.reminders_created == 2
    assert list(late.reminders.values_list("offset_days", flat=True)) == [30]
    assert list(entering.reminders.values_list("offset_days", flat=True)) == [90]
