"""Property-based API test: schemathesis generates requests for every operation of the served OpenAPI schema,
signed in as a staff user (session + CSRF, and a bearer token for the machine-only routers) and anonymously.
Rule checked: no operation answers a server error (5xx), whatever valid input it gets.

Bounded in time: a few derandomized examples per operation (a fixed sequence, so the test cannot flake)."""

from __future__ import annotations

import secrets

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error

from bureau.accounts.models import ApiToken
from bureau.accounts.tokens import scope_catalogue
from tests.factories import city_bureau, make_user
from tests.hazards.factories import hazard, world

pytestmark = pytest.mark.django_db

EXAMPLES = 4
# An anonymous call to an operation that declares security is refused by the authentication step before its input is
# read (Django Ninja runs `auth` before it parses parameters), so one example proves it cannot fail there.
EXAMPLES_REFUSED = 1
CSRF = "k" * 32


@pytest.fixture
def wsgi_schema():
    """The schema served at /api/openapi.json, called in-process through the WSGI application. Django closes the
    connection at the end of each request; the test client avoids that inside the test transaction, so do we."""
    from bureau.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _staff_credentials(client):
    w = world()
    known = {"hazard_id": hazard(w).pk, "enterprise_id": w.enterprise.pk}
    staff = make_user("st_staff", roles=["inspector", "section_head", "leader", "licensing_officer", "sysadmin"],
                      organisation=city_bureau(), real_name="属性测试 员工")
    client.force_login(staff, backend="bureau.accounts.backends.LockoutModelBackend")
    raw = secrets.token_urlsafe(24)
    ApiToken.objects.create(name="属性测试", user=staff, prefix=raw[:8], token_hash=ApiToken.hash(raw),
                            scopes=sorted(scope_catalogue()))
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF}
    headers = {"X-CSRFToken": CSRF, "Authorization": f"Bearer {raw}"}
    return cookies, headers, known


def _run_every_operation(schema, *, cookies, headers, known) -> list[str]:
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        refused = not cookies and not headers and bool(operation.definition.raw.get("security"))
        examples = EXAMPLES_REFUSED if refused else EXAMPLES
        fixed = {name: value for name, value in known.items()
                 if any(p.name == name for p in operation.path_parameters)}
        for path_parameters in ([fixed] if fixed else []) + [None]:
            strategy = operation.as_strategy(path_parameters=path_parameters)

            @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                      suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
            @given(case=strategy)
            def call(case):
                response = case.call(headers=headers, cookies=cookies)
                case.validate_response(response, checks=[not_a_server_error])

            try:
                call()
            except Exception as exc:  # collect every failing operation, report them together
                failures.append(f"{operation.label}: {str(exc)[:2000]}")
    return failures


def test_no_operation_answers_a_server_error_to_a_staff_user(wsgi_schema, client):
    cookies, headers, known = _staff_credentials(client)
    failures = _run_every_operation(wsgi_schema, cookies=cookies, headers=headers, known=known)
    assert not failures, "\n\n".join(failures)


def test_no_operation_answers_a_server_error_to_an_anonymous_caller(wsgi_schema):
    failures = _run_every_operation(wsgi_schema, cookies={}, headers={}, known={})
    assert not failures, "\n\n".join(failures)
