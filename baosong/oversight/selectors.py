"""Reads of 督查, scoped to what the user may see.

- Silent units: the units reporting to the units where the user is a 采编人员 (their children and the units
  with a 直报 line to them), active ones only.
- 疑似漏报 alerts: those about the user's own units (any business role there) and those addressed to the
  units where the user is a 采编人员 (the alert's upper unit). Everything else is 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from baosong.core.errors import NotFound
from baosong.orgs.models import Role, Unit, User
from baosong.orgs.selectors import acting_unit_ids
from baosong.oversight.models import (
    DEFAULT_MIN_REPORTERS,
    DEFAULT_SILENT_WEEKS,
    OmissionAlert,
    OversightSetting,
)
from baosong.reports.models import Report

# How far back the silent-unit list looks for a unit's last item: older than this reads "一年以上".
LAST_SENT_HORIZON = dt.timedelta(days=366)


# ---- thresholds ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    silent_weeks: int
    min_reporters: int
    own: bool = False  # set by the unit itself (not the system-wide default)


def global_thresholds() -> Thresholds:
    row = OversightSetting.objects.filter(is_global=True).first()
    if row is None:
        return Thresholds(DEFAULT_SILENT_WEEKS, DEFAULT_MIN_REPORTERS)
    return Thresholds(row.silent_weeks, row.min_reporters)


def thresholds_by_unit() -> tuple[Thresholds, dict[int, Thresholds]]:
    """The system-wide thresholds and every unit's own (one query: the table holds few rows — only the
    units whose editors changed them)."""
    default = Thresholds(DEFAULT_SILENT_WEEKS, DEFAULT_MIN_REPORTERS)
    own: dict[int, Thresholds] = {}
    for row in OversightSetting.objects.all():
        if row.is_global:
            default = Thresholds(row.silent_weeks, row.min_reporters)
        elif row.unit_id is not None:
            own[row.unit_id] = Thresholds(row.silent_weeks, row.min_reporters, own=True)
    return default, own


def thresholds_for(unit_id: int | None) -> Thresholds:
    """The thresholds a unit applies to the units reporting to it."""
    default, own = thresholds_by_unit()
    return own.get(unit_id or 0, default)


# ---- silent units -------------------------------------------------------------------------------------


def reporting_units(upper_ids: list[int]) -> QuerySet[Unit]:
    """Active units reporting to any of ``upper_ids``: their children and their 直报 units."""
    return (
        Unit.objects.filter(Q(parent_id__in=upper_ids) | Q(extra_target_lines__target_id__in=upper_ids))
        .filter(is_active=True)
        .exclude(pk__in=upper_ids)
        .distinct()
    )


@dataclass
class SilentRow:
    unit: Unit
    upper_id: int
    last_sent_at: dt.datetime | None  # None: nothing within LAST_SENT_HORIZON
    weeks: int  # whole weeks since the last item (or since the unit was created)
    threshold: int

    @property
    def silent(self) -> bool:
        return self.weeks >= self.threshold


def last_sent_by_unit(unit_ids: list[int] | QuerySet[Unit], since: dt.datetime) -> dict[int, dt.datetime]:
    """Each unit's newest item sent since ``since``: one aggregate query."""
    rows = (
        Report.objects.filter(source_unit_id__in=unit_ids, sent_at__gte=since)
        .values("source_unit_id")
        .annotate(last=Max("sent_at"))
        .values_list("source_unit_id", "last")
    )
    return dict(rows)


def silent_units(user: User, *, now: dt.datetime | None = None, only_silent: bool = True) -> list[SilentRow]:
    """The units reporting to the user's editor units, with how long each has been silent; by default only
    those silent for their threshold, longest silence first. Four queries whatever the number of units."""
    now = now or timezone.now()
    uppers = acting_unit_ids(user, Role.EDITOR)
    if not uppers:
        return []
    units = list(reporting_units(uppers).select_related("parent").order_by("path"))
    direct = dict(
        Unit.objects.filter(extra_target_lines__target_id__in=uppers, is_active=True).values_list(
            "pk", "extra_target_lines__target_id"
        )
    )
    last = last_sent_by_unit([u.pk for u in units], now - LAST_SENT_HORIZON)
    default, own = thresholds_by_unit()
    rows = []
    for u in units:
        upper = u.parent_id if u.parent_id in uppers else direct.get(u.pk, u.parent_id or 0)
        since = last.get(u.pk) or max(u.created_at, now - LAST_SENT_HORIZON)
        weeks = max(0, int((now - since).total_seconds() // (7 * 86400)))
        row = SilentRow(u, upper, last.get(u.pk), weeks, own.get(upper, default).silent_weeks)
        if row.silent or not only_silent:
            rows.append(row)
    rows.sort(key=lambda r: (-r.weeks, r.unit.path))
    return rows


# ---- 疑似漏报 ----------------------------------------------------------------------------------------------


def alerts_visible_to(user: User) -> QuerySet[OmissionAlert]:
    editor_units = acting_unit_ids(user, Role.EDITOR)
    own_units = acting_unit_ids(user, Role.REPORTER, Role.EDITOR, Role.REVIEWER)
    if not editor_units and not own_units:
        return OmissionAlert.objects.none()
    return OmissionAlert.objects.filter(Q(upper_unit_id__in=editor_units) | Q(unit_id__in=own_units))


def omission_alerts(user: User, *, status: str = "") -> QuerySet[OmissionAlert]:
    """The alerts the user may see, open first, newest first."""
    qs = alerts_visible_to(user).select_related("unit", "upper_unit", "handled_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-status", "-created_at", "-pk")  # "open" sorts after "handled": descending


def omission_alert(user: User, pk: int) -> OmissionAlert:
    alert = omission_alerts(user).filter(pk=pk).first()
    if alert is None:
        raise NotFound("该提醒不存在或无权查看。")
    return alert


def is_upper_editor(user: User, alert: OmissionAlert) -> bool:
    return alert.upper_unit_id in acting_unit_ids(user, Role.EDITOR)
