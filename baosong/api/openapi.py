"""Completing the generated OpenAPI document: Chinese summaries, and the error answers every route can
give (so that clients and schemathesis see all documented status codes)."""

from __future__ import annotations

from typing import Any

SUMMARIES: dict[str, str] = {
    "password_change": "修改密码",
    "scores_ledger": "积分明细",
    "search": "全文检索（只含本人有权查看的内容）",
    "silent_unit_list": "连续未报送的单位",
    "omission_list": "疑似漏报提醒",
    "omission_read": "查看疑似漏报提醒",
    "omission_handle": "疑似漏报标记已处理",
    "scores_adjust": "人工调整积分",
    "me": "当前用户及其角色",
    "units": "可见的单位",
    "report_create": "新建信息草稿",
    "report_list": "本单位的信息",
    "report_read": "查看信息（含各级处理轨迹）",
    "report_patch": "修改草稿",
    "report_checks": "报送前检查",
    "report_submit": "提交（进入审核或直接报出）",
    "report_approve": "审核通过当前步骤",
    "report_return": "审核退回",
    "report_reopen": "重新编辑被退回的信息",
    "report_withdraw": "撤回已报送的信息",
    "external_adoption": "补录外部采用",
    "inbox": "收件箱（报送给本单位的信息）",
    "submission_read": "查看一条来稿",
    "submission_edit": "修改工作稿",
    "submission_claim": "接收来稿",
    "submission_adopt": "采用",
    "submission_decline": "不予采用",
    "submission_return": "退回报送单位",
    "submission_forward": "转报上级（本单位设有转报签发流程时提请签发，签发后报送）",
    "forward_requests_waiting": "待我签发的转报",
    "forward_request_read": "转报签发单",
    "forward_request_sign": "签发转报",
    "forward_request_refuse": "不同意转报（退回采编人员）",
    "forward_request_cancel": "撤回转报签发申请",
    "report_negative": "标记或取消负面/重大信息",
    "submission_resubmit": "按退回意见修改后重报",
    "verification_list_of_submission": "来稿的核实记录（含下级转报前的核实）",
    "verification_ask": "请求来源单位核实（信息不退回）",
    "verification_list": "核实请求列表（本单位提出的、请本单位核实的）",
    "verification_read": "查看一条核实请求",
    "verification_answer": "答复核实",
    "verification_withdraw": "撤回核实请求",
    "publication_list": "刊物列表",
    "publication_create": "新建刊物",
    "issue_list": "期次列表",
    "issue_create": "新建一期",
    "issue_read": "查看一期（含所载信息）",
    "issue_item_add": "编入信息",
    "issue_item_edit": "修改本期中的信息",
    "issue_item_remove": "移出本期",
    "issue_reorder": "调整顺序",
    "issue_merge": "合并为综合信息",
    "issue_submit": "送签",
    "issue_recall": "收回送签",
    "issue_return": "签发人退回",
    "issue_sign": "签发",
    "issue_distribute": "分发",
    "issue_publish": "公开发布",
    "issue_withdraw": "撤回或作废本期",
    "issue_readers": "阅读情况",
    "issue_document": "刊物文件（docx、pdf 或 ofd）",
    "instruction_list": "批示列表",
    "instruction_create": "录入批示",
    "instruction_read": "查看批示",
    "instruction_assign": "交办落实单位",
    "instruction_feedback": "落实反馈",
    "instruction_close": "办结",
    "solicitation_list": "约稿列表",
    "roster_entry_list": "信息员登记表（本人负责登记的单位）",
    "roster_entry_create": "新增信息员",
    "roster_entry_read": "查看信息员登记",
    "roster_entry_update": "变更信息员登记",
    "roster_entry_revoke": "撤销信息员",
    "roster_unit_history": "单位信息员变动记录",
    "roster_missing": "未配备信息员的下级单位",
    "roster_round_list": "信息员登记轮次列表",
    "roster_round_create": "发起信息员登记",
    "roster_round_read": "查看信息员登记轮次（含各单位报送情况）",
    "roster_round_submit": "报送本单位信息员登记表",
    "roster_round_remind": "提醒未报送的单位",
    "form_list": "数据报表样式列表",
    "form_read": "查看数据报表样式（字段、校验规则、版本）",
    "collection_list": "本单位参与的报表任务",
    "return_read": "查看单位的报表（草稿或已上报）",
    "return_put": "保存报表草稿",
    "return_submit": "上报报表（形成新版本）",
    "return_send_back": "退回下级报表修改",
    "return_reopen": "更正已上报的报表",
    "rollup": "汇总：合计与各下级填报情况",
    "solicitation_create": "发出约稿",
    "solicitation_read": "查看约稿",
    "solicitation_mark_read": "标记约稿已读",
    "solicitation_relay": "转发约稿给下级（补充要求、提前截止时间）",
    "solicitation_chain": "约稿的转发落实情况（各转发单位、下级回复及处理结果）",
    "scores": "积分与排名",
    "stats": "统计",
    "bulletin_file": "通报文件（xlsx、docx、pdf 或 ofd）",
    "targets": "目标责任与评比规则（本单位及上级设定）",
    "target_save": "设定目标责任（采编人员或系统管理员）",
    "target_remove": "删除目标责任",
    "appraisal_policy_set": "设定评比规则（累计未完成月数、差额条数、约稿未报次数）",
    "appraisal_read": "年度评比：单位和信息员排名、否决及原因",
    "appraisal_vetoes": "年度评比的否决与取消资格清单",
}

