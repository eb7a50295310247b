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
            if not user_has_role(request.user, *roles):  # type: ignore[arg-type]
                raise PermissionDenied("role")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


business_required = role_required(*BUSINESS_ROLES)


class AuthedRequest(HttpRequest):
    """A request behind login_required/role_required: ``user`` is a real account."""

    user: User
