"""避头尾 in the documents' paragraphs (GB/T 15834-2011 5.1; W3C clreq 行首行尾禁则).

The paragraphs are built by the documents' own ``_para`` and styles and wrapped by ReportLab at the body width;
closing punctuation must never start a line and opening brackets never end one.
"""

from __future__ import annotations

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from bureau.kernel import documents
from bureau.kernel.linebreak import CANNOT_END, CANNOT_START

BODY_WIDTH = A4[0] - 26 * mm - 24 * mm  # render_pdf's frame: left 26 mm, right 24 mm margins

FILLERS = ["", "甲", "甲乙", "甲乙丙", "甲乙丙丁", "甲乙丙丁戊", "甲乙丙丁戊己", "甲乙丙丁戊己庚"]
TRAPS = [
    "依据《安全生产培训管理办法》（2026）第3号），完成全部课程。",
    "他说：「已经完成。」」，随后离开；",
    "文号为运应急〔2026〕12号，罚款人民币5000元整。",
    "“该单位”‘未按规定’，责令改正！？",
    "【重要】『附件一』、〈通知〉，《决定》：（一）……——",
]


def _lines(text: str, style_name: str, width: float) -> list[str]:
    documents._ensure_font()
    para = documents._para(text, documents._styles()[style_name])
    para.wrap(width, 10_000)
    return [_text(line) for line in para.blPara.lines]


def _text(line: object) -> str:
    # ReportLab's lines: (space, [text]) for one-frag paragraphs, else a line object whose words are frags.
    if isinstance(line, tuple):
        return "".join(line[1])
    return "".join(frag.text for frag in line.words)  # type: ignore[attr-defined]


def _adversarial() -> list[str]:
    # Every trap shifted by 0..7 characters and repeated, so each of its marks lands at and around a line end.
    texts = []
    for trap in TRAPS:
        for filler in FILLERS:
            texts.append(filler + trap * 4)
            texts.append(filler + "\n".join([trap * 2, filler + trap * 3]))
    return texts


@pytest.mark.parametrize("style_name", ["body_indent", "body", "cell"])
def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(style_name: str) -> None:
    widths = [BODY_WIDTH] if style_name != "cell" else [BODY_WIDTH / 3, BODY_WIDTH / 2]
    checked = 0
    for width in widths:
        for text in _adversarial():
            lines = [line for line in _lines(text, style_name, width) if line]
            assert "".join(lines) == text.replace("\n", ""), "the wrap loses or duplicates no character"
            for before, line in zip(lines, lines[1:], strict=False):
                assert line[0] not in CANNOT_START, f"line starts with {line[0]!r}: …{before[-6:]}|{line[:6]}…"
            for line in lines[:-1]:
                assert line[-1] not in CANNOT_END, f"line ends with {line[-1]!r}: …{line[-6:]}"
            checked += len(lines)
    assert checked > 300  # each mark met a line end many times over


def test_reportlab_alone_lets_the_comma_start_a_line() -> None:
    # The reason for ClreqParagraph: the same text through ReportLab's own Paragraph breaks before 「，」.
    documents._ensure_font()
    style = documents._styles()["body_indent"]
    bad = 0
    for filler in FILLERS:
        para = documents.Paragraph(filler + TRAPS[0] * 4, style)
        para.wrap(BODY_WIDTH, 10_000)
        lines = [_text(line) for line in para.blPara.lines]
        bad += sum(1 for line in lines[1:] if line and line[0] in CANNOT_START)
    assert bad > 0


def test_long_paragraph_splits_across_pages_and_renders() -> None:
    spec = documents.Spec(title="避头尾测试", authority="运城市应急管理局", blocks=[documents.Para(TRAPS[0] * 120)])
    pdf = documents.render_pdf(spec)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 3
