"""SMS adapter. The default logs the message (masked) and records it; a real provider is configured with
SMS_BACKEND (see docs/deployment.md for the HTTP gateway adapter and its settings)."""

from __future__ import annotations

import json
import logging
import urllib.request
from importlib import import_module

from django.conf import settings

from bureau.kernel.masking import mask_phone
from bureau.kernel.models import OutboundMessage
from bureau.settings import env

log = logging.getLogger("bureau.sms")


class LoggingSmsBackend:
    """Working default: nothing leaves the machine; the message is logged and kept in OutboundMessage. A message whose
    `key` was already recorded is not recorded again (as a deduplicating gateway would do)."""

    def send(self, phone: str, text: str, key: str = "", secret: str = "") -> str:
        if key and OutboundMessage.objects.filter(channel="sms", idempotency_key=key).exists():
            return "duplicate"
        log.info("SMS to %s: %s", mask_phone(phone), redact(text, secret))
        OutboundMessage.objects.create(channel="sms", to_masked=mask_phone(phone), body=redact(text, secret),
                                       status="logged", idempotency_key=key)
        return "logged"


class HttpGatewaySmsBackend:
    """A provider gateway that takes JSON {phone, text, sign, out_id} with a bearer token (SMS_GATEWAY_URL,
    SMS_TOKEN). `out_id` is the client message id (the reminder's, e.g. "reminder:123"): the gateway must accept a
    repeated out_id without sending again — a job killed after the gateway took a message but before the claim was
    committed re-sends it with the same out_id on the re-run, and the holder still gets one SMS."""

    def send(self, phone: str, text: str, key: str = "", secret: str = "") -> str:
        body = json.dumps({"phone": phone, "text": text, "sign": settings.BUREAU_NAME, "out_id": key}).encode()
        request = urllib.request.Request(
            settings_value("SMS_GATEWAY_URL"), data=body, method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {settings_value('SMS_TOKEN')}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - configured gateway URL
            ref = json.loads(response.read() or b"{}").get("id", "")
        OutboundMessage.objects.create(channel="sms", to_masked=mask_phone(phone), body=redact(text, secret),
                                       provider_ref=ref,
                                       idempotency_key=key)
        return ref


def redact(text: str, secret: str) -> str:
    """The text as it may be logged and kept: a one-time code in it replaced by asterisks."""
    return text.replace(secret, "*" * len(secret)) if secret else text


def settings_value(name: str) -> str:
    return env(name, required=True)


def get_backend():  # noqa: ANN201
    module, _, cls = settings.SMS_BACKEND.rpartition(".")
    return getattr(import_module(module), cls)()


def send_sms(phone: str, text: str, key: str = "", secret: str = "") -> str:
    """Send through the configured backend; `key` (a stable id of what is being told) lets the gateway drop a
    repeat of the same message after a crash; `secret` (a one-time code in the text) is sent but never logged or
    kept in clear."""
    return get_backend().send(phone, text, key=key, secret=secret)
