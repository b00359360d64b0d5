"""Document downloads: an owner model may restrict which document kinds its enterprise users may open
(`ENTERPRISE_DOCUMENT_KINDS`); staff and models without the attribute keep scope-only access."""

from __future__ import annotations

import pytest

from bureau.enterprises.models import Enterprise
from bureau.kernel.documents import Para, Spec, store_document
from tests.factories import EnterpriseFactory, city_bureau, make_user

pytestmark = pytest.mark.django_db


def _doc(owner, kind):
    return store_document(owner=owner, kind=kind, spec=Spec(title=kind, number="1", blocks=[Para("内容")]))


def test_enterprise_user_gets_404_for_a_kind_the_owner_model_does_not_list(login, monkeypatch):
    monkeypatch.setattr(Enterprise, "ENTERPRISE_DOCUMENT_KINDS", frozenset({"notice"}), raising=False)
    enterprise = EnterpriseFactory()
    notice, internal = _doc(enterprise, "notice"), _doc(enterprise, "internal_form")
    client = login(make_user(roles=["enterprise"], enterprise=enterprise))
    assert client.get(f"/documents/{notice.pk}/download").status_code == 200
    assert client.get(f"/documents/{internal.pk}/download").status_code == 404


def test_staff_still_get_every_kind_of_a_restricted_owner(login, monkeypatch):
    monkeypatch.setattr(Enterprise, "ENTERPRISE_DOCUMENT_KINDS", frozenset({"notice"}), raising=False)
    enterprise = EnterpriseFactory()
    internal = _doc(enterprise, "internal_form")
    staff = make_user(roles=["inspector"], organisation=city_bureau())
    assert login(staff).get(f"/documents/{internal.pk}/download").status_code == 200


def test_owner_model_without_the_attribute_keeps_scope_only_access(login):
    assert not hasattr(Enterprise, "ENTERPRISE_DOCUMENT_KINDS")
    enterprise = EnterpriseFactory()
    internal = _doc(enterprise, "internal_form")
    client = login(make_user(roles=["enterprise"], enterprise=enterprise))
    assert client.get(f"/documents/{internal.pk}/download").status_code == 200
