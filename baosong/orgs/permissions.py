"""View guards by role. Admin roles and business roles never overlap (三员分立)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from baosong.orgs.models import BUSINESS_ROLES, User
from baosong.orgs.selectors import user_has_role

View = Callable[..., HttpResponseBase]


def role_required(*roles: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            allowed = (
                may_use_business(request.user)  # type: ignore[arg-type]
                if set(roles) == set(BUSINESS_ROLES)
                else user_has_role(request.user, *roles)  # type: ignore[arg-type]
            )
            if not allowed:
                raise PermissionDenied("role")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


business_required = role_required(*BUSINESS_ROLES)


def may_use_business(user: User) -> bool:
    """The one rule for the business area (items, issues, 批示, 约稿, statistics, search): a business role.
    The three administrators (三员) hold none: pages answer them 403 (``business_required``), the API 403
    ``role_forbidden`` (``api.auth.business``)."""
    return user_has_role(user, *BUSINESS_ROLES)


class AuthedRequest(HttpRequest):
    """A request behind login_required/role_required: ``user`` is a real account."""

    user: User
