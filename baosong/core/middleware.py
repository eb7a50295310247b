from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse

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


NUL_MESSAGE = "提交的内容含有不允许的空字符（U+0000），请删除后重试。"


def _nul_in(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_nul_in(k) or _nul_in(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_nul_in(v) for v in value)
    return False


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or any(_nul_in(k) or _nul_in(v) for k, v in request.GET.lists()):
        return True
    if request.method not in ("POST", "PUT", "PATCH"):
        return False
    ctype = request.content_type or ""
    api = request.path.startswith("/api/")
    # Form fields, not file contents. A multipart body is parsed here only for the pages: the API's parser
    # reads the raw body, which a parsed multipart stream no longer has (its JSON is checked below).
    if ctype == "application/x-www-form-urlencoded" or (ctype == "multipart/form-data" and not api):
        return any(_nul_in(k) or _nul_in(v) for k, v in request.POST.lists())
    if ctype == "application/json" and b"\\u0000" in request.body:
        try:
            return _nul_in(json.loads(request.body))
        except ValueError:
            return False  # the API answers malformed JSON itself
    return False


def too_large(request: HttpRequest, limit_bytes: int, code: str = "body_too_large") -> HttpResponse:
    """413 in the API's own ``{"detail","code"}`` shape on /api/, a plain Chinese sentence elsewhere."""
    message = f"请求体过大（上限 {limit_bytes / (1024 * 1024):g} MB）。"
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": message, "code": code}, status=413, json_dumps_params={"ensure_ascii": False}
        )
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


class BodySizeMiddleware:
    """A request whose declared length exceeds the largest upload any form accepts (``REQUEST_MAX_BYTES``:
    the import or attachment limit plus room for the form) is answered 413 before a byte of its body is read.
    (Django never reads past the declared length, so a body cannot be longer than it says.) nginx's
    ``client_max_body_size`` is set to the same figure (docs/deployment.md)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.REQUEST_MAX_BYTES:
            return too_large(request, settings.REQUEST_MAX_BYTES)
        return self.get_response(request)


class RejectNulMiddleware:
    """Text with a NUL character (U+0000) in the path, the query, a form field or a JSON string is refused
    with a 400 before any view: PostgreSQL text columns cannot hold it (saving it would fail with a 500), and
    no value a person types contains one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            nul = _has_nul(request)
        except RequestDataTooBig as exc:
            # Reading the body here is the first read: an over-size body answers 413 in the API's own shape
            # (a page gets the same message), not Django's bare 400 page.
            return too_large(request, getattr(exc, "limit", settings.DATA_UPLOAD_MAX_MEMORY_SIZE))
        if nul:
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": NUL_MESSAGE, "code": "invalid_characters"},
                    status=400,
                    json_dumps_params={"ensure_ascii": False},
                )
            return HttpResponse(NUL_MESSAGE, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


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


# Every response forbids inline script and inline style attributes. A page that needs a <style> block (the
# issue's print preview, whose measurements come from the publication's template) marks it with the request's
# nonce; nothing else is allowed inline. Frames: only same-origin previews (views marked
# ``xframe_options_sameorigin``) may be framed, and only by the site itself.
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'nonce-{nonce}'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; frame-src 'self'; form-action 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors {ancestors}"
)
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), usb=(), interest-cohort=()"
)
NO_STORE = "private, no-store"


def csp_nonce(request: HttpRequest) -> str:
    nonce = getattr(request, "_csp_nonce", None)
    if nonce is None:
        nonce = request._csp_nonce = secrets.token_urlsafe(16)  # type: ignore[attr-defined]
    return str(nonce)


def _authenticated(request: HttpRequest) -> bool:
    if request.path.startswith("/api/"):
        return True  # tokens and sessions alike; no API answer may be stored
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response; ``Cache-Control: no-store`` on
    every answer to a signed-in user (pages, fragments, downloads) and on every API answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            framed = response.get("X-Frame-Options", "").upper() == "SAMEORIGIN"
            response["Content-Security-Policy"] = _CSP.format(
                nonce=csp_nonce(request), ancestors="'self'" if framed else "'none'"
            )
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if _authenticated(request) and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = NO_STORE
        return response
