"""Real Chromium: an editor searches from the header box, filters, and opens a result."""

from __future__ import annotations

import shutil

import pytest

from baosong.editorial.tests.test_browser_issue import _login
from baosong.search import indexer
from baosong.search.models import DocKind
from baosong.search.tests.conftest import draft, sent_to_county
from conftest import ARTIFACTS, CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian chromium is not installed"),
]


def test_an_editor_searches_and_opens_a_result(live_server, cast, browser_context):
    first = sent_to_county(
        cast,
        "城关镇召开精准扶贫工作推进会",
        "会议部署了下一阶段扶贫工作，要求各村压实帮扶责任，确保脱贫成果。",
    ).report
    sent_to_county(
        cast,
        "城关镇扶贫车间带动群众就业",
        "扶贫车间吸纳脱贫户就业 36 人，人均月增收 2000 元。",
        urgency="urgent",
    )
    sent_to_county(cast, "城关镇开展防汛应急演练", "镇村干部和群众300余人参加防汛应急演练。")
    hidden = draft(cast.outsider_reporter, "西林县扶贫草稿不得外传", "西林县扶贫工作的内部草稿。")
    indexer.reindex()
    assert indexer.SearchDocument.objects.filter(kind=DocKind.ITEM, object_id=hidden.pk).exists()
    url = live_server.url
    page = _login(browser_context, url, cast.county_editor)
    # At 1280 px the header keeps only its 检索 button, which opens the search page.
    page.locator(".header-search button").click()
    page.wait_for_url(f"{url}/search/*")
    page.screenshot(path=str(ARTIFACTS / "search-empty.png"), full_page=True)
    box = page.get_by_label("检索词")
    box.fill("扶贫")
    box.press("Enter")
    page.wait_for_url(f"{url}/search/?q=*")
    page.get_by_text("共找到").wait_for()
    assert page.locator(".search-hit").count() == 2
    assert page.locator(".search-hit mark").first.inner_text() == "扶贫"
    assert "草稿不得外传" not in page.content()
    page.screenshot(path=str(ARTIFACTS / "search-results.png"), full_page=True)
    page.get_by_text("筛选条件").click()
    page.get_by_label("紧急程度").select_option("urgent")
    page.get_by_role("button", name="检索", exact=True).last.click()
    page.wait_for_url("**urgency=urgent**")
    assert page.locator(".search-hit").count() == 1
    page.screenshot(path=str(ARTIFACTS / "search-filtered.png"), full_page=True)
    page.get_by_label("紧急程度").select_option("")
    page.get_by_role("button", name="检索", exact=True).last.click()
    page.wait_for_url("**urgency=&**")
    page.get_by_role("link", name="城关镇召开精准扶贫工作推进会").click()
    page.wait_for_url(f"{url}/reports/{first.pk}/")
    page.get_by_role("heading", name="城关镇召开精准扶贫工作推进会").wait_for()
