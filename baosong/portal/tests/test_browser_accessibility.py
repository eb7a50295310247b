"""Real Chromium over every public page of the portal filled with the sample content (seed_samples): no
serious or critical axe-core violation at 1366×768, 390 and 320 px wide, and no sideways scrolling on the
narrow screens (GB/T 37668); the reading aids — 长者模式, 高对比度, the article's type size, print — work
from the keyboard and are remembered without a login. Screenshots go to test-artifacts/."""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest
from django.utils import timezone

from baosong.demo.samples import seed_samples
from baosong.editorial.models import Issue, IssueItem, IssueStatus
from baosong.portal import selectors
from baosong.portal.models import PortalRelease, ReleaseKind, ReleaseStatus
from baosong.scoring import bulletins
from conftest import ARTIFACTS, CHROMIUM, axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian chromium is not installed"),
]

XXGK = ["guide", "rules", "fdzdgknr", "annual", "apply"]

# The elements wider than the screen, to say what overflows when a page scrolls sideways.
WIDEST = """() => {
  const w = window.innerWidth;
  return [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > w + 0.5)
    .slice(0, 8)
    .map((e) => `${e.tagName.toLowerCase()}.${e.className} → ${Math.round(e.getBoundingClientRect().right)}`);
}"""


def _sample_site(cast: Any) -> list[tuple[str, str]]:
    """The sample content, a 通报 released to the portal, and one URL of every kind of public page."""
    seed_samples()
    editor, county = cast.county_editor.user, cast.county_editor.unit
    month = timezone.localdate().strftime("%Y-%m")
    bulletin = bulletins.bulletin_for_period(by=editor, unit=county, period=month)
    bulletins.bulletin_update(bulletin=bulletin, by=editor, remarks="请各乡镇对照查找差距。", to_portal=True)
    bulletin = bulletins.bulletin_release(bulletin=bulletin, by=editor)
    issue = Issue.objects.filter(status=IssueStatus.PUBLISHED).order_by("pk").first()
    assert issue is not None and selectors.public_issue(issue.pk) is not None
    item = selectors.public_issue_items(issue)[0]
    assert isinstance(item, IssueItem)
    article = PortalRelease.objects.filter(kind=ReleaseKind.ITEM, status=ReleaseStatus.PUBLISHED).first()
    assert article is not None and article.column is not None
    return [
        ("home", "/portal/"),
        ("column", f"/portal/columns/{article.column.slug}/"),
        ("article", f"/portal/articles/{article.pk}/"),
        ("archive", "/portal/issues/"),
        ("publication-year", f"/portal/publications/{issue.publication_id}/{issue.year}/"),
        ("issue", f"/portal/issues/{issue.pk}/"),
        ("issue-item", f"/portal/issues/{issue.pk}/items/{item.pk}/"),
        ("bulletins", "/portal/bulletins/"),
        ("bulletin", f"/portal/bulletins/{bulletin.pk}/"),
        ("search", "/portal/search?q=%E5%B7%A5%E4%BD%9C"),  # 工作
        ("search-empty", "/portal/search"),
        ("sitemap", "/portal/sitemap/"),
        ("xxgk", "/portal/xxgk/"),
        *[(f"xxgk-{s}", f"/portal/xxgk/{s}/") for s in XXGK],
    ]


