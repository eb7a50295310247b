"""Real Chromium: a public visitor opens the portal, finds a published issue through 政务刊物 and reads its
public item — on a desktop and on a phone-sized screen; the chain's reviewer approves in the desk pages."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from baosong.editorial.tests.conftest import adopted_at_county
from baosong.editorial.tests.test_browser_issue import _login
from baosong.portal import services
from baosong.portal.models import PortalColumn
from conftest import ARTIFACTS, CHROMIUM, otp_now

from .conftest import PRIVATE_TITLE, PUBLIC_TITLE, distributed_issue, published_issue

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian chromium is not installed"),
]

NEWS = ["东湖区召开防汛工作部署会", "城关镇推进农村人居环境整治", "东湖区举办就业招聘会暨政策宣讲活动",
        "区政务服务中心推出“一窗通办”服务"]  # fmt: skip


def _content(cast: Any) -> None:
    editor = cast.county_editor.user
    columns = {c.slug: c for c in PortalColumn.objects.all()}
    for i, title in enumerate(NEWS):
        sub = adopted_at_county(cast, title, public_scope="public")
        column = columns["gzdt" if i % 2 == 0 else "jyjl"]
        release = services.release_create(by=editor, submission=sub, column=column)
        services.release_submit(release=release, by=editor)
    published_issue(cast)


@pytest.mark.parametrize("width, height, name", [(1280, 900, "desktop"), (390, 844, "mobile")])
def test_a_public_visitor_finds_a_published_issue_and_reads_it(live_server, cast, browser_context,
                                                               width, height, name):  # fmt: skip
    _content(cast)
    page = browser_context.new_context(locale="zh-CN", viewport={"width": width, "height": height}).new_page()
    page.goto(f"{live_server.url}/portal/")
    page.get_by_role("heading", name="最新发布").wait_for()
    page.screenshot(path=str(ARTIFACTS / f"portal-home-{name}.png"), full_page=True)
    # Keyboard users get the skip link first.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到主要内容"
    page.get_by_role("navigation", name="栏目导航").get_by_role("link", name="政务刊物").click()
    page.get_by_role("heading", name="政务刊物", exact=True).wait_for()
    page.get_by_role("link", name="2026年").first.click() if page.get_by_role(
        "link", name="2026年"
    ).count() else (page.locator(".years a").first.click())
    page.locator(".news a").first.click()
    page.get_by_role("heading", name="本期目录").wait_for()
    assert PRIVATE_TITLE not in page.content()
    page.screenshot(path=str(ARTIFACTS / f"portal-issue-{name}.png"), full_page=True)
    page.get_by_role("link", name=PUBLIC_TITLE).click()
    page.get_by_role("heading", name=PUBLIC_TITLE, level=1).wait_for()
    assert "镇村干部和群众300余人参加" in page.locator("article").inner_text()
    page.screenshot(path=str(ARTIFACTS / f"portal-item-{name}.png"), full_page=True)
    page.get_by_role("navigation", name="栏目导航").get_by_role("link", name="工作动态").click()
    page.get_by_role("heading", name="工作动态", level=1).wait_for()
    page.screenshot(path=str(ARTIFACTS / f"portal-column-{name}.png"), full_page=True)
    if name == "desktop":
        page.get_by_label("站内搜索").fill("水库")
        page.get_by_role("button", name="搜索").first.click()
        page.get_by_role("status").wait_for()
        assert PUBLIC_TITLE in page.content()
        page.screenshot(path=str(ARTIFACTS / "portal-search-desktop.png"), full_page=True)
    page.context.close()


def test_the_chain_reviewer_approves_in_the_desk_pages(live_server, cast, county_chain, browser_context):
    issue = distributed_issue(cast)
    editor = _login(browser_context, live_server.url, cast.county_editor)
    editor.goto(f"{live_server.url}/issues/{issue.pk}/")
    editor.get_by_role("link", name="提交上网发布审核").click()
    editor.screenshot(path=str(ARTIFACTS / "portal-release-new.png"), full_page=True)
    editor.get_by_role("button", name="提交审核").click()
    editor.get_by_text("已提交上网发布审核").wait_for()
    editor.screenshot(path=str(ARTIFACTS / "portal-release-detail.png"), full_page=True)
    editor.context.close()  # one signed-in browser at a time: SQLite's test database is shared
    chief = _login(browser_context, live_server.url, cast.county_chief)
    chief.goto(f"{live_server.url}/publish/review/")
    chief.screenshot(path=str(ARTIFACTS / "portal-release-queue.png"), full_page=True)
    chief.get_by_role("link", name="审核", exact=True).click()
    chief.get_by_label("审核意见").fill("内容准确，同意。")
    chief.get_by_role("button", name="同意发布").click()
    chief.get_by_text("已审核通过").wait_for()
    chief.context.close()
    admin = browser_context.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    admin.goto(f"{live_server.url}/accounts/login")
    admin.get_by_label("用户名").fill("sysadmin")
    admin.get_by_label("密码").fill(cast.sysadmin.password)
    admin.get_by_role("button", name="登 录").click()
    admin.get_by_label("动态口令").fill(otp_now(cast.sysadmin.user))
    admin.get_by_role("button", name="验 证").click()
    admin.wait_for_url(f"{live_server.url}/")
    admin.goto(f"{live_server.url}/manage/portal/")
    admin.get_by_role("heading", name="门户栏目管理").wait_for()
    admin.screenshot(path=str(ARTIFACTS / "portal-manage.png"), full_page=True)
    admin.context.close()
