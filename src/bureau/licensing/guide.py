"""The 办事指南's downloadable forms (一次性告知): the blank application form (空白表格, 行政许可法 第二十九条: the
authority provides the 申请书格式文本) and a filled sample (样表, 第三十条: the 申请书示范文本 is published), both drawn
from the item's form fields (`ItemField`) with the kernel's document machinery, so they always match the online form.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache

from bureau.kernel.documents import Fields, Para, Spec, render_pdf
from bureau.licensing import form_fields
from bureau.licensing.models import PermitItem

KINDS = {"blank": "空白表格", "sample": "样表"}
BLANK_LINE = "　" * 12  # a blank cell wide enough to write in by hand


def _value(spec: form_fields.FieldSpec, example: str, sample: bool) -> str:
    if sample:
        return example or "（按实际情况填写）"
    if spec.kind == "choice" and spec.choices:
        return "□" + "　□".join(spec.choices)
    if spec.kind == "date":
        return "　　　　年　　月　　日"
    return BLANK_LINE


def form_spec(item: PermitItem, kind: str) -> Spec:
    """The document of the item's blank form or filled sample (kind "blank" / "sample")."""
    sample = kind == "sample"
    examples = {f.key: f.example for f in item.form_fields.all()}
    rows = [((s.label + ("（必填）" if s.required else "")), _value(s, examples.get(s.key, ""), sample))
            for s in form_fields.specs_of(item)]
    materials = [m.name for m in item.materials.all() if not m.generated]
    blocks: list[Any] = [
        Para(f"{item.accepting_body or '受理机关'}：", indent=False),
        Para(f"本单位申请办理{item.name}，现将有关情况填报如下："),
        Fields(rows),
        Para("随附材料：" + ("；".join(f"{i}. {name}" for i, name in enumerate(materials, 1)) or "无")),
        Para("本单位承诺：所填报内容和提交的申请材料真实、有效，并对其真实性负责（《中华人民共和国行政许可法》第三十一条）。"),
        Para("申请单位（盖章）：" + ("运城市示例化工有限公司" if sample else BLANK_LINE) + "　　日期："
             + ("2026年12月6日" if sample else "　　　　年　　月　　日"), indent=False),
    ]
    footer = ("样表：示例内容仅供参考，请按本单位实际情况填写。网上办事大厅在线填报后自动生成申请书，无需手写。" if sample
              else "空白表格：可打印后手写填报，到窗口提交；网上办事大厅在线填报后自动生成申请书，无需手写。")
    return Spec(title=f"{item.name}申请表（{KINDS[kind]}）", authority=item.accepting_body or item.name,
                blocks=blocks, footer=footer)


def form_pdf(item: PermitItem, kind: str) -> bytes:
    """The PDF, cached by the content it is drawn from (a changed field or example makes a new file)."""
    spec = form_spec(item, kind)
    key = "guide-form:" + hashlib.sha256(repr(spec).encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_pdf(spec)
        cache.set(key, pdf, 24 * 3600)
    return bytes(pdf)
