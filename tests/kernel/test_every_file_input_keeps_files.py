"""Issue 17 point 2, for whoever adds the next form: every hand-written file input in a template is followed by its
{% staged_files %} list (kernel/staging.py, docs/ui.md 上传文件), and every Django form with a file field is either
handled with staging in its view or is one of the spreadsheet imports, where the refusal is about the file itself
(its rows) and there is nothing else on the form to keep. Every file input gets the Chinese 「选择文件」 control from
app.js, which every page frame loads."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "bureau"
FILE_INPUT = re.compile(r'<input[^>]*type="file"[^>]*>')
TEMPLATE_TAG = re.compile(r"\{%.*?%\}", re.S)

# Spreadsheet imports: a refused import lists the rows to fix in the file, so the file is chosen again after fixing.
IMPORT_FORMS = {
    ("certificates/forms.py", "ImportForm"), ("training/forms.py", "ProvinceImportForm"),
    ("training/forms.py", "ResultsImportForm"), ("inspection/forms.py", "ChecklistImportForm"),
    ("enterprises/forms.py", "ImportForm"), ("enterprises/forms.py", "SupervisionImportForm"),
    ("penalties/forms.py", "BenchmarkImportForm"),
}
# Forms with files whose views keep them (rendered by includes/form_fields.html, which adds the staged list).
STAGED_FORMS = {
    ("hazards/forms.py", "SitePlanForm"): "hazards/views.py", ("penalties/forms.py", "VoucherForm"): "penalties/views.py",
    ("assistance/forms.py", "ReportForm"): "assistance/views.py", ("petitions/forms.py", "MailboxForm"): "petitions/views.py",
}


def test_every_hand_written_file_input_shows_the_files_kept_after_a_refusal():
    """Rule (issue 17.2): a file input in a template is followed by {% staged_files … %} before the next input or
    the end of its field, so a refused form shows what it kept."""
    missing = []
    templates = sorted(SRC.rglob("templates/**/*.html"))
    assert templates
    for path in templates:
        text = path.read_text(encoding="utf-8")
        for match in FILE_INPUT.finditer(text):
            after = text[match.end():match.end() + 400]
            following = after.split("<input", 1)[0].split("</div>", 1)[0]
            if "staged_files" not in following:
                missing.append(f"{path.relative_to(SRC)}: {match.group(0)[:80]}")
    assert missing == [], "file inputs without {% staged_files %} (docs/ui.md 上传文件)"


def test_every_form_with_a_file_field_is_staged_or_a_spreadsheet_import():
    """Rule (issue 17.2): a Django form with a file field is kept by its view (staging) or is a spreadsheet import."""
    found = set()
    for path in sorted(SRC.rglob("*/forms.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and not node.name.endswith(("Field", "Input")) and any(
                    isinstance(n, ast.Attribute) and n.attr in {"FileField", "ImageField"}
                    or isinstance(n, ast.Name) and n.id.endswith("FileField") for n in ast.walk(node)):
                found.add((str(path.relative_to(SRC)), node.name))
    assert found, "no forms with files found: the scan is broken"
    unknown = found - IMPORT_FORMS - set(STAGED_FORMS)
    assert unknown == set(), "a new form with a file field: keep its files (docs/ui.md 上传文件) and list it here"
    for form, view in STAGED_FORMS.items():
        assert "staging.claiming(request)" in (SRC / view).read_text(encoding="utf-8"), form


def test_every_page_frame_loads_the_chinese_file_control():
    """Rule (issue 17.2): app.js turns every <input type="file"> into 「选择文件」 with the chosen files listed;
    each page frame that forms live in loads it."""
    script = (SRC / "static" / "js" / "app.js").read_text(encoding="utf-8")
    assert 'querySelectorAll("input[type=file]").forEach(enhanceFile)' in script and '"选择文件"' in script
    for frame in ("base.html", "public_base.html", "accounts/card_base.html"):
        assert "js/app.js" in (SRC / "templates" / frame).read_text(encoding="utf-8"), frame
