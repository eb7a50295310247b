"""Reads of 跨系统报送, scoped: the peers and the mapping for the 系统管理员 of the units mapped; an item's
packages for whoever may see the item (its page asks)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from baosong.core.errors import NotFound
from baosong.federation.models import Link, Message, Peer
from baosong.orgs.models import Role, Unit, User
from baosong.orgs.selectors import subtree_q, units_acting_for


def is_federation_admin(user: User) -> bool:
    return units_acting_for(user, Role.SYSADMIN).filter(external=False).exists()


def peers_for(user: User) -> QuerySet[Peer]:
    if not is_federation_admin(user):
        return Peer.objects.none()
    out, failed = Message.Direction.OUT, Message.Status.FAILED
    return Peer.objects.annotate(
        pending=Count("messages", filter=Q(messages__direction=out, messages__status=Message.Status.PENDING)),
        failed=Count("messages", filter=Q(messages__direction=out, messages__status=failed)),
        received=Count("messages", filter=Q(messages__direction=Message.Direction.IN)),
    ).order_by("name", "id")


def peer_for(user: User, pk: int) -> Peer:
    found = peers_for(user).filter(pk=pk).first()
    if found is None:
        raise NotFound("对方系统不存在。")
    return found


def admin_units(user: User) -> QuerySet[Unit]:
    """The units this 系统管理员 administers (the subtrees of their memberships), mirrored units aside."""
    paths = list(units_acting_for(user, Role.SYSADMIN).values_list("path", flat=True))
    if not paths:
        return Unit.objects.none()
    return Unit.objects.filter(subtree_q(paths), external=False)


def links_of(user: User, peer: Peer) -> QuerySet[Link]:
    scope = admin_units(user).values("pk")
    return (
        Link.objects.filter(peer=peer, local_unit__in=scope)
        .select_related("local_unit", "mirror")
        .order_by("direction", "local_unit__path", "remote_code")
    )


def messages_of(peer: Peer, *, direction: str = "", status: str = "") -> QuerySet[Message]:
    qs = Message.objects.filter(peer=peer)
    if direction in Message.Direction.values:
        qs = qs.filter(direction=direction)
    if status in Message.Status.values:
        qs = qs.filter(status=status)
    return (
        qs.select_related("submission", "submission__report").defer("envelope").order_by("-created_at", "-id")
    )


def message_for(user: User, pk: int) -> Message:
    found = Message.objects.filter(pk=pk, peer__in=peers_for(user)).select_related("peer").first()
    if found is None:
        raise NotFound("报送包不存在。")
    return found


def trail_for_report(report_id: int) -> list[dict[str, Any]]:
    """The packages of one item (its copies to and from peers), oldest first, for the item's pages: the
    caller has already decided that the viewer may see the item."""
    rows = (
        Message.objects.filter(submission__report_id=report_id)
        .select_related("peer", "submission__target_unit", "submission__sender_unit")
        .defer("envelope")
        .order_by("created_at", "id")
    )
    return [
        {
            "message": m,
            "peer": m.peer.name,
            "direction": m.direction,
            "kind": m.kind,
            "status": m.status_label,
            "status_code": m.status,
            "unit": m.submission.target_unit.name,
            "summary": m.summary,
            "decision": DECISION_LABELS.get(str(m.summary.get("decision", "")), ""),
        }
        for m in rows
    ]


DECISION_LABELS = {
    "adopt": "采用",
    "decline": "不采用",
    "return": "退回修改",
    "forward": "转报",
    "instruction": "领导批示",
    "publish": "刊发",
    "resubmit": "修改后重报",
    "withdraw": "撤回",
}
