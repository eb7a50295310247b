"""/federation — 跨系统报送 (系统管理员): this deployment's key, peers, the unit mapping, the packages; and an
item's packages for whoever may see the item. The receiving end other deployments post to is
/federation/inbox outside /api (the package's signature authenticates it, not a token)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from baosong.api.pagination import PageQuery, paginate
from baosong.api.schemas import BodySchema, ErrorOut, Id
from baosong.core.errors import NotFound
from baosong.federation import selectors, services
from baosong.federation.models import Link, Message, Peer
from baosong.orgs.models import User
from baosong.reports.selectors import report_for

router = Router(tags=["跨系统报送"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
PeerStatus = Literal["active", "suspended"]
LinkDirection = Literal["out", "in"]
PackageDirection = Literal["out", "in"]
PackageStatus = Literal["pending", "delivered", "failed", "accepted"]
UnitLevel = Literal["national", "province", "city", "county", "township", "village"]


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def _admin(request: HttpRequest) -> User:
    user = _user(request)
    if not selectors.is_federation_admin(user):
        raise NotFound()
    return user


class IdentityOut(Schema):
    name: str
    fingerprint: str = Field(description="SM3(公钥)，64位十六进制；与对方核对")
    public_key: str = Field(description="SM2公钥 x‖y，128位十六进制")


class IdentityIn(BodySchema):
    name: str = Field(max_length=100, description="本系统名称")


class PeerOut(Schema):
    id: int
    name: str
    base_url: str
    fingerprint: str
    status: PeerStatus = Field(description="active 启用 / suspended 暂停")
    status_label: str
    pending: int = Field(description="待投递的报送包")
    failed: int = Field(description="投递失败的报送包")
    received: int = Field(description="已收到的报送包")
    created_at: dt.datetime


class PeerIn(BodySchema):
    name: str = Field(max_length=100)
    base_url: str = Field(max_length=300, description="对方地址，如 https://xinxi.example.gov.cn")
    public_key: str = Field(max_length=2000, description="对方SM2公钥（128位十六进制或PEM）")


class PeerPatch(BodySchema):
    name: str = Field(max_length=100)
    base_url: str = Field(max_length=300)


class LinkOut(Schema):
    id: int
    direction: LinkDirection = Field(description="out 本系统单位向对方报送 / in 对方单位向本系统报送")
    local_unit_id: int
    local_unit_name: str
    remote_code: str
    remote_name: str
    mirror_unit_id: int = Field(description="对方单位在本系统的映射单位（报送对象或来源单位）")


class LinkIn(BodySchema):
    direction: LinkDirection
    local_unit_id: int
    remote_code: str = Field(max_length=32)
    remote_name: str = Field(max_length=100)
    remote_level: UnitLevel = "province"


class PackageOut(Schema):
    id: int
    msg_id: str
    direction: PackageDirection
    kind: Literal["item", "decision"]
    status: PackageStatus
    status_label: str = Field(description="已送达 / 等待对方接收（含上次失败原因）/ 投递失败（原因）/ 已接收")
    submission_id: int
    title: str
    decision: str = Field(
        description="处理结果包：adopt 采用 / decline 不采用 / return 退回 / forward 转报 / …"
    )
    summary: dict[str, Any]
    attempts: int
    last_error: str
    sm3: str
    created_at: dt.datetime
    delivered_at: dt.datetime | None
    peer_name: str


class PackagePage(Schema):
    items: list[PackageOut]
    count: int


class PackageFilter(PageQuery):
    direction: PackageDirection | None = None
    status: PackageStatus | None = None


def _peer_out(p: Peer) -> PeerOut:
    return PeerOut(
        id=p.pk,
        name=p.name,
        base_url=p.base_url,
        fingerprint=p.fingerprint,
        status=p.status,  # type: ignore[arg-type]
        status_label=p.get_status_display(),
        pending=getattr(p, "pending", 0),
        failed=getattr(p, "failed", 0),
        received=getattr(p, "received", 0),
        created_at=p.created_at,
    )


def _link_out(link: Link) -> LinkOut:
    return LinkOut(
        id=link.pk,
        direction=link.direction,  # type: ignore[arg-type]
        local_unit_id=link.local_unit_id,
        local_unit_name=link.local_unit.name,
        remote_code=link.remote_code,
        remote_name=link.remote_name,
        mirror_unit_id=link.mirror_id,
    )


def _package_out(m: Message) -> PackageOut:
    return PackageOut(
        id=m.pk,
        msg_id=m.msg_id,
        direction=m.direction,  # type: ignore[arg-type]
        kind=m.kind,  # type: ignore[arg-type]
        status=m.status,  # type: ignore[arg-type]
        status_label=m.status_label,
        submission_id=m.submission_id,
        title=m.submission.title,
        decision=str(m.summary.get("decision", "")),
        summary=m.summary,
        attempts=m.attempts,
        last_error=m.last_error,
        sm3=m.sm3,
        created_at=m.created_at,
        delivered_at=m.delivered_at,
        peer_name=m.peer.name,
    )


@router.get("/federation/identity", response={200: IdentityOut, **ERRORS}, summary="本系统跨系统报送公钥")
def identity_read(request: HttpRequest) -> IdentityOut:
    _admin(request)
    ident = services.identity()
    return IdentityOut(
        name=ident.name, fingerprint=ident.fingerprint, public_key=bytes(ident.public_key).hex()
    )


@router.put("/federation/identity", response={200: IdentityOut, **ERRORS}, summary="修改本系统名称")
def identity_update(request: HttpRequest, body: IdentityIn) -> IdentityOut:
    ident = services.identity_rename(by=_admin(request), name=body.name)
    return IdentityOut(
        name=ident.name, fingerprint=ident.fingerprint, public_key=bytes(ident.public_key).hex()
    )


@router.get("/federation/peers", response={200: list[PeerOut], **ERRORS}, summary="对方系统列表")
def peer_list(request: HttpRequest) -> list[PeerOut]:
    return [_peer_out(p) for p in selectors.peers_for(_admin(request))]


@router.post("/federation/peers", response={201: PeerOut, **ERRORS}, summary="登记对方系统")
def peer_create(request: HttpRequest, body: PeerIn) -> tuple[int, PeerOut]:
    user = _admin(request)
    peer = services.peer_create(by=user, name=body.name, base_url=body.base_url, public_key=body.public_key)
    return 201, _peer_out(selectors.peer_for(user, peer.pk))


@router.get("/federation/peers/{peer_id}", response={200: PeerOut, **ERRORS}, summary="查看对方系统")
def peer_read(request: HttpRequest, peer_id: Id) -> PeerOut:
    return _peer_out(selectors.peer_for(_admin(request), peer_id))


@router.put("/federation/peers/{peer_id}", response={200: PeerOut, **ERRORS}, summary="修改对方系统")
def peer_update(request: HttpRequest, peer_id: Id, body: PeerPatch) -> PeerOut:
    user = _admin(request)
    peer = selectors.peer_for(user, peer_id)
    services.peer_update(by=user, peer=peer, name=body.name, base_url=body.base_url)
    return _peer_out(selectors.peer_for(user, peer_id))


@router.post("/federation/peers/{peer_id}/suspend", response={200: PeerOut, **ERRORS}, summary="暂停报送")
def peer_suspend(request: HttpRequest, peer_id: Id) -> PeerOut:
    user = _admin(request)
    services.peer_set_status(by=user, peer=selectors.peer_for(user, peer_id), suspended=True)
    return _peer_out(selectors.peer_for(user, peer_id))


@router.post("/federation/peers/{peer_id}/resume", response={200: PeerOut, **ERRORS}, summary="恢复报送")
def peer_resume(request: HttpRequest, peer_id: Id) -> PeerOut:
    user = _admin(request)
    services.peer_set_status(by=user, peer=selectors.peer_for(user, peer_id), suspended=False)
    return _peer_out(selectors.peer_for(user, peer_id))


@router.get(
    "/federation/peers/{peer_id}/links", response={200: list[LinkOut], **ERRORS}, summary="单位对应关系"
)
def link_list(request: HttpRequest, peer_id: Id) -> list[LinkOut]:
    user = _admin(request)
    return [_link_out(link) for link in selectors.links_of(user, selectors.peer_for(user, peer_id))]


@router.post(
    "/federation/peers/{peer_id}/links", response={201: LinkOut, **ERRORS}, summary="添加单位对应关系"
)
def link_create(request: HttpRequest, peer_id: Id, body: LinkIn) -> tuple[int, LinkOut]:
    user = _admin(request)
    link = services.link_add(
        by=user,
        peer=selectors.peer_for(user, peer_id),
        direction=body.direction,
        local_unit_id=body.local_unit_id,
        remote_code=body.remote_code,
        remote_name=body.remote_name,
        remote_level=body.remote_level,
    )
    return 201, _link_out(link)


@router.delete("/federation/links/{link_id}", response={204: None, **ERRORS}, summary="删除单位对应关系")
def link_delete(request: HttpRequest, link_id: Id) -> tuple[int, None]:
    user = _admin(request)
    link = Link.objects.filter(pk=link_id, peer__in=selectors.peers_for(user)).first()
    if link is None or not selectors.links_of(user, link.peer).filter(pk=link.pk).exists():
        raise NotFound()
    services.link_remove(by=user, link=link)
    return 204, None


@router.get(
    "/federation/peers/{peer_id}/packages", response={200: PackagePage, **ERRORS}, summary="报送包列表"
)
def package_list(request: HttpRequest, peer_id: Id, filters: Query[PackageFilter]) -> PackagePage:
    peer = selectors.peer_for(_admin(request), peer_id)
    qs = selectors.messages_of(peer, direction=filters.direction or "", status=filters.status or "")
    items, count = paginate(qs.select_related("peer"), filters)
    return PackagePage(items=[_package_out(m) for m in items], count=count)


@router.post(
    "/federation/packages/{package_id}/retry", response={200: PackageOut, **ERRORS}, summary="重新投递"
)
def package_retry(request: HttpRequest, package_id: Id) -> PackageOut:
    user = _admin(request)
    message = services.message_retry(by=user, message=selectors.message_for(user, package_id))
    return _package_out(Message.objects.select_related("peer", "submission").get(pk=message.pk))


@router.get(
    "/reports/{report_id}/federation",
    response={200: list[PackageOut], **ERRORS},
    summary="信息的跨系统报送情况",
)
def report_packages(request: HttpRequest, report_id: Id) -> list[PackageOut]:
    report = report_for(_user(request), report_id)
    return [_package_out(row["message"]) for row in selectors.trail_for_report(report.pk)]
