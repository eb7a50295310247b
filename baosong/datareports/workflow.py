"""Structured reports (数据报表), declared in the action registry (see ``core.actions``).

A return moves draft → submitted (fixed as a new version) → returned by the level above for correction →
submitted again; its own unit may also reopen a submitted return to correct it (更正), which makes the next
submission a new version the level above sees as a diff."""

from __future__ import annotations

from typing import Any, TypedDict

from baosong.core.actions import (
    Who,
    Workflow,
    audit_group,
    declare,
    detail_labels,
    detail_refs,
    detail_values,
    names_of,
    object_kind,
)
from baosong.datareports.models import Collection, Form, PeriodKind, Return, ReturnStatus
from baosong.orgs.models import Role
from baosong.orgs.selectors import roles_in_unit

St = ReturnStatus
FILL_ROLES = (Role.REPORTER, Role.EDITOR, Role.CHIEF)
REVIEW_ROLES = (Role.EDITOR, Role.CHIEF)


def _fills(user: Any, ret: Return) -> bool:
    return bool(roles_in_unit(user, ret.unit_id) & set(FILL_ROLES))


def _reviews(user: Any, ret: Return) -> bool:
    return ret.parent_unit_id is not None and bool(
        roles_in_unit(user, ret.parent_unit_id) & set(REVIEW_ROLES)
    )


FILLER = Who("本单位的信息员或采编人员", _fills)
PARENT_EDITOR = Who("上一级汇总单位的采编人员", _reviews)


ReturnPayload = TypedDict(
    "ReturnPayload",
    {
        "from": str,
        "to": str,
        "by": int,
        "at": str,
        "collection_id": int,
        "unit_id": int,
        "version": int,
        "late": bool,
        "late_workdays": int,
        "comment": str,
    },
    total=False,
)


class ReturnWorkflow(Workflow[Return]):
    def event_payload(self, obj: Return, t: Any) -> dict[str, Any]:
        return {
            **super().event_payload(obj, t),
            "collection_id": obj.collection_id,
            "unit_id": obj.unit_id,
        }


RETURN = ReturnWorkflow(
    "datareport_return",
    "数据报表",
    Return,
    audit_type="datareport.return",
    audit_label="数据报表填报",
    object_type="datareport_return",
    event_prefix="datareport",
    payload=ReturnPayload,
    subject="该报表",
)
SUBMIT = RETURN.action(
    "submit", "上报", [(St.DRAFT, St.SUBMITTED, FILLER), (St.RETURNED, St.SUBMITTED, FILLER)]
)
SEND_BACK = RETURN.action("send_back", "退回修改", [(St.SUBMITTED, St.RETURNED, PARENT_EDITOR)])
REOPEN = RETURN.action("reopen", "更正", [(St.SUBMITTED, St.DRAFT, FILLER)])
SAVE = RETURN.declare("save", "保存报表草稿", audit="datareport.save")
EXPORT = RETURN.declare("export", "导出数据报表", audit="datareport.export")

FORM_CREATE = declare("datareport.form_create", "新建报表")
FORM_REVISE = declare("datareport.form_revise", "修订报表")
FORM_RETIRE = declare("datareport.form_retire", "停用报表")
COLLECTION_CREATE = declare("datareport.collection_create", "发布报表任务")
COLLECTION_CLOSE = declare("datareport.collection_close", "结束报表任务")
POLICY_SET = declare("datareport.policy_set", "设置报表存档与定义权限")
ARCHIVE_PURGE = declare("datareport.archive_purge", "清理超过保存期限的报表")

detail_labels(
    version="版本",
    late="迟报",
    late_workdays="迟报工作日数",
    collection_id="报表任务",
    period="统计期",
    valid_from="生效日期",
    retention_years="保存年限",
    allow_editor_forms="允许采编人员定义报表",
    autosave="自动保存",
)
detail_values(
    period_kind={str(v): str(label) for v, label in PeriodKind.choices},
)
detail_refs(collection_id="datareport_collection")
audit_group("数据报表", "datareport")
object_kind("datareport_form", "报表", names_of(Form, "name", "《{}》"))
object_kind("datareport_collection", "报表任务", names_of(Collection, "title", "《{}》"))
object_kind("datareport_return", "报表", names_of(Return, "unit__name"))
object_kind("datareport_policy", "数据报表设置")
