"""Data scope: one way to ask "what may this user see", used by every list, detail, export and API answer.

- staff of the city bureau and its sections: the whole city;
- staff of a county bureau or the development zone: that region only (属地);
- an enterprise user: that enterprise only;
- anyone else (other departments, individuals, experts): nothing of the register, unless an area grants more
  (e.g. the energy department sees the applications sent to it — the licensing area decides that).

Models apply a Scope with `scope.filter(queryset, region=..., enterprise=...)`, naming their own field paths.
Another county's record is then simply not in the queryset: the detail view answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Q, QuerySet

from bureau.accounts.models import JURISDICTION_KINDS

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from bureau.accounts.models import User


@dataclass(frozen=True)
class Scope:
    kind: str  # "all", "regions", "enterprise", "none"
    regions: frozenset[str] = frozenset()
    enterprise_id: int | None = None

    @property
    def is_all(self) -> bool:
        return self.kind == "all"

    def q(self, *, region: str | None = None, enterprise: str | None = None) -> Q:
        """A filter for a queryset whose region code is at `region` and enterprise id at `enterprise`."""
        if self.kind == "all":
            return Q()
        if self.kind == "regions" and region:
            return Q(**{f"{region}__in": sorted(self.regions)})
        if self.kind == "enterprise" and enterprise and self.enterprise_id:
            return Q(**{enterprise: self.enterprise_id})
        return Q(pk__in=[])

    def filter(self, queryset: QuerySet, *, region: str | None = None, enterprise: str | None = None) -> QuerySet:
        if self.kind == "all":
            return queryset
        condition = self.q(region=region, enterprise=enterprise)
        if condition == Q(pk__in=[]):
            return queryset.none()
        return queryset.filter(condition)

    def covers_region(self, region_code: str) -> bool:
        return self.kind == "all" or (self.kind == "regions" and region_code in self.regions)


NONE = Scope("none")


def scope_for(user: User | AnonymousUser | None) -> Scope:
    """The data scope of a user (cached on the user object for the request)."""
    if user is None or not user.is_authenticated:
        return NONE
    cached = getattr(user, "_bureau_scope", None)
    if cached is not None:
        return cached
    scope = _narrow_to_token(_compute(user), getattr(user, "bureau_token", None))
    user._bureau_scope = scope  # type: ignore[attr-defined]
    return scope


def _narrow_to_token(scope: Scope, token: Any) -> Scope:
    """A call made with an API token sees at most the token's regions (accounts.tokens)."""
    wanted = frozenset(r for r in (getattr(token, "regions", None) or []) if r)
    if not wanted or scope.kind in ("enterprise", "none"):
        return scope
    if scope.kind == "all":
        return Scope("regions", regions=wanted)
    return Scope("regions", regions=scope.regions & wanted) if scope.regions & wanted else NONE


def _compute(user: User) -> Scope:
    if user.enterprise_id:
        return Scope("enterprise", enterprise_id=user.enterprise_id)
    org = user.organisation
    if user.is_superuser:
        return Scope("all")
    if "sysadmin" in user.role_codes and (org is None or org.region_id in (None, settings.CITY_REGION_CODE)):
        return Scope("all")  # the platform's system administrator; a county's administrator keeps to the county
    if org is None or org.kind not in JURISDICTION_KINDS or org.region_id is None:
        return NONE
    if org.region_id == settings.CITY_REGION_CODE:
        return Scope("all")
    return Scope("regions", regions=frozenset({org.region_id}))
