from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from baosong.core.health import worker_status
from baosong.core.taskqueue import queue_status


def healthz(request: HttpRequest) -> JsonResponse:
    db_ok = True
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
    except Exception:
        db_ok = False
    worker = worker_status(int(settings.WORKER_HEARTBEAT_SECONDS) * 4) if db_ok else {"ok": False}
    if settings.TASK_BACKEND == "immediate":
        worker = {"ok": True, "mode": "immediate"}
    queue = queue_status() if db_ok else {"ok": False}
    ok = db_ok and bool(worker["ok"]) and bool(queue["ok"])
    body = {
        "status": "ok" if ok else "degraded",
        "database": {"ok": db_ok, "vendor": connection.vendor},
        "worker": worker,
        "queue": queue,
    }
    return JsonResponse(body, status=200 if ok else 503)


@login_required
def bench_floor(request: HttpRequest) -> HttpResponse:
    """The load test's floor (bench/load): what any logged-in page costs before its own work — the
    middleware, the session and one indexed query. Routed only with BAOSONG_BENCH_FLOOR=1."""
    username = request.user.get_username()
    found = get_user_model().objects.filter(username=username).values_list("username", flat=True).first()
    return HttpResponse(f"ok {found}", content_type="text/plain; charset=utf-8")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {"title": "无权访问", "message": "您的账户没有访问此页面的权限。"},
        status=403,
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {"title": "页面不存在", "message": "您访问的页面不存在或无权查看。"},
        status=404,
    )
