"""Health, API documentation and the public calendar endpoints over HTTP."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_health_answers_200_with_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["database"] == "ok"


def test_openapi_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/calendar/deadline" in schema["paths"]
    docs = client.get("/api/docs").content.decode()
    assert "cdn." not in docs and "unpkg" not in docs


def test_deadline_endpoint(client):
    body = client.get("/api/v1/calendar/deadline", {"start": "2026-09-30", "working_days": "1"}).json()
    assert body == {"start": "2026-09-30", "working_days": 1, "deadline": "2026-10-08", "provisional": False}


def test_deadline_in_an_unpublished_year_is_provisional(client):
    body = client.get("/api/v1/calendar/deadline", {"start": "2027-03-01", "working_days": "3"}).json()
    assert body["provisional"] is True


def test_workdays_endpoint_counts_after_start_up_to_end(client):
    body = client.get("/api/v1/calendar/workdays", {"start": "2026-10-01", "end": "2026-10-12"}).json()
    # 10-01..10-07 holiday, 10-08, 10-09 working, 10-10 Saturday make-up day, 10-11 Sunday, 10-12 Monday
    assert body == {"start": "2026-10-01", "end": "2026-10-12", "count": 4, "provisional": False}


@pytest.mark.parametrize("params, fragment", [
    ({"start": "2026-13-01", "working_days": "3"}, "YYYY-MM-DD"),
    ({"start": "2026-11-01", "working_days": "x"}, "非负整数"),
    ({"start": "2026-11-01", "working_days": "-2"}, "不能为负数"),
    ({"start": "2026-11-01"}, "必填"),
])
def test_bad_parameters_answer_400_in_chinese(client, params, fragment):
    response = client.get("/api/v1/calendar/deadline", params)
    assert response.status_code == 400
    assert fragment in response.json()["detail"]
