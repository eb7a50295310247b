"""Accounts, units and the three administrators' acts, declared in the action registry (see
``core.actions``). None of them moves a status through a table; each is audited under its own type."""

from __future__ import annotations

from collections.abc import Collection

from baosong.core.actions import (
    audit_group,
    declare,
    detail_labels,
    detail_refs,
    detail_values,
    names_of,
    object_kind,
)
from baosong.core.models import AuditEvent
from baosong.orgs.models import ApiToken, ImportJob, Level, Membership, ReviewStep, Role, Unit, UnitKind, User

LOGIN_SUCCESS = declare("login.success", "登录成功")
LOGIN_FAILURE = declare("login.failure", "登录失败")
LOGIN_LOCKED = declare("login.locked", "账户锁定")
LOGIN_UNLOCK = declare("login.unlock", "解除锁定")
LOGIN_OTP_FAILURE = declare("login.otp_failure", "动态口令错误")
LOGOUT = declare("logout", "退出登录")
SESSION_EXPIRED = declare("session.expired", "会话超时")
SESSION_TERMINATED = declare("session.terminated", "会话终止")
PASSWORD_CHANGE = declare("password.change", "修改密码")
PASSWORD_RESET = declare("password.reset", "重置密码")
OTP_ENROLLED = declare("otp.enrolled", "绑定动态口令")
OTP_RESET = declare("otp.reset", "重置动态口令")
TOKEN_CREATE = declare("token.create", "创建接口令牌")
TOKEN_REVOKE = declare("token.revoke", "吊销接口令牌")
USER_CREATE = declare("user.create", "创建用户")
USER_UPDATE = declare("user.update", "修改用户")
USER_DISABLE = declare("user.disable", "停用用户")
USER_ENABLE = declare("user.enable", "启用用户")
MEMBERSHIP_ADD = declare("membership.add", "授予角色")
MEMBERSHIP_REMOVE = declare("membership.remove", "撤销角色")
UNIT_CREATE = declare("unit.create", "创建单位")
UNIT_UPDATE = declare("unit.update", "修改单位")
UNIT_MOVE = declare("unit.move", "移动单位")
UNIT_DEACTIVATE = declare("unit.deactivate", "停用单位")
UNIT_ACTIVATE = declare("unit.activate", "启用单位")
UNIT_TARGETS = declare("unit.targets", "修改报送对象")
UNIT_REVIEW_CHAIN = declare("unit.review_chain", "修改审核流程")
IMPORT_UNITS = declare("import.units", "导入单位")
IMPORT_USERS = declare("import.users", "导入用户")
EXPORT_USERS = declare("export.users", "导出人员名单")
EXPORT_AUDIT = declare("export.audit", "导出审计日志")
AUDIT_VERIFY = declare("audit.verify", "校验审计日志")
DEMO_SEED = declare("demo.seed", "生成演示数据")

