"""Laws, policies and interpretations: Chinese full-text search, filters, stable article URLs, law_url; the portal
home shows the other areas' registered links."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.kernel.registry import MenuEntry, registry
from bureau.portal import services
from bureau.portal.models import LawArticle, LawDocument
from bureau.portal.queries import law_search, law_url


def make_law(title, *, articles=(), **kw):
    data = dict(kind="regulation", topic="licensing", industries=",hazchem,", issued_on=dt.date(2020, 1, 1),
                summary="")
    data.update(kw)
    law = LawDocument.objects.create(title=title, **data)
    for n, label, text in articles:
        LawArticle.objects.create(law=law, number=n, label=label, text=text)
    return services.law_save(actor=None, law=law)


@pytest.fixture
def laws(db):
    return {
        "hazchem": make_law("危险化学品安全管理条例", articles=[(33, "第三十三条", "国家对危险化学品经营实行许可制度。")]),
        "licensing": make_law("中华人民共和国行政许可法", kind="law", industries=",general,",
                              articles=[(42, "第四十二条", "行政机关应当自受理行政许可申请之日起二十日内作出行政许可决定。")]),
        "fireworks": make_law("烟花爆竹安全管理条例", industries=",fireworks,", topic="enforcement",
                              articles=[(19, "第十九条", "申请从事烟花爆竹零售的，由县级人民政府安全生产监督管理部门审批。")]),
        "old": make_law("已废止的办法", is_published=False, summary="危险化学品"),
    }


@pytest.mark.django_db
def test_chinese_search_matches_article_text_and_ranks_titles_first(laws):
    titles = [law.title for law in law_search({"q": "许可"})]
    assert titles[0] == "中华人民共和国行政许可法"  # title hit first
    assert set(titles) == {"中华人民共和国行政许可法", "危险化学品安全管理条例"}  # article text matched too
    assert [law.title for law in law_search({"q": "危险化学品 许可制度"})] == ["危险化学品安全管理条例"]
    assert [law.title for law in law_search({"q": "二十 日内"})] == ["中华人民共和国行政许可法"]
    assert list(law_search({"q": "不存在的词"})) == []
    assert "已废止的办法" not in [law.title for law in law_search({})]  # unpublished never shown


@pytest.mark.django_db
def test_filters_by_industry_and_topic(laws):
    fireworks = [law.title for law in law_search({"industry": "fireworks"})]
    assert "烟花爆竹安全管理条例" in fireworks and "中华人民共和国行政许可法" in fireworks  # general applies to all
    assert "危险化学品安全管理条例" not in fireworks
    assert [law.title for law in law_search({"topic": "enforcement"})] == ["烟花爆竹安全管理条例"]


@pytest.mark.django_db
def test_law_url_is_stable_and_points_at_the_article(laws, client):
    url = law_url("《中华人民共和国行政许可法》", 42)
    assert url == f"/portal/laws/{laws['licensing'].pk}/#art-42"
    assert law_url("中华人民共和国行政许可法") == f"/portal/laws/{laws['licensing'].pk}/"
    assert law_url("中华人民共和国行政许可法", 999) == f"/portal/laws/{laws['licensing'].pk}/"
    assert law_url("不存在的法") is None and law_url("已废止的办法") is None
    page = client.get(url.split("#")[0]).content.decode()
    assert 'id="art-42"' in page and "二十日内" in page
    assert client.get(f"/portal/laws/{laws['old'].pk}/").status_code == 404


@pytest.mark.django_db
def test_interpretation_links_both_ways(laws, client):
    policy = make_law("运城市应急管理系统优化营商环境30条措施", kind="normative", topic="business")
    reading = make_law("30条措施政策解读", kind="interpretation", topic="business", interprets=policy,
                       body="问：能快多少？答：大幅压缩。")
    assert reading.title in client.get(f"/portal/laws/{policy.pk}/").content.decode()
    assert policy.title in client.get(f"/portal/laws/{reading.pk}/").content.decode()


@pytest.mark.django_db
def test_portal_home_lists_registered_links_and_search(laws, client, django_assert_max_num_queries):
    entry = MenuEntry("门户", "证书查验（测试）", "portal:faq", order=5)
    registry.portal_links.append(entry)
    try:
        with django_assert_max_num_queries(4):
            body = client.get("/portal/").content.decode()
        assert "证书查验（测试）" in body and "局长信箱" in body and "危险化学品安全管理条例" in body
    finally:
        registry.portal_links.remove(entry)
    with django_assert_max_num_queries(4):
        body = client.get("/portal/laws/", {"q": "烟花", "industry": "fireworks"}).content.decode()
    assert "烟花爆竹安全管理条例" in body and "危险化学品安全管理条例" not in body
