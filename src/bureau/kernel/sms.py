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

log = logging.getLogger("bureau.sms")


class LoggingSmsBackend:
    """Working default: nothing leaves the machine; the message is logged and kept in OutboundMessage."""

    def send(self, phone: str, text: str) -> str:
        log.info("SMS to %s: %s", mask_phone(phone), text)
        OutboundMessage.objects.create(channel="sms", to_masked=mask_phone(phone), body=text, status="logged")
        return "logged"


class HttpGatewaySmsBackend:
    """A provider gateway that takes JSON {phone, text, sign} with a bearer token (SMS_GATEWAY_URL, SMS_TOKEN)."""

    def send(self, phone: str, text: str) -> str:
        body = json.dumps({"phone": phone, "text": text, "sign": settings.BUREAU_NAME}).encode()
        request = urllib.request.Request(
            settings_value("SMS_GATEWAY_URL"), data=body, method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {settings_value('SMS_TOKEN')}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - configured gateway URL
            ref = json.loads(response.read() or b"{}").get("id", "")
        OutboundMessage.objects.create(channel="sms", to_masked=mask_phone(phone), body=text, provider_ref=ref)
        return ref


def settings_value(name: str) -> str:
    from bureau.settings import env

    return env(name, required=True)


def get_backend():  # noqa: ANN201
    module, _, cls = settings.SMS_BACKEND.rpartition(".")
    return getattr(import_module(module), cls)()


def send_sms(phone: str, text: str) -> str:
    return get_backend().send(phone, text)