detail_labels(
    added="新增",
    removed="删除",
    chain="流程",
    order="顺序",
    user_id="用户",
    parent="上级单位",
    old_parent="原上级单位",
    new_parent="新上级单位",
    devices="设备数",
    reason="原因",
    by_admin="由管理员操作",
    token="令牌",
    expires_at="有效期至",
    attempts="失败次数",
    locked_until="锁定至",
    users="用户数",
    ok="结果",
    checked="校验条数",
    first_bad_seq="首个异常序号",
    problem="问题",
    filename="文件名",
    after="下一步",
    changes="修改内容",
    code="代码",
    parent_id="上级单位",
    from_parent="原上级单位",
    to_parent="新上级单位",
    short_name="简称",
    unit_class="考核类别",
    sort_order="排序",
    full_name="姓名",
    primary_unit="所属单位",
    job_title="职务",
    office_phone="办公电话",
    mobile="手机",
    email="电子邮箱",
    email_notifications="邮件提醒",
    failures="连续失败次数",
    known_user="用户名存在",
    sessions="会话数",
    was_locked="此前处于锁定",
    prefix="令牌前缀",
    via="途径",
    memberships="角色数",
    scope="范围",
    targets="报送对象",
    unit_id="单位",
    event_type="事件类型",
    date_from="开始日期",
    date_to="结束日期",
    outcome="结果",
    subtree="含下级单位",
    object_type="对象类型",
    object_id="对象编号",
)
detail_labels(types=("demo.seed", "unit.deactivate", "unit.activate"), units="单位数")
detail_labels(
    types=("unit.review_chain",),
    role="审核角色",
    reviewer_unit="审核单位",
    only_negative="仅限负面/重大信息",
    sign_after_urgent="紧急信息先报后签",
)
detail_refs(types=("unit.review_chain",), reviewer_unit="unit")
detail_refs(user_id="user", parent_id="unit", from_parent="unit", to_parent="unit", unit_id="unit")
detail_refs(types=("unit.targets",), targets="unit")
YES_NO = {"True": "是", "False": "否"}
detail_values(
    reason={
        "locked": "账户已锁定",
        "idle": "空闲超时",
        "lifetime": "超过会话最长时限",
        "password_change": "本人修改密码",
        "password_reset": "管理员重置密码",
        "secadmin": "安全管理员结束会话",
        "disabled": "用户被停用",
        "role": "角色无权访问",
        "editor": "非本单位采编人员",
    },
    via={"page": "页面", "api": "接口"},
    scope={"staff": "本单位人员名单"},
    after={"otp": "输入动态口令"},
    role={str(v): str(label) for v, label in Role.choices},
    chain={str(v): str(label) for v, label in ReviewStep.Chain.choices},
    kind={str(v): str(label) for v, label in UnitKind.choices},
    level={str(v): str(label) for v, label in Level.choices},
    outcome={str(v): str(label) for v, label in AuditEvent.Outcome.choices},
    email_notifications=YES_NO,
)

audit_group("登录与会话", "login", "logout", "session", "password", "otp", "token")
audit_group("单位、用户与角色", "unit", "user", "membership", "import", "demo")
audit_group("导出", "export")
audit_group("审计", "audit")


def _user_names(ids: Collection[int]) -> dict[int, str]:
    rows = User.objects.filter(pk__in=ids).values_list("pk", "full_name", "username")
    return {pk: f"{name or username}（{username}）" for pk, name, username in rows}


def _membership_names(ids: Collection[int]) -> dict[int, str]:
    rows = Membership.objects.filter(pk__in=ids).values_list("pk", "user__full_name", "unit__name", "role")
    return {pk: f"{name}：{unit}{Role(role).label}" for pk, name, unit, role in rows}


def _review_step_names(ids: Collection[int]) -> dict[int, str]:
    rows = ReviewStep.objects.filter(pk__in=ids).values_list("pk", "unit__name", "chain", "order", "label")
    return {
        pk: f"{unit}{ReviewStep.Chain(chain).label}第{order}步" + (f"（{label}）" if label else "")
        for pk, unit, chain, order, label in rows
    }


def _token_names(ids: Collection[int]) -> dict[int, str]:
    rows = ApiToken.objects.filter(pk__in=ids).values_list("pk", "name", "prefix", "user__full_name")
    return {pk: f"“{name or prefix}”（{owner}）" for pk, name, prefix, owner in rows}


def _import_names(ids: Collection[int]) -> dict[int, str]:
    rows = ImportJob.objects.filter(pk__in=ids).values_list("pk", "kind", "filename")
    return {pk: f"（{ImportJob.Kind(kind).label}）{filename}" for pk, kind, filename in rows}


object_kind("unit", "单位", names_of(Unit, "name"))
object_kind("user", "用户", _user_names)
object_kind("membership", "角色授权", _membership_names)
object_kind("review_step", "审核步骤", _review_step_names)
object_kind("api_token", "接口令牌", _token_names)
object_kind("import", "导入", _import_names)
