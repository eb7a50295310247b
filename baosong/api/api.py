"""The public API (/api/v1): interfaces only — parse, call a service or selector, serialise."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from baosong.api.auth import BearerAuth, SessionAuth, business
from baosong.api.parser import LenientJSONParser, UTF8JSONRenderer
from baosong.api.routers import auth as auth_router
from baosong.api.routers import behalf as behalf_router
from baosong.api.routers import datareports as datareports_router
from baosong.api.routers import editorial as editorial_router
from baosong.api.routers import federation as federation_router
from baosong.api.routers import intake as intake_router
from baosong.api.routers import notices as notices_router
from baosong.api.routers import notifications as notifications_router
from baosong.api.routers import orgs as orgs_router
from baosong.api.routers import oversight as oversight_router
from baosong.api.routers import portal as portal_router
from baosong.api.routers import reports as reports_router
from baosong.api.routers import roster as roster_router
from baosong.api.routers import scoring as scoring_router
from baosong.api.routers import search as search_router
from baosong.api.routers import signing as signing_router
from baosong.api.routers import verifications as verifications_router
from baosong.api.routers import workdays as workdays_router
from baosong.core.errors import ServiceError
from baosong.orgs.auth import AuthError


class BaosongAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        from baosong.api.openapi import complete_schema

        return complete_schema(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = BaosongAPI(
    title="报送平台公共接口",
    version="1",
    description=(
        "政务信息报送、采编、刊发与统计平台的公共接口。认证：会话 Cookie 或 `Authorization: Bearer <令牌>`。"
    ),
    auth=[BearerAuth(), SessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
    docs=Swagger(settings={"validatorUrl": None}),  # assets from ninja's static files, no outside calls
    parser=LenientJSONParser(),
    renderer=UTF8JSONRenderer(),
)


def _error(request: HttpRequest, status: int, detail: str, code: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code, **extra}, status=status)


@api.exception_handler(ServiceError)
def on_service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    # A Forbidden is audited as permission.denied by RequestContextMiddleware after the response.
    response = _error(request, exc.status, exc.message, exc.code, **exc.extra)
    retry_after = getattr(exc, "retry_after", None)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@api.exception_handler(AuthError)
def on_auth_error(request: HttpRequest, exc: AuthError) -> HttpResponse:
    return _error(request, 401, exc.message, exc.code)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "未登录或令牌无效、已过期。", "unauthenticated")


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields = [
        ".".join(str(p) for p in e.get("loc", []) if p not in ("body", "query", "path")) for e in exc.errors
    ]
    detail = "请求参数不正确：" + "、".join(f for f in fields if f) if any(fields) else "请求参数不正确。"
    return _error(request, 422, detail, "validation_error", errors=exc.errors)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "对象不存在或无权查看。", "not_found")


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    from baosong.core.middleware import audit_denied

    audit_denied(request, str(exc))
    return _error(request, 403, "没有执行此操作的权限。", "forbidden")


@api.exception_handler(RequestDataTooBig)
def on_body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit_mb = getattr(exc, "limit", settings.DATA_UPLOAD_MAX_MEMORY_SIZE) / (1024 * 1024)
    return _error(request, 413, f"请求体过大（上限 {limit_mb:g} MB）。", "body_too_large")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if str(exc.message).startswith("Cannot parse request body"):
        return _error(request, 400, "请求体不是有效的 JSON 对象。", "invalid_body")
    return _error(request, exc.status_code, str(exc.message), "error")


api.add_router("/auth", auth_router.router)
api.add_router("", orgs_router.router)
api.add_router("", workdays_router.router)  # any logged-in user, the administrators included
api.add_router("", reports_router.router, auth=business())
api.add_router("", verifications_router.router, auth=business())
api.add_router("", behalf_router.router, auth=business())
api.add_router("", intake_router.router)  # editors and the system administrators (三员: no business act)
api.add_router("", editorial_router.router, auth=business())
api.add_router("", notices_router.router, auth=business())
api.add_router("", datareports_router.router, auth=business())
api.add_router("", notifications_router.router, auth=business())
api.add_router("", portal_router.router, auth=business())
api.add_router("", scoring_router.router, auth=business())
api.add_router("", search_router.router, auth=business())
api.add_router("", roster_router.router, auth=business())
api.add_router("", oversight_router.router, auth=business())
api.add_router("", federation_router.router)  # the system administrators; an item's packages for its readers
api.add_router("", signing_router.router)  # public: anyone holding a file may check it
