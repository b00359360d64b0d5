"""View markers read by the second-factor check (accounts.middleware.SecondFactorMiddleware).

Exemptions are declared on the view, never by path prefix: a new staff page under a public prefix is protected by
default. A test walks every URL pattern and proves that each view that is not marked asks for the second factor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.http import HttpRequest

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
