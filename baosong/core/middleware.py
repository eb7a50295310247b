from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from baosong.core.context import RequestInfo, new_request_id, reset_request_info, set_request_info


def client_ip(request: HttpRequest) -> str:
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


class RequestContextMiddleware:
    """Gives every request an id and remembers the client address for the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = (request.headers.get("X-Request-ID") or "")[:64] or new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        info = RequestInfo(request_id=request_id, ip=client_ip(request))
        token = set_request_info(info)
        try:
            response = self.get_response(request)
            if info.refusals and not getattr(request, "_denial_audited", False):
                # A service refused (errors.Forbidden) and the page showed the refusal as a message.
                audit_denied(request, info.refusals[0])
        finally:
            reset_request_info(token)
        response["X-Request-ID"] = request_id
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            audit_denied(request, str(exception))


def audit_denied(request: HttpRequest, reason: str = "") -> None:
    """One ``permission.denied`` event per request, in its own transaction."""
    from baosong.core.audit import audit_record
    from baosong.core.models import AuditEvent

    if getattr(request, "_denial_audited", False):
        return
    request._denial_audited = True  # type: ignore[attr-defined]
    user = getattr(request, "user", None)
    with transaction.atomic():
        audit_record(
            "permission.denied",
            user=user if user is not None and user.is_authenticated else None,
            outcome=AuditEvent.Outcome.DENIED,
            object_type="path",
            object_id=request.path[:64],
            details={"method": request.method, "path": request.path, "reason": reason[:200]},
        )
