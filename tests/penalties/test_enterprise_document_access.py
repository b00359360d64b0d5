"""The party sees the documents addressed to it, never the authority's internal approval forms
(Case.ENTERPRISE_DOCUMENT_KINDS, checked by the kernel's document download)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bureau.penalties import services
from tests.penalties.factories import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided():
    w = World()
    case = w.notified_case()
    services.statement_submit(actor=w.company_user, case=case, text="已整改")
    w.review_statement(case)
    services.case_submit_decision(actor=w.officer, case=case)
    services.case_decide(actor=w.leader, case=case)
    return w, case


def _get(client, document):
    return client.get(reverse("document_download", args=[document.pk])).status_code


def test_enterprise_gets_404_for_internal_approval_forms_of_its_own_case(decided, login):
    w, case = decided
    client = login(w.company_user)
    for kind in ("filing_approval", "handling_approval"):
        assert _get(client, case.documents().get(kind=kind)) == 404, kind


def test_enterprise_gets_its_decision_notice_statement_and_evidence_records(decided, login):
    w, case = decided
    client = login(w.company_user)
    for kind in ("penalty_decision", "penalty_notice", "statement_record", "inquiry_record"):
        assert _get(client, case.documents().get(kind=kind)) == 200, kind


def test_staff_still_get_every_document_of_the_case(decided, login):
    w, case = decided
    client = login(w.officer)
    assert all(_get(client, d) == 200 for d in case.documents())


def test_enterprise_case_page_lists_only_the_allowed_documents(decided, login):
    w, case = decided
    page = login(w.company_user).get(f"/penalties/cases/{case.pk}/").content.decode()
    assert "行政处罚决定书" in page and "询问笔录" in page
    assert "立案审批表" not in page and "案件处理呈批表" not in page
