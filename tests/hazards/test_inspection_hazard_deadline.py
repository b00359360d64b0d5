"""Issue 16: hazards found in an inspection take the deadline of the 责令限期整改指令书 and can be overdue."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from bureau.hazards import services
from bureau.hazards.models import Hazard
from bureau.kernel.errors import DomainError
from tests.hazards.factories import today


def test_an_inspection_hazard_without_the_orders_deadline_is_refused(w):
    with pytest.raises(DomainError) as refused:
        services.hazard_report(actor=w.inspector, enterprise=w.enterprise, source="inspection", title="消防通道堵塞",
                               found_on=today())
    assert refused.value.field == "deadline" and "责令限期整改" in refused.value.message
    assert not Hazard.objects.exists()


def test_an_inspection_hazard_takes_the_deadline_of_the_order_on_its_record(w):
    order = SimpleNamespace(pk=7, rectification_deadline=today() + dt.timedelta(days=20),
                            _meta=SimpleNamespace(app_label="inspection", model_name="inspection"))
    hazard = services.hazard_report(actor=w.inspector, enterprise=w.enterprise, source="inspection",
                                    title="消防通道堵塞", found_on=today(), source_record=order)
    assert hazard.deadline == order.rectification_deadline


def test_an_inspection_hazard_past_the_orders_deadline_is_overdue_and_reminded(w):
    hazard = services.hazard_report(actor=w.inspector, enterprise=w.enterprise, source="inspection",
                                    title="消防通道堵塞", found_on=today() - dt.timedelta(days=20),
                                    deadline=today() - dt.timedelta(days=1))
    assert hazard.is_overdue()
    assert services.overdue_sweep() == 1


def test_the_officers_form_asks_for_the_deadline_of_an_inspection_hazard(w, login):
    client = login(w.inspector)
    data = {"enterprise": w.enterprise.uscc, "source": "inspection", "title": "消防通道堵塞",
            "found_on": today().isoformat(), "grade": "general"}
    refused = client.post("/hazards/new/", data)
    assert refused.status_code == 200 and "责令限期整改指令书确定的期限" in refused.content.decode()
    assert not Hazard.objects.exists()
    deadline = today() + dt.timedelta(days=15)
    made = client.post("/hazards/new/", data | {"deadline": deadline.isoformat()})
    assert made.status_code == 302
    assert Hazard.objects.get().deadline == deadline


def test_the_api_refuses_an_inspection_hazard_without_a_deadline(w, login):
    body = {"title": "消防通道堵塞", "found_on": today().isoformat(), "source": "inspection",
            "enterprise_id": w.enterprise.pk}
    answer = login(w.inspector).post("/api/v1/hazards", body, content_type="application/json")
    assert answer.status_code == 400 and "整改期限" in answer.json()["detail"]


def test_an_officer_cannot_report_an_alarm_lead_by_hand(w, login):
    body = {"title": "x", "found_on": today().isoformat(), "source": "alarm", "enterprise_id": w.enterprise.pk,
            "deadline": (today() + dt.timedelta(days=3)).isoformat()}
    assert login(w.inspector).post("/api/v1/hazards", body, content_type="application/json").status_code == 403
    page = login(w.inspector).get("/hazards/new/").content.decode()
    assert 'value="alarm"' not in page
