"""Issue 18: the signed-in page frame (templates/base.html) is printed by Python (kernel/frame.py). The bytes must be
those the template engine renders from base.html's markup — for every kind of user, top bar, menu, breadcrumbs,
messages and child blocks — with only the CSRF token (masked afresh on every read) told apart."""

from __future__ import annotations

import re

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.template import Context, RequestContext, Template
from django.test import RequestFactory
from django.urls import resolve
from django.utils.safestring import mark_safe

from bureau.kernel import frame
from bureau.kernel.notifications import notify
from tests.factories import EnterpriseFactory, city_bureau, county_bureau, make_user

pytestmark = pytest.mark.django_db

_TOKEN = re.compile(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]*"')

CHILD = Template("""{% extends "base.html" %}
{% block title %}标题 <{{ title }}>{% endblock %}
{% block head %}<meta name="x" content="{{ title }}">{% endblock %}
{% block body_class %}wide{% endblock %}
{% block breadcrumb %} / <a href="/licensing/queue/">审批工作台</a> / <a href="/admin-not-a-page/">x</a> / \
<a href="/portal/">门户</a> / {{ title }}{% endblock %}
{% block content %}<p>{{ title }}</p>{% endblock %}
{% block scripts %}<script>{{ block.super }}1</script>{% endblock %}""")

BARE = Template('{% extends "base.html" %}')


def _masked(html: str) -> str:
    return _TOKEN.sub(r'\1T"', html)


def _request(user, path: str = "/licensing/items/", texts: tuple = ()):
    request = RequestFactory().get(path)
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request.resolver_match = resolve(path)
    request.csp_nonce = "nonce-of-this-request"
    for level, text in texts:
        messages.add_message(request, level, text)
    return request


def _both(template: Template, user, context: dict, **kwargs) -> tuple[str, str]:
    pages = []
    for reference in (True, False):
        frame.REFERENCE = reference
        try:
            pages.append(_masked(template.render(RequestContext(_request(user, **kwargs), context))))
        finally:
            frame.REFERENCE = False
    return pages[0], pages[1]


def _users():
    officer = make_user(roles=["licensing_officer"], organisation=city_bureau(), real_name="王<审批>")
    county = make_user(roles=["inspector", "leader"], organisation=county_bureau("140821"))
    firm = make_user(roles=["enterprise"], enterprise=EnterpriseFactory(name="运城&<化工>"))
    admin = make_user(roles=["sysadmin"], organisation=city_bureau(), is_superuser=True)
    no_org = make_user(roles=[], real_name="")
    return [AnonymousUser(), officer, county, firm, admin, no_org]


def test_frame_printed_in_python_equals_base_html_for_every_kind_of_user(settings):
    settings.PLATFORM_NAME = '平台 <"&\'>'
    users = _users()
    notify([users[1], users[3]], "通知", "正文")
    texts = ((messages.SUCCESS, "已保存 <b>"), (messages.ERROR, mark_safe("<em>失败</em>")), (messages.INFO, "提示"))
    for user in users:
        for template in (CHILD, BARE):
            for path in ("/licensing/items/", "/licensing/queue/", "/"):
                for shown in ((), texts):
                    reference, fast = _both(template, user, {"title": "<标题&>"}, path=path, texts=shown)
                    assert fast == reference, (user, path)
                    assert "<!doctype html>" in fast


def test_frame_keeps_the_rules_of_the_template():
    """Escaping, the menu only by role, breadcrumb links only where the user may open them."""
    users = _users()
    _, fast = _both(CHILD, users[3], {"title": "<标题&>"}, texts=((messages.ERROR, "错误 <x>"),))
    assert "运城&amp;&lt;化工&gt;" in fast and '<div class="msg msg-error">错误 &lt;x&gt;</div>' in fast
    assert 'href="/licensing/queue/"' not in fast and "审批工作台" in fast  # an enterprise may not open the queue
    _, fast = _both(CHILD, users[1], {"title": "t"})
    assert '<a href="/licensing/queue/">审批工作台</a>' in fast and 'class="sidenav"' in fast
    _, fast = _both(CHILD, users[0], {"title": "t"})
    assert 'class="sidenav"' not in fast and "退出" not in fast


def test_frame_without_a_request_or_autoescape_uses_the_template():
    """Outside a request (no user, no token) the frame still prints what the template prints."""
    frame.REFERENCE = True
    try:
        reference = BARE.render(Context({}))
    finally:
        frame.REFERENCE = False
    assert BARE.render(Context({})) == reference
    assert BARE.render(Context({}, autoescape=False)) == reference


def test_every_signed_in_page_of_a_client_is_the_same_either_way(client, login):
    """Real pages through every middleware and context processor (menu, unread badge, messages)."""
    user = make_user(roles=["licensing_officer"], organisation=city_bureau())
    login(user)
    notify([user], "通知", "正文")
    for path in ("/", "/licensing/items/", "/licensing/queue/", "/accounts/profile/", "/licensing/nope/"):
        pages = []
        for reference in (True, False):
            frame.REFERENCE = reference
            try:
                pages.append(_masked(client.get(path).content.decode()))
            finally:
                frame.REFERENCE = False
        assert pages[0] == pages[1], path
