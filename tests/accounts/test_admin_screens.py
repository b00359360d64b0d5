"""Administrators maintain users in the configuration screens without ever seeing full ID/phone numbers; every
change is audited."""

from __future__ import annotations

import pytest

from bureau.accounts.models import User
from bureau.kernel.models import AuditEntry
from tests.factories import city_bureau, make_user, valid_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def superadmin():
    return make_user("root_admin", roles=["sysadmin"], organisation=city_bureau(), is_superuser=True, is_staff=True)


def test_user_page_masks_phone_and_id(login, superadmin):
    number = valid_id_number()
    person = make_user("officer_x", roles=["inspector"], organisation=city_bureau(), phone="13912345678",
                       id_number=number)
    html = login(superadmin).get(f"/admin/accounts/user/{person.pk}/change/").content.decode()
    assert "13912345678" not in html and number not in html
    assert "139****5678" in html


def test_saving_with_empty_personal_fields_keeps_them_and_is_audited(login, superadmin):
    person = make_user("officer_y", roles=["inspector"], organisation=city_bureau(), phone="13912345678")
    client = login(superadmin)
    form = {"username": "officer_y", "real_name": "新名字", "phone": "", "id_number": "", "organisation": person.organisation_id,
            "roles": [r.pk for r in person.roles.all()], "is_active": "on", "failed_logins": "0"}
    response = client.post(f"/admin/accounts/user/{person.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    person = User.objects.get(pk=person.pk)
    assert person.real_name == "新名字" and person.phone == "13912345678"
    assert AuditEntry.objects.filter(action="admin.change", object_id=str(person.pk)).exists()
