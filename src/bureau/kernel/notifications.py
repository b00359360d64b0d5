"""Notifications: the in-app inbox always, plus email and SMS where the recipient has them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction

from bureau.kernel.models import Notification
from bureau.kernel.sms import send_sms

# The unread badge is a short cached value, dropped when a message arrives or the inbox is read
# (notify below, the inbox view): no COUNT on every page. With a per-process cache (no REDIS_URL) another
# worker process may show the old figure for up to this long.
UNREAD_CACHE_SECONDS = 30


def _unread_key(user: Any) -> str:
    # date_joined keeps a reused id (a test database rolled back) from reading another account's figure
    return f"kernel:unread:{user.pk}:{user.date_joined.timestamp() if user.date_joined else 0}"


def unread_count(user: Any) -> int:
    key = _unread_key(user)
    count = cache.get(key)
    if count is None:
        count = user.notifications.filter(read_at__isnull=True).count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return int(count)


def forget_unread(users: Any) -> None:
    """A message arrived or the inbox was read: the next page counts again."""
    cache.delete_many([_unread_key(u) for u in users if u is not None and u.pk is not None])


def notify(recipients: Iterable[Any], title: str, body: str = "", url: str = "", *, sms: bool = False,
           email: bool = False) -> list[Notification]:
    """Put a message in each recipient's inbox; email/SMS are sent after the transaction commits."""
    users = [u for u in recipients if u is not None]
    rows = Notification.objects.bulk_create([Notification(recipient=u, title=title, body=body, url=url) for u in users])
    forget_unread(users)
    transaction.on_commit(lambda: forget_unread(users))  # a page counting meanwhile saw the old figure

    def side_effects() -> None:
        for user in users:
            phone, address = getattr(user, "phone", None), getattr(user, "email", None)
            if sms and phone:
                send_sms(phone, f"【{title}】{body}"[:300])
            if email and address:
                send_mail(title, body, None, [address], fail_silently=True)

    if sms or email:  # the recipients' phone and email are read only when a text or a mail is asked for
        transaction.on_commit(side_effects)
    return rows
