"""Chinese line breaking (避头尾) for the documents' ReportLab paragraphs.

ReportLab's CJK wrap (``reportlab.platypus.paragraph.cjkFragSplit`` and ``reportlab.lib.textsplit.wordSplit``)
only lets the one overflowing character hang when it is in ``textsplit.ALL_CANNOT_START``; that set lacks the
full-width ，：；？！”’》〉 and the rule is never applied twice, so 「），」 at a line end leaves 「，」 to start the
next line, and it ignores ``CANNOT_END_LINE`` entirely. ``ClreqParagraph`` breaks every CJK paragraph here
instead, pushing characters to the next line until the break is allowed.

Sources: GB/T 15834-2011《标点符号用法》第5章 (标点符号的位置和书写形式, 5.1 横排文稿); W3C clreq
"Requirements for Chinese Text Layout", 行首行尾禁则 (prohibition rules for line start and line end).
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import ParaLines, cjkU, makeCJKParaLine
from reportlab.rl_config import _FUZZ

# GB/T 15834-2011 5.1 / clreq 行首行尾禁则: 点号, 后引号, 后括号, 后书名号 (full and half width) never start a line.
CANNOT_START = frozenset(
    "、。，．：；？！）」』】〉》〕］｝〗〙”’…‥·％‰℃"  # full width
    "!),.:;?]}\"'%"  # half width
    "々ー〻ゝゞヽヾ"  # clreq: iteration marks and the prolonged sound mark
)
# GB/T 15834-2011 5.1 / clreq 行首行尾禁则: 前引号, 前括号, 前书名号 never end a line.
CANNOT_END = frozenset("（「『【〈《〔［｛〖〘“‘([{")
# GB/T 15834-2011 5.1: 破折号 and 省略号 are not split across lines.
UNSPLIT = frozenset("—…")


def can_break(before: str, after: str) -> bool:
    """May a line end after ``before`` with the next line starting at ``after``?"""
    if after in CANNOT_START or before in CANNOT_END:
        return False
    if before == after and before in UNSPLIT:
        return False
    # Keep runs of Latin letters and digits (年份, 文号, GB/T 15834) whole, as ReportLab tries to.
    return not (before.isascii() and after.isascii() and not before.isspace() and not after.isspace())


def clreq_frag_split(frags: list[Any], max_widths: list[float], calc_bounds: bool) -> ParaLines:
    """``cjkFragSplit`` with the 避头尾 rules: push characters back to the next line until ``can_break``."""
    glyphs: list[Any] = []
    for frag in frags:
        text = frag.text.decode("utf8") if isinstance(frag.text, bytes) else frag.text
        glyphs.extend([cjkU(t, frag, "utf8") for t in text] if text else [cjkU(text, frag, "utf8")])
    widths = []
    for glyph in glyphs:
        w = glyph.width
        widths.append(w.normalizedValue(max_widths[0]) if hasattr(w, "normalizedValue") else w)
    lines: list[Any] = []
    start = i = 0
    used = 0.0
    while i < len(glyphs):
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        used += widths[i]
        line_break = hasattr(glyphs[i].frag, "lineBreak")
        i += 1
        if not line_break and not (used > max_width + _FUZZ and used > 0):
            continue
        if not line_break and i - 1 > start:
            # glyphs[i-1] overflows: it goes to the next line, and so do the characters before it until the
            # break is allowed; a line that cannot be broken anywhere is broken where it overflows.
            cut = i - 1
            while cut > start + 1 and not can_break(glyphs[cut - 1], glyphs[cut]):
                cut -= 1
            i = cut if can_break(glyphs[cut - 1], glyphs[cut]) else i - 1
            used = sum(widths[start:i])
        lines.append(makeCJKParaLine(glyphs[start:i], max_width, used, max_width - used, line_break, calc_bounds))
        start, used = i, 0.0
    if used > 0:
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        lines.append(makeCJKParaLine(glyphs[start:], max_width, used, max_width - used, False, calc_bounds))
    return ParaLines(kind=1, lines=lines)


class ClreqParagraph(Paragraph):
    """A Paragraph whose CJK wrap keeps to 避头尾 (see the module docstring)."""

    def breakLinesCJK(self, maxWidths: Any) -> Any:  # noqa: N802, N803 — ReportLab's names
        if not isinstance(maxWidths, (list, tuple)):
            maxWidths = [maxWidths]
        if hasattr(self, "blPara") and getattr(self, "_splitpara", False):
            return self.blPara
        if not self.frags or getattr(self.style, "endDots", None) or self.bulletText:
            return super().breakLinesCJK(maxWidths)
        self.height = 0
        auto_leading = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
        return clreq_frag_split(self.frags, list(maxWidths), auto_leading not in ("", "off"))
