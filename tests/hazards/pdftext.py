"""Read the text of a PDF the platform renders (ReportLab, embedded TrueType subsets with ToUnicode maps), so a test
can check what a document says without a PDF library: decompress the streams, map each subset font's codes back to
Unicode through its ToUnicode CMap, and follow the font switches and strings of the page content."""

from __future__ import annotations

import base64
import re
import zlib

_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


def _stream(body: bytes) -> bytes:
    match = re.search(rb"stream\r?\n(.*)endstream", body, re.S)
    if match is None:
        return b""
    data = match.group(1)
    if b"ASCII85Decode" in body:  # the page content: ASCII85, then Flate
        data = base64.a85decode(data.strip().removesuffix(b"~>"))
    try:
        return zlib.decompress(data) if b"FlateDecode" in body else data
    except zlib.error:
        return b""


def _literal(raw: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(raw):
        if raw[i:i + 1] == b"\\":
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1:i + 4])
            if octal:
                out.append(int(octal.group(0), 8))
                i += 1 + len(octal.group(0))
                continue
            out += _ESCAPES.get(raw[i + 1:i + 2], raw[i + 1:i + 2])
            i += 2
            continue
        out.append(raw[i])
        i += 1
    return bytes(out)


def pdf_text(pdf: bytes) -> str:
    objects = {int(n): body for n, body in re.findall(rb"(\d+) 0 obj(.*?)endobj", pdf, re.S)}
    maps: dict[bytes, dict[int, str]] = {}
    for body in objects.values():
        for name, ref in re.findall(rb"/(F[\w+]+) (\d+) 0 R", body):
            unicode_ref = re.search(rb"/ToUnicode (\d+) 0 R", objects.get(int(ref), b""))
            if unicode_ref:
                cmap = _stream(objects[int(unicode_ref.group(1))]).split(b"beginbfchar", 1)[-1]
                maps[name] = {int(a, 16): chr(int(b, 16)) for a, b in re.findall(rb"<([0-9A-Fa-f]+)> <([0-9A-Fa-f]+)>", cmap)}
    text: list[str] = []
    for body in objects.values():
        if b"/Length" not in body or b"FontFile" in body:
            continue
        content = _stream(body)
        if b"Tf" not in content:
            continue
        font: dict[int, str] | None = None
        for switch, string in re.findall(rb"/(F[\w+]+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\)\s*Tj", content, re.S):
            if switch:
                font = maps.get(switch)
            elif font is not None:
                text.append("".join(font.get(code, "") for code in _literal(string)))
            else:
                text.append(_literal(string).decode("latin-1"))
        text.append("\n")
    return "".join(text)
