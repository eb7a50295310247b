"""工作台 panel of structured reports: the returns the user's units still owe, nearest due day first."""

from __future__ import annotations

from typing import Any

from baosong.core.workbench import Viewer, register_panel
from baosong.datareports.selectors import tasks_for
from baosong.orgs.models import Role

LIST_SIZE = 5


def returns_panel(viewer: Viewer) -> dict[str, Any] | None:
    """信息员 and editors: open tasks whose period has begun and whose return is not (or no longer) in —
    not started, in draft, sent back, or a roll-up behind a child's correction. No panel for someone
    without any task."""
    unit_ids = viewer.units(Role.REPORTER, Role.EDITOR, Role.CHIEF)
    if not unit_ids:
        return None
    tasks = tasks_for(unit_ids, today=viewer.today)
    if not tasks:
        return None
    owed = [t for t in tasks if t.owed]
    return {"count": len(owed), "rows": owed[:LIST_SIZE], "now": viewer.now}


def register() -> None:
    register_panel(
        "datareports.returns", order=23, template="datareports/partials/wb_returns.html", build=returns_panel
    )
