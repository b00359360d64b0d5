from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

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
        "portal_nav": _portal_nav(get_script_prefix()),
    }


_NAV_CACHE: dict[str, list[tuple[str, str]]] = {}


def _portal_nav(prefix: str) -> list[tuple[str, str]]:
    """The public navigation as (href, label), reversed once per process: the links are registered at start-up and
    the public pages are the busiest of the site."""
    nav = _NAV_CACHE.get(prefix)
    if nav is None or len(nav) != len(registry.portal_links):
        nav = [(reverse(e.url_name), e.label) for e in sorted(registry.portal_links, key=lambda e: e.order)]
        _NAV_CACHE[prefix] = nav
    return nav
