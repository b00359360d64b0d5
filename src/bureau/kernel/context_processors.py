from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from bureau.kernel.registry import menu_for, registry


def platform(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        unread = user.notifications.filter(read_at__isnull=True).count()
    return {
        "BUREAU_NAME": settings.BUREAU_NAME,
        "PLATFORM_NAME": settings.PLATFORM_NAME,
        "menu_groups": menu_for(user) if user is not None else [],
        "unread_count": unread,
        "portal_links": sorted(registry.portal_links, key=lambda e: e.order),
    }
