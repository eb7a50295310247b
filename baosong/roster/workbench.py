"""工作台 panels of the 信息员 register: units below without a 信息员 (采编人员), and registration rounds
the viewer's own unit has still to answer (信息员, 采编人员). A fixed number of queries each, whatever the
number of units."""

from __future__ import annotations

from typing import Any

from baosong.core.workbench import Viewer, register_panel, remaining
from baosong.orgs.models import Role, Unit
from baosong.roster.models import RosterReturn

LIST_SIZE = 5


def missing_panel(viewer: Viewer) -> dict[str, Any] | None:
    """采编人员: active units below mine that have no 信息员 (no register entry, no 信息员 account)."""
    units = viewer.units(Role.EDITOR)
    if not units:
        return None
    from baosong.roster.selectors import units_without_reporter

    paths = list(Unit.objects.filter(pk__in=units).values_list("path", flat=True))
    missing = units_without_reporter(viewer.user, editor_paths=paths)
    count = missing.count()
    if not count:
        return None
    return {"count": count, "units": list(missing.only("pk", "name", "short_name")[:LIST_SIZE])}


def rounds_panel(viewer: Viewer) -> dict[str, Any] | None:
    """信息员 and 采编人员: 信息员登记 rounds my unit has not answered, nearest deadline first."""
    units = viewer.units(Role.REPORTER, Role.EDITOR)
    if not units:
        return None
    rows = list(
        RosterReturn.objects.filter(unit_id__in=units, submitted_at__isnull=True)
        .select_related("round", "unit")
        .order_by("round__deadline", "id")[:LIST_SIZE]
    )
    if not rows:
        return None
    for r in rows:
        r.remaining = remaining(r.round.deadline, viewer.now)  # type: ignore[attr-defined]
    return {"rows": rows}


def register() -> None:
    register_panel("roster.rounds", order=23, template="roster/partials/wb_rounds.html", build=rounds_panel)
    register_panel(
        "roster.missing", order=36, template="roster/partials/wb_missing.html", build=missing_panel
    )
