"""Government data sharing (measure III.2): scoped, field-limited, region-limited, logged token access.

A token's `scopes` name the data sets it may read (`enterprises:read`, `certificates:read`, `decisions:read`) or
write (`petitions:hotline`); `regions` narrow the jurisdiction; `fields` ({"enterprises": ["uscc", "name"]}) narrow
the columns. Every call made with a token is written to ApiCallLog (by the endpoint itself through
`accounts.tokens.shared`, and for every other endpoint by `bureau.portal.middleware.ApiCallLogMiddleware`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bureau.accounts.models import ApiToken, OrganisationKind
from bureau.accounts.scope import scope_for
from bureau.accounts.tokens import register_fields, register_scope

SCOPES: dict[str, str] = {
    "enterprises:read": "企业基础信息（读取）",
    "certificates:read": "证照信息（读取）",
    "decisions:read": "行政处罚决定（读取）",
    "petitions:hotline": "12345工单推送与回读",
}

# The columns each data set may expose (personal data only masked). A token's `fields` picks among them.
DATASET_FIELDS: dict[str, dict[str, str]] = {
    "enterprises": {
        "uscc": "统一社会信用代码", "name": "企业名称", "region_code": "区划代码", "region_name": "区划",
        "industry": "行业类别", "address": "地址", "legal_representative": "法定代表人",
        "standardization_grade": "标准化等级", "credit_grade": "诚信等级", "is_key": "重点企业",
        "status": "经营状态", "contact_phone_masked": "联系电话（脱敏）",
    },
    "certificates": {
        "number": "证书编号", "type": "证照类型", "holder_name": "持证人/单位", "holder_id_masked": "身份证号（脱敏）",
        "enterprise_uscc": "企业信用代码", "region_code": "区划代码", "scope_text": "许可范围",
        "issuing_authority": "发证机关", "issued_on": "发证日期", "valid_from": "有效期起", "valid_until": "有效期至",
        "status": "状态",
    },
    "decisions": {
        "number": "决定书文号", "enterprise_uscc": "当事人信用代码", "party_name": "当事人", "region_code": "区划代码",
        "decided_on": "决定日期", "violation": "违法事实摘要", "penalty": "处罚内容", "basis": "处罚依据",
    },
}

def _register_with_tokens() -> None:
    """The shared data sets' scopes and columns are token scopes and token field lists (accounts.tokens)."""
    for scope, label in SCOPES.items():
        register_scope(scope, label)
    for dataset, columns in DATASET_FIELDS.items():
        register_fields(dataset, columns)


_register_with_tokens()

# Other areas offer a data set with `register_shared_dataset("decisions", provider)`;
# provider(regions: list[str] | None, params: dict) -> list[dict] (keys among DATASET_FIELDS[name]).
_providers: dict[str, Callable[[list[str] | None, dict[str, Any]], list[dict[str, Any]]]] = {}


def register_shared_dataset(name: str, provider: Callable[[list[str] | None, dict[str, Any]], list[dict[str, Any]]]
                            ) -> None:
    _providers[name] = provider


def provider_for(name: str) -> Callable[..., list[dict[str, Any]]] | None:
    return _providers.get(name)


def token_regions(token: ApiToken) -> list[str] | None:
    """The regions a token may read: its owner's jurisdiction (a department: the whole city, as granted by the
    issuer), narrowed by the token's own `regions`. None means all."""
    owner = token.user
    base: set[str] | None
    if owner.enterprise_id:
        base = set()
    else:
        scope = scope_for(owner)
        if scope.kind == "all":
            base = None
        elif scope.kind == "regions":
            base = set(scope.regions)
        elif owner.organisation and owner.organisation.kind in {OrganisationKind.DEPARTMENT, OrganisationKind.PROVINCE}:
            base = None
        else:
            base = set()
    wanted = {r for r in (token.regions or []) if r}
    if not wanted:
        return None if base is None else sorted(base)
    if base is None:
        return sorted(wanted)
    return sorted(base & wanted)


def pick_fields(token: ApiToken, dataset: str, row: dict[str, Any]) -> dict[str, Any]:
    allowed = DATASET_FIELDS[dataset]
    chosen = [f for f in (token.fields or {}).get(dataset, []) if f in allowed] or list(allowed)
    return {f: row.get(f) for f in chosen}
