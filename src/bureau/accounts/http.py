"""The request types views are annotated with (django-stubs types `request.user` as "a user or anonymous")."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from bureau.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """A request of a signed-in user: the views behind `login_required` (and the second-factor middleware) see a
    `User`, never the anonymous one. `htmx` is set on every request by django-htmx's middleware."""

    user: User
    htmx: HtmxDetails
