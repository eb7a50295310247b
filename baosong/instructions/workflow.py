"""Instructions (批示), declared in the action registry (see ``core.actions``).

An instruction is open (督办中) until the desk closes it (办结); assigning units and feedback do not move
its status but are audited and announced."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, TypedDict

from baosong.core.actions import (
    Who,
    Workflow,
    audit_group,
    detail_labels,
    detail_refs,
    object_kind,
)
from baosong.instructions.models import Instruction, InstructionFeedback
from baosong.orgs.models import Role
from baosong.orgs.selectors import roles_in_unit

St = Instruction.Status

DESK_EDITOR = Who("刊物所属单位的采编人员", lambda user, i: Role.EDITOR in roles_in_unit(user, i.unit_id))

InstructionPayload = TypedDict(
    "InstructionPayload",
    {
        "from": str,
        "to": str,
        "by": int,
        "at": str,
        "comment": str,
        "level": str,
        "issue_id": int,
        "submissions": list[int],
        "assigned": list[int],
        "feedback_id": int,
        "late": bool,
        "assignment_id": int,
        "due_on": str,
    },
    total=False,
)


class InstructionWorkflow(Workflow[Instruction]):
    def refuse_state(self, obj: Instruction, action: Any) -> Any:
        from baosong.core.errors import ServiceError

        return ServiceError("该批示已办结。", "closed", status=409)

    def refuse_actor(self, obj: Instruction, action: Any) -> Any:
        from baosong.core.errors import Forbidden

        return Forbidden("只有刊物所属单位的采编人员可以督办批示。")


INSTRUCTION = InstructionWorkflow(
    "instruction",
    "批示",
    Instruction,
    audit_type="instruction.close",
    audit_label="批示督办",
    payload=InstructionPayload,
    subject="该批示",
)
CLOSE = INSTRUCTION.action("close", "办结", [(St.OPEN, St.CLOSED, DESK_EDITOR)], event_label="批示办结")
CREATE = INSTRUCTION.declare("create", "批示", audit="instruction.create", event=True)
ASSIGN = INSTRUCTION.declare("assign", "批示交办", audit="instruction.assign", event=True)
FEEDBACK = INSTRUCTION.declare("feedback", "反馈落实情况", audit="instruction.feedback", event=True)
OVERDUE = INSTRUCTION.declare("overdue", "批示反馈超期", event=True)
SCAN_DOWNLOAD = INSTRUCTION.declare("scan_download", "下载批示原件", audit="instruction.scan_download")


detail_labels(
    recorded="补录纸质批示",
    assigned="承办单位",
    due_on="反馈时限",
    feedback="反馈",
    late="超期反馈",
)
detail_labels(types=("instruction.create", "instruction.assign"), units="承办单位")
detail_refs(types=("instruction.create", "instruction.assign"), units="unit")
detail_refs(types=("instruction.feedback",), feedback="instruction_feedback")
audit_group("批示与约稿", "instruction")  # solicitations add theirs to the same group


def _instruction_names(ids: Collection[int]) -> dict[int, str]:
    rows = Instruction.objects.filter(pk__in=ids).select_related("issue__publication")
    return {i.pk: f"（{i.leader_name}，{i.issue.label}）" for i in rows}


def _feedback_names(ids: Collection[int]) -> dict[int, str]:
    rows = InstructionFeedback.objects.filter(pk__in=ids).values_list("pk", "text")
    return {pk: f"“{text[:30]}{'…' if len(text) > 30 else ''}”" for pk, text in rows}


object_kind("instruction", "批示", _instruction_names)
object_kind("instruction_feedback", "落实情况", _feedback_names)
