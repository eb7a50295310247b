"""工作台 panel of same-event grouping: groups of items about one event waiting in the editor's inbox."""

from __future__ import annotations

from typing import Any

from baosong.core.workbench import Viewer, register_panel
from baosong.grouping import services as grouping
from baosong.orgs.models import Role

LIST_SIZE = 3


def groups_panel(viewer: Viewer) -> dict[str, Any] | None:
    if not viewer.has(Role.EDITOR):
        return None
    groups = grouping.inbox_groups(viewer.user)
    if not groups:
        return None  # nothing to merge: no card (the inbox card already says what waits)
    return {"count": len(groups), "groups": groups[:LIST_SIZE]}


def register() -> None:
    register_panel(
        "grouping.groups", order=20, template="grouping/partials/wb_groups.html", build=groups_panel
    )
