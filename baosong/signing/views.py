"""The public check of a document (/verify/, no login) and the security administrator's key pages."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from baosong.core.errors import ServiceError
from baosong.core.middleware import client_ip
from baosong.core.params import parse_id
from baosong.orgs.models import Role, Unit
from baosong.orgs.permissions import AuthedRequest, role_required
from baosong.orgs.selectors import admin_scope_units
from baosong.signing import selectors, services, sm2
from baosong.signing.models import SigningKey


def rate_limited(request: HttpRequest) -> bool:
    """At most VERIFY_RATE_PER_MINUTE checks a minute from one address (page and API share the count)."""
    key = f"signing:verify:{client_ip(request)}:{int(time.time() // 60)}"
    if cache.add(key, 1, 120):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:
            count = 1
    return count > int(settings.VERIFY_RATE_PER_MINUTE)


def read_upload(upload: Any) -> bytes:
    """The uploaded file's bytes, refused (in Chinese) when empty or too large."""
    limit = int(settings.VERIFY_MAX_MB) * 1024 * 1024
    if upload is None:
        raise ServiceError("请选择要核验的文件。", "file_required")
    if upload.size > limit:
        raise ServiceError(f"文件超过 {settings.VERIFY_MAX_MB} MB，无法核验。", "file_too_large", status=413)
    data = upload.read(limit + 1)
    if not data:
        raise ServiceError("文件是空的。", "file_empty")
    return bytes(data)


def verify_page(request: HttpRequest) -> HttpResponse:
    """Anyone, signed in or not: upload a file (valid, altered, unknown issuer, unknown) or type a number."""
    context: dict[str, Any] = {"number": "", "max_mb": settings.VERIFY_MAX_MB}
    status = 200
    number = request.GET.get("number", "").strip()
    wants = request.method == "POST" or bool(number)
    if wants and rate_limited(request):
        context["error"] = "核验过于频繁，请一分钟后再试。"
        return render(request, "signing/verify.html", context, status=429)
    try:
        if request.method == "POST":
            data = read_upload(request.FILES.get("file"))
            context["verdict"] = services.verify_bytes(data)
            context["filename"] = getattr(request.FILES.get("file"), "name", "")[:200]
        elif number:
            context["number"] = number[:100]
            context["records"] = selectors.release_groups(services.lookup_number(number))
    except ServiceError as exc:
        context["error"] = exc.message
        status = exc.status
    return render(request, "signing/verify.html", context, status=status)


def public_keys(request: HttpRequest) -> HttpResponse:
    """The public-key list: what a file's key id points to, with each key as PEM for other tools."""
    keys = SigningKey.objects.select_related("unit").order_by("unit__path", "-created_at")[:2000]
    return render(request, "signing/public_keys.html", {"keys": keys})


def public_key_pem(request: HttpRequest, key_id: str) -> HttpResponse:
    key = SigningKey.objects.filter(key_id=key_id.lower()[:64]).first()
    if key is None or len(key_id) != 64:
        raise Http404
    response = HttpResponse(sm2.public_key_pem(bytes(key.public_key)), content_type="application/x-pem-file")
    response["Content-Disposition"] = f'attachment; filename="{key.key_id[:16]}.pem"'
    return response


# ---- 安全管理员: keys ------------------------------------------------------------------------------------


@role_required(Role.SECADMIN)
def key_list(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:50]
    return render(
        request,
        "signing/key_list.html",
        {
            "q": q,
            "keys": selectors.keys_for_secadmin(request.user, q=q),
            "waiting": selectors.units_waiting_for_key(request.user),
            "without_key": selectors.units_without_key(request.user, q),
        },
    )


def _unit_in_scope(request: AuthedRequest, pk: int) -> Unit:
    return get_object_or_404(admin_scope_units(request.user, Role.SECADMIN), pk=pk)


@require_POST
@role_required(Role.SECADMIN)
def key_generate(request: AuthedRequest) -> HttpResponse:
    code = request.POST.get("code", "").strip()[:100]
    pk = parse_id(request.POST.get("unit"))
    scope = admin_scope_units(request.user, Role.SECADMIN)
    unit = scope.filter(pk=pk).first() if pk else scope.filter(code=code).first() if code else None
    if unit is None and code:  # a unit's full name works too
        named = list(scope.filter(name=code)[:2])
        unit = named[0] if len(named) == 1 else None
    if unit is None:
        messages.error(request, "找不到该单位，或该单位不在您的管理范围内。请先在“查找”中输入单位名称。")
        return redirect("signing_keys")
    try:
        key = services.key_generate(unit=unit, by=request.user)
        messages.success(request, f"已为“{unit.name}”生成签名密钥 {key.short_id}。")
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(f"{reverse('signing_keys')}?q={unit.code}")


@require_POST
@role_required(Role.SECADMIN)
def key_rotate(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _unit_in_scope(request, pk)
    try:
        key = services.key_rotate(unit=unit, by=request.user)
        messages.success(
            request, f"已为“{unit.name}”轮换签名密钥，新密钥 {key.short_id}；原密钥已停用，仍可核验。"
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(f"{reverse('signing_keys')}?q={unit.code}")
