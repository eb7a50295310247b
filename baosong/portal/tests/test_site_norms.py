"""The portal as 国办发〔2017〕47号 and GB/T 37668 expect of a government website: the 网站标识码 and
公安机关备案号 in the footer, a 网站地图, the 政府信息公开 section, and the reading aids (长者模式, 高对比度,
type size, print) served from a static script with no inline script or style for the coming strict CSP."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import call_command
from django.test import Client

from baosong.core.models import AuditEvent
from baosong.portal.models import PortalSite

from .conftest import PUBLIC_TITLE, published_issue
from .test_public_site import _item_release

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "portal"
XXGK = ["guide", "rules", "fdzdgknr", "annual", "apply"]


def _site_form(**fields: str) -> dict[str, str]:
    return {"op": "site", "host": "清源省人民政府办公厅", **fields}


def test_the_system_administrator_sets_the_site_code_and_police_record_shown_in_the_footer(cast, client_as):
    admin = client_as("sysadmin")
    admin.post(
        "/manage/portal/",
        _site_form(
            site_code="1100000088",
            police_record="清公网安备 11010202000001号",
            icp="清ICP备12345678号",
            phone="0000-7654321",
            email="xxgk@example.gov.cn",
        ),
    )
    site = PortalSite.objects.get(pk=1)
    assert (site.site_code, site.police_record) == ("1100000088", "清公网安备 11010202000001号")
    event = AuditEvent.objects.filter(event_type="portal.site").latest("pk")
    assert event.details["site_code"] == "1100000088"
    assert event.details["police_record"] == "清公网安备 11010202000001号"
    footer = Client().get("/portal/").content.decode().split("<footer")[1]
    expected = [
        "网站标识码：1100000088",
        "清公网安备 11010202000001号",
        "清ICP备12345678号",
        "主办单位：清源省人民政府办公厅",
        "联系电话：0000-7654321",
        "电子邮箱：xxgk@example.gov.cn",
    ]
    for text in expected:
        assert text in footer, text
    assert 'href="/portal/sitemap/"' in footer and 'href="/portal/xxgk/"' in footer
    # A code that is not ten letters or digits is refused, and nothing changes.
    admin.post("/manage/portal/", _site_form(site_code="12345", police_record="x"))
    site.refresh_from_db()
    assert (site.site_code, site.police_record) == ("1100000088", "清公网安备 11010202000001号")
    page = admin.get("/manage/portal/").content.decode()
    assert "网站标识码应为 10 位字母或数字" in page
    assert 'name="site_code"' in page and 'name="police_record"' in page and 'name="xxgk_apply"' in page


def test_the_demo_site_carries_demo_codes(cast):
    footer = Client().get("/portal/").content.decode().split("<footer")[1]
    assert "网站标识码：0000000000" in footer and "清公网安备 00000000000000号" in footer


def test_the_sitemap_lists_columns_publication_years_bulletins_xxgk_search_and_feeds(cast, columns):
    issue = published_issue(cast)
    page = Client().get("/portal/sitemap/")
    assert page.status_code == 200
    html = page.content.decode()
    for slug in ("gzdt", "jyjl", "tzgg"):
        assert f'href="/portal/columns/{slug}/"' in html and f'href="/portal/columns/{slug}/feed.xml"' in html
    assert f'href="/portal/publications/{issue.publication_id}/{issue.year}/"' in html
    assert f"《{issue.publication.name}》" in html
    assert 'href="/portal/bulletins/"' in html and "暂无公开的通报" in html
    for section in XXGK:
        assert f'href="/portal/xxgk/{section}/"' in html
    assert 'href="/portal/search"' in html and 'href="/portal/feed.xml"' in html


def test_the_xxgk_pages_show_the_public_content_by_column_and_say_plainly_what_is_missing(cast, columns):
    issue = published_issue(cast)
    _item_release(cast, "东湖区开展文明城市创建活动", columns["gzdt"])
    public = Client()
    index = public.get("/portal/xxgk/").content.decode()
    for section in XXGK:
        assert f'href="/portal/xxgk/{section}/"' in index
    contents = public.get("/portal/xxgk/fdzdgknr/").content.decode()
    gzdt = contents.split('id="gk-col-')[1]
    assert "工作动态" in gzdt and "东湖区开展文明城市创建活动" in gzdt and "共 1 条" in gzdt
    assert "本栏目暂无信息" not in gzdt and "暂无信息。" in contents  # the empty columns say so
    assert f'href="/portal/publications/{issue.publication_id}/{issue.year}/"' in contents
    assert "暂无公开的工作通报" in contents
    annual = public.get("/portal/xxgk/annual/").content.decode()
    assert "本网站目前没有发布政府信息公开工作年度报告" in annual
    guide = public.get("/portal/xxgk/guide/").content.decode()
    assert "0000-12345678" in guide and "清源省清源市政务大道1号" in guide  # the demo site's contacts
    apply = public.get("/portal/xxgk/apply/").content.decode()
    assert "20 个工作日" in apply and "xxgk@example.gov.cn" in apply
    rules = public.get("/portal/xxgk/rules/").content.decode()
    assert "《中华人民共和国政府信息公开条例》" in rules and "上网信息发布审核表" in rules
    assert public.get("/portal/xxgk/nope/").status_code == 404
    assert 'aria-current="page">依申请公开' in apply


def test_the_administrators_xxgk_texts_replace_the_defaults(cast, client_as):
    client_as("sysadmin").post(
        "/manage/portal/",
        _site_form(xxgk_apply="请到政务服务中心三号窗口提出申请。\n\n窗口电话：0000-1111111", xxgk_guide=""),
    )
    apply = Client().get("/portal/xxgk/apply/").content.decode()
    assert "<p>请到政务服务中心三号窗口提出申请。</p>" in apply and "<p>窗口电话：0000-1111111</p>" in apply
    assert "20 个工作日" not in apply
    assert "为便于公民、法人和其他组织获取政府信息" in Client().get("/portal/xxgk/guide/").content.decode()


def test_the_article_page_offers_type_sizes_and_print_and_loads_the_reading_aids_before_paint(cast, columns):
    release = _item_release(cast, "东湖区开展文明城市创建活动", columns["gzdt"])
    html = Client().get(f"/portal/articles/{release.pk}/").content.decode()
    head = html.split("</head>")[0]
    # A blocking script in <head>, before the stylesheet: the classes are on <html> before the first paint.
    assert re.search(r'<script src="/static/portal/portal\.js"></script>\s*<link rel="stylesheet"', head)
    assert 'role="group" aria-label="正文字号"' in html
    for size, label in (("l", "大"), ("m", "中"), ("s", "小")):
        button = rf'<button type="button" class="tool" data-size="{size}" aria-pressed="\w+"[^>]*>{label}<'
        assert re.search(button, html), size
    assert '<button type="button" class="tool" data-print>打印</button>' in html
    assert 'data-pref="elder" aria-pressed="false">长者模式</button>' in html
    assert 'data-pref="contrast" aria-pressed="false">高对比度</button>' in html
    assert html.index('class="skip-link"') < html.index("<header")


def test_no_portal_template_or_page_has_inline_script_or_style(cast, columns):
    public_templates = [p for p in TEMPLATES.rglob("*.html") if not {"desk", "print"} & set(p.parts)]
    assert len(public_templates) > 15
    for path in public_templates:
        text = path.read_text("utf-8")
        assert "style=" not in text and "<style" not in text, path
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert not re.search(r"\son[a-z]+=", text), path  # no inline event handlers either
    issue = published_issue(cast)
    release = _item_release(cast, "东湖区开展文明城市创建活动", columns["gzdt"])
    urls = ["/portal/", "/portal/sitemap/", "/portal/xxgk/", *[f"/portal/xxgk/{s}/" for s in XXGK],
            f"/portal/articles/{release.pk}/", f"/portal/issues/{issue.pk}/",
            "/portal/search?q=水库"]  # fmt: skip
    for url in urls:
        html = Client().get(url).content.decode()
        assert "style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html), url


def test_the_static_export_holds_the_sitemap_the_xxgk_pages_and_the_reading_aids(cast, columns, tmp_path):
    published_issue(cast)
    out = tmp_path / "site"
    call_command("export_portal", str(out), "--base-url", "https://xxgk.example.gov.cn")
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert {"sitemap/index.html", "xxgk/index.html", "static/portal/portal.js"} <= files
    assert {f"xxgk/{s}/index.html" for s in XXGK} <= files
    sitemap = (out / "sitemap" / "index.html").read_text("utf-8")
    assert "/portal/search" not in sitemap and PUBLIC_TITLE not in sitemap
    assert '<script src="../static/portal/portal.js"></script>' in sitemap
