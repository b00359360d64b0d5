"""One place answers "who may do this?" (issue 13 items 1, 2 and 5): every page and API operation is covered by a
declaration, every declaration names a record kind that declares its authority, the authority matrix is printed
from the declarations and docs/authority.md is generated from it, and `restrict` answers by jurisdiction, party
and grant."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from bureau.accounts.authority import Authority, authority_of, declared_models, markdown, workflow_of
from bureau.accounts.tokens import required_scope, scope_catalogue
from bureau.kernel.access import declaration_of
from tests.factories import EnterpriseFactory, city_bureau, county_bureau, make_user
from tests.urlwalk import url_patterns

ROOT = Path(__file__).resolve().parents[2]



def _our_pages() -> list[tuple[str, object]]:
    return [(route, view) for route, namespace, view in url_patterns()
            if getattr(view, "__module__", "").startswith("bureau.") and "api" not in namespace.split(":")]


def test_every_page_declares_what_it_acts_on():
    """Walks every URL pattern: each page is public, the user's own account, a download through its owner
    record, a page of named roles, or declares the record kinds it acts on."""
    undeclared = [f"{route} ({view.__module__}.{view.__name__})" for route, view in _our_pages()
                  if declaration_of(view) is None]
    assert undeclared == []


def test_every_declared_record_kind_declares_its_authority():
    """A page's `acts_on` names a model that has an `authority = Authority(...)` declaration."""
    unknown = []
    for route, view in _our_pages():
        declared = getattr(view, "bureau_acts_on", None)
        for label in (declared[0] if declared else ()):
            model = apps.get_model(label)
            if not isinstance(getattr(model, "authority", None), Authority):
                unknown.append(f"{route}: {label}")
    assert unknown == []


def test_every_api_operation_declares_the_scope_a_token_needs():
    """Walks every API operation: public ones (no authentication) are listed in the schema as such; every other
    one declares the token scope it needs, or explicitly refuses tokens."""
    from bureau.api.main import api

    undeclared = []
    for _prefix, router in api._routers:  # noqa: SLF001 - the mounted routers
        for route, path_view in router.path_operations.items():
            for operation in path_view.operations:
                if not operation.auth_callbacks:
                    continue  # a public operation
                view = operation.view_func
                explicit = getattr(view, "bureau_token_scope", None)
                method = operation.methods[0]
                if explicit is None and required_scope(view, method) is None:
                    undeclared.append(f"{method} {route} ({view.__name__})")
    assert undeclared == []


def test_the_authority_matrix_prints_every_rule_as_csv():
    """`manage.py authority_matrix`: a header, then one row per rule naming the area, the action, the role,
    the jurisdiction and allowed/refused; every declared record kind and every declared action appears."""
    out = io.StringIO()
    call_command("authority_matrix", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    header, body = rows[0], rows[1:]
    assert header[:7] == ["area", "record", "action", "action_label", "role", "jurisdiction", "decision"]
    assert {row[6] for row in body} == {"allowed", "refused"}
    records = {row[1] for row in body}
    assert {authority_of(m).label for m in declared_models()} <= records
    actions = {(row[1], row[2]) for row in body}
    for model in declared_models():
        workflow = workflow_of(model)
        for transition in (workflow.transitions if workflow else []):
            assert (authority_of(model).label, transition.action) in actions
    # the rule that closed a hole: an enterprise never takes a decision of the bureau
    assert ["licensing", "办件", "grant", "准予许可", "enterprise", "本企业", "refused"] in [r[:7] for r in body]


def test_docs_authority_page_is_generated_from_the_declarations():
    """docs/authority.md is what `manage.py authority_matrix --markdown` prints (regenerate it after changing a
    declaration)."""
    assert (ROOT / "docs" / "authority.md").read_text(encoding="utf-8") == markdown(scope_catalogue())


@pytest.mark.django_db
def test_restrict_answers_by_jurisdiction_party_and_grant():
    """City staff see the whole city, a county officer its region, an enterprise itself, a department only what
    a grant names; a token's regions narrow its owner's."""
    from bureau.enterprises.models import Enterprise

    yanhu, linyi = EnterpriseFactory(region_id="140802"), EnterpriseFactory(region_id="140821")
    city = make_user(roles=["inspector"], organisation=city_bureau())
    county = make_user(roles=["inspector"], organisation=county_bureau("140802"))
    owner = make_user(roles=["enterprise"], enterprise=linyi)
    outsider = make_user(roles=["individual"])
    seen = {name: set(Enterprise.objects.restrict(user).values_list("pk", flat=True))
            for name, user in (("city", city), ("county", county), ("owner", owner), ("outsider", outsider))}
    assert seen == {"city": {yanhu.pk, linyi.pk}, "county": {yanhu.pk}, "owner": {linyi.pk}, "outsider": set()}
    assert set(Enterprise.objects.restrict(county, "change")) == set()  # the register is the administrators'
    admin = make_user(roles=["sysadmin"], organisation=city_bureau())  # 系统管理员 maintains the whole register
    assert set(Enterprise.objects.restrict(admin, "change").values_list("pk", flat=True)) == {yanhu.pk, linyi.pk}


def test_declared_models_cover_every_area_that_keeps_records():
    """Every area with records declares them (a new area cannot forget)."""
    areas = {m._meta.app_label for m in declared_models()}
    assert {"enterprises", "licensing", "certificates", "inspection", "penalties", "hazards", "assistance",
            "petitions"} <= areas
    assert all(re.fullmatch(r"[a-z_]+", authority_of(m).dataset) for m in declared_models())
