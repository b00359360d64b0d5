"""Issue 18: the application list of the API (`GET /api/v1/licensing/applications`, the officer's queue API) writes
its JSON from the database's plain values (licensing/api.py `page_json`); the bytes must be those ninja writes for
the declared `ApplicationPage` (fields in the schema's order, dates as ISO text, Chinese unescaped), and the
answer must stay valid against that schema."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest
from ninja.responses import NinjaJSONEncoder

from bureau.licensing.api import ROW_VALUES, ApplicationPage, ApplicationRow, page_json
from bureau.licensing.workflow import WORKFLOW
from tests.factories import city_bureau, make_user


def _rows() -> list[dict]:
    rows = []
    states = list(WORKFLOW.states)[:4] + ["unknown"]
    for n, (state, due, decision, flags) in enumerate(itertools.product(
            states, (None, dt.date(2026, 12, 24)), (None, dt.date(2027, 1, 4)), ((False, True), (True, False)))):
        rows.append({"pk": n + 1, "number": f"YCXK2026{n:06d}", "item__code": "WH-01 <&>",
                     "item__name": '危险化学品经营许可 "引号" \\ 斜杠', "enterprise__name": "运城<盐湖>化工 & Co\u2028",
                     "region_id": "140802", "state": state, "submitted_on": dt.date(2026, 11, 2), "due_on": due,
                     "due_provisional": flags[0], "decision_due": decision, "tolerated": flags[1]})
    return rows


def _ninja_bytes(rows: list[dict], next_offset: int | None) -> str:
    """What the operation wrote before: model_construct'd rows, dumped, encoded by api.main's renderer."""
    items = [ApplicationRow.model_construct(state_label=WORKFLOW.state_label(r["state"]),
                                            **{name: r[column] for name, column in ROW_VALUES.items()}) for r in rows]
    page = ApplicationPage.model_construct(items=items, next_offset=next_offset)
    return json.dumps(page.model_dump(), cls=NinjaJSONEncoder, ensure_ascii=False)


@pytest.mark.parametrize("next_offset", [None, 50])
def test_page_json_equals_what_ninja_wrote_for_the_schema(next_offset):
    rows = _rows()
    for part in (rows, rows[:1], []):
        text = page_json(part, next_offset)
        assert text == _ninja_bytes(part, next_offset)
        assert ApplicationPage.model_validate_json(text).next_offset == next_offset


@pytest.mark.django_db
def test_queue_api_answers_json_of_the_schema(client, login):
    login(make_user(roles=["licensing_officer"], organisation=city_bureau()))
    r = client.get("/api/v1/licensing/applications?view=queue")
    assert r.status_code == 200 and r["Content-Type"] == "application/json; charset=utf-8"
    assert r.json() == {"items": [], "next_offset": None}
    assert client.get("/api/v1/licensing/applications?view=queue&limit=0").status_code == 400
