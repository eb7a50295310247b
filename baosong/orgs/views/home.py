"""The 工作台 (home) of every role."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from baosong.core.workbench import Viewer, build_workbench
from baosong.orgs.models import Role, Unit
from baosong.orgs.permissions import AuthedRequest
from baosong.orgs.selectors import acting_memberships


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """Each role's waiting work: the panels the apps registered (core.workbench), one Viewer for all."""
    user = request.user
    memberships = acting_memberships(user)
    units_by_role: dict[str, list[int]] = {}
    roles_by_unit: dict[int, tuple[Unit, list[str]]] = {}
    for m in memberships:
        units_by_role.setdefault(m.role, []).append(m.unit_id)
        roles_by_unit.setdefault(m.unit_id, (m.unit, []))[1].append(Role(m.role).label)
    viewer = Viewer(user=user, now=timezone.now(), today=timezone.localdate(), units_by_role=units_by_role)
    return render(
        request,
        "orgs/home.html",
        {"panels": build_workbench(viewer), "my_units": list(roles_by_unit.values()), "now": viewer.now},
    )
