"""工作台 panel of 督查: open 疑似漏报 alerts (for the upper unit's 采编人员 and for the unit concerned) and
the units silent for their threshold (采编人员)."""

from __future__ import annotations

from typing import Any

from baosong.core.workbench import Viewer, register_panel
from baosong.orgs.models import Role
from baosong.oversight.models import OmissionAlert, SilentSpell
from baosong.oversight.selectors import omission_alerts, reporting_units

LIST_SIZE = 3


def oversight_panel(viewer: Viewer) -> dict[str, Any] | None:
    if not viewer.has(Role.EDITOR, Role.REPORTER):
        return None
    open_alerts = omission_alerts(viewer.user, status=OmissionAlert.Status.OPEN)
    alerts = list(open_alerts[:LIST_SIZE])
    count = len(alerts) if len(alerts) < LIST_SIZE else open_alerts.count()
    silent = 0
    editor_units = viewer.units(Role.EDITOR)
    if editor_units:
        silent = SilentSpell.objects.filter(
            ended_at__isnull=True, unit__in=reporting_units(editor_units)
        ).count()
    if not count and not silent:
        return None
    return {"count": count, "alerts": alerts, "silent": silent, "editor": bool(editor_units)}


def register() -> None:
    register_panel(
        "oversight.alerts", order=22, template="oversight/partials/wb_oversight.html", build=oversight_panel
    )
