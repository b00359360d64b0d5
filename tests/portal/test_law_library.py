"""The shipped law library (data/law-library.json) holds what the checklists and the penalty data cite (issue 14
part B): a search for 「粉尘」 finds 《工贸企业粉尘防爆安全规定》, and every law named by statutory-ranges.csv is there with
its issuing number, dates and the copy its text was checked against."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest

from bureau.portal import services
from bureau.portal.models import LawDocument
from bureau.portal.queries import law_search

STATUTORY = Path(services.__file__).resolve().parents[1] / "penalties" / "data" / "statutory-ranges.csv"
TITLE = re.compile(r"《(?:中华人民共和国)?([^》]+)》")


def _cited_laws() -> set[str]:
    with STATUTORY.open(encoding="utf-8", newline="") as fh:
        sources = {row["source"] for row in csv.DictReader(fh)}
    names = set()
    for source in sources:
        match = TITLE.search(source)
        assert match, source
        names.add(match.group(1))
    return names


def _short(title: str) -> str:
    return title.removeprefix("中华人民共和国")


def test_every_law_cited_by_the_statutory_ranges_is_in_the_library():
    """A statutory row's source names its law; the library must hold it (no DB: the shipped file)."""
    library = {_short(entry["title"]) for entry in services.law_library()}
    missing = _cited_laws() - library
    assert missing == set()


def test_library_entries_carry_number_dates_source_and_text():
    """行政处罚法 第三十四条 (benchmarks and their basis are public): each entry can be checked by a reader."""
    titles = set()
    for entry in services.law_library():
        assert entry["title"] not in titles
        titles.add(entry["title"])
        assert entry["doc_number"] and entry["issuer"] and entry["summary"], entry["title"]
        assert entry["source_url"].startswith(("http://", "https://")), entry["title"]
        issued, effective = dt.date.fromisoformat(entry["issued_on"]), dt.date.fromisoformat(entry["effective_on"])
        assert issued <= effective, entry["title"]
        assert entry.get("articles") or entry.get("body"), entry["title"]
    for needed in ("中华人民共和国行政复议法", "中华人民共和国行政强制法", "应急管理行政裁量权基准暂行规定",
                   "安全生产违法行为行政处罚办法", "应急管理行政处罚裁量权基准"):
        assert needed in titles
    by_title = {e["title"]: e for e in services.law_library()}
    assert by_title["中华人民共和国行政复议法"]["effective_on"] == "2024-01-01"  # 行政复议法（2023修订）第九十条
    assert by_title["安全生产违法行为行政处罚办法"]["doc_number"] == "应急管理部令第18号"


@pytest.mark.django_db
def test_search_for_dust_finds_the_dust_explosion_rule():
    """「粉尘」 finds 《工贸企业粉尘防爆安全规定》 once the library is loaded; loading twice changes nothing."""
    assert services.law_library_load(actor=None) == len(services.law_library())
    services.law_library_load(actor=None)
    assert LawDocument.objects.filter(title="工贸企业粉尘防爆安全规定").count() == 1
    found = [law.title for law in law_search({"q": "粉尘"})]
    assert "工贸企业粉尘防爆安全规定" in found
    assert [law.title for law in law_search({"q": "可燃性粉尘 气态氧化剂"})] == ["工贸企业粉尘防爆安全规定"]
    rule = LawDocument.objects.get(title="工贸企业粉尘防爆安全规定")
    assert rule.doc_number == "应急管理部令第6号" and rule.effective_on == dt.date(2021, 9, 1)
    assert rule.articles.filter(number=27).exists()
