"""The public site shows only what went on the portal and only 主动公开 content; feeds, the static
export (网站生成), the 上网信息发布审核表 PDF, column management and query budgets."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from baosong.core.models import AuditEvent
from baosong.core.outbox import deliver
from baosong.editorial.models import IssueItem
from baosong.editorial.tests.conftest import adopted_at_county
from baosong.portal import services
from baosong.portal.models import PortalColumn, PortalRelease

from .conftest import PRIVATE_BODY_MARK, PRIVATE_TITLE, PUBLIC_TITLE, distributed_issue, published_issue

ATOM = "{http://www.w3.org/2005/Atom}"


def _item_release(cast: Any, title: str, column: PortalColumn, *, submit: bool = True) -> PortalRelease:
    editor = cast.county_editor.user
    sub = adopted_at_county(cast, title, public_scope="public")
    release = services.release_create(by=editor, submission=sub, column=column)
    return services.release_submit(release=release, by=editor) if submit else release


def test_an_unpublished_issue_answers_404_and_a_published_one_shows_only_public_items(cast):
    issue = distributed_issue(cast)
    public = Client()
    assert public.get(f"/portal/issues/{issue.pk}/").status_code == 404
    assert f"/portal/issues/{issue.pk}/" not in public.get("/portal/").content.decode()
    issue = published_issue(cast, public_title="东湖区完成春季植树造林")
    page = public.get(f"/portal/issues/{issue.pk}/").content.decode()
    assert "东湖区完成春季植树造林" in page
    assert PRIVATE_TITLE not in page and PRIVATE_BODY_MARK not in page
    items = {i.title: i for i in IssueItem.objects.filter(issue=issue)}
    ok = public.get(f"/portal/issues/{issue.pk}/items/{items['东湖区完成春季植树造林'].pk}/")
    assert ok.status_code == 200 and "东湖区完成春季植树造林" in ok.content.decode()
    assert public.get(f"/portal/issues/{issue.pk}/items/{items[PRIVATE_TITLE].pk}/").status_code == 404
    year = public.get(f"/portal/publications/{issue.publication_id}/{issue.year}/").content.decode()
    assert issue.number_text in year
    assert public.get(f"/portal/publications/{issue.publication_id}/1999/").status_code == 404


def test_a_release_not_yet_approved_answers_404(cast, county_chain, columns):
    draft = _item_release(cast, "东湖区草稿发布申请", columns["gzdt"], submit=False)
    pending = services.release_submit(
        release=_item_release(cast, "东湖区待审发布申请", columns["gzdt"], submit=False),
        by=cast.county_editor.user,
    )
    public = Client()
    for release in (draft, pending):
        assert public.get(f"/portal/articles/{release.pk}/").status_code == 404
    listing = public.get("/portal/columns/gzdt/").content.decode()
    assert "草稿发布申请" not in listing and "待审发布申请" not in listing
    assert public.get("/portal/columns/nope/").status_code == 404
    assert public.get("/portal/articles/999999/").status_code == 404


def test_the_public_search_never_finds_private_text(cast, columns):
    published_issue(cast)
    _item_release(cast, "东湖区推进水库除险加固", columns["gzdt"])
    deliver("search")  # what the worker does after commit: the index learns the published issue
    public = Client()
    found = public.get("/portal/search", {"q": "水库"}).content.decode()
    assert "东湖区推进水库除险加固" in found and "<mark>水库</mark>" in found
    assert PUBLIC_TITLE in public.get("/portal/search", {"q": "水库"}).content.decode()
    found = public.get("/portal/search", {"q": "信访积案"}).content.decode()
    assert PRIVATE_TITLE not in found and "没有找到" in found
    assert public.get("/portal/search", {"q": "x" * 500, "page": "abc"}).status_code == 200


def test_the_atom_feeds_are_valid_and_hold_the_columns_entries(cast, columns):
    _item_release(cast, "东湖区推进乡村振兴示范村建设", columns["gzdt"])
    _item_release(cast, "城关镇网格化管理经验", columns["jyjl"])
    public = Client()
    r = public.get("/portal/columns/gzdt/feed.xml")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(r.content)
    assert root.tag == f"{ATOM}feed"
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert titles == ["东湖区推进乡村振兴示范村建设"]
    link = root.find(f"{ATOM}entry/{ATOM}link")
    assert link is not None and link.get("href", "").startswith("http://testserver/portal/articles/")
    site = ET.fromstring(public.get("/portal/feed.xml").content)
    all_titles = {e.findtext(f"{ATOM}title") for e in site.findall(f"{ATOM}entry")}
    assert {"东湖区推进乡村振兴示范村建设", "城关镇网格化管理经验"} <= all_titles
    assert public.get("/portal/columns/nope/feed.xml").status_code == 404


def test_the_static_export_holds_the_published_issue_and_no_private_text(cast, columns, tmp_path):
    issue = published_issue(cast)
    _item_release(cast, "东湖区开展文明城市创建活动", columns["gzdt"])
    adopted_at_county(cast, "东湖区未公开的内部专报", public_scope="internal")
    out = tmp_path / "site"
    call_command("export_portal", str(out), "--base-url", "https://xxgk.example.gov.cn")
    files = {p.relative_to(out).as_posix(): p for p in out.rglob("*") if p.is_file()}
    assert {"index.html", f"issues/{issue.pk}/index.html", "feed.xml", "columns/gzdt/feed.xml",
            "static/portal/portal.css", "static/portal/emblem.svg"} <= set(files)  # fmt: skip
    text = {name: p.read_text("utf-8") for name, p in files.items() if not name.endswith(".svg")}
    assert PUBLIC_TITLE in text[f"issues/{issue.pk}/index.html"]
    everything = "\n".join(text.values())
    for secret in (PRIVATE_TITLE, PRIVATE_BODY_MARK, "东湖区未公开的内部专报"):
        assert secret not in everything
    # Relative links only, so any server (or a file browser) can serve the copy.
    home = text["index.html"]
    assert 'href="/' not in home and 'src="/' not in home
    assert f'href="issues/{issue.pk}/index.html"' in home and 'href="static/portal/portal.css"' in home
    issue_page = text[f"issues/{issue.pk}/index.html"]
    assert 'href="../../static/portal/portal.css"' in issue_page and 'href="../../index.html"' in issue_page
    assert "/portal/search" not in everything  # no search box in a static copy
    feed = ET.fromstring(text["columns/gzdt/feed.xml"])
    hrefs = [link.get("href") for link in feed.iter(f"{ATOM}link")]
    assert any(h and h.startswith("https://xxgk.example.gov.cn/articles/") for h in hrefs)
    for href in hrefs:
        assert href and "/portal/" not in href


def test_the_review_sheet_pdf_holds_the_chains_opinions(cast, county_chain, client_as):
    editor = cast.county_editor.user
    release = services.release_create(by=editor, issue=distributed_issue(cast), contact="0571-1234567")
    release = services.release_submit(release=release, by=editor)
    services.release_approve(release=release, by=cast.county_chief.user, opinion="经核实内容准确同意")
    services.release_approve(release=release, by=cast.county_reviewer.user, opinion="未涉及国家秘密")
    services.release_approve(release=release, by=cast.county_leader.user, opinion="同意在门户网站发布")
    r = client_as("county_editor").get(f"/publish/{release.pk}/sheet.pdf")
    assert r.status_code == 200 and r.content[:4] == b"%PDF"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=r.content, capture_output=True, check=True
    )
    flat = "".join(text.stdout.decode("utf-8").split())
    expected_texts = [
        "上网信息发布审核表", "单位负责人意见", "审核处室意见", "分管领导意见", "经核实内容准确同意",
        "未涉及国家秘密", "同意在门户网站发布", "周涛", "朱伟", "徐国强", "黄海燕", "0571-1234567",
    ]  # fmt: skip
    for expected in expected_texts:
        assert expected in flat, expected
    assert AuditEvent.objects.filter(event_type="portal.sheet", object_id=str(release.pk)).exists()
    assert client_as("outsider_editor").get(f"/publish/{release.pk}/sheet.pdf").status_code == 404


def test_the_system_administrator_manages_columns(cast, client_as):
    admin = client_as("sysadmin")
    page = admin.get("/manage/portal/").content.decode()
    assert "工作动态" in page and "上网发布审核流程" in page
    admin.post("/manage/portal/", {"op": "column", "name": "政策解读", "slug": "zcjd", "order": "5",
                                   "is_active": "1"})  # fmt: skip
    column = PortalColumn.objects.get(slug="zcjd")
    assert AuditEvent.objects.filter(event_type="portal.column", object_id=str(column.pk)).exists()
    nav = Client().get("/portal/").content.decode().split('aria-label="栏目导航"')[1]
    assert nav.index("政策解读") < nav.index("工作动态")  # order 5 before 10
    r = admin.post("/manage/portal/", {"op": "column", "name": "坏标识", "slug": "坏 slug", "order": "x"})
    assert r.status_code == 302 and not PortalColumn.objects.filter(name="坏标识").exists()
    admin.post(f"/manage/portal/columns/{column.pk}/", {"name": "政策解读", "slug": "zcjd", "order": "5"})
    column.refresh_from_db()
    assert not column.is_active
    assert "政策解读" not in Client().get("/portal/").content.decode().split('aria-label="栏目导航"')[1]
    assert Client().get("/portal/columns/zcjd/").status_code == 404
    admin.post("/manage/portal/", {"op": "site", "host": "清源省人民政府办公厅", "phone": "0000-7654321"})
    assert "0000-7654321" in Client().get("/portal/").content.decode()
    assert client_as("county_editor").get("/manage/portal/").status_code == 403


def test_the_portal_chain_is_configured_on_the_unit_page(cast, client_as):
    admin = client_as("sysadmin")
    unit = cast.county_editor.unit
    admin.post(
        f"/manage/units/{unit.pk}/review-steps", {"chain": "portal", "role": "chief", "label": "单位负责人"}
    )
    page = admin.get(f"/manage/units/{unit.pk}/").content.decode()
    assert "上网发布审核流程" in page
    # The demo's 县委宣传部 step (only for 负面/重大 items) and the new one.
    assert unit.review_steps.filter(chain="portal").count() == 2
    assert unit.review_steps.filter(chain="report").count() == 1  # the demo's 审核签发, untouched
    # The reporting chain ignores portal steps: a township item still goes through one step only; the
    # conditional step applies to marked content only.
    assert services.portal_chain_for(unit) == [
        {"role": "chief", "user_id": None, "unit_id": None, "label": "单位负责人"}
    ]


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


def test_portal_list_pages_keep_their_query_budget(cast, columns):
    issue = published_issue(cast)
    for i in range(2):
        _item_release(cast, f"东湖区工作动态第{i}条", columns["gzdt"])
    public = Client()
    urls = ["/portal/", "/portal/columns/gzdt/", "/portal/issues/", f"/portal/issues/{issue.pk}/",
            f"/portal/publications/{issue.publication_id}/{issue.year}/", "/portal/feed.xml",
            "/portal/columns/gzdt/feed.xml", "/portal/bulletins/", "/portal/sitemap/",
            "/portal/xxgk/fdzdgknr/"]  # fmt: skip
    before = {u: _count(public, u) for u in urls}
    published_issue(cast, public_title="东湖区第二期公开信息")
    for i in range(6):
        _item_release(cast, f"东湖区更多动态第{i}条", columns["gzdt"])
    after = {u: _count(public, u) for u in urls}
    assert after == before  # no query per row
    assert max(before.values()) <= 12, before


def test_the_portal_has_landmarks_a_skip_link_and_alt_text(cast):
    page = Client().get("/portal/").content.decode()
    assert 'class="skip-link" href="#main"' in page and '<main id="main"' in page
    assert 'aria-label="栏目导航"' in page and "<footer" in page and 'role="search"' in page
    assert 'alt=""' in page or 'alt="' in page
    assert "主办单位：清源省人民政府办公厅" in page
    assert "http://" not in page and "https://" not in page  # no external assets


def test_public_pages_come_from_the_cache_until_anything_is_published_or_withdrawn(cast, columns, settings):
    from django.core.cache import cache

    settings.PORTAL_CACHE_SECONDS = 300
    cache.clear()
    release = _item_release(cast, "东湖区开展秋季森林防火巡查", columns["gzdt"])
    public = Client()
    first = public.get("/portal/").content.decode()
    assert "东湖区开展秋季森林防火巡查" in first
    with CaptureQueriesContext(connection) as again:
        second = public.get("/portal/")
    assert second.content.decode() == first and second["Content-Type"].startswith("text/html")
    assert len(again) == 1, [q["sql"] for q in again.captured_queries]  # the audit chain's head
    article = public.get(f"/portal/articles/{release.pk}/")
    assert article.status_code == 200
    services.release_withdraw(release=release, by=cast.county_editor.user, reason="内容需要更正")
    # The withdrawal wrote an audit record: the next visitor gets the page without the article, at once.
    assert "东湖区开展秋季森林防火巡查" not in public.get("/portal/").content.decode()
    assert public.get(f"/portal/articles/{release.pk}/").status_code == 404
    assert public.get("/portal/articles/999999/").status_code == 404  # a 404 is never kept
    cache.clear()
