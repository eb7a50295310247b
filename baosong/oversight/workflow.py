"""督查's actions, declared in the action registry (see ``core.actions``): a 疑似漏报 alert is open until
the upper unit's 采编人员 marks it handled; the scan's findings are announced as events; the thresholds are
audited settings."""

from __future__ import annotations

from typing import Any, TypedDict

from baosong.core.actions import Who, Workflow, audit_group, declare, detail_labels, names_of, object_kind
from baosong.orgs.models import Role
from baosong.orgs.selectors import roles_in_unit
from baosong.oversight.models import OmissionAlert, SilentSpell

St = OmissionAlert.Status

UPPER_EDITOR = Who("上级单位的采编人员", lambda user, a: Role.EDITOR in roles_in_unit(user, a.upper_unit_id))

OmissionPayload = TypedDict(
    "OmissionPayload",
    {
        "from": str,
        "to": str,
        "by": int,
        "at": str,
        "note": str,
        "unit_id": int,
        "upper_unit_id": int,
        "due_at": str,
        "reporters": int,
    },
    total=False,
)


class SilentPayload(TypedDict, total=False):
    unit_id: int
    weeks: int
    last_sent_at: str | None


class SilentSummaryPayload(TypedDict, total=False):
    upper_unit_id: int
    units: int
    unit_ids: list[int]


class SettingPayload(TypedDict, total=False):
    by: int
    silent_weeks: int
    min_reporters: int


class OmissionWorkflow(Workflow[OmissionAlert]):
    def unit_of(self, obj: OmissionAlert) -> int | None:
        return obj.upper_unit_id

    def refuse_state(self, obj: OmissionAlert, action: Any) -> Any:
        from baosong.core.errors import ServiceError

        return ServiceError("该疑似漏报提醒已处理。", "handled", status=409)

    def refuse_actor(self, obj: OmissionAlert, action: Any) -> Any:
        from baosong.core.errors import Forbidden

        return Forbidden("只有上级单位的采编人员可以处理疑似漏报提醒。")


OMISSION = OmissionWorkflow(
    "omission",
    "疑似漏报",
    OmissionAlert,
    audit_type="omission.handle",
    audit_label="处理疑似漏报",
    payload=OmissionPayload,
    subject="该疑似漏报提醒",
)
HANDLE = OMISSION.action("handle", "标记已处理", [(St.OPEN, St.HANDLED, UPPER_EDITOR)])
RAISE = OMISSION.declare("raise", "发现疑似漏报", audit="", event=True)

SILENT = declare(
    "oversight.silent", "单位连续未报送信息", audit="", event="oversight.silent", payload=SilentPayload
)
# One per upper unit and scan: its 采编人员 get one notification however many units fell silent at once.
SILENT_SUMMARY = declare(
    "oversight.silent_units",
    "下级单位连续未报送信息",
    audit="",
    event="oversight.silent_units",
    payload=SilentSummaryPayload,
)
SETTING_CHANGE = declare("oversight.setting", "修改督查设置")

detail_labels(
    types=("omission.handle", "oversight.setting"),
    note="处理说明",
    silent_weeks="连续未报送周数",
    min_reporters="疑似漏报的报送单位数",
)
audit_group("督查", "omission", "oversight")
object_kind("omission", "疑似漏报", names_of(OmissionAlert, "title", "《{}》"))
object_kind("silentspell", "连续未报送", names_of(SilentSpell, "unit__name"))
