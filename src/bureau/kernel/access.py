"""View markers read by the second-factor check (accounts.middleware.SecondFactorMiddleware).

Exemptions are declared on the view, never by path prefix: a new staff page under a public prefix is protected by
default. A test walks every URL pattern and proves that each view that is not marked asks for the second factor.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from django.http import Http404, HttpRequest

V = TypeVar("V", bound=Callable[..., object])


def public_view(view: V) -> V:
    """A page for the public (no sign-in needed): what it shows is public whoever asks."""
    view.bureau_public = True  # type: ignore[attr-defined]
    return view


def second_factor_exempt(view: V) -> V:
    """A page a signed-in user must reach before the second factor is verified (the code form, sign-out,
    first enrolment). The view itself must not reveal or change anything else."""
    view.bureau_second_factor_exempt = True  # type: ignore[attr-defined]
    return view


def is_public(view: Callable[..., object]) -> bool:
    return bool(getattr(view, "bureau_public", False))


def is_second_factor_exempt(view: Callable[..., object]) -> bool:
    return bool(getattr(view, "bureau_second_factor_exempt", False) or getattr(view, "bureau_public", False))


def is_api(request: HttpRequest) -> bool:
    """The request was routed to the JSON API (which authenticates and answers errors itself)."""
    match = getattr(request, "resolver_match", None)
    return match is not None and "api" in match.namespaces


def acts_on(*models: str, action: str = "view") -> Callable[[V], V]:
    """Declare the record kinds ("hazards.Hazard") a page, export or download shows or changes, and how
    ("view", "change" or a declared action). The view reads them through `Model.objects.restrict(user, …)`; the
    authority coverage test requires a declaration of every page, and the cross-jurisdiction sweep requests each
    page that takes a record id with another county's record (it must answer 404)."""

    def mark(view: V) -> V:
        view.bureau_acts_on = (tuple(models), action)  # type: ignore[attr-defined]
        return view

    return mark


def own_account(view: V) -> V:
    """A page about the signed-in user's own account (profile, inbox, factor): nobody else's data."""
    view.bureau_own_account = True  # type: ignore[attr-defined]
    return view


def for_roles(*roles: str) -> Callable[[V], V]:
    """A page of reference data, administration or aggregates that only these roles open (the audit log, the
    calendar, token administration, imports): anyone else gets 404. Put it under `@login_required`."""
    allowed = frozenset(roles)

    def mark(view: V) -> V:
        @functools.wraps(view)
        def guarded(request: HttpRequest, *args: object, **kwargs: object) -> object:
            user = request.user
            if not (getattr(user, "is_superuser", False) or allowed & getattr(user, "role_codes", frozenset())):
                raise Http404
            return view(request, *args, **kwargs)

        guarded.bureau_for_roles = allowed  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return mark


def through_owner(view: V) -> V:
    """A download of a document or attachment: whoever sees the record it belongs to (the owner model's
    `restrict`) may open it, and an enterprise only the document kinds addressed to it."""
    view.bureau_through_owner = True  # type: ignore[attr-defined]
    return view


def declaration_of(view: Callable[..., object]) -> str | None:
    """How a view is declared, for the coverage test and the matrix (None: not declared)."""
    if is_public(view):
        return "public"
    if getattr(view, "bureau_acts_on", None):
        models, action = view.bureau_acts_on  # type: ignore[attr-defined]
        return f"{action}:{','.join(models)}"
    if getattr(view, "bureau_own_account", False) or getattr(view, "bureau_second_factor_exempt", False):
        return "own account"
    if getattr(view, "bureau_through_owner", False):
        return "through the owner record"
    roles = getattr(view, "bureau_for_roles", None)
    if roles:
        return f"roles:{','.join(sorted(roles))}"
    return None
