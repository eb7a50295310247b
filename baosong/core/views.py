from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from baosong.core.health import worker_status


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
    ok = db_ok and bool(worker["ok"])
    body = {
        "status": "ok" if ok else "degraded",
        "database": {"ok": db_ok, "vendor": connection.vendor},
        "worker": worker,
    }
    return JsonResponse(body, status=200 if ok else 503)


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
