"""Rebuild the vendored document fonts (static/fonts/bureau-serif.ttf and bureau-serif-bold.ttf).

Official documents must embed their font (a PDF that relies on the reader's fonts shows boxes on machines without
CJK fonts). The faces are Noto Serif CJK SC Regular (body) and Bold (titles, the 小标宋 of GB/T 9704-2012), SIL Open
Font License 1.1 (Debian package fonts-noto-cjk): a Song face of even, sturdy strokes that survives a 300 dpi office
printer and a fax, where the thin Ming face used before (AR PL UMing) lost its horizontal strokes. ReportLab embeds
TrueType outlines only, so the OpenType/CFF source is subset to GB 2312 (6,763 hanzi), ASCII and the punctuation of
documents, then converted to quadratic (TrueType) outlines. docs/ui.md (Documents) records the choice.

Run (once, by a maintainer; the results are committed):
    apt-get install fonts-noto-cjk && .venv/bin/pip install fonttools==4.68.0
    .venv/bin/python scripts/build_font.py
"""

from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

SOURCES = {
    "bureau-serif.ttf": Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    "bureau-serif-bold.ttf": Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"),
}
TARGET = Path(__file__).resolve().parent.parent / "src/bureau/static/fonts"
PUNCTUATION = "〔〕【】《》「」『』（）：；，。、！？…—·％￥①②③④⑤⑥⑦⑧⑨⑩□√×○●★☆“”‘’－～"


def gb2312_chars() -> str:
    chars = []
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars)


def simplified_chinese(collection: Path) -> TTFont:
    for font in TTCollection(str(collection)).fonts:
        if font["name"].getDebugName(1).endswith(" SC"):
            return font
    raise SystemExit(f"{collection}: no SC face")


def to_truetype(font: TTFont) -> None:
    """Replace the CFF outlines by quadratic TrueType ones (fontTools' otf2ttf recipe)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    glyf.compile(font)
    for name, glyph in glyf.glyphs.items():
        width, _ = font["hmtx"][name]
        font["hmtx"][name] = (width, getattr(glyph, "xMin", 0))
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones",):
        setattr(maxp, attr, 1)
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements",
                 "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    post = font["post"]
    post.formatType = 3.0
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\000\001\000\000"


def main() -> None:
    text = gb2312_chars() + "".join(chr(c) for c in range(0x20, 0x7F)) + PUNCTUATION
    for name, source in SOURCES.items():
        font = simplified_chinese(source)
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.hinting = False
        options.desubroutinize = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=text)
        subsetter.subset(font)
        to_truetype(font)
        target = TARGET / name
        font.save(str(target))
        print(target, target.stat().st_size)


if __name__ == "__main__":
    main()
