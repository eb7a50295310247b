"""The calendar's configuration changes, declared in the action registry (see ``core.actions``)."""

from __future__ import annotations

from collections.abc import Collection

from baosong.core.actions import (
    audit_group,
    declare,
    detail_labels,
    detail_values,
    names_of,
    object_kind,
)
from baosong.workdays.models import CalendarDay, CalendarYear

CALENDAR_DAY_SET = declare("calendar.day_set", "设置节假日或调休日")
CALENDAR_DAY_REMOVE = declare("calendar.day_remove", "删除节假日或调休日")
CALENDAR_YEAR_SET = declare("calendar.year_set", "设置年度日历依据")

# Typed: "source" names the 来源单位 in the reports' records.
detail_labels(types=("calendar.year_set",), year="年份", source="依据", confirmed="调休安排已录入")
detail_labels(types=("calendar.day_set", "calendar.day_remove"), date="日期", scope="适用范围")
detail_values(kind={"holiday": "放假", "workday": "调休上班"})
audit_group("工作日历", "calendar")


def _day_names(ids: Collection[int]) -> dict[int, str]:
    rows = CalendarDay.objects.filter(pk__in=ids).values_list("pk", "date", "name")
    return {pk: f"{date.isoformat()}（{name}）" for pk, date, name in rows}


object_kind("calendar_day", "日历", _day_names)
object_kind("calendar_year", "年度日历", names_of(CalendarYear, "year", "{} 年"))
