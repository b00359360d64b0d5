from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.safestring import mark_safe

from bureau.kernel.notifications import unread_count
from bureau.kernel.registry import menu_for, registry


def platform(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "BUREAU_NAME": settings.BUREAU_NAME,
        "PLATFORM_NAME": settings.PLATFORM_NAME,
        "menu_html": _menu_html(user, request) if signed_in else "",
        "unread_count": unread_count(user) if signed_in else 0,
        "portal_links": sorted(registry.portal_links, key=lambda e: e.order),
        "portal_nav": _portal_nav(get_script_prefix()),
    }


@dataclass(frozen=True)
class MenuLink:
    label: str
    url_name: str
    icon: str
    href: str


_MENU_CACHE: dict[tuple[str, frozenset[str], int], list[tuple[str, list[MenuLink]]]] = {}


def _menu(user: Any) -> list[tuple[str, list[MenuLink]]]:
    """The left menu of a set of roles, with its links reversed, built once per process and role set."""
    key = (get_script_prefix(), user.role_codes, len(registry.menu))
    menu = _MENU_CACHE.get(key)
    if menu is None:
        menu = [(group, [MenuLink(e.label, e.url_name, e.icon, reverse(e.url_name)) for e in entries])
                for group, entries in menu_for(user)]
        _MENU_CACHE[key] = menu
    return menu


_MENU_HTML: dict[tuple[str, frozenset[str], int, str], str] = {}


def _menu_html(user: Any, request: HttpRequest) -> str:
    """The left menu as HTML, rendered once per process for each role set and current page (the active link)."""
    match = getattr(request, "resolver_match", None)
    view_name = (match.view_name if match is not None else "") or ""
    key = (get_script_prefix(), user.role_codes, len(registry.menu), view_name)
    html = _MENU_HTML.get(key)
    if html is None:
        html = mark_safe(render_to_string("includes/sidenav.html",
                                          {"menu_groups": _menu(user), "view_name": view_name,
                                           "profile_href": reverse("accounts:profile")}))
        _MENU_HTML[key] = html
    return html


_NAV_CACHE: dict[str, list[tuple[str, str]]] = {}


def _portal_nav(prefix: str) -> list[tuple[str, str]]:
    """The public navigation as (href, label), reversed once per process: the links are registered at start-up and
    the public pages are the busiest of the site."""
    nav = _NAV_CACHE.get(prefix)
    if nav is None or len(nav) != len(registry.portal_links):
        nav = [(reverse(e.url_name), e.label) for e in sorted(registry.portal_links, key=lambda e: e.order)]
        _NAV_CACHE[prefix] = nav
    return nav
