"""Official documents as GB/T 9704-2012 lays them out (issue 17 point 7), checked on what ReportLab draws.

- 7.3.5: the authority's name, the date and the seal never stand alone on a page ("此页无正文" is not allowed): the
  text's last paragraph is kept with them, however the body's length falls against the page.
- Every line of a list given as one paragraph (一、二、三、) starts two characters in, not only the first."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.kernel import documents
from bureau.kernel.linebreak import ClreqParagraph


@pytest.fixture
def drawn(monkeypatch):
    """The page each body paragraph and the signature were drawn on, and each body paragraph's first-line indent."""
    record: dict[str, list] = {"text": [], "signature": []}
    paragraph_draw, signature_draw = ClreqParagraph.draw, documents.SignatureBlock.draw

    def para(self):
        record["text"].append((self.canv.getPageNumber(), self.style.firstLineIndent, self.text))
        return paragraph_draw(self)

    def signature(self):
        record["signature"].append(self.canv.getPageNumber())
        return signature_draw(self)

    monkeypatch.setattr(ClreqParagraph, "draw", para)
    monkeypatch.setattr(documents.SignatureBlock, "draw", signature)
    return record


@pytest.mark.parametrize("paragraphs", range(18, 30, 2))
def test_the_seal_and_date_always_share_their_page_with_text(drawn, paragraphs):
    """Rule (GB/T 9704-2012 7.3.5): whatever the body's length, the signature's page carries body text too."""
    spec = documents.Spec(title="行政处罚决定书", authority="运城市盐湖区应急管理局", number="盐湖应急罚决〔2026〕1号",
                          blocks=[*(documents.Para(f"第{i}段：经查，当事人未如实记录安全生产教育和培训情况。")
                                    for i in range(paragraphs)),
                                  documents.Signature("运城市盐湖区应急管理局", dt.date(2026, 12, 6))])
    documents.render_pdf(spec)
    (page,) = drawn["signature"]
    assert any(p == page and "段：" in text for p, _indent, text in drawn["text"]), (paragraphs, page)


def test_every_line_of_a_list_paragraph_is_indented(drawn):
    """Rule (GB/T 9704-2012 7.3.3, consistent list indentation): 一、二、三、 given as one paragraph's lines all start
    two characters in."""
    reasoning = "一、违法行为的性质：甲。\n二、查明的事实和情节：乙。\n三、裁量基准的适用：丙。"
    documents.render_pdf(documents.Spec(title="行政处罚决定书", blocks=[documents.Para(reasoning)]))
    items = [(indent, text) for _page, indent, text in drawn["text"] if text[:2] in ("一、", "二、", "三、")]
    assert [text[:2] for _indent, text in items] == ["一、", "二、", "三、"]
    assert len({indent for indent, _text in items}) == 1 and items[0][0] > 0


def test_item_numbers_are_cited_in_full_width_brackets():
    """Rule (laws cited uniformly): a benchmark row's 第(四)项 is printed as the law prints it, 第（四）项."""
    assert documents.cite_laws("依照安全生产法第97条第(四)项") == "依照《中华人民共和国安全生产法》第九十七条第（四）项"
