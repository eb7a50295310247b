"""工作台 panel of scoring: this month's quota progress and points of the units the user reports for."""

from __future__ import annotations

from typing import Any

from baosong.core.workbench import Viewer, register_panel
from baosong.orgs.models import Role, Unit
from baosong.scoring import selectors


def quota_panel(viewer: Viewer) -> dict[str, Any] | None:
    units = viewer.units(Role.REPORTER, Role.REVIEWER)
    if not units:
        return None
    period = selectors.parse_period(viewer.today.strftime("%Y-%m"))
    rows = selectors.unit_month_summary(list(Unit.objects.filter(pk__in=units).order_by("path")), period)
    # The statistics and ledger pages are the desk's (editors, chiefs, leaders): link them only there.
    return {"rows": rows, "period": period, "desk": viewer.has(Role.EDITOR, Role.CHIEF, Role.LEADER)}


def register() -> None:
    register_panel("scoring.quota", order=22, template="scoring/partials/wb_quota.html", build=quota_panel)
