"""Pages of 跨系统报送 (系统管理员): this deployment's key, the peers, the unit mapping, the packages; and the
receiving end other deployments post to (no session: the package's signature is the authentication)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from baosong.core.errors import NotFound, ServiceError
from baosong.federation import envelope, selectors, services
from baosong.federation.models import Link, Message, Peer
from baosong.orgs.models import Level, Role
from baosong.orgs.permissions import AuthedRequest, role_required
from baosong.signing import sm2


def _identity_context() -> dict[str, object]:
    ident = services.identity()
    public = bytes(ident.public_key)
    return {
        "identity": ident,
        "fingerprint": ident.fingerprint_text,
        "public_hex": public.hex(),
        "public_pem": sm2.public_key_pem(public),
    }


def _home(request: AuthedRequest, status: int = 200) -> HttpResponse:
    peers = list(selectors.peers_for(request.user))
    context = {
        **_identity_context(),
        "peers": peers,
        "form": request.POST if request.method == "POST" else None,
    }
    return render(request, "federation/home.html", context, status=status)


@role_required(Role.SYSADMIN)
def home(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            if request.POST.get("form") == "identity":
                services.identity_rename(by=request.user, name=request.POST.get("name", ""))
                messages.success(request, "已保存本系统名称。")
                return redirect("federation_home")
            peer = services.peer_create(
                by=request.user,
                name=request.POST.get("name", ""),
                base_url=request.POST.get("base_url", ""),
                public_key=request.POST.get("public_key", ""),
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
            return _home(request, status=exc.status)
        messages.success(request, f"已登记对方系统“{peer.name}”，请与对方核对公钥指纹。")
        return redirect("federation_peer", peer.pk)
    return _home(request)


def _peer(request: AuthedRequest, pk: int) -> Peer:
    try:
        return selectors.peer_for(request.user, pk)
    except NotFound as exc:
        raise Http404 from exc


def _peer_page(request: AuthedRequest, peer: Peer, status: int = 200) -> HttpResponse:
    direction = request.GET.get("direction", "")
    state = request.GET.get("status", "")
    rows = list(selectors.messages_of(peer, direction=direction, status=state)[:100])
    return render(
        request,
        "federation/peer.html",
        {
            "peer": peer,
            "fingerprint": peer.fingerprint_text,
            "links": selectors.links_of(request.user, peer),
            "units": selectors.admin_units(request.user).filter(is_active=True).order_by("path")[:500],
            "levels": Level.choices,
            "directions": Link.Direction.choices,
            "rows": rows,
            "direction": direction,
            "status": state,
            "statuses": [(v, label) for v, label in Message.Status.choices],
            "form": request.POST if request.method == "POST" else None,
        },
        status=status,
    )


@role_required(Role.SYSADMIN)
def peer_page(request: AuthedRequest, pk: int) -> HttpResponse:
    peer = _peer(request, pk)
    if request.method == "POST":
        try:
            services.peer_update(
                by=request.user,
                peer=peer,
                name=request.POST.get("name", ""),
                base_url=request.POST.get("base_url", ""),
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
            return _peer_page(request, peer, status=exc.status)
        messages.success(request, "已保存。")
        return redirect("federation_peer", peer.pk)
    return _peer_page(request, peer)


@require_POST
@role_required(Role.SYSADMIN)
def peer_status(request: AuthedRequest, pk: int) -> HttpResponse:
    peer = _peer(request, pk)
    suspend = request.POST.get("action") == "suspend"
    try:
        services.peer_set_status(by=request.user, peer=peer, suspended=suspend)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _peer_page(request, peer, status=exc.status)
    messages.success(
        request, "已暂停与该系统的报送，待发的报送包保留。" if suspend else "已恢复，待发的报送包将继续投递。"
    )
    return redirect("federation_peer", peer.pk)


@require_POST
@role_required(Role.SYSADMIN)
def link_add(request: AuthedRequest, pk: int) -> HttpResponse:
    peer = _peer(request, pk)
    try:
        unit_id = int(request.POST.get("local_unit") or 0)
        services.link_add(
            by=request.user,
            peer=peer,
            direction=request.POST.get("direction", ""),
            local_unit_id=unit_id,
            remote_code=request.POST.get("remote_code", ""),
            remote_name=request.POST.get("remote_name", ""),
            remote_level=request.POST.get("remote_level", Level.PROVINCE),
        )
    except ValueError:
        messages.error(request, "请选择本系统单位。")
        return _peer_page(request, peer, status=400)
    except NotFound as exc:
        messages.error(request, exc.message)
        return _peer_page(request, peer, status=404)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _peer_page(request, peer, status=exc.status)
    messages.success(request, "已添加单位对应关系。")
    return redirect("federation_peer", peer.pk)


@require_POST
@role_required(Role.SYSADMIN)
def link_remove(request: AuthedRequest, pk: int, link_id: int) -> HttpResponse:
    peer = _peer(request, pk)
    link = selectors.links_of(request.user, peer).filter(pk=link_id).first()
    if link is None:
        raise Http404
    services.link_remove(by=request.user, link=link)
    messages.success(request, "已删除单位对应关系。")
    return redirect("federation_peer", peer.pk)


@require_POST
@role_required(Role.SYSADMIN)
def message_retry(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        message = selectors.message_for(request.user, pk)
    except NotFound as exc:
        raise Http404 from exc
    try:
        services.message_retry(by=request.user, message=message)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("federation_peer", message.peer_id)
    messages.success(request, "已重新投递。")
    return redirect("federation_peer", message.peer_id)


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


@csrf_exempt
@require_POST
def inbox(request: HttpRequest) -> HttpResponse:
    """Another deployment's package: 200 once taken (or taken before), 4xx with the reason when refused.
    The answer carries the message id so that the sender knows which package was acknowledged."""
    try:
        # read(), not .body: a package with attachments may exceed the form-data memory limit.
        outcome, message = services.receive(request.read(envelope.MAX_BYTES + 1), ip=_client_ip(request))
    except envelope.Refused as exc:
        response = JsonResponse({"ok": False, "error": exc.code, "message": exc.message}, status=exc.status)
        if exc.status == 503:
            response["Retry-After"] = "60"
        return response
    assert message is not None
    return JsonResponse({"ok": True, "status": outcome, "msg_id": message.msg_id})


def identity_public(request: HttpRequest) -> HttpResponse:
    """The public half of this deployment's key, for the other side's administrator to compare."""
    ident = services.identity()
    body = {
        "name": ident.name,
        "fingerprint": ident.fingerprint,
        "public_key": bytes(ident.public_key).hex(),
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8")
