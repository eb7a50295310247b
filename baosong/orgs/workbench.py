"""Figures for the 工作台 (home) of each role — only what exists so far, all real counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from baosong.core.models import AuditEvent
from baosong.orgs.models import ImportJob, LoginState, Membership, Role, Unit, User, UserSession
from baosong.orgs.selectors import subtree_q, units_acting_for, users_visible_to


def sysadmin_figures(user: User) -> dict[str, Any]:
    paths = list(units_acting_for(user, Role.SYSADMIN).values_list("path", flat=True))
    units = Unit.objects.filter(subtree_q(paths))
    unit_counts = units.aggregate(total=Count("id"), active=Count("id", filter=Q(is_active=True)))
    users = users_visible_to(user)
    user_counts = users.aggregate(total=Count("id"), active=Count("id", filter=Q(is_active=True)))
    by_role = dict(
        Membership.objects.filter(subtree_q(paths, prefix="unit__"))
        .values_list("role")
        .annotate(n=Count("id"))
    )
    by_level = dict(units.filter(is_active=True).values_list("level").annotate(n=Count("id")))
    return {
        "units": unit_counts,
        "users": user_counts,
        "by_role": [(Role(r).label, by_role.get(r, 0)) for r in Role if r in by_role],
        "by_level": by_level,
        "imports": ImportJob.objects.filter(by=user).order_by("-created_at")[:5],
    }


def secadmin_figures() -> dict[str, Any]:
    since = timezone.now() - dt.timedelta(hours=24)
    return {
        "locked": LoginState.objects.filter(locked_at__isnull=False).count(),
        "failures_24h": AuditEvent.objects.filter(event_type="login.failure", created_at__gte=since).count(),
        "sessions": UserSession.objects.count(),
        "must_change": User.objects.filter(is_active=True, must_change_password=True).count(),
    }


def auditadmin_figures() -> dict[str, Any]:
    now = timezone.now()
    since = now - dt.timedelta(hours=24)
    last_verify = AuditEvent.objects.filter(event_type="audit.verify").order_by("-seq").first()
    return {
        "total": AuditEvent.objects.count(),
        "last_24h": AuditEvent.objects.filter(created_at__gte=since).count(),
        "failures_24h": AuditEvent.objects.filter(created_at__gte=since).exclude(outcome="success").count(),
        "denied_24h": AuditEvent.objects.filter(
            created_at__gte=since, event_type="permission.denied"
        ).count(),
        "last_verify": last_verify,
    }


def business_figures(user: User) -> list[dict[str, Any]]:
    rows = []
    for unit in units_acting_for(user).order_by("path"):
        subtree = Unit.objects.filter(path__startswith=unit.path, is_active=True)
        rows.append(
            {
                "unit": unit,
                "roles": [
                    Role(r).label
                    for r in Membership.objects.filter(user=user, unit=unit).values_list("role", flat=True)
                ],
                "subunits": subtree.count() - 1,
                "children": Unit.objects.filter(parent=unit, is_active=True).count(),
                "reporters": Membership.objects.filter(
                    unit__path__startswith=unit.path, role=Role.REPORTER, user__is_active=True
                )
                .values("user")
                .distinct()
                .count(),
                "staff": User.objects.filter(primary_unit=unit, is_active=True).count(),
            }
        )
    return rows
