"""A legal basis (《法规》第N条) links to the law published on the portal (measure II.10), or stays text."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from bureau.kernel.templatetags.ui import article_number


@pytest.mark.parametrize("text, number", [("第二条", 2), ("第二十七条第二款", 27), ("第一百八十条", 180),
                                          ("第28条", 28), ("第十条", 10), ("附则", None)])
def test_article_numbers_are_read_from_chinese_numerals(text, number):
    assert article_number(text) == number


@pytest.mark.django_db
def test_law_link_points_to_the_published_article():
    from bureau.portal.models import LawArticle, LawDocument

    law = LawDocument.objects.filter(title="中华人民共和国安全生产法").first()
    if law is None:
        law = LawDocument.objects.create(title="中华人民共和国安全生产法", kind="law", is_published=True)
    LawArticle.objects.get_or_create(law=law, number=28, defaults={"text": "生产经营单位应当对从业人员进行安全生产教育和培训"})
    html = Template("{% law_link '中华人民共和国安全生产法' '第二十八条' %}").render(Context())
    assert f'href="/portal/laws/{law.pk}/#art-28"' in html and "《中华人民共和国安全生产法》第二十八条" in html
    plain = Template("{% law_link '某未发布条例' '第三条' %}").render(Context())
    assert plain == "《某未发布条例》第三条"
