"""The calendar's configuration changes, declared in the action registry (see ``core.actions``)."""

from __future__ import annotations

from baosong.core.actions import audit_group, declare, detail_labels, detail_values

CALENDAR_DAY_SET = declare("calendar.day_set", "设置节假日或调休日")
CALENDAR_DAY_REMOVE = declare("calendar.day_remove", "删除节假日或调休日")
CALENDAR_YEAR_SET = declare("calendar.year_set", "设置年度日历依据")

detail_labels(date="日期", year="年份", source="依据", confirmed="调休安排已录入")
detail_values(kind={"holiday": "放假", "workday": "调休上班"})
audit_group("工作日历", "calendar")
