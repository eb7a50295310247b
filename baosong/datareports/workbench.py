"""工作台 panel of structured reports: the returns the user's units still owe, nearest due day first."""

from __future__ import annotations

from typing import Any

from baosong.core.workbench import Viewer, register_panel
from baosong.datareports import periods
from baosong.datareports.models import Collection, Return, ReturnStatus
from baosong.datareports.services import level_of
from baosong.orgs.models import Role, Unit
from baosong.workdays.calendar import calendar_for, end_of_day

LIST_SIZE = 5


def returns_panel(viewer: Viewer) -> dict[str, Any] | None:
    """信息员 and editors: open tasks whose period has begun and whose return is not (or no longer) in —
    not started, in draft, sent back, or a roll-up behind a child's correction. Four queries whatever the
    number of tasks; no panel for someone without any."""
    unit_ids = viewer.units(Role.REPORTER, Role.EDITOR, Role.CHIEF)
    if not unit_ids:
        return None
    units = list(Unit.objects.filter(pk__in=unit_ids, is_active=True))
    lineage = {a for u in units for a in [*u.ancestor_ids(), u.pk]}
    collections = list(
        Collection.objects.filter(
            status=Collection.Status.OPEN, root_unit_id__in=lineage, period_start__lte=viewer.today
        ).select_related("form", "root_unit")
    )
    if not collections:
        return None
    returns = {
        (r.collection_id, r.unit_id): r
        for r in Return.objects.filter(collection__in=collections, unit_id__in=[u.pk for u in units])
    }
    national = calendar_for(None)
    rows: list[dict[str, Any]] = []
    for coll in collections:
        for unit in units:
            level = level_of(coll, unit)
            if level is None:
                continue
            ret = returns.get((coll.pk, unit.pk))
            if ret is not None and ret.status == ReturnStatus.SUBMITTED and not ret.stale:
                continue
            due = (
                ret.due_at
                if ret and ret.due_at
                else end_of_day(periods.due_date(coll.levels[level]["due"], coll.period_end, national))
            )
            state = (
                "退回修改" if ret and ret.status == ReturnStatus.RETURNED
                else "待重新汇总" if ret and ret.stale
                else "更正中" if ret and ret.version_count
                else "填报中" if ret and ret.updated_by_id
                else "未填报"
            )  # fmt: skip
            rows.append({"coll": coll, "unit": unit, "due": due, "state": state, "late": due < viewer.now})
    if not rows:
        return {"count": 0, "rows": []}
    rows.sort(key=lambda r: r["due"])
    return {"count": len(rows), "rows": rows[:LIST_SIZE]}


def register() -> None:
    register_panel(
        "datareports.returns", order=23, template="datareports/partials/wb_returns.html", build=returns_panel
    )
