"""What every signed-in page costs (issue 18): the user with roles and organisation in one query, the unread badge
without a COUNT per page, and both exact when something changes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bureau.accounts.models import Role
from bureau.kernel.notifications import notify
from tests.factories import city_bureau, make_user

pytestmark = pytest.mark.django_db


def test_a_signed_in_page_reads_the_user_roles_and_organisation_in_one_query(login):
    """Issue 18 item 2: one query for the user with roles and organisation; the role names and the menu still show
    and a role granted counts from the next request (authority reads the codes loaded with the user)."""
    user = make_user(real_name="李审批", roles=["licensing_officer"], organisation=city_bureau())
    client = login(user)
    client.get("/accounts/profile/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/accounts/profile/").content.decode()
    people = [q["sql"] for q in queries if any(t in q["sql"] for t in ("accounts_user", "accounts_role",
                                                                         "accounts_organisation"))]
    assert len(people) == 1, people
    assert "审批人员" in page and "审批工作台" in page and city_bureau().name in page
    user.roles.add(Role.objects.get(code="leader"))
    assert "分管负责人" in client.get("/accounts/profile/").content.decode()


def test_the_unread_badge_is_cached_but_follows_new_and_read_messages(login):
    """Issue 18 item 2: the badge is not counted on every page, yet a new message shows on the next page and
    reading the inbox clears it."""
    user = make_user(roles=["inspector"], organisation=city_bureau())
    client = login(user)
    assert 'class="badge"' not in client.get("/accounts/profile/").content.decode()
    with CaptureQueriesContext(connection) as queries:
        client.get("/accounts/profile/")
    assert not [q for q in queries if "kernel_notification" in q["sql"]]
    notify([user], "检查任务已分派")
    assert '<b class="badge">1</b>' in client.get("/accounts/profile/").content.decode()
    client.post("/inbox/")
    assert 'class="badge"' not in client.get("/accounts/profile/").content.decode()
