"""立案 without raw database ids: the party and the source record are picked by search (bureau.kernel.pickers), the
source by kind (执法检查 / 网上巡查线索 / 举报投诉) and then by record; the server checks the choice again — another
county's record is refused as absent (scope: 行政处罚法 第22条, 地域管辖), an inspection nobody carried out is no source."""

from __future__ import annotations

import pytest
from django.utils import timezone

from bureau.inspection import services as inspection
from bureau.penalties.models import Case
from tests.factories import EnterpriseFactory, county_bureau, make_user
from tests.penalties.factories import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return World()


def _lead(actor, enterprise, finding="视频显示动火作业无人监护"):
    plan = inspection.patrol_plan_create(actor=actor, industry=enterprise.industry, title="冶金工贸网上巡查",
                                         content="视频抽查", channel="视频监控", every_days=7, handling="转立案")
    return inspection.patrol_record_create(actor=actor, plan=plan, enterprise=enterprise,
                                           patrolled_on=timezone.localdate(), finding=finding)


def _open(client, w, **data):
    return client.post("/penalties/cases/new/", {"enterprise": w.enterprise.pk, "second_officer": w.officer2.pk,
                                                 "title": "动火作业无人监护", "facts": "巡查发现", **data})


def test_the_case_form_asks_for_no_raw_ids(w, login):
    page = login(w.officer).get("/penalties/cases/new/").content.decode()
    assert 'data-picker-url="/enterprises/search.json"' in page and "data-picker-urls" in page
    assert "来源记录类型" not in page and "inspection.inspection" not in page and "统一社会信用代码</label>" not in page
    assert "执法检查" in page and "网上巡查线索" in page and "举报投诉" in page


def test_a_case_is_opened_from_a_patrol_lead_picked_by_kind_then_record_measure_ii_7(w, login):
    lead = _lead(w.officer, w.enterprise)
    client = login(w.officer)
    link = client.get(f"/inspection/patrols/{lead.pk}/").content.decode()
    assert f"source_kind=patrol&amp;source_record=patrol:{lead.pk}" in link
    page = client.get(f"/penalties/cases/new/?source_kind=patrol&source_record=patrol:{lead.pk}"
                      f"&enterprise={w.enterprise.pk}").content.decode()
    assert f'value="patrol:{lead.pk}" selected' in page  # the no-script fallback holds the chosen record
    wrong_kind = _open(client, w, source_kind="inspection", source_record=f"patrol:{lead.pk}")
    assert "来源记录与所选的案件来源类型不符" in wrong_kind.content.decode()
    response = _open(client, w, source_kind="patrol", source_record=f"patrol:{lead.pk}")
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get()
    assert (case.source, case.source_type, case.source_id) == ("patrol", "inspection.patrolrecord", str(lead.pk))
    lead.refresh_from_db()
    assert lead.lead_state == "case" and lead.case_reference == case.number


def test_another_countys_record_is_refused_as_absent(w, login):
    linyi = county_bureau("140821")
    stranger = make_user("linyi_x", roles=["inspector"], organisation=linyi, enforcement_id="14082101")
    foreign = EnterpriseFactory(region_id="140821", industry=w.enterprise.industry, name="临猗某冶金公司")
    lead = _lead(stranger, foreign)
    client = login(w.officer)
    response = _open(client, w, source_kind="patrol", source_record=f"patrol:{lead.pk}")
    assert "来源记录不存在或不在您的管辖范围内" in response.content.decode() and not Case.objects.exists()
    assert client.get("/inspection/search/patrols.json?q=临猗").json()["results"] == []
    assert client.get("/enterprises/search.json?q=临猗").json()["results"] == []
    response = client.post("/penalties/cases/new/", {"enterprise": foreign.pk, "second_officer": w.officer2.pk,
                                                     "title": "x", "facts": "y"})
    assert "企业不存在或不在您的管辖范围内" in response.content.decode()


def test_an_inspection_is_a_source_only_once_carried_out_and_for_the_same_party(w, login):
    task = inspection.inspection_open(actor=w.officer, enterprise=w.enterprise, kind="exceptional",
                                      officers=[w.officer, w.officer2], exception_reason="complaint",
                                      exception_reference="举报")
    client = login(w.officer)
    found = client.get(f"/inspection/search/inspections.json?q={task.number}&carried_out=1").json()["results"]
    assert found == []  # the picker offers only inspections carried out
    response = _open(client, w, source_kind="inspection", source_record=f"inspection:{task.pk}")
    assert "尚未入企实施" in response.content.decode()
    inspection.inspection_check_in(actor=w.officer, inspection=task)
    found = client.get(f"/inspection/search/inspections.json?q={task.number}&carried_out=1").json()["results"]
    assert [r["id"] for r in found] == [task.pk] and w.enterprise.name in found[0]["label"]
    other = EnterpriseFactory(region_id="140802", industry=w.enterprise.industry)
    response = client.post("/penalties/cases/new/", {"enterprise": other.pk, "second_officer": w.officer2.pk,
                                                     "title": "x", "facts": "y", "source_kind": "inspection",
                                                     "source_record": f"inspection:{task.pk}"})
    assert "不是对该企业的检查" in response.content.decode()
    assert _open(client, w, source_kind="inspection", source_record=f"inspection:{task.pk}").status_code == 302
    assert Case.objects.get().source_type == "inspection.inspection"


def test_a_case_from_a_complaint_is_picked_from_the_petitions_the_officer_sees(w, login):
    from bureau.petitions.models import PetitionCategory
    from bureau.petitions.services import petition_submit

    petition, _ = petition_submit(actor=None, channel="hotline", category=PetitionCategory.objects.get(code="complaint"),
                                  title="举报夜间违规动火", content="某厂夜间动火无人监护", region_id="140802",
                                  petitioner_name="王先生", petitioner_phone="13912345678")
    client = login(w.officer)
    found = client.get("/petitions/search.json?q=夜间违规动火").json()["results"]
    assert [r["id"] for r in found] == [petition.pk]
    assert _open(client, w, source_kind="petition", source_record=f"petition:{petition.pk}").status_code == 302
    assert Case.objects.get().source == "petition"
