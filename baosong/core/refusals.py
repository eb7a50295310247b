"""A refused action raised from a page answers the same way everywhere (the API has its own handler).

- an object the user may not see (``NotFound``): the 404 page, whatever the method — another unit's item
  answers 404 on every route;
- a form post: the refusal as a message, back to the page the form was on (``back`` field, else the
  referring page of this site, else where the view said with :func:`return_to`, else the 工作台);
- a fragment (htmx): the message as a small HTML fragment with the refusal's 4xx status;
- any other request (a page, a download): the error page with that status.

The service's transaction has rolled back by then; what the user typed is still in the browser's form
(pages that re-render a form with its errors keep catching the refusal themselves)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme

from baosong.core.errors import NotFound, ServiceError

TITLES = {403: "无权操作", 404: "对象不存在", 409: "无法执行此操作", 413: "文件过大"}


def _same_site(request: HttpRequest, target: str) -> bool:
    return bool(target) and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())


def back_url(request: HttpRequest) -> str:
    """Where a refused form post returns to."""
    target = request.POST.get("back") or ""
    if _same_site(request, target):
        return target
    referer = request.headers.get("Referer", "")
    if _same_site(request, referer):
        return referer
    fallback = getattr(request, "refusal_back", "")
    return fallback if _same_site(request, fallback) else "/"


def return_to(request: HttpRequest, url: str) -> None:
    """Where a refused form post of this view returns when the form sent no ``back`` and no referrer."""
    request.refusal_back = url  # type: ignore[attr-defined]


def refusal_response(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    if isinstance(exc, NotFound):
        return render(
            request,
            "core/error.html",
            {"title": "页面不存在", "message": exc.message or "您访问的页面不存在或无权查看。"},
            status=404,
        )
    if request.headers.get("HX-Request"):
        return HttpResponse(
            f'<p class="error" role="alert">{escape(exc.message)}</p>',
            status=exc.status,
            content_type="text/html; charset=utf-8",
        )
    if request.method == "POST":
        messages.error(request, exc.message)
        return redirect(back_url(request))
    return render(
        request,
        "core/error.html",
        {"title": TITLES.get(exc.status, "无法完成请求"), "message": exc.message},
        status=exc.status,
    )


class RefusalMiddleware:
    """Turns a ``ServiceError`` escaping a page view into :func:`refusal_response`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ServiceError) or request.path.startswith("/api/"):
            return None
        return refusal_response(request, exception)
