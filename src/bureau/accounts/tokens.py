"""API tokens as principals of their own (measure III.2: authenticated, scoped, logged).

A token acts for its owner, narrowed on every endpoint (deny by default):
- scopes: each API operation declares the scope it needs (`<dataset>:read` for reads, `<dataset>:write` for
  changes, or an explicit `@token_scope(...)`); an operation that declares none refuses tokens;
- regions: the owner's jurisdiction narrowed to the token's regions (accounts.scope reads `bureau_token`);
- fields: the columns granted per data set (`{"enterprises": ["uscc", "name"]}`) are the only ones answered;
- owners who are system, security or audit administrators or leaders need the explicit scope `privileged`.

Bearer calls skip CSRF (they carry no cookie); session calls keep it (bureau.api.main orders the two).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja.security import HttpBearer

from bureau.accounts import roles as R
from bureau.accounts.authority import datasets
from bureau.accounts.models import ApiCallLog, ApiToken, User
from bureau.accounts.services import api_token_issue
from bureau.kernel.audit import audit
from bureau.kernel.errors import DomainError, PermissionDenied
from bureau.kernel.models import Region
from bureau.kernel.net import client_ip

PRIVILEGED = "privileged"
PRIVILEGED_ROLES = frozenset({R.SYSADMIN, R.SECADMIN, R.AUDITOR, R.LEADER})
TOKEN_ADMINS = (R.SYSADMIN, R.SECADMIN)  # 三员分立: tokens are issued and revoked by the system or security administrator

# Scopes that are not "<dataset>:read|write" of a declared record kind, registered by the areas that answer them
# (e.g. the shared data sets of portal.sharing, the 12345 push of petitions).
_extra_scopes: dict[str, str] = {
    PRIVILEGED: "以管理员或领导身份调用（须单独授权）",
    "calendar:read": "工作日历（读取）",  # the kernel's reference data (kernel/api.py)
}
# The columns a data set may expose to a field-limited token, registered by the areas.
_dataset_fields: dict[str, dict[str, str]] = {}


def register_scope(name: str, label: str) -> None:
    _extra_scopes[name] = label


def register_fields(dataset: str, fields: dict[str, str]) -> None:
    _dataset_fields.setdefault(dataset, {}).update(fields)


def dataset_fields() -> dict[str, dict[str, str]]:
    return dict(_dataset_fields)


def scope_catalogue() -> dict[str, str]:
    """Every scope a token may hold, with its Chinese label."""
    catalogue: dict[str, str] = {}
    for dataset, label in sorted(datasets().items()):
        catalogue[f"{dataset}:read"] = f"{label}（读取）"
        catalogue[f"{dataset}:write"] = f"{label}（办理）"
    catalogue.update(_extra_scopes)
    return catalogue


def needs_privilege(user: User) -> bool:
    return bool(user.is_superuser or (user.role_codes & PRIVILEGED_ROLES))


# ---------------------------------------------------------------- issuing


def issue(*, actor: User | None, user: User, name: str, scopes: Iterable[str], regions: Iterable[str] = (),
          fields: dict[str, list[str]] | None = None, expires_at: dt.datetime | None = None
          ) -> tuple[ApiToken, str]:
    """Validate and issue a token (the raw value is returned once and never stored). `actor` None: an operator
    on the server (`manage.py token_issue`)."""
    _require_admin(actor)
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写令牌名称（如：市市场监管局-企业信息共享）", field="name")
    scopes = [s.strip() for s in scopes if s and s.strip()]
    catalogue = scope_catalogue()
    unknown = [s for s in scopes if s not in catalogue]
    if not scopes:
        raise DomainError("请至少选择一项授权范围", field="scopes")
    if unknown:
        raise DomainError(f"授权范围无效：{'、'.join(unknown)}", field="scopes")
    if not user.is_active:
        raise DomainError("该用户已停用，不能签发令牌", field="user")
    if needs_privilege(user) and PRIVILEGED not in scopes:
        raise DomainError("该用户是管理员或领导，须明确授予「以管理员或领导身份调用」才能签发令牌", field="scopes")
    regions = sorted({r.strip() for r in regions if r and r.strip()})
    known = set(Region.objects.filter(code__in=regions).values_list("code", flat=True))
    if set(regions) - known:
        raise DomainError(f"区划代码无效：{'、'.join(sorted(set(regions) - known))}", field="regions")
    chosen: dict[str, list[str]] = {}
    for dataset, columns in (fields or {}).items():
        allowed = _dataset_fields.get(dataset)
        if allowed is None:
            raise DomainError(f"数据集无效：{dataset}", field="fields")
        bad = [c for c in columns if c not in allowed]
        if bad:
            raise DomainError(f"字段无效：{'、'.join(bad)}", field="fields")
        if columns:
            chosen[dataset] = list(dict.fromkeys(columns))
    if expires_at is None or expires_at <= timezone.now():
        raise DomainError("请设置晚于今天的有效期", field="expires_on")
    return api_token_issue(actor=actor, user=user, name=name, scopes=scopes, regions=regions,
                           expires_at=expires_at, fields=chosen)


# ---------------------------------------------------------------- endpoints of machine clients (shared data, 12345)


def token_of(request: HttpRequest) -> ApiToken | None:
    return getattr(request, "api_token", None)


def require_scope(request: HttpRequest, scope: str) -> ApiToken:
    """The calling token, if it holds `scope`; a token never reads another scope's data."""
    token = token_of(request)
    if token is None:
        raise PermissionDenied("数据共享接口只接受接口令牌（Bearer）调用", code="token_required")
    if not token.is_usable:
        raise PermissionDenied("接口令牌已吊销或过期", code="token_unusable")
    if scope not in (token.scopes or []):
        raise PermissionDenied(f"该令牌未获授权访问「{scope_catalogue().get(scope, scope)}」", code="scope_denied")
    return token


