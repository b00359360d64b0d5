"""Official documents rendered to PDF with the embedded Song font, stored with their digest.

Layout follows GB/T 9704-2012 (党政机关公文格式) where it applies to 执法文书 and notices: A4, the issuing
authority (its full name, `Organisation.full_name`) and document name centred at the top in the bold face, the
document number (文号, no padding: 〔2026〕10号) under it, body text in the serif face with a two-character indent,
dates in one form (2026年11月26日), national laws cited by their full title with Chinese article numbers, the
authority and date at the foot with the seal pressed over them. docs/ui.md (Documents) lists the conventions. Every document is stored through the storage
API as a `Document` linked to its process, with its SHA-256 digest, and listed in the case file in order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from reportlab.graphics.barcode import qr
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bureau.kernel.dates import chinese_date, cn_datetime  # noqa: F401 — the documents' date forms, re-exported
from bureau.kernel.linebreak import ClreqParagraph
from bureau.kernel.models import Document

if TYPE_CHECKING:
    from bureau.accounts.models import User

# Noto Serif CJK SC, subset and converted by scripts/build_font.py (SIL OFL 1.1): Regular for the body, Bold for
# the authority, the title and headings (docs/ui.md, Documents: why not the thin Ming face used before).
FONT_NAME = "BureauSerif"
TITLE_FONT_NAME = "BureauSerifBold"
FONT_PATH = Path(settings.BASE_DIR) / "static" / "fonts" / "bureau-serif.ttf"
TITLE_FONT_PATH = Path(settings.BASE_DIR) / "static" / "fonts" / "bureau-serif-bold.ttf"
_registered = False


def _ensure_font() -> None:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH)))
        pdfmetrics.registerFont(TTFont(TITLE_FONT_NAME, str(TITLE_FONT_PATH)))
        _registered = True




@dataclass
class Heading:
    text: str


@dataclass
class Para:
    text: str
    indent: bool = True
    bold: bool = False


@dataclass
class Fields:
    """Label/value rows in a ruled table (the 表 kinds of 执法文书: 立案审批表, 呈批表 …)."""

    rows: Sequence[tuple[str, str]]


@dataclass
class Grid:
    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[float] | None = None


@dataclass
class Signature:
    authority: str
    date: dt.date
    seal: bool = True


@dataclass
class QRCode:
    data: str
    caption: str = ""


@dataclass
class Spec:
    """A whole document: the authority, its name, number and blocks."""

    title: str
    authority: str = field(default_factory=lambda: settings.BUREAU_NAME)
    number: str = ""
    blocks: list[Any] = field(default_factory=list)
    footer: str = ""


BODY_SIZE = 15  # between 三号 (16 pt, GB/T 9704-2012 7.3.3 for 公文) and the 四号 of most 执法文书 forms
INDENT = 2 * BODY_SIZE  # every paragraph and list item starts two characters in (首行缩进2字)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT_NAME, fontSize=BODY_SIZE, leading=BODY_SIZE * 1.75, wordWrap="CJK",
                          alignment=TA_JUSTIFY)
    bold = ParagraphStyle("bold", parent=base, fontName=TITLE_FONT_NAME)
    return {
        "authority": ParagraphStyle("authority", parent=bold, fontSize=20, leading=30, alignment=TA_CENTER),
        "title": ParagraphStyle("title", parent=bold, fontSize=22, leading=34, alignment=TA_CENTER, spaceAfter=4),
        "number": ParagraphStyle("number", parent=base, alignment=TA_CENTER, fontSize=BODY_SIZE, spaceAfter=10),
        "heading": ParagraphStyle("heading", parent=bold, leading=BODY_SIZE * 1.75, firstLineIndent=INDENT,
                                  spaceBefore=6),
        "body": base,
        "body_indent": ParagraphStyle("body_indent", parent=base, firstLineIndent=INDENT),
        "cell": ParagraphStyle("cell", parent=base, fontSize=12, leading=18, alignment=0),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "small": ParagraphStyle("small", parent=base, fontSize=10, leading=14, alignment=TA_CENTER),
    }


class Seal(Flowable):
    """A round red seal with the authority's name on the arc and a star in the middle (an e-seal stand-in)."""

    def __init__(self, text: str, size: float = 42 * mm) -> None:
        super().__init__()
        self.text = text
        self.size = size
        self.width = size
        self.height = size

    def draw(self) -> None:
        c = self.canv
        r = self.size / 2
        c.saveState()
        c.setStrokeColor(colors.Color(0.85, 0.1, 0.1, alpha=0.85))
        c.setFillColor(colors.Color(0.85, 0.1, 0.1, alpha=0.85))
        c.setLineWidth(2.2)
        c.circle(r, r, r - 2, stroke=1, fill=0)
        star_r = r * 0.28
        points = []
        for i in range(10):
            angle = math.pi / 2 + i * math.pi / 5
            radius = star_r if i % 2 == 0 else star_r * 0.4
            points.append((r + radius * math.cos(angle), r + radius * math.sin(angle)))
        path = c.beginPath()
        path.moveTo(*points[0])
        for point in points[1:]:
            path.lineTo(*point)
        path.close()
        c.drawPath(path, stroke=0, fill=1)
        chars = list(self.text)
        span = min(math.pi * 1.25, 0.3 * len(chars))
        font_size = r * 0.26
        c.setFont(TITLE_FONT_NAME, font_size)
        for i, ch in enumerate(chars):
            angle = math.pi / 2 + span / 2 - (span * i / max(len(chars) - 1, 1))
            x = r + (r - font_size * 1.1) * math.cos(angle)
            y = r + (r - font_size * 1.1) * math.sin(angle)
            c.saveState()
            c.translate(x, y)
            c.rotate(math.degrees(angle) - 90)
            c.drawCentredString(0, -font_size / 3, ch)
            c.restoreState()
        c.restoreState()


