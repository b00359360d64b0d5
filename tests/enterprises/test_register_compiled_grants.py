"""Issue 18 review: the register's compiled queries (`enterprise_list_key`, `get_enterprise_for`) for the principals
whose authority comes from a grant or a narrowing rather than a jurisdiction — two parks' committees, a superuser, a
city officer acting through an API token limited to one county. Rule (authority: scope): each gets exactly the ORM's
rows, asked in turn after the others (a query kept for one is never served to another), and another park's or
county's enterprise answers 404."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.http import Http404, QueryDict

from bureau.accounts.models import OrganisationKind, User
from bureau.enterprises import queries
from bureau.enterprises.models import ChemicalPark
from bureau.enterprises.views import REGISTER_LIST_VALUES
from bureau.kernel.paging import capped_count, capped_count_compiled, paginate, paginate_compiled
from tests.factories import EnterpriseFactory, OrganisationFactory, city_bureau, make_user

pytestmark = pytest.mark.django_db


def _committee(park: ChemicalPark, code: str) -> User:
    org = OrganisationFactory(code=code, name=f"{park.name}管委会", kind=OrganisationKind.DEPARTMENT,
                              region_id=park.region_id)
    ChemicalPark.objects.filter(pk=park.pk).update(committee=org)
    return make_user(roles=["park_committee"], organisation=org)


def _fresh(user: User, token: object = None) -> User:
    """The user as a new request loads it (no scope kept on the instance), optionally acting through a token."""
    loaded = User.objects.get(pk=user.pk)
    if token is not None:
        loaded.bureau_token = token  # type: ignore[attr-defined]
    return loaded


def test_grant_and_token_principals_get_their_own_register_rows():
    east = ChemicalPark.objects.create(code="T-E", name="东园", region_id="140802")
    west = ChemicalPark.objects.create(code="T-W", name="西园", region_id="140802")
    in_east = EnterpriseFactory(region_id="140802", chemical_park=east)
    in_west = EnterpriseFactory(region_id="140802", chemical_park=west)
    elsewhere = EnterpriseFactory(region_id="140821")
    east_committee, west_committee = _committee(east, "PK-E"), _committee(west, "PK-W")
    root = make_user(is_superuser=True)
    city = make_user(roles=["inspector"], organisation=city_bureau())
    principals = [
        ("east", lambda: _fresh(east_committee), {in_east.pk}),
        ("west", lambda: _fresh(west_committee), {in_west.pk}),
        ("root", lambda: _fresh(root), {in_east.pk, in_west.pk, elsewhere.pk}),
        ("city via a 140821 token", lambda: _fresh(city, SimpleNamespace(regions=["140821"])), {elsewhere.pk}),
        ("city", lambda: _fresh(city), {in_east.pk, in_west.pk, elsewhere.pk}),
    ]
    texts = ["", "region=140802", "page=2"]
    for _ in range(2):
        for name, load, expected in principals:
            for text in texts:
                user, params = load(), QueryDict(text)
                qs = queries.enterprise_list(user, params)
                key = queries.enterprise_list_key(user, params)
                want = paginate(qs.values(*REGISTER_LIST_VALUES), params)
                got = paginate_compiled(lambda q=qs: q.values(*REGISTER_LIST_VALUES), key, params)
                assert got.rows == want.rows, (name, text)
                assert capped_count_compiled(qs, key) == capped_count(qs), (name, text)
                if text == "":
                    assert {r["pk"] for r in got.rows} >= expected, name
            user = load()
            for firm in (in_east, in_west, elsewhere):
                if firm.pk in expected:
                    assert queries.get_enterprise_for(user, firm.pk).pk == firm.pk, name
                else:
                    with pytest.raises(Http404):
                        queries.get_enterprise_for(user, firm.pk)
    assert {r["pk"] for r in paginate_compiled(
        lambda: queries.enterprise_list(_fresh(east_committee), {}).values(*REGISTER_LIST_VALUES),
        queries.enterprise_list_key(_fresh(east_committee), {}), QueryDict("")).rows} == {in_east.pk}
