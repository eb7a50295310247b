"""Real Chromium: the county editor composes an issue, the chief signs it, the editor distributes it and
the county leader reads it and writes an instruction (批示). 签发 and 分发 ask first: dismissing the dialog
does nothing."""

from __future__ import annotations

import re
import shutil

import pytest

from baosong.editorial.models import Issue, IssueStatus
from baosong.instructions.models import Instruction
from conftest import ARTIFACTS, CHROMIUM

from .conftest import adopted_at_county

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not shutil.which(CHROMIUM), reason="Debian chromium is not installed (make setup installs it)"
    ),
]

TITLES = ["城关镇开展防汛应急演练", "城关镇推进农村人居环境整治", "城关镇举办就业招聘会"]
INSTRUCTION = "城关镇的做法很好，请区应急管理局总结经验，在全区推广。"


def _login(browser_context, url: str, actor):  # type: ignore[no-untyped-def]
    page = browser_context.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{url}/accounts/login")
    page.get_by_label("用户名").fill(actor.user.username)
    page.get_by_label("密码").fill(actor.password)
    page.get_by_role("button", name="登 录").click()
    page.wait_for_url(f"{url}/")
    return page


def test_an_issue_is_composed_signed_and_distributed_after_confirming_and_instructed_in_chromium(
    live_server, cast, browser_context
):
    url = live_server.url
    subs = [adopted_at_county(cast, title) for title in TITLES]

    editor = _login(browser_context, url, cast.county_editor)
    editor.get_by_role("link", name="刊物", exact=True).click()
    editor.wait_for_url(f"{url}/issues/")
    editor.get_by_role("button", name="《东湖政务信息》").click()
    editor.get_by_text("已新建《东湖政务信息》一期").wait_for()
    issue = Issue.objects.get()
    assert editor.url == f"{url}/issues/{issue.pk}/"
    for sub in subs:  # the picker is loaded by htmx
        editor.locator(f"#cand-{sub.pk}").check()
    editor.get_by_role("button", name="编入本期").click()
    editor.get_by_text("已编入本期。").wait_for()
    items = editor.locator("#issue-items .item-title")
    order = items.all_inner_texts()  # in the picker's order
    assert sorted(order) == sorted(TITLES)
    editor.locator("#candidates").get_by_text("没有可编入的信息").wait_for()
    editor.screenshot(path=str(ARTIFACTS / "issue-compose.png"), full_page=True)
    editor.get_by_role("button", name="送签").click()
    editor.get_by_text("已送签。").wait_for()
    assert Issue.objects.get().status == IssueStatus.PENDING_SIGNATURE

    chief = _login(browser_context, url, cast.county_chief)
    chief.get_by_role("link", name="刊物", exact=True).click()
    chief.get_by_role("link", name="审阅签发").click()
    asked: list[str] = []

    def dismiss(dialog):  # type: ignore[no-untyped-def]
        asked.append(dialog.message)
        dialog.dismiss()

    def accept(dialog):  # type: ignore[no-untyped-def]
        asked.append(dialog.message)
        dialog.accept()

    chief.once("dialog", dismiss)
    chief.get_by_role("button", name="签发", exact=True).click()
    chief.wait_for_timeout(500)
    assert asked == ["签发后将分配期号，不能再修改。确定签发吗？"]
    assert Issue.objects.get().status == IssueStatus.PENDING_SIGNATURE and Issue.objects.get().number is None
    chief.once("dialog", accept)
    chief.get_by_role("button", name="签发", exact=True).click()
    chief.get_by_text("已签发：《东湖政务信息》第21期（总第157期）。").wait_for()
    assert chief.get_by_role("heading", name=re.compile("第21期（总第157期）")).is_visible()
    chief.screenshot(path=str(ARTIFACTS / "issue-signed.png"), full_page=True)

    editor.reload()
    editor.once("dialog", dismiss)
    editor.get_by_role("button", name="分发").click()
    editor.wait_for_timeout(500)
    assert "分发后" in asked[-1] and Issue.objects.get().status == IssueStatus.SIGNED
    editor.once("dialog", accept)
    editor.get_by_role("button", name="分发").click()
    editor.get_by_text("已分发").first.wait_for()
    assert Issue.objects.get().status == IssueStatus.DISTRIBUTED

    leader = _login(browser_context, url, cast.county_leader)
    leader.get_by_role("link", name="阅文", exact=True).click()
    leader.get_by_role("link", name="《东湖政务信息》第21期（总第157期）").click()
    leader.wait_for_url(f"{url}/reading/{issue.pk}/")
    leader.get_by_role("button", name="提交批示").wait_for()  # the 批示 form is loaded by htmx
    leader.get_by_label("针对信息").select_option(label=f"{order.index(TITLES[1]) + 1}. {TITLES[1]}")
    leader.get_by_label("批示内容").fill(INSTRUCTION)
    leader.screenshot(path=str(ARTIFACTS / "issue-leader-reading.png"), full_page=True)
    leader.get_by_role("button", name="提交批示").click()
    leader.get_by_text("批示已记录").wait_for()
    instruction = Instruction.objects.get()
    assert leader.url == f"{url}/instructions/{instruction.pk}/"
    assert leader.get_by_role("heading", name=re.compile("徐国强批示")).is_visible()
    assert leader.get_by_text(INSTRUCTION).is_visible()
    assert leader.get_by_text(TITLES[1]).is_visible()
    assert (instruction.leader, instruction.level) == (cast.county_leader.user, "county")
    leader.screenshot(path=str(ARTIFACTS / "issue-instruction.png"), full_page=True)