ERROR_LABELS = {
    "400": (
        "请求体不是有效的 JSON 对象（`invalid_body`）、含有空字符 U+0000（`invalid_characters`）"
        "或参数不合业务规则"
    ),
    "401": "未登录或令牌无效、已过期（`unauthenticated`）",
    "403": "没有执行此操作的权限（`forbidden`）",
    "404": "对象不存在或不在本单位可见范围（`not_found`）",
    "422": "参数不正确（`validation_error`，`errors` 列出各字段）",
}
BINARY = {"type": "string", "format": "binary"}
FILE_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _error(code: str, media: str) -> dict[str, Any]:
    return {
        "description": ERROR_LABELS[code],
        "content": {media: {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
    }


def complete_schema(schema: dict[str, Any]) -> dict[str, Any]:
    media = "application/json; charset=utf-8"
    schema.setdefault("components", {}).setdefault("schemas", {}).setdefault(
        "ErrorOut",
        {
            "type": "object",
            "title": "ErrorOut",
            "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
            "required": ["detail", "code"],
        },
    )
    for path, ops in schema.get("paths", {}).items():
        for op in ops.values():
            name = op.get("operationId", "").rsplit("_routers_", 1)[-1].split("_", 1)[-1]
            if name in SUMMARIES and not _is_chinese(op.get("summary", "")):
                op["summary"] = SUMMARIES[name]
            responses = op.setdefault("responses", {})
            needed = []
            if op.get("security"):
                needed += ["401", "403"]
            if op.get("parameters") or op.get("requestBody"):
                needed += ["422", "400"]  # 400: a NUL character anywhere is refused before the route
            if "{" in path:
                needed.append("404")
            for code in needed:
                responses.setdefault(code, _error(code, media))
            for code, answer in responses.items():
                if code in ERROR_LABELS and answer.get("description") in ("", "Bad Request", "Not Found"):
                    answer["description"] = ERROR_LABELS[code]
            if path.endswith(".{fmt}") and "200" in responses:
                fmts = _fmt_enum(op)
                if path.startswith("/api/v1/issues/"):
                    fmts = ["docx", "pdf"]
                elif path.startswith("/api/v1/reports/export"):
                    fmts = ["xlsx", "csv"]
                responses["200"] = {
                    "description": "文件",
                    "content": {FILE_TYPES[f]: {"schema": BINARY} for f in fmts},
                }
    return schema


def _fmt_enum(op: dict[str, Any]) -> list[str]:
    for p in op.get("parameters", []):
        if p.get("name") == "fmt":
            enum = p.get("schema", {}).get("enum")
            if enum:
                return [f for f in enum if f in FILE_TYPES]
    return ["pdf", "docx", "xlsx"]


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)
