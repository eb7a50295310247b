"""工作台 panels of the three administrators (三员): each one's own queue, real rows, not statistics."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q

from baosong.core.models import AuditEvent
from baosong.core.workbench import Viewer, register_panel
from baosong.orgs.models import ImportJob, LoginState, Membership, Role, Unit, User, UserSession
from baosong.orgs.selectors import subtree_q

LIST_SIZE = 5


def sysadmin_panel(viewer: Viewer) -> dict[str, Any] | None:
    """Units and accounts to look after, and the import jobs: failed ones first."""
    units = viewer.units(Role.SYSADMIN)
    if not units:
        return None
    paths = list(Unit.objects.filter(pk__in=units).values_list("path", flat=True))
    unit_counts = Unit.objects.filter(subtree_q(paths)).aggregate(
        total=Count("id"), active=Count("id", filter=Q(is_active=True))
    )
    in_scope = User.objects.filter(subtree_q(paths, prefix="primary_unit__"))
    has_role = Membership.objects.filter(user_id__in=in_scope.values("pk")).values("user_id")
    user_counts = in_scope.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(is_active=True)),
    )
    without_role = in_scope.filter(is_active=True).exclude(pk__in=has_role).count()
    jobs = list(ImportJob.objects.filter(by=viewer.user).order_by("-created_at", "-id")[:LIST_SIZE])
    return {"units": unit_counts, "users": user_counts, "without_role": without_role, "imports": jobs}


def secadmin_panel(viewer: Viewer) -> dict[str, Any] | None:
    """Locked accounts to unlock, failed logins, accounts still on their initial password."""
    if not viewer.has(Role.SECADMIN):
        return None
    since = viewer.now - dt.timedelta(hours=24)
    locked_qs = LoginState.objects.filter(locked_at__isnull=False)
    return {
        "locked_count": locked_qs.count(),
        "locked": list(locked_qs.order_by("-locked_at")[:LIST_SIZE]),
        "failures_24h": AuditEvent.objects.filter(event_type="login.failure", created_at__gte=since).count(),
        "sessions": UserSession.objects.count(),
        "must_change": User.objects.filter(is_active=True, must_change_password=True).count(),
    }


def auditadmin_panel(viewer: Viewer) -> dict[str, Any] | None:
    """The audit chain's verification state, and the refusals of the last day to look at."""
    if not viewer.has(Role.AUDITADMIN):
        return None
    since = viewer.now - dt.timedelta(hours=24)
    last_verify = AuditEvent.objects.filter(event_type="audit.verify").order_by("-seq").first()
    after = AuditEvent.objects.filter(seq__gt=last_verify.seq) if last_verify else AuditEvent.objects.all()
    denied = AuditEvent.objects.filter(created_at__gte=since, event_type="permission.denied")
    return {
        "last_verify": last_verify,
        "unverified": after.count(),
        "denied_24h": denied.count(),
        "denied": list(denied.order_by("-seq")[:LIST_SIZE]),
        "failures_24h": AuditEvent.objects.filter(
            created_at__gte=since, outcome=AuditEvent.Outcome.FAILURE
        ).count(),
        "since": since,
    }


def register() -> None:
    register_panel("orgs.sysadmin", order=5, template="orgs/partials/wb_sysadmin.html", build=sysadmin_panel)
    register_panel("orgs.secadmin", order=5, template="orgs/partials/wb_secadmin.html", build=secadmin_panel)
    register_panel(
        "orgs.auditadmin", order=5, template="orgs/partials/wb_auditadmin.html", build=auditadmin_panel
    )