@pytest.mark.parametrize("width, height, label", [(1366, 768, "1366"), (390, 844, "390"), (320, 640, "320")])
def test_every_portal_page_passes_axe_and_never_scrolls_sideways(
    live_server, cast, browser_context, width, height, label
):
    pages = _sample_site(cast)
    context = browser_context.new_context(locale="zh-CN", viewport={"width": width, "height": height})
    page = context.new_page()
    violations: dict[str, Any] = {}
    overflow: dict[str, Any] = {}
    for name, url in pages:
        response = page.goto(live_server.url + url)
        assert response is not None and response.status == 200, url
        page.screenshot(path=str(ARTIFACTS / f"portal-a11y-{name}-{label}.png"), full_page=True)
        found = axe_violations(page)
        if found:
            violations[name] = found
        if width < 1000:
            scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if scroll > inner:
                overflow[name] = {"scrollWidth": scroll, "innerWidth": inner, "widest": page.evaluate(WIDEST)}
    context.close()
    report = {"violations": violations, "overflow": overflow}
    (ARTIFACTS / f"portal-a11y-{label}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    assert not violations, json.dumps(violations, ensure_ascii=False, indent=1)
    assert not overflow, json.dumps(overflow, ensure_ascii=False, indent=1)


# Records the classes of <html> at the moment <body> is inserted: set before then = before the first paint.
CLASSES_AT_BODY = """
window.__classesAtBody = null;
new MutationObserver((changes, observer) => {
  if (document.body && window.__classesAtBody === null) {
    window.__classesAtBody = document.documentElement.className;
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""


def _body_size(page: Any) -> float:
    paragraph = "document.querySelector('.article .body p')"
    return float(page.evaluate(f"parseFloat(getComputedStyle({paragraph}).fontSize)"))


def test_the_reading_aids_work_from_the_keyboard_and_are_remembered(live_server, cast, browser_context):
    pages = dict(_sample_site(cast))
    context = browser_context.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    context.add_init_script(CLASSES_AT_BODY)
    page = context.new_page()
    article = live_server.url + pages["article"]
    page.goto(article)

    # The skip link is the first Tab stop, visibly focused; it moves the focus to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到主要内容"
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["y"] >= 0
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    # Then the switches, real buttons reached by Tab.
    stops = []
    for _ in range(2):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("[document.activeElement.tagName, document.activeElement.textContent]"))
    assert stops == [["BUTTON", "长者模式"], ["BUTTON", "高对比度"]]
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # Type size: 大 is larger than 中, 小 smaller; the pressed state follows.
    middle = _body_size(page)
    page.get_by_role("button", name="大字号").click()
    large = _body_size(page)
    assert large > middle
    assert page.get_by_role("button", name="大字号").get_attribute("aria-pressed") == "true"
    assert page.get_by_role("button", name="中字号").get_attribute("aria-pressed") == "false"
    page.get_by_role("button", name="小字号").click()
    assert _body_size(page) < middle
    page.get_by_role("button", name="大字号").click()

    # 长者模式 and 高对比度, switched on from the keyboard.
    elder = page.get_by_role("button", name="长者模式")
    contrast = page.get_by_role("button", name="高对比度")
    assert elder.get_attribute("aria-pressed") == "false"
    elder.focus()
    page.keyboard.press("Enter")
    contrast.focus()
    page.keyboard.press("Space")
    assert elder.get_attribute("aria-pressed") == "true" and contrast.get_attribute("aria-pressed") == "true"
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "20px"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    assert _body_size(page) > large  # 长者模式 enlarges the chosen 大 size too
    assert axe_violations(page) == []  # high contrast stays readable
    page.screenshot(path=str(ARTIFACTS / "portal-a11y-article-elder-contrast.png"), full_page=True)

    # Remembered on the next page load, and already set when <body> appears (no flash of the default look).
    page.goto(live_server.url + pages["home"])
    classes = page.evaluate("window.__classesAtBody").split()
    assert {"elder", "contrast", "size-l"} <= set(classes)
    assert page.get_by_role("button", name="长者模式").get_attribute("aria-pressed") == "true"
    assert page.get_by_role("button", name="高对比度").get_attribute("aria-pressed") == "true"
    page.goto(article)
    assert page.get_by_role("button", name="大字号").get_attribute("aria-pressed") == "true"

    # Large type on a small phone still fits the screen.
    page.set_viewport_size({"width": 320, "height": 640})
    for url in (article, live_server.url + pages["home"], live_server.url + pages["bulletin"]):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), url
    page.screenshot(path=str(ARTIFACTS / "portal-a11y-bulletin-elder-320.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})

    # Both switches off again: remembered as off.
    page.goto(article)
    page.get_by_role("button", name="长者模式").click()
    page.get_by_role("button", name="高对比度").click()
    page.reload()
    assert page.evaluate("window.__classesAtBody").split() == ["js", "size-l"]

    # 打印 opens the print dialog; the print view holds the article without the site's chrome.
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")
    for chrome in (".masthead", ".colnav", ".site-foot", ".crumbs", ".article-tools", ".topstrip"):
        assert not page.locator(chrome).is_visible(), chrome
    assert page.locator("article h1").is_visible() and page.locator(".article .body").is_visible()
    page.pdf(path=str(ARTIFACTS / "portal-a11y-article-print.pdf"))
    context.close()
