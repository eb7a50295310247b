"""The only writers of the working-day calendar. Keyword-only, atomic, each change audited with it.

The system administrator keeps the national calendar (the State Council's notice for each year: 法定节假日
and 调休上班 days, the year's source and whether its 调休 are entered) and may add local overlay days for
units in their scope (a local holiday, a day the units there work)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from baosong.core.actions import record
from baosong.core.errors import Forbidden, ServiceError
from baosong.orgs.models import Role, Unit, User
from baosong.orgs.selectors import admin_scope_units, user_has_role
from baosong.workdays import workflow as wf
from baosong.workdays.models import CalendarDay, CalendarYear
from baosong.workdays.selectors import MAX_YEAR, MIN_YEAR

NAME_MAX = 50
SOURCE_MAX = 200


def _require_admin(by: User, unit: Unit | None = None) -> None:
    if not user_has_role(by, Role.SYSADMIN):
        raise Forbidden("只有系统管理员可以修改工作日历。")
    if unit is not None and not admin_scope_units(by).filter(pk=unit.pk).exists():
        raise Forbidden("只能为本人管理范围内的单位设置地方节假日。")


def _check_date(date: dt.date | None) -> dt.date:
    if date is None:
        raise ServiceError("请填写日期。", "date_required")
    if not MIN_YEAR <= date.year <= MAX_YEAR:
        raise ServiceError(f"日期须在 {MIN_YEAR} 年到 {MAX_YEAR} 年之间。", "invalid_date")
    return date


def _scope(unit: Unit | None) -> str:
    return unit.name if unit is not None else "全国"


def calendar_day_set(
    *, by: User, date: dt.date | None, kind: str, name: str, unit: Unit | None = None
) -> CalendarDay:
    """List a day as a holiday (放假) or a 调休 workday (上班), nationally or for ``unit``'s subtree; a day
    already listed for the same scope is changed."""
    _require_admin(by, unit)
    date = _check_date(date)
    if kind not in CalendarDay.Kind.values:
        raise ServiceError("类型须为“放假”或“调休上班”。", "invalid_kind")
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise ServiceError(f"名称须为 1 到 {NAME_MAX} 个字，如“清明节”“春节调休上班”。", "invalid_name")
    if unit is None and kind == CalendarDay.Kind.WORKDAY and date.weekday() < 5:
        # Monday to Friday are working days already; a national 调休 is always a weekend day.
        raise ServiceError(
            f"{date.isoformat()} 是周一至周五，本来就是工作日，不必设为调休上班。", "workday_on_weekday"
        )
    try:
        with transaction.atomic():
            day, created = CalendarDay.objects.select_for_update().get_or_create(
                date=date, unit=unit, defaults={"kind": kind, "name": name}
            )
            if not created:
                day.kind, day.name = kind, name
                day.save(update_fields=["kind", "name"])
            record(
                wf.CALENDAR_DAY_SET,
                by=by,
                unit_id=unit.pk if unit is not None else None,
                object_type="calendar_day",
                object_id=day.pk,
                details={"date": date.isoformat(), "kind": kind, "name": name, "scope": _scope(unit)},
            )
    except IntegrityError as exc:  # two administrators listing the same day at once
        raise ServiceError("该日期刚被他人设置，请刷新后重试。", "conflict", status=409) from exc
    return day


def calendar_day_remove(*, by: User, day: CalendarDay) -> None:
    """Unlist a day: it is again an ordinary weekday or weekend day (or follows the national calendar)."""
    _require_admin(by, day.unit)
    with transaction.atomic():
        record(
            wf.CALENDAR_DAY_REMOVE,
            by=by,
            unit_id=day.unit_id,
            object_type="calendar_day",
            object_id=day.pk,
            details={
                "date": day.date.isoformat(),
                "kind": day.kind,
                "name": day.name,
                "scope": _scope(day.unit),
            },
        )
        CalendarDay.objects.filter(pk=day.pk).delete()


def calendar_year_set(*, by: User, year: int, source: str, confirmed: bool) -> CalendarYear:
    """The year's source (the notice it was entered from) and whether its 调休 days are all entered."""
    _require_admin(by)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ServiceError(f"年份须在 {MIN_YEAR} 到 {MAX_YEAR} 之间。", "invalid_year")
    source = (source or "").strip()
    if len(source) > SOURCE_MAX:
        raise ServiceError(f"依据不能超过 {SOURCE_MAX} 个字。", "invalid_source")
    if confirmed and not source:
        raise ServiceError(
            "标记为已录入前，请填写依据（如国务院办公厅通知的名称和日期）。", "source_required"
        )
    with transaction.atomic():
        row, _ = CalendarYear.objects.select_for_update().get_or_create(
            year=year, defaults={"source": source, "confirmed": confirmed}
        )
        row.source, row.confirmed, row.updated_at = source, confirmed, timezone.now()
        row.save()
        record(
            wf.CALENDAR_YEAR_SET,
            by=by,
            object_type="calendar_year",
            object_id=row.pk,
            details={"year": year, "source": source, "confirmed": confirmed},
        )
    return row
