"""Accounts, units and the three administrators' acts, declared in the action registry (see
``core.actions``). None of them moves a status through a table; each is audited under its own type."""

from __future__ import annotations

from baosong.core.actions import declare, detail_labels

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
)