def log_call(request: HttpRequest, status: int) -> None:
    token = token_of(request)
    if token is None or getattr(request, "_api_call_logged", False):
        return
    request._api_call_logged = True  # type: ignore[attr-defined]
    ApiCallLog.objects.create(token=token, method=(request.method or "")[:8], path=request.get_full_path()[:300],
                              status=status, ip=client_ip(request)[:45])


def shared(scope: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a shared endpoint: check the token's scope, then log the call with its outcome."""

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            status = 200
            try:
                require_scope(request, scope)
                return func(request, *args, **kwargs)
            except DomainError as exc:
                status = exc.status
                raise
            except Exception:
                status = 500
                raise
            finally:
                log_call(request, status)

        wrapper.bureau_token_scope = scope  # type: ignore[attr-defined]  # read by accounts.tokens.enforce_scope
        return wrapper

    return decorator


def _require_admin(actor: User | None) -> None:
    if actor is not None and not (actor.is_superuser or actor.role_codes & set(TOKEN_ADMINS)):
        raise PermissionDenied("只有系统管理员或安全管理员可以管理接口令牌")


def revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke a token at once (every later call is refused and logged)."""
    _require_admin(actor)
    if token.revoked:
        raise DomainError("该令牌已吊销")
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(revoked=True)
        token.revoked = True
        audit(actor, "portal.api_token_revoke", token, summary=f"吊销接口令牌：{token.name}")
    return token


# ---------------------------------------------------------------- authenticating


class TokenAuth(HttpBearer):
    """Bearer token of a machine client (other departments, the provincial platform, the hotline)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = ApiToken.objects.select_related("user", "user__organisation").filter(
            token_hash=ApiToken.hash(token)).first()
        if row is None or not row.is_usable or not row.user.is_active:
            return None
        user = row.user
        if needs_privilege(user) and PRIVILEGED not in (row.scopes or []):
            return None  # issued before the rule, or the owner was given an administrator's role since
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        user.bureau_token = row  # type: ignore[attr-defined]
        request.user = user
        request.api_token = row  # type: ignore[attr-defined]
        return user


def token_scope(scope: str | None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the scope an API operation needs from a token (None: the operation refuses tokens)."""

    def mark(func: Callable[..., Any]) -> Callable[..., Any]:
        func.bureau_token_scope = scope or ""  # type: ignore[attr-defined]
        return func

    return mark


def token_dataset(dataset: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the data set of an operation whose router serves another (the scope follows the method)."""

    def mark(func: Callable[..., Any]) -> Callable[..., Any]:
        func.bureau_dataset = dataset  # type: ignore[attr-defined]
        return func

    return mark


def required_scope(view: Callable[..., Any], method: str) -> str | None:
    """The scope a token needs for this operation, or None if the operation does not accept tokens."""
    explicit = getattr(view, "bureau_token_scope", None)
    if explicit is not None:
        return explicit or None
    dataset = getattr(view, "bureau_dataset", None)
    if not dataset:
        return None
    return f"{dataset}:{'read' if method in ('GET', 'HEAD', 'OPTIONS') else 'write'}"


def enforce_scope(view: Callable[..., Any]) -> Callable[..., Any]:
    """Operation decorator (after authentication): a token call needs the operation's declared scope."""

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        token = getattr(request, "api_token", None)
        if token is not None:
            needed = required_scope(view, request.method or "GET")
            if needed is None:
                raise PermissionDenied("该接口不接受接口令牌调用", code="token_not_accepted")
            if needed not in (token.scopes or []):
                label = scope_catalogue().get(needed, needed)
                raise PermissionDenied(f"该令牌未获授权「{label}」", code="scope_denied")
            request.bureau_dataset = getattr(view, "bureau_dataset", None) or needed.split(":")[0]  # type: ignore
        return view(request, *args, **kwargs)

    return guarded


def limit_fields(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """View decorator (around the whole operation): a field-limited token gets only its granted columns."""

    @functools.wraps(run)
    def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = run(request, *args, **kwargs)
        token = getattr(request, "api_token", None)
        dataset = getattr(request, "bureau_dataset", None)
        if token is None or not dataset or response.status_code >= 300:
            return response
        granted = (token.fields or {}).get(dataset)
        if not granted or "application/json" not in response.get("Content-Type", ""):
            return response
        return _rewrite(response, set(granted))

    return limited


def _rewrite(response: HttpResponse, granted: set[str]) -> HttpResponse:
    body = json.loads(response.content or b"null")

    def pick(row: Any) -> Any:
        return {k: v for k, v in row.items() if k in granted} if isinstance(row, dict) else row

    if isinstance(body, list):
        body = [pick(row) for row in body]
    elif isinstance(body, dict) and isinstance(body.get("items"), list):
        body["items"] = [pick(row) for row in body["items"]]
    elif isinstance(body, dict):
        body = pick(body)
    response.content = json.dumps(body, ensure_ascii=False).encode()
    return response
