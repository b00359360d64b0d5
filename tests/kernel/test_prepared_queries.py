"""Issue 18: queries compiled once per process (kernel/prepared.py) and the database session store
(accounts/sessions.py) give exactly what the ORM gives — the same instances, related objects, decrypted fields and
annotations; nothing for an unknown id or an expired session."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.db.models import F
from django.utils import timezone

from bureau.accounts.backends import LockoutModelBackend
from bureau.accounts.models import User
from bureau.accounts.sessions import SessionStore
from bureau.kernel.prepared import Prepared
from tests.factories import EnterpriseFactory, city_bureau, make_user

pytestmark = pytest.mark.django_db


def test_a_prepared_query_returns_what_the_orm_returns_for_each_value():
    firm = EnterpriseFactory()
    owner = make_user(enterprise=firm, roles=["enterprise"])
    officer = make_user(organisation=city_bureau(), roles=["licensing_officer", "inspector"])
    prepared = Prepared(lambda pk: User.objects.select_related("organisation", "enterprise")
                        .annotate(twice=F("id") * 2).filter(pk=pk))
    for user in (owner, officer):
        got = prepared.all(user.pk)
        assert len(got) == 1 and got[0].pk == user.pk and got[0].twice == user.pk * 2
        assert got[0].username == user.username and got[0].organisation_id == user.organisation_id
    [loaded] = prepared.all(owner.pk)
    # the enterprise joined and its protected (encrypted) columns decrypted as the ORM decrypts them
    assert loaded.enterprise is not None and loaded.enterprise.legal_rep_id_number == firm.legal_rep_id_number
    assert prepared.all(10**9) == []


def test_the_signed_in_user_comes_with_roles_and_organisation_and_unknown_ids_give_none():
    officer = make_user(organisation=city_bureau(), roles=["licensing_officer", "inspector"])
    user = LockoutModelBackend().get_user(str(officer.pk))
    assert user is not None and user.role_codes == frozenset({"licensing_officer", "inspector"})
    assert user.organisation == city_bureau()
    backend = LockoutModelBackend()
    assert backend.get_user("not-a-number") is None and backend.get_user(10**9) is None


def test_the_session_store_reads_live_sessions_only():
    store = SessionStore()
    store["otp_verified"] = True
    store.save()
    key = store.session_key
    assert SessionStore(key).load() == {"otp_verified": True}
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    expired = SessionStore(key)
    assert expired.load() == {} and expired.session_key is None
    assert SessionStore("no-such-session-key").load() == {}
