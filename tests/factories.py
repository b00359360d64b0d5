"""Factories shared by every area's tests: organisations, users with roles, enterprises with valid codes."""

from __future__ import annotations

import itertools
import random
from typing import Any

import factory

from bureau.accounts.models import Organisation, OrganisationKind, Role, User
from bureau.enterprises.models import Enterprise, Industry
from bureau.kernel.identifiers import USCC_ALPHABET, make_id_number, make_uscc

PASSWORD = "Test@Pass2026"
_rng = random.Random(7)
_seq = itertools.count(1)


def valid_uscc(region: str = "140802") -> str:
    return make_uscc("91" + region + "MA0" + "".join(_rng.choice(USCC_ALPHABET) for _ in range(6)))


def valid_id_number(region: str = "140802", birth: str = "19800101") -> str:
    return make_id_number(f"{region}{birth}{next(_seq) % 900 + 100:03d}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ORG-{n}")
    name = factory.Sequence(lambda n: f"测试机构{n}")
    kind = OrganisationKind.COUNTY_BUREAU
    region_id = "140802"


def city_bureau() -> Organisation:
    return OrganisationFactory(code="YC-CITY", name="运城市应急管理局", kind=OrganisationKind.CITY_BUREAU,
                               region_id="140800")


def county_bureau(region: str = "140802", name: str | None = None) -> Organisation:
    return OrganisationFactory(code=f"YC-{region}", name=name or f"{region}应急管理局",
                               kind=OrganisationKind.COUNTY_BUREAU, region_id=region, parent=city_bureau())


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    uscc = factory.LazyAttribute(lambda o: valid_uscc(o.region_id))
    name = factory.Sequence(lambda n: f"运城测试企业{n}有限公司")
    region_id = "140802"
    industry = Industry.HAZCHEM_OPERATION
    legal_representative = "王建国"
    contact_name = "李丽"
    contact_phone = "13912345678"
    legal_rep_id_number = factory.LazyFunction(valid_id_number)
    employees = 20


def make_user(username: str | None = None, *, roles: list[str] | tuple[str, ...] = (), organisation: Any = None,
              enterprise: Any = None, **extra: Any) -> User:
    user = User(username=username or f"user{next(_seq)}", real_name=extra.pop("real_name", "测试用户"),
                organisation=organisation, enterprise=enterprise, **extra)
    user.set_password(PASSWORD)
    user.save()
    if roles:
        user.roles.set(Role.objects.filter(code__in=roles))
    return user


def messages_of(response: Any) -> str:
    """The flash messages a page response carries, joined (what the user reads at the top of the page)."""
    return " ".join(str(m) for m in response.context["messages"])


def skip_pdf_rendering(monkeypatch: Any) -> None:
    """Store official documents with their text but without running the PDF engine (the embedded CJK font makes
    each render ~0.1 s). For tests about the procedure, not the document: tests of the PDF itself render for real."""
    import bureau.kernel.documents as documents

    def stub(spec: Any) -> bytes:
        text = "\n".join([spec.title, spec.number, *(getattr(b, "text", "") for b in spec.blocks)])
        return b"%PDF-1.4 stub\n" + text.encode()

    monkeypatch.setattr(documents, "render_pdf", stub)
