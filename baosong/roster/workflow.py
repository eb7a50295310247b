"""The 信息员 register's actions, declared in the action registry (see ``core.actions``)."""

from __future__ import annotations

from typing import TypedDict

from baosong.core.actions import (
    audit_group,
    declare,
    detail_labels,
    detail_refs,
    detail_values,
    field_labels,
    names_of,
    object_kind,
)
from baosong.roster.models import RosterEntry, RosterRound


class RoundPayload(TypedDict, total=False):
    by: int
    units: int
    deadline: str
    reason: str  # reminders: "manual" (催报) or "due_soon"


ENTRY_ADD = declare("roster.entry_add", "新增信息员")
ENTRY_CHANGE = declare("roster.entry_change", "变更信息员")
ENTRY_REVOKE = declare("roster.entry_revoke", "撤销信息员")
ROUND_OPEN = declare("roster.round_open", "发起信息员登记", event="roster.round_open", payload=RoundPayload)
ROUND_SUBMIT = declare("roster.round_submit", "报送信息员登记")
ROUND_REMIND = declare("roster.round_remind", "催报信息员登记")
REMINDER = declare(
    "roster.reminder", "信息员登记提醒", audit="", event="roster.reminder", payload=RoundPayload
)
MISSED = declare("roster.missed", "信息员登记逾期未报", audit="", event="roster.missed", payload=RoundPayload)
EXPORT = declare("roster.export", "导出信息员登记表")

detail_labels(
    entry="信息员",
    deadline="截止时间",
    entries="登记人数",
    resubmitted="重新报送",
)
detail_labels(types=("roster.round_open", "roster.round_remind"), units="单位数")
detail_refs(types=("roster.entry_add", "roster.entry_change", "roster.entry_revoke"), unit="unit")
detail_values(fields=field_labels(RosterEntry))
audit_group("信息员登记", "roster")
object_kind("roster_entry", "信息员", names_of(RosterEntry, "name"))
object_kind("roster_round", "信息员登记", names_of(RosterRound, "title", "《{}》"))
