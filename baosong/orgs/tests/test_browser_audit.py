"""Real Chromium, the audit administrator after a day's work: the audit log reads as Chinese at desktop and
phone width (no type codes, no dicts, no bare ids), the verification runs from the page, a record's links
narrow the list. Screenshots go to /tmp/audit_desktop.png and /tmp/audit_phone.png."""

from __future__ import annotations

import re
import shutil
from typing import Any

import pytest

from baosong.core.actions import registry
from conftest import CHROMIUM, DESKTOP, PHONE, browser_login, no_sideways_scroll

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not shutil.which(CHROMIUM), reason="Debian chromium is not installed (make setup installs it)"
    ),
]


def assert_readable(page: Any) -> None:
    text = page.inner_text("main")
    for code in registry.audit_types:
        assert not re.search(rf"(?<![\w.]){re.escape(code)}(?![\w.])", text), code
    assert not set("{}[]") & set(text), "a dict or a list shows on the page"
    units = page.locator("table.audit-table tr td:nth-child(4)").all_inner_texts()
    assert units and not any(re.fullmatch(r"(单位：)?\s*\d+", u.strip()) for u in units), units


def test_the_audit_administrator_reads_the_log_at_desktop_and_phone_width(
    live_server: Any, cast: Any, browser_context: Any, day: Any
) -> None:
    url = live_server.url
    page = browser_login(browser_context, url, cast.auditadmin, DESKTOP)
    page.goto(f"{url}/audit/")
    page.get_by_role("heading", name="审计日志", exact=True).wait_for()
    assert_readable(page)
    page.get_by_role("button", name="校验日志完整性").click()
    page.get_by_text("审计日志完整：共校验").wait_for()
    page.locator("#audit-verify").get_by_text("已校验至").wait_for()
    assert page.get_by_role("cell", name="刊物流转：签发").count() == 1
    page.screenshot(path="/tmp/audit_desktop.png", full_page=True)

    # A record's actor narrows the list to that person's records.
    page.get_by_role("link", name="周涛(xian_zhubian)").first.click()
    page.get_by_text("操作人：周涛（xian_zhubian）").wait_for()
    assert_readable(page)

    page.set_viewport_size(PHONE)
    page.goto(f"{url}/audit/")
    page.get_by_role("heading", name="审计日志", exact=True).wait_for()
    no_sideways_scroll(page)
    assert_readable(page)
    # On a phone the filters start folded (none in use) and each record is a card.
    assert not page.locator("details.filter-panel").evaluate("d => d.open")
    assert page.locator("table.audit-table").evaluate("t => t.classList.contains('cards')")
    page.screenshot(path="/tmp/audit_phone.png", full_page=True)
