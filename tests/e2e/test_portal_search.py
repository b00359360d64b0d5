"""Journey: a visitor searches the portal for a law in Chinese, filters by industry, opens the article link."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_visitor_searches_laws_and_opens_article(page, live_server):
    from bureau.portal import services
    from bureau.portal.models import LawArticle, LawDocument
    from bureau.portal.queries import law_url

    for title, industries, n, text in [
        ("危险化学品安全管理条例", ",hazchem,", 33, "国家对危险化学品经营（包括仓储经营）实行许可制度。"),
        ("烟花爆竹安全管理条例", ",fireworks,", 19, "申请从事烟花爆竹零售的，由县级人民政府安全生产监督管理部门审批。"),
    ]:
        law = LawDocument.objects.create(kind="regulation", title=title, topic="licensing", industries=industries,
                                         issued_on=dt.date(2016, 1, 1), summary=text)
        LawArticle.objects.create(law=law, number=n, label=f"第{n}条", text=text)
        services.law_save(actor=None, law=law)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/portal/")
    # the phone menu: one button, the links listed under it (issue 17 item 1); 长者模式 is remembered (item 6)
    menu = page.locator(".pub-menu-toggle")
    expect(page.locator("#pub-nav")).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#pub-nav >> text=登录办事")).to_be_visible()
    page.click(".pub-elder")
    expect(page.locator("html")).to_have_class(re.compile(r"\belder\b"))
    page.reload()
    expect(page.locator("html")).to_have_class(re.compile(r"\belder\b"))
    expect(page.locator(".pub-elder")).to_have_attribute("aria-pressed", "true")
    page.fill("#hero-q", "许可制度")
    page.click(".hero-search button")
    # a list of texts: exactly these hits, in this order (waits until the results page shows them)
    expect(page.locator(".law-hit .law-title")).to_have_text(["危险化学品安全管理条例"])
    page.fill("#q", "")
    page.select_option("#industry", "fireworks")
    page.click(".pub-filters button[type=submit]")
    expect(page.locator(".law-hit .law-title")).to_have_text(["烟花爆竹安全管理条例"])
    page.goto(live_server.url + law_url("危险化学品安全管理条例", 33))
    expect(page.locator("#art-33")).to_contain_text("实行许可制度")
    expect(page.locator("#art-33:target")).to_have_count(1)  # the link's anchor lands on the article
