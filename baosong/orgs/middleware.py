"""Session policy (等保 level 3): idle timeout, absolute lifetime, forced password change, admin 2FA."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from baosong.core.audit import audit_record
from baosong.orgs.auth import password_change_required, session_forget
from baosong.orgs.selectors import user_admin_role

LOGIN_AT = "_bs_login_at"
SEEN_AT = "_bs_seen_at"

# Recording every request's time would rewrite the session row on every page view: a write per GET, and
# on SQLite a turn at the database's one write lock. The idle clock is kept to this resolution instead: the
# time is recorded once it is this old, so an idle session may end up to this much early, never late.
SEEN_RESOLUTION_SECONDS = 60

# /federation/inbox and /federation/identity: other deployments, authenticated by the package's signature.
OPEN_PREFIXES = (
    "/static/", "/healthz", "/accounts/login", "/accounts/logout", "/api/",
    "/federation/inbox", "/federation/identity",
)  # fmt: skip


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = time.time()
            login_at = float(request.session.get(LOGIN_AT, now))
            seen_at = float(request.session.get(SEEN_AT, now))
            idle = now - seen_at > int(settings.SESSION_IDLE_MINUTES) * 60
            too_old = now - login_at > int(settings.SESSION_MAX_HOURS) * 3600
            if idle or too_old:
                with transaction.atomic():
                    audit_record(
                        "session.expired", user=user, details={"reason": "idle" if idle else "lifetime"}
                    )
                session_forget(request.session.session_key)
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                messages.info(
                    request,
                    "长时间未操作，会话已超时，请重新登录。" if idle else "会话已达到最长时限，请重新登录。",
                )
                return redirect(f"{reverse('login')}?next={request.path}")
            if LOGIN_AT not in request.session:
                request.session[LOGIN_AT] = login_at
            if SEEN_AT not in request.session or now - seen_at >= SEEN_RESOLUTION_SECONDS:
                request.session[SEEN_AT] = now
            if not request.path.startswith(OPEN_PREFIXES):
                guard = self._guard(request)
                if guard is not None:
                    return guard
        return self.get_response(request)

    def _guard(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if user_admin_role(user) and not user.is_verified():  # type: ignore[union-attr, arg-type]
            # Admin accounts never reach a page without their second factor.
            logout(request)
            return redirect("login")
        if request.path.startswith("/accounts/password") or request.path.startswith("/accounts/otp"):
            return None
        if password_change_required(user):  # type: ignore[arg-type]
            return redirect("password_change")
        return None
