"""Intake mailbox actions in the registry: a quarantined message is released to a unit or discarded; a
message turned into a draft or put aside is recorded on arrival."""

from __future__ import annotations

from typing import Any

from baosong.core.actions import (
    Who,
    Workflow,
    audit_group,
    detail_labels,
    detail_refs,
    detail_values,
    names_of,
    object_kind,
)
from baosong.intake.models import IntakeMessage, IntakeStatus, Transport
from baosong.orgs.models import Role
from baosong.orgs.selectors import roles_in_unit

Q = IntakeStatus


def may_handle(user: Any, message: IntakeMessage) -> bool:
    """Editors of the mailbox's unit (a system administrator does not route business mail: 三员分立)."""
    if message.mailbox_unit_id is None:
        return False
    return Role.EDITOR in roles_in_unit(user, message.mailbox_unit_id)


class IntakeWorkflow(Workflow[IntakeMessage]):
    def unit_of(self, obj: IntakeMessage) -> int | None:
        return obj.mailbox_unit_id


HANDLER = Who("邮件收件单位的采编人员或系统管理员", may_handle)
INTAKE = IntakeWorkflow(
    "intake",
    "邮件来稿",
    IntakeMessage,
    audit_type="intake.transition",
    audit_label="邮件来稿处理",
    object_type="intake_message",
    subject="此邮件",
    state_subject="此邮件",
)
RELEASE = INTAKE.action("release", "放行到单位", [(Q.QUARANTINED, Q.RELEASED, HANDLER)], event=False)
DISCARD = INTAKE.action("discard", "丢弃", [(Q.QUARANTINED, Q.DISCARDED, HANDLER)], event=False)
DRAFTED = INTAKE.declare("draft", "邮件生成草稿", audit="intake.draft")
QUARANTINED = INTAKE.declare("quarantine", "邮件进入隔离区", audit="intake.quarantine")
DUPLICATE = INTAKE.declare("duplicate", "重复邮件未再生成草稿", audit="intake.duplicate")

INTAKE_TYPES = ("intake.transition", "intake.draft", "intake.quarantine", "intake.duplicate")
detail_labels(
    types=INTAKE_TYPES,
    sender="发件地址",
    subject="主题",
    why="原因",
    transport="接收方式",
    message_id="邮件标识",
    author="署名作者",
)
detail_values(transport={str(v): str(label) for v, label in Transport.choices})
detail_labels(types=("intake.transition",), unit="放行到单位")
audit_group("邮件报送", "intake")
object_kind("intake_message", "邮件来稿", names_of(IntakeMessage, "subject", "“{}”"))
detail_refs(types=("intake.transition",), unit="unit", author="user")
