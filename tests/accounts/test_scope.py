"""Data scope (属地): county officers see their county, enterprises themselves, the city everything — in lists,
detail pages, exports and the API. Another county's record answers 404."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.factories import EnterpriseFactory, city_bureau, county_bureau, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    yanhu = [EnterpriseFactory(region_id="140802", name=f"盐湖企业{i}") for i in range(3)]
    linyi = [EnterpriseFactory(region_id="140821", name=f"临猗企业{i}") for i in range(2)]
    return {
        "yanhu": yanhu, "linyi": linyi,
        "county": make_user("yanhu_officer", roles=["inspector"], organisation=county_bureau("140802")),
        "city": make_user("city_officer", roles=["inspector"], organisation=city_bureau()),
        "enterprise": make_user("ent", roles=["enterprise"], enterprise=yanhu[0]),
    }


def test_county_officer_lists_only_the_county(login, world):
    html = login(world["county"]).get("/enterprises/").content.decode()
    assert all(e.name in html for e in world["yanhu"])
    assert not any(e.name in html for e in world["linyi"])


def test_city_officer_lists_every_county(login, world):
    html = login(world["city"]).get("/enterprises/").content.decode()
    assert all(e.name in html for e in world["yanhu"] + world["linyi"])


def test_another_countys_enterprise_answers_404_on_page_and_api(login, world):
    client = login(world["county"])
    other = world["linyi"][0]
    assert client.get(f"/enterprises/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/enterprises/{other.pk}").status_code == 404
    assert client.get(f"/enterprises/{world['yanhu'][0].pk}/").status_code == 200


def test_enterprise_user_sees_only_itself(login, world):
    client = login(world["enterprise"])
    assert client.get("/enterprises/").url == f"/enterprises/{world['yanhu'][0].pk}/"
    assert client.get(f"/enterprises/{world['yanhu'][1].pk}/").status_code == 404
    items = client.get("/api/v1/enterprises").json()["items"]
    assert [i["id"] for i in items] == [world["yanhu"][0].pk]


def test_export_is_scoped_and_masks_personal_data(login, world):
    response = login(world["county"]).get("/enterprises/export.xlsx")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(wb.active.iter_rows(values_only=True))
    names = {r[1] for r in rows[1:]}
    assert names == {e.name for e in world["yanhu"]}
    header = rows[0]
    phone = rows[1][header.index("联系电话")]
    id_number = rows[1][header.index("法定代表人身份证号")]
    assert phone == "139****5678" and "********" in id_number


def test_list_page_query_budget(login, world, django_assert_max_num_queries):
    for i in range(20):
        EnterpriseFactory(region_id="140802", name=f"批量企业{i}")
    client = login(world["county"])
    with django_assert_max_num_queries(12):
        assert client.get("/enterprises/").status_code == 200


def test_api_list_query_budget(login, world, django_assert_max_num_queries):
    for i in range(20):
        EnterpriseFactory(region_id="140802", name=f"批量企业{i}")
    client = login(world["city"])
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/enterprises?limit=50").json()["items"]) == 25


@pytest.mark.django_db
def test_a_county_system_administrator_keeps_to_the_county():
    """Found by the cross-jurisdiction sweep: the system administrator role gave a county bureau's administrator
    the whole city. The platform's administrator (city bureau, or no organisation) sees the city; a county's
    administrator sees its county, like every other county account."""
    from bureau.accounts.scope import scope_for
    from tests.factories import city_bureau, county_bureau, make_user

    county_admin = make_user(roles=["sysadmin"], organisation=county_bureau("140821"))
    city_admin = make_user(roles=["sysadmin"], organisation=city_bureau())
    platform_admin = make_user(roles=["sysadmin"])
    assert scope_for(county_admin).kind == "regions" and scope_for(county_admin).regions == {"140821"}
    assert scope_for(city_admin).is_all and scope_for(platform_admin).is_all
