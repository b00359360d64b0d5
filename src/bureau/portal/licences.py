"""The market regulator's business-licence data (营业执照), consumed through an adapter (measure III.2) so that an
enterprise need not submit what another department already holds.

- `FileLicenceAdapter` (default): a local JSON file of licences exported by the market regulator (the demo ships
  `portal/data/business_licences.json`; set BUSINESS_LICENCE_FILE to a nightly export).
- `HttpLicenceAdapter`: the real implementation for the provincial data-sharing exchange: GET
  `{BUSINESS_LICENCE_URL}/licences/{uscc}` with header `X-App-Key: {BUSINESS_LICENCE_KEY}`, JSON answer with the
  same keys; 404 = unknown. Select it with BUSINESS_LICENCE_ADAPTER="bureau.portal.licences.HttpLicenceAdapter".
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from bureau.kernel.errors import DomainError
from bureau.kernel.identifiers import IdentifierError, validate_uscc

DEFAULT_FILE = Path(__file__).parent / "data" / "business_licences.json"


@dataclass(frozen=True)
class BusinessLicence:
    uscc: str
    name: str
    legal_representative: str
    address: str
    business_scope: str
    established_on: str
    registration_authority: str
    status: str

    def prefill(self) -> dict[str, Any]:
        """Fields of the enterprise register this licence fills in."""
        return {"uscc": self.uscc, "name": self.name, "legal_representative": self.legal_representative,
                "address": self.address, "business_scope": self.business_scope[:300],
                "established_on": self.established_on}


class FileLicenceAdapter:
    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path or getattr(settings, "BUSINESS_LICENCE_FILE", "") or DEFAULT_FILE)

    def lookup(self, uscc: str) -> BusinessLicence | None:
        row = _load(str(self.path)).get(uscc.upper())
        return BusinessLicence(**row) if row else None


@lru_cache(maxsize=4)
def _load(path: str) -> dict[str, dict[str, Any]]:
    try:
        rows = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {r["uscc"]: r for r in rows}


class HttpLicenceAdapter:
    def __init__(self) -> None:
        self.base = getattr(settings, "BUSINESS_LICENCE_URL", "").rstrip("/")
        self.key = getattr(settings, "BUSINESS_LICENCE_KEY", "")

    def lookup(self, uscc: str) -> BusinessLicence | None:
        request = urllib.request.Request(f"{self.base}/licences/{uscc}", headers={"X-App-Key": self.key})
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 (configured https URL)
                data = json.loads(answer.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise DomainError("市场监管部门数据接口暂时不可用，请稍后再试或手工填写") from exc
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            raise DomainError("市场监管部门数据接口暂时不可用，请稍后再试或手工填写") from exc
        fields = BusinessLicence.__dataclass_fields__
        return BusinessLicence(**{k: str(data.get(k, "")) for k in fields})


def adapter() -> Any:
    path = getattr(settings, "BUSINESS_LICENCE_ADAPTER", "bureau.portal.licences.FileLicenceAdapter")
    return import_string(path)()


def licence_lookup(uscc: str) -> BusinessLicence | None:
    """The licence of `uscc` from the market regulator (None when it holds none); bad codes are refused."""
    try:
        uscc = validate_uscc(uscc)
    except IdentifierError as exc:
        raise DomainError(str(exc), field="uscc") from None
    return adapter().lookup(uscc)


LICENCE_LABELS = (("name", "名称"), ("uscc", "统一社会信用代码"), ("legal_representative", "法定代表人"),
                  ("address", "住所"), ("business_scope", "经营范围"), ("established_on", "成立日期"),
                  ("registration_authority", "登记机关"), ("status", "登记状态"))


def shared_fields(uscc: str) -> list[tuple[str, str]] | None:
    """The licence as (label, value) pairs for permit materials marked business_licence (registry shared source)."""
    licence = licence_lookup(uscc)
    if licence is None:
        return None
    return [(label, str(getattr(licence, key))) for key, label in LICENCE_LABELS]


def shared_warnings(enterprise: Any, fields: list[tuple[str, str]]) -> list[str]:
    """What the reviewing officer must look at: the register's name differs, or the licence is not in force."""
    values = dict(fields)
    warnings = []
    if values.get("名称") and values["名称"] != enterprise.name:
        warnings.append(f"营业执照名称「{values['名称']}」与企业名录名称「{enterprise.name}」不一致")
    if values.get("登记状态") and not values["登记状态"].startswith("存续"):
        warnings.append(f"营业执照登记状态为「{values['登记状态']}」")
    return warnings


def enterprise_prefill(uscc: str) -> dict[str, Any]:
    """For forms of other areas (enterprise registration, applications): the fields already known, or {}."""
    licence = licence_lookup(uscc)
    return licence.prefill() if licence else {}
