from __future__ import annotations

import functools
from typing import Any

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

from baosong.orgs.models import BUSINESS_ROLES, Role
from baosong.orgs.selectors import user_roles

NAV: list[tuple[frozenset[str], str, str]] = [
    (frozenset({Role.SYSADMIN}), "单位管理", "unit_list"),
    (frozenset({Role.SYSADMIN}), "用户管理", "user_list"),
    (frozenset({Role.SYSADMIN}), "数据导入", "import_page"),
    (frozenset({Role.SYSADMIN}), "报送规则", "rules_page"),
    (frozenset({Role.SYSADMIN}), "工作日历", "calendar_home"),
    (frozenset({Role.SYSADMIN}), "刊物管理", "publication_list"),
    (frozenset({Role.SYSADMIN}), "刊物模板", "template_list"),
    (frozenset({Role.SYSADMIN}), "积分规则", "rules_admin"),
    (frozenset({Role.SYSADMIN}), "数据报表设置", "dr_policy"),
    (frozenset({Role.SYSADMIN}), "督查设置", "oversight_settings"),
    # 跨系统报送 is reached from the 工作台 panel: the system administrator's menu fills 1366 px.
    (frozenset({Role.SECADMIN}), "账户安全", "security_accounts"),
    (frozenset({Role.SECADMIN}), "账户锁定", "security_locked"),
    (frozenset({Role.SECADMIN}), "在线会话", "security_sessions"),
    (frozenset({Role.SECADMIN}), "安全策略", "security_policy"),
    (frozenset({Role.SECADMIN}), "签名密钥", "signing_keys"),
    (frozenset({Role.AUDITADMIN}), "审计日志", "audit_list"),
    (frozenset({Role.REPORTER, Role.REVIEWER}), "本单位信息", "report_list"),
    (frozenset({Role.REVIEWER, Role.CHIEF, Role.LEADER}), "待我审核", "review_queue"),
    (frozenset({Role.EDITOR}), "收件箱", "inbox"),
    # Editors reach 邮件来稿 from the 收件箱, and 评比 from 统计 and 通报: the menu already fills 1366 px.
    (frozenset({Role.REPORTER, Role.REVIEWER, Role.EDITOR}), "信息台账", "ledger"),
    (frozenset({Role.EDITOR, Role.CHIEF, Role.LEADER}), "刊物", "issue_list"),
    (frozenset(BUSINESS_ROLES), "阅文", "reading_list"),
    (frozenset(BUSINESS_ROLES), "约稿", "solicitation_list"),
    (frozenset(BUSINESS_ROLES), "数据报表", "dr_index"),
    (frozenset({Role.EDITOR, Role.CHIEF, Role.LEADER}), "统计", "stats_dashboard"),
    (frozenset(BUSINESS_ROLES), "通报", "bulletin_list"),
    (frozenset(BUSINESS_ROLES), "批示督办", "instruction_list"),
    (frozenset({Role.EDITOR, Role.REPORTER, Role.REVIEWER}), "督查", "oversight_home"),
    (frozenset(BUSINESS_ROLES), "本单位人员", "staff_list"),
    (frozenset({Role.SYSADMIN}), "门户栏目", "portal_manage"),
    (frozenset({Role.EDITOR, Role.CHIEF, Role.LEADER, Role.REVIEWER}), "上网发布", "portal_releases"),
    # Last: an editor's menu already fills a 1366 px screen; the 工作台 panels link here too.
    # Editors reach 信息员登记 from 本单位人员 and the 工作台's 未配备信息员 panel.
    (frozenset({Role.REPORTER}), "信息员登记", "roster_home"),
]


@functools.cache
def _menu(roles: frozenset[str], prefix: str) -> tuple[tuple[str, str], ...]:
    """(label, address) of the menu a set of roles sees: the same for everyone with those roles, so it
    is reversed once per process instead of sixteen {% url %} tags on every page (1.4 ms of a page that
    costs the floor 1.7 ms)."""
    return tuple((label, reverse(name)) for allowed, label, name in NAV if roles & allowed)


def _current(path: str, menu: tuple[tuple[str, str], ...]) -> str | None:
    """The menu address the page belongs to: the longest one the path starts with, segment by segment
    (/security/signing-keys is 签名密钥's, not every /security/ page's)."""
    best = None
    for _, href in menu:
        base = href.rstrip("/")
        if (path == href or path.startswith(base + "/")) and (best is None or len(href) > len(best)):
            best = href
    return best


@functools.cache
def _layout_urls(prefix: str) -> dict[str, str]:
    names = ["home", "search", "notification_list", "notification_unread", "profile", "logout"]
    return {name: reverse(name) for name in names}


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = user_roles(user)
    menu = _menu(frozenset(roles), get_script_prefix())
    current = _current(request.path, menu)
    items = [{"label": label, "href": href, "current": href == current} for label, href in menu]
    labels = [Role(r).label for r in Role if r in roles]
    return {
        "nav_items": items,
        "role_labels": labels,
        "is_business": bool(roles & BUSINESS_ROLES),
        "layout_urls": _layout_urls(get_script_prefix()),
    }
