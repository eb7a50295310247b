"""工作台 panel of 跨系统报送 for the 系统管理员: the peers, what waits in the outbox and what was refused.
Always shown to them (an empty panel says where peers are registered), one aggregate query."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from baosong.core.workbench import Viewer, register_panel
from baosong.federation.models import Message, Peer
from baosong.orgs.models import Role


def federation_panel(viewer: Viewer) -> dict[str, Any] | None:
    if not viewer.units(Role.SYSADMIN):
        return None
    out = Q(messages__direction=Message.Direction.OUT)
    counts = Peer.objects.aggregate(
        peers=Count("id", distinct=True),
        suspended=Count("id", filter=Q(status=Peer.Status.SUSPENDED), distinct=True),
        pending=Count("messages", filter=out & Q(messages__status=Message.Status.PENDING)),
        failed=Count("messages", filter=out & Q(messages__status=Message.Status.FAILED)),
    )
    return counts


def register() -> None:
    register_panel(
        "federation.outbox",
        order=6,
        template="federation/partials/wb_federation.html",
        build=federation_panel,
    )
