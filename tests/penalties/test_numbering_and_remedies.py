"""The issuing authority in every number and remedy:
- each authority numbers its own cases with its own 机关代字 and sequence (盐湖应急立〔2026〕1号 beside
  运应急立〔2026〕1号), the decision's number derived from the case's (盐湖应急罚决〔2026〕1号);
- the remedies of a county's decision name that county's people's government (行政复议法（2023年修订）第二十四条: a
  county department's act is reviewed by the county government, no longer by the city or the province) and the court
  recorded for the authority (行政诉讼法 第十八条)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from bureau.accounts.models import Organisation
from bureau.kernel.models import Counter
from bureau.kernel.numbering import next_number
from bureau.penalties import services
from bureau.penalties.models import Case
from tests.factories import EnterpriseFactory, city_bureau, make_user
from tests.penalties.factories import World

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def test_numbering_scopes_run_independently_per_authority():
    assert next_number("penalty_case", 2026, pattern="{prefix}{seq}", prefix="A", scope="YC-CITY") == "A1"
    assert next_number("penalty_case", 2026, pattern="{prefix}{seq}", prefix="B", scope="YC-140802") == "B1"
    assert next_number("penalty_case", 2026, pattern="{prefix}{seq}", prefix="B", scope="YC-140802") == "B2"
    assert next_number("penalty_case", 2026, pattern="{prefix}{seq}", prefix="A", scope="YC-CITY") == "A2"
    assert next_number("penalty_case", 2026, pattern="{prefix}{seq}") == "1"  # the unscoped kind is its own


def _city_world() -> tuple[Organisation, object, object, object]:
    city = city_bureau()
    Organisation.objects.filter(pk=city.pk).update(document_prefix="运应急")
    city.refresh_from_db()
    officer = make_user("city-insp-a", roles=["inspector"], organisation=city, enforcement_id="14080000001")
    officer2 = make_user("city-insp-b", roles=["inspector"], organisation=city, enforcement_id="14080000002")
    return city, officer, officer2, EnterpriseFactory(region_id="140802")


def test_city_and_county_cases_carry_their_own_prefix_and_sequence():
    w = World()  # 盐湖区, no prefix recorded: presumed from the region's name
    _city, officer, officer2, firm = _city_world()
    first = w.open_case()
    city_case = services.case_open(actor=officer, enterprise=firm, title="未设置安全警示标志", facts="检查发现……",
                                   second_officer=officer2)
    second = w.open_case()
    assert first.number == f"盐湖应急立〔{YEAR}〕1号" and second.number == f"盐湖应急立〔{YEAR}〕2号"
    assert city_case.number == f"运应急立〔{YEAR}〕1号"
    assert first.organisation.number_prefix == "盐湖应急"
    Organisation.objects.filter(pk=w.org.pk).update(document_prefix="盐应急")  # recorded data wins
    w.org.refresh_from_db()
    assert w.org.number_prefix == "盐应急"


def test_decision_and_notice_numbers_derive_from_the_county_case_number():
    w = World()
    case = w.notified_case()
    services.statement_submit(actor=w.company_user, case=case, text="", waive=True)
    services.case_submit_decision(actor=w.officer, case=case)
    services.case_decide(actor=w.leader, case=case)
    numbers = dict(case.documents().values_list("kind", "number"))
    assert numbers["penalty_notice"] == f"盐湖应急罚告〔{YEAR}〕1号"
    assert numbers["penalty_decision"] == f"盐湖应急罚决〔{YEAR}〕1号"
    assert "运应急" not in "".join(numbers.values())


def test_the_migration_continues_the_city_sequence_from_the_shared_one():
    """Numbers already issued (运应急立〔…〕, one shared sequence) are never issued again by the city bureau."""
    city = city_bureau()
    Counter.objects.create(kind="penalty_case", year=2026, value=41)
    migration = importlib.import_module("bureau.penalties.migrations.0008_legal_review_statement_review")
    migration.number_per_authority(apps, None)
    assert next_number("penalty_case", 2026, pattern="{seq}", scope=city.code) == "42"


def _decided_texts(case) -> str:
    return "\n".join(d.file.read().decode() for d in case.documents().filter(kind__in=Case.DECISION_KINDS))


def test_article_24_county_decision_names_the_county_government_and_its_court():
    """行政复议法（2023年修订，2024-01-01施行）第二十四条 and 行政诉讼法 第十八条, data of the issuing authority."""
    w = World()
    Organisation.objects.filter(pk=w.org.pk).update(court="运城市盐湖区人民法院")
    w.org.refresh_from_db()
    case = w.notified_case()
    services.statement_submit(actor=w.company_user, case=case, text="", waive=True)
    services.case_submit_decision(actor=w.officer, case=case)
    case = Case.objects.select_related("organisation").get(pk=case.pk)
    services.case_decide(actor=w.leader, case=case)
    text = _decided_texts(case)
    assert "依法向运城市盐湖区人民政府申请行政复议" in text and "向运城市盐湖区人民法院提起行政诉讼" in text
    assert "依法向运城市人民政府" not in text and "山西省应急管理厅" not in text

    own = w.self_hazard()
    exempt = w.open_case()
    w.evidence(exempt)
    services.case_propose_exemption(actor=w.officer, case=exempt, kind="self_inspection", hazard=own)
    services.case_transition(actor=w.officer, case=exempt, action="submit_review")
    exempt = Case.objects.select_related("organisation").get(pk=exempt.pk)
    services.case_decide_no_penalty(actor=w.leader, case=exempt)
    text = _decided_texts(exempt)
    assert "依法向运城市盐湖区人民政府申请行政复议" in text and "向运城市盐湖区人民法院提起行政诉讼" in text


def test_article_24_city_decision_names_the_city_government_and_an_unrecorded_court_stays_generic():
    city = city_bureau()
    assert "依法向运城市人民政府申请行政复议" in city.remedies()
    assert "在六个月内依法向人民法院提起行政诉讼" in city.remedies()  # not presumed: courts may concentrate cases
    Organisation.objects.filter(pk=city.pk).update(court="运城市盐湖区人民法院")
    city.refresh_from_db()
    assert "向运城市盐湖区人民法院提起行政诉讼" in city.remedies()
