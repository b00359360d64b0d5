"""The signed-in page frame (`templates/base.html`) printed by Python (issue 18).

`base.html` wraps its markup in `{% frame %}…{% endframe %}`. The markup inside stays the reference: `FrameNode`
renders it unchanged when `REFERENCE` is true (the byte-compare tests, tests/kernel/test_frame.py), and otherwise
prints the same bytes from strings worked out once per process (the head, the scripts, the links and assets of the
top bar: they depend only on the script prefix, the platform's name and the static files' URLs) and the per-request
parts read from the template context exactly as the template reads them: the CSRF token, the CSP nonce (through
django-htmx's own tag), the signed-in user's top bar (organisation, name, role names, unread badge), the menu
(already rendered once per role set and page: kernel/context_processors.py), the breadcrumbs (links the user may
not open become plain text: `ui.CrumbsNode`), the messages and the child template's blocks.

Without it the template engine spends ≈ 60 node renders on the frame of every signed-in page (≈ a fifth of the
item list's CPU). A change to `base.html` must be made to `_Static` / `FrameNode.render_fast` too: the test renders
every page both ways and compares.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.template.base import render_value_in_context
from django.template.defaulttags import CsrfTokenNode
from django.template.loader_tags import BlockNode
from django.urls import get_script_prefix
from django.utils.html import conditional_escape
from django_htmx.templatetags.django_htmx import htmx_script

REFERENCE = False  # True: render base.html's markup with the template engine (tests compare both)

BLOCKS = ("title", "head", "body_class", "breadcrumb", "content", "scripts")
_CRUMBS = ("crumbs",)


def _static(platform_name: Any, link: Callable[[str], str], asset: Callable[[str], str]) -> dict[str, str]:
    """The frame's fixed strings for this script prefix and platform name (the links and assets as `{% link %}` and
    `{% asset %}` print them: escaped)."""

    def a(path: str) -> str:
        return conditional_escape(asset(path))

    def u(name: str) -> str:
        return conditional_escape(link(name))

    name = conditional_escape(platform_name)
    emblem = a("img/emblem.svg")
    return {
        "head": ('<!doctype html>\n<html lang="zh-CN">\n<head>\n  <meta charset="utf-8">\n'
                 '  <meta name="viewport" content="width=device-width, initial-scale=1">\n'
                 '  <meta name="htmx-config" content=\'{"includeIndicatorStyles": false, "allowEval": false}\'>\n'
                 "  <title>"),
        "after_title": (f' · {name}</title>\n  <link rel="stylesheet" href="{a("css/app.css")}">\n'
                        f'  <link rel="stylesheet" href="{a("css/picker.css")}">\n'
                        f'  <link rel="icon" href="{emblem}">\n'
                        f'  <script src="{a("js/prefs.js")}"></script>\n  '),
        "body": "\n</head>\n<body hx-headers='{\"X-CSRFToken\": \"",
        "topbar": ('">\n<a class="skip-link" href="#main">跳到主要内容</a>\n<header class="topbar">\n'
                   '  <button class="menu-toggle" type="button" data-toggle-menu aria-controls="sidenav" '
                   'aria-expanded="false" aria-label="菜单">☰</button>\n'
                   f'  <a class="brand" href="{u("workbench")}"><img src="{emblem}" alt="{name}" width="30" '
                   f'height="30"><span aria-hidden="true">{name}</span></a>\n  '),
        "who": f'\n  <div class="who">\n    <a class="inbox-link" href="{u("inbox")}" title="站内消息">消息',
        "profile": (f'</span>\n    <a class="hide-narrow" href="{u("accounts:profile")}">账号安全</a>\n'
                    '    <button class="linklike elder-toggle hide-narrow" type="button" data-elder-toggle '
                    'aria-pressed="false">长者模式</button>\n'
                    f'    <form method="post" action="{u("accounts:logout")}" class="inline">'),
        "after_who": ('<button class="linklike" type="submit">退出</button></form>\n  </div>\n  \n'
                      '</header>\n<div class="shell">\n  \n  <nav class="sidenav" id="sidenav" aria-label="主菜单">\n'
                      "    "),
        "anonymous": ('\n  <div class="who"><button class="linklike elder-toggle" type="button" data-elder-toggle '
                      'aria-pressed="false">长者模式</button></div>\n  \n</header>\n<div class="shell">\n  '),
        "after_menu": "\n  </nav>\n  ",
        "main": ('\n  <main class="content" id="main" tabindex="-1">\n'
                 '    <nav class="breadcrumb" aria-label="当前位置">'),
        "home": f'<a href="{u("workbench")}">首页</a>',
        "after_crumbs": "</nav>\n    ",
        "after_messages": "\n    ",
        "after_content": "\n  </main>\n</div>\n",
        "scripts": (f'\n<script src="{a("js/app.js")}"></script>\n'
                    f'<script src="{a("js/picker.js")}" defer></script>\n'),
        "end": "\n</body>\n</html>",
    }


_STATIC: dict[tuple[str, str], dict[str, str]] = {}


def _attr(value: Any, name: str) -> Any:
    """`{{ value.name }}` as the template engine looks it up for a model attribute ('' when it cannot)."""
    try:
        return getattr(value, name)
    except ObjectDoesNotExist:
        return ""


class FrameNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist: template.NodeList, *, link: Callable[[str], str], asset: Callable[[str], str],
                 crumb_links: Callable[[Any, str], str]) -> None:
        # the tags' own functions (kernel/templatetags/ui.py), passed in: the tag library imports this module
        self.link, self.asset, self.crumb_links = link, asset, crumb_links
        self.nodelist = nodelist
        self._by_type: dict[type[template.Node], list[template.Node]] = {}
        self.blocks: dict[str, BlockNode] = {b.name: b for b in nodelist.get_nodes_by_type(BlockNode)
                                             if isinstance(b, BlockNode)}
        assert set(self.blocks) == set(BLOCKS), sorted(self.blocks)

    def get_nodes_by_type(self, nodetype: type[template.Node]) -> list[template.Node]:
        """The nodes of a type in the frame, worked out once: `{% extends %}` asks for the frame's blocks on every
        render (≈ 90 nodes walked per page)."""
        found = self._by_type.get(nodetype)
        if found is None:
            found = self._by_type[nodetype] = super().get_nodes_by_type(nodetype)
        return list(found)

    def render(self, context: template.Context) -> str:
        if REFERENCE or not context.autoescape:
            return self.nodelist.render(context)
        return self.render_fast(context)

    def render_fast(self, context: template.Context) -> str:
        blocks = self.blocks
        platform_name = context.get("PLATFORM_NAME", "")
        key = (get_script_prefix(), str(platform_name))
        s = _STATIC.get(key)
        if s is None:
            s = _STATIC[key] = _static(platform_name, self.link, self.asset)
        csrf = render_value_in_context(context.get("csrf_token", ""), context)
        out = [s["head"], blocks["title"].render(context), s["after_title"], blocks["head"].render(context),
               s["body"], csrf, '"}\' class="', blocks["body_class"].render(context), s["topbar"]]
        user = context.get("user")
        if getattr(user, "is_authenticated", False):
            out.append(s["who"])
            unread = context.get("unread_count")
            if unread:
                out += ['<b class="badge">', render_value_in_context(unread, context), "</b>"]
            out.append('</a>\n    <span class="org">')
            enterprise, organisation = _attr(user, "enterprise"), None
            if enterprise:
                out.append(render_value_in_context(_attr(enterprise, "name"), context))
            else:
                organisation = _attr(user, "organisation")
                if organisation:
                    out.append(render_value_in_context(_attr(organisation, "name"), context))
            out += ['</span>\n    <span class="user">', render_value_in_context(_attr(user, "display_name"), context)]
            for name in _attr(user, "role_names") or ():
                out += ['<small class="role">', render_value_in_context(name, context), "</small>"]
            out += [s["profile"], CsrfTokenNode().render(context), s["after_who"],
                    render_value_in_context(context.get("menu_html", ""), context), s["after_menu"]]
        else:
            out.append(s["anonymous"])
        request = context.get("request")
        out += [s["main"], self.crumb_links(getattr(request, "user", None),
                                       s["home"] + blocks["breadcrumb"].render(context)), s["after_crumbs"]]
        messages = context.get("messages")
        if messages:
            out.append('<div class="messages">')
            for m in messages:
                out += ['<div class="msg msg-', render_value_in_context(_attr(m, "tags"), context), '">',
                        render_value_in_context(m, context), "</div>"]
            out.append("</div>")
        out += [s["after_messages"], blocks["content"].render(context), s["after_content"],
                conditional_escape(htmx_script(context)), s["scripts"], blocks["scripts"].render(context), s["end"]]
        return "".join(out)