# National laws cited in documents by their full title (GB/T 9704-2012 7.3.3 and 《党政机关公文处理工作条例》: 引用
#公文应当先引标题，后引发文字号; laws by their full name in book-title marks), articles in Chinese numerals:
# 「安全生产法第97条」「《安全生产法》 第 97 条」 → 「《中华人民共和国安全生产法》第九十七条」.
NATIONAL_LAWS = ("安全生产法", "行政处罚法", "行政许可法", "行政强制法", "行政复议法", "行政诉讼法", "消防法",
                 "突发事件应对法", "职业病防治法", "特种设备安全法", "矿山安全法", "国家赔偿法", "电子签名法")
_ITEM = re.compile(r"第\(([一二三四五六七八九十]+)\)项")
_LAW = re.compile(r"(?<!中华人民共和国)《?(" + "|".join(NATIONAL_LAWS) + r")》?(?=》|\s*第|[，。；、：）)\s]|$)")
_ARTICLE = re.compile(r"》\s*第\s*(\d{1,3})\s*(条|款)")
_NEXT = re.compile(r"(第[零一二三四五六七八九十百]+条)\s*第\s*(\d{1,2})\s*款")
_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1–999 in Chinese numerals as articles are numbered: 9 → 九, 10 → 十, 97 → 九十七, 105 → 一百零五."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + _DIGITS[rest] if rest < 10 else chinese_numeral(rest) if rest >= 20
                                 else "一" + chinese_numeral(rest))
    return _DIGITS[n // 100] + "百" + tail


def cite_laws(text: str) -> str:
    """Citations of national laws in one form: 《中华人民共和国安全生产法》第九十七条第（四）项 (the item's number in
    full-width brackets, as the law's own text, also where a benchmark row wrote 第(四)项)."""
    text = _ITEM.sub(lambda m: f"第（{m.group(1)}）项", text)
    text = _LAW.sub(lambda m: f"《中华人民共和国{m.group(1)}》", text)
    text = _ARTICLE.sub(lambda m: f"》第{chinese_numeral(int(m.group(1)))}{m.group(2)}", text)
    return _NEXT.sub(lambda m: f"{m.group(1)}第{chinese_numeral(int(m.group(2)))}款", text)


def official_number(number: str) -> str:
    """A 发文字号 without padding: 盐湖应急罚决〔2026〕00010号 → 盐湖应急罚决〔2026〕10号 (GB/T 9704-2012 7.2.4:
    年份、发文顺序号用阿拉伯数字，顺序号不加“第”字，不编虚位)."""
    return re.sub(r"(〔\d{4}〕)0+(\d)", r"\1\2", number)


class SignatureBlock(Flowable):
    """发文机关署名 and 成文日期 with the seal pressed over both (GB/T 9704-2012 7.3.5.1): the date ends four characters
    from the right margin, the authority's name is centred over the date, the seal is centred on them, its top within
    one line of the text above, so that name and date sit in its lower middle."""

    def __init__(self, authority: str, date_text: str, width: float, *, seal: bool = True) -> None:
        super().__init__()
        self.authority = authority
        self.date_text = date_text
        self.width = width
        self.seal = seal
        self.seal_size = 42 * mm
        self.height = self.seal_size if seal else BODY_SIZE * 3.6

    def draw(self) -> None:
        c = self.canv
        date_width = pdfmetrics.stringWidth(self.date_text, FONT_NAME, BODY_SIZE)
        right = self.width - 4 * BODY_SIZE  # 成文日期右空四字
        centre = right - date_width / 2
        name_width = pdfmetrics.stringWidth(self.authority, FONT_NAME, BODY_SIZE)
        centre = min(centre, self.width - name_width / 2)  # a long name keeps inside the margin
        date_y = BODY_SIZE * 0.6 if not self.seal else self.seal_size * 0.22
        c.setFillColor(colors.black)
        c.setFont(FONT_NAME, BODY_SIZE)
        c.drawCentredString(centre, date_y, self.date_text)
        c.drawCentredString(centre, date_y + BODY_SIZE * 1.75, self.authority)
        if self.seal:
            c.saveState()
            c.translate(centre - self.seal_size / 2, 0)
            Seal(self.authority, self.seal_size).drawOn(c, 0, 0)
            c.restoreState()


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    # ClreqParagraph: 避头尾 per GB/T 15834-2011 5.1 (ReportLab's own CJK wrap lets 「，」 start a line).
    return ClreqParagraph(escape(cite_laws(text)).replace("\n", "<br/>"), style)


def render_pdf(spec: Spec) -> bytes:
    """Render a Spec to PDF bytes with the Song font embedded (subset by ReportLab)."""
    _ensure_font()
    styles = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        topMargin=30 * mm,
        bottomMargin=28 * mm,
        leftMargin=26 * mm,
        rightMargin=24 * mm,
        title=spec.title,
        author=spec.authority,
        creator=settings.PLATFORM_NAME,
    )
    story: list[Any] = [_para(spec.authority, styles["authority"]), _para(spec.title, styles["title"])]
    if spec.number:
        story.append(_para(official_number(spec.number), styles["number"]))
    story.append(Spacer(1, 4 * mm))
    usable = A4[0] - 50 * mm
    for block in spec.blocks:
        if isinstance(block, Heading):
            story.append(_para(block.text, styles["heading"]))
        elif isinstance(block, Para):
            if block.indent:  # every line its own paragraph: a list (一、二、三、) indented alike, not only its first line
                story.extend(_para(line, styles["body_indent"]) for line in block.text.split("\n") if line.strip())
            else:
                story.append(_para(block.text, styles["body"]))
        elif isinstance(block, Fields):
            data = [[_para(k, styles["cell"]), _para(v or "—", styles["cell"])] for k, v in block.rows]
            table = Table(data, colWidths=[usable * 0.26, usable * 0.74])
            table.setStyle(_grid_style())
            story.append(table)
            story.append(Spacer(1, 3 * mm))
        elif isinstance(block, Grid):
            data = [[_para(h, styles["cell"]) for h in block.header]]
            data += [[_para(str(c), styles["cell"]) for c in row] for row in block.rows]
            widths = [usable * w for w in block.widths] if block.widths else None
            table = Table(data, colWidths=widths, repeatRows=1)
            style = _grid_style()
            style.add("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.94, 0.96))
            table.setStyle(style)
            story.append(table)
            story.append(Spacer(1, 3 * mm))
        elif isinstance(block, QRCode):
            widget = qr.QrCodeWidget(block.data)
            bounds = widget.getBounds()
            size = 32 * mm
            drawing = Drawing(size, size, transform=[size / (bounds[2] - bounds[0]), 0, 0,
                                                     size / (bounds[3] - bounds[1]), 0, 0])
            drawing.add(widget)
            story.append(Table([[drawing, _para(block.caption, styles["cell"])]],
                               colWidths=[size + 6 * mm, usable - size - 6 * mm]))
        elif isinstance(block, Signature):
            # GB/T 9704-2012 7.3.5: the seal and date never stand alone on a page ("此页无正文" is not allowed): the
            # text's last paragraph goes with them to the next page when they do not fit below it
            last: list[Any] = []
            while story and isinstance(story[-1], Spacer):
                last.insert(0, story.pop())
            if story and isinstance(story[-1], Paragraph) and len(story) > 3:  # not the title or number
                last.insert(0, story.pop())
            story.append(KeepTogether([*last, Spacer(1, 6 * mm),
                                       SignatureBlock(block.authority, chinese_date(block.date), usable,
                                                      seal=block.seal)]))
    if spec.footer:
        story.append(Spacer(1, 6 * mm))
        story.append(_para(spec.footer, styles["small"]))
    doc.build(story)
    return buffer.getvalue()


def _grid_style() -> TableStyle:
    return TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]
    )


def store_document(
    *, owner: Any, kind: str, spec: Spec, actor: User | None = None, sort: int = 0, filename: str | None = None
) -> Document:
    """Render and store a document for `owner` (any model instance); returns the Document row."""
    pdf = render_pdf(spec)
    digest = hashlib.sha256(pdf).hexdigest()
    document = Document(
        content_type=ContentType.objects.get_for_model(type(owner)),
        object_id=owner.pk,
        kind=kind,
        title=spec.title,
        number=spec.number,
        sha256=digest,
        sort=sort,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    document.file.save(filename or f"{kind}-{owner.pk}-{digest[:8]}.pdf", ContentFile(pdf), save=False)
    document.save()
    return document
