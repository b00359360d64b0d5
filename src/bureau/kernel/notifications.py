"""Notifications: the in-app inbox always, plus email and SMS where the recipient has them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.mail import send_mail
from django.db import transaction

from bureau.kernel.models import Notification
from bureau.kernel.sms import send_sms


def notify(recipients: Iterable[Any], title: str, body: str = "", url: str = "", *, sms: bool = False,
           email: bool = False) -> list[Notification]:
    """Put a message in each recipient's inbox; email/SMS are sent after the transaction commits."""
    users = [u for u in recipients if u is not None]
    rows = Notification.objects.bulk_create([Notification(recipient=u, title=title, body=body, url=url) for u in users])

    def side_effects() -> None:
        for user in users:
            phone, address = getattr(user, "phone", None), getattr(user, "email", None)
            if sms and phone:
                send_sms(phone, f"【{title}】{body}"[:300])
            if email and address:
                send_mail(title, body, None, [address], fail_silently=True)

    transaction.on_commit(side_effects)
    return rows
