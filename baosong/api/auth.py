from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from baosong.core.context import note_refusal
from baosong.core.errors import ServiceError
from baosong.orgs.auth import token_authenticate
from baosong.orgs.permissions import may_use_business
from baosong.orgs.selectors import user_admin_role


class BearerAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser session, with CSRF for unsafe methods; admin sessions need their second factor."""

    param_name = "baosong_session"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if user_admin_role(user) and not user.is_verified():
            return None
        return user


class RoleForbidden(ServiceError):
    status = 403

    def __init__(self) -> None:
        super().__init__("您的角色（系统管理、安全管理、审计管理）不能使用业务接口。", "role_forbidden")
        note_refusal(self.message)


class _Business:
    """Only for accounts with a business role: the same rule the pages apply (``may_use_business``)."""

    def authenticate(self, request: HttpRequest, *args: Any) -> Any:
        user = super().authenticate(request, *args)  # type: ignore[misc]
        if user is not None and not may_use_business(user):
            raise RoleForbidden()
        return user


class BusinessBearerAuth(_Business, BearerAuth):
    pass


class BusinessSessionAuth(_Business, SessionAuth):
    pass


def business() -> list[Any]:
    """The auth of the business routers."""
    return [BusinessBearerAuth(), BusinessSessionAuth()]
