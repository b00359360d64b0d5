"""Rebuild the vendored document font (static/fonts/bureau-song.ttf).

Official documents must embed their font (a PDF that relies on the reader's fonts shows boxes on machines without
CJK fonts). The font is AR PL UMing (文鼎PL细上海宋, Arphic Public License, Debian package fonts-arphic-uming),
a Song/Ming face like the 宋体 of paper documents, subset to GB 2312 (6,763 hanzi), ASCII and common punctuation.

Run (once, by a maintainer; the result is committed):
    apt-get install fonts-arphic-uming && .venv/bin/pip install fonttools==4.68.0
    .venv/bin/python scripts/build_font.py
"""

from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

SOURCE = Path("/usr/share/fonts/truetype/arphic/uming.ttc")
TARGET = Path(__file__).resolve().parent.parent / "src/bureau/static/fonts/bureau-song.ttf"


def gb2312_chars() -> str:
    chars = []
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars)


def main() -> None:
    font = TTCollection(str(SOURCE)).fonts[0]
    text = gb2312_chars() + "".join(chr(c) for c in range(0x20, 0x7F)) + "〔〕【】《》「」『』（）：；，。、！？…—·％￥①②③④⑤⑥⑦⑧⑨⑩□√×○●★☆"
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(TARGET))
    print(TARGET, TARGET.stat().st_size)


if __name__ == "__main__":
    main()
