"""Official documents rendered to PDF with the embedded Song font, stored with their digest.

Layout follows GB/T 9704-2012 (党政机关公文格式) where it applies to 执法文书 and notices: A4, the issuing
authority and document name centred at the top, the document number (文号) under it, body text in a Song face,
the authority and date (2026年11月26日) at the foot with the seal. Every document is stored through the storage
API as a `Document` linked to its process, with its SHA-256 digest, and listed in the case file in order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
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
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bureau.kernel.models import Document

if TYPE_CHECKING:
    from bureau.accounts.models import User

FONT_NAME = "BureauSong"
FONT_PATH = Path(settings.BASE_DIR) / "static" / "fonts" / "bureau-song.ttf"
_registered = False


def _ensure_font() -> None:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH)))
        _registered = True


def chinese_date(day: dt.date) -> str:
    """Dates in documents: 2026年11月26日."""
    return f"{day.year}年{day.month}月{day.day}日"


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


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT_NAME, fontSize=13, leading=22, wordWrap="CJK", alignment=TA_JUSTIFY)
    return {
        "authority": ParagraphStyle("authority", parent=base, fontSize=20, leading=28, alignment=TA_CENTER),
        "title": ParagraphStyle("title", parent=base, fontSize=22, leading=32, alignment=TA_CENTER, spaceAfter=4),
        "number": ParagraphStyle("number", parent=base, alignment=TA_CENTER, fontSize=12, spaceAfter=10),
        "heading": ParagraphStyle("heading", parent=base, fontSize=14, leading=24, spaceBefore=8),
        "body": base,
        "body_indent": ParagraphStyle("body_indent", parent=base, firstLineIndent=26),
        "cell": ParagraphStyle("cell", parent=base, fontSize=11, leading=16, alignment=0),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=13, alignment=TA_CENTER),
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
        c.setFont(FONT_NAME, font_size)
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


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


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
        story.append(_para(spec.number, styles["number"]))
    story.append(Spacer(1, 4 * mm))
    usable = A4[0] - 50 * mm
    for block in spec.blocks:
        if isinstance(block, Heading):
            story.append(_para(block.text, styles["heading"]))
        elif isinstance(block, Para):
            story.append(_para(block.text, styles["body_indent"] if block.indent else styles["body"]))
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
            story.append(Spacer(1, 10 * mm))
            sign = [_para(block.authority, styles["right"]), _para(chinese_date(block.date), styles["right"])]
            if block.seal:
                seal = Seal(block.authority)
                table = Table([[sign, seal]], colWidths=[usable - 46 * mm, 46 * mm])
                table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
                story.append(table)
            else:
                story.extend(sign)
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
