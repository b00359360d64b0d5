"""After sign-in the portal no longer says 「登录办事」 (the header names the user and leads to 我的办事), a cached
public page never shows one user's name to another, and 我要办事 lists the items that apply to the enterprise
first (by its industry: the items' eligibility rows)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from bureau.enterprises.models import Industry
from tests.factories import EnterpriseFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_header_says_my_services_with_the_name_once_signed_in(client, login):
    anonymous = client.get("/portal/").content.decode()
    assert "登录办事" in anonymous and "我的办事" not in anonymous
    user = make_user("qiye_portal", roles=["enterprise"], enterprise=EnterpriseFactory(), real_name="韩志刚")
    login(user)
    for path in ("/portal/", "/portal/laws/", "/portal/faq/", "/licensing/guide/"):
        page = client.get(path).content.decode()
        assert "登录办事" not in page, path
        assert "我的办事" in page and "韩志刚" in page, path


def test_a_signed_in_page_is_never_served_from_the_cache_to_a_visitor(client, login):
    login(make_user("qiye_cache", roles=["enterprise"], enterprise=EnterpriseFactory(), real_name="薛卫东"))
    assert "薛卫东" in client.get("/portal/faq/").content.decode()
    visitor = type(client)()
    page = visitor.get("/portal/faq/").content.decode()
    assert "薛卫东" not in page and "登录办事" in page


def test_my_services_lists_the_items_of_the_enterprises_industry_first(client, login):
    enterprise = EnterpriseFactory(industry=Industry.FIREWORKS, region_id="140821")
    login(make_user("qiye_fireworks", roles=["enterprise"], enterprise=enterprise))
    response = client.get("/licensing/items/")
    groups = response.context["groups"]
    assert [title for title, _ in groups] == ["适用于本企业的事项", "其他事项"]
    applicable, others = groups[0][1], groups[1][1]
    assert applicable and all(refusal is None for _, refusal, *_links in applicable)
    assert others and all(refusal for _, refusal, *_links in others)
    assert any("烟花爆竹" in item.name for item, *_rest in applicable)
    html = response.content.decode()
    assert html.count("<h2>适用于本企业的事项") == 1 and html.count("<h2>其他事项</h2>") == 1
    assert html.count("<tbody>") == 2
    assert html.index(applicable[0][0].name) < html.index(others[0][0].name)
