"""信息台账: the filtered item list with each level's decision, its XLSX/CSV exports (audited, scoped)."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from baosong.core.models import AuditEvent
from baosong.reports import services
from baosong.reports.models import Report, ReportStatus, Submission

from .conftest import ITEM

LEVEL_FIELDS = ["单位", "处理结果", "采用用途", "编辑", "处理时间"]
EXPECTED_HEADERS = [
    "序号",
    "信息编号",
    "标题",
    "类别",
    "紧急程度",
    "状态",
    "报送单位",
    "作者",
    "创建时间",
    "报送时间",
    "迟报",
    "最高采用层级",
    *[f"{lv}{f}" for lv in ("乡镇级", "县级", "市级", "省级") for f in LEVEL_FIELDS],
    "外部采用",
]


def _sent(cast, **extra):  # type: ignore[no-untyped-def]
    report = services.report_create(by=cast.township_reporter.user, **{**ITEM, **extra})
    services.report_submit(report=report, by=cast.township_reporter.user)
    services.report_approve(report=report, by=cast.township_reviewer.user)
    return Report.objects.get(pk=report.pk)


def _journey(cast):  # type: ignore[no-untyped-def]
    """Township item → county adopts (issue) and forwards → city declines; province paper adopted it."""
    report = _sent(cast, urgency="urgent")
    at_county = Submission.objects.get(report=report, target_unit=cast.county_editor.unit)
    services.submission_adopt(submission=at_county, by=cast.county_editor.user, usage="issue")
    services.submission_forward(submission=at_county, by=cast.county_editor.user)
    at_city = Submission.objects.get(report=report, target_unit=cast.city_editor.unit)
    services.submission_decline(submission=at_city, by=cast.city_editor.user, comment="不采用")
    services.external_adoption_record(
        report=report,
        by=cast.county_editor.user,
        unit=cast.county_editor.unit,
        publication_name="清源日报",
        level="province",
        date=dt.date(2026, 3, 1),
    )
    return report


def _csv(client, query: str = ""):  # type: ignore[no-untyped-def]
    response = client.get(f"/reports/ledger/export.csv{query}")
    assert response.status_code == 200, response
    raw = b"".join(response.streaming_content).decode("utf-8")
    assert raw.startswith("\ufeff"), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(raw[1:])))


def test_csv_has_the_columns_in_order_and_the_trail_of_each_level(cast, client_as):
    report = _journey(cast)
    rows = _csv(client_as("county_editor"))
    assert rows[0] == EXPECTED_HEADERS
    (row,) = [r for r in rows[1:] if r[1] == str(report.pk)]
    cell = dict(zip(rows[0], row, strict=True))
    assert cell["标题"] == ITEM["title"] and cell["类别"] == "工作动态" and cell["紧急程度"] == "紧急"
    assert cell["状态"] == "已报送" or cell["状态"] == ReportStatus(report.status).label
    assert cell["报送单位"] == cast.township_reporter.unit.name
    assert cell["作者"] == cast.township_reporter.user.full_name
    assert cell["迟报"] == "否"
    assert cell["县级单位"] == cast.county_editor.unit.name
    assert cell["县级处理结果"] == "已采用、已转报" and cell["县级采用用途"] == "刊物采用"
    assert cell["县级编辑"] == cast.county_editor.user.full_name and cell["县级处理时间"]
    assert cell["市级处理结果"] == "不采用" and cell["市级编辑"] == cast.city_editor.user.full_name
    assert cell["乡镇级单位"] == "" and cell["省级单位"] == ""
    assert cell["最高采用层级"] == "省级"
    assert cell["外部采用"] == "清源日报（省级，2026-03-01）"


def test_xlsx_has_the_same_table(cast, client_as):
    report = _journey(cast)
    response = client_as("county_editor").get("/reports/ledger/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    sheet = book["信息台账"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == EXPECTED_HEADERS
    assert rows[1][1] == report.pk and rows[1][2] == ITEM["title"]


def test_a_sibling_countys_items_never_appear(cast, client_as):
    _journey(cast)
    theirs = services.report_create(by=cast.outsider_reporter.user, title="西林县内部草稿标题", body="正文")
    sent = services.report_create(by=cast.outsider_reporter.user, title="西林县已报送信息", body="正文")
    services.report_submit(report=sent, by=cast.outsider_reporter.user)
    county = client_as("county_editor")
    text = "\n".join(",".join(r) for r in _csv(county))
    assert theirs.title not in text and sent.title not in text
    page = county.get("/reports/ledger/").content.decode()
    assert theirs.title not in page and ITEM["title"] in page
    # the sibling sees its own, and not the 东湖区 item
    outsider = "\n".join(",".join(r) for r in _csv(client_as("outsider_reporter")))
    assert theirs.title in outsider and ITEM["title"] not in outsider


def test_an_export_is_audited_with_its_filters_and_row_count(cast, client_as):
    _journey(cast)
    _sent(cast, title="另一条信息", category="experience")
    rows = _csv(client_as("county_editor"), "?category=work_update&q=防汛")
    event = AuditEvent.objects.get(event_type="export.ledger")
    assert event.user_id == cast.county_editor.user.pk
    assert event.details["filters"] == {"category": "work_update", "q": "防汛"}
    assert event.details["rows"] == len(rows) - 1 == 1
    assert event.details["format"] == "csv"


def test_filters_narrow_the_list(cast, client_as):
    report = _journey(cast)
    other = _sent(cast, title="经验做法一则", category="experience")
    client = client_as("county_editor")
    ids = lambda q: {r[1] for r in _csv(client, q)[1:]}  # noqa: E731
    assert ids("?category=experience") == {str(other.pk)}
    assert ids("?urgency=urgent") == {str(report.pk)}
    assert ids("?adopted_level=province") == {str(report.pk)}
    assert ids("?adopted_level=county") == {str(report.pk)}
    assert ids("?adopted_level=city") == set()
    assert ids(f"?source={cast.county_editor.unit.pk}") == {str(report.pk), str(other.pk)}
    assert ids(f"?source={cast.outsider_editor.unit.pk}") == set()
    today = dt.date.today().isoformat()
    assert ids(f"?date_from={today}&date_to={today}") >= {str(report.pk), str(other.pk)}
    assert ids("?date_to=2000-01-01") == set()


def test_bad_filters_answer_400_in_chinese(cast, client_as):
    client = client_as("county_editor")
    response = client.get("/reports/ledger/?date_from=yesterday")
    assert response.status_code == 400 and "YYYY-MM-DD" in response.content.decode()
    response = client.get("/reports/ledger/export.csv?category=nonsense")
    assert response.status_code == 400 and "类别" in response.content.decode()
    assert client.get("/reports/ledger/export.pdf").status_code == 404
    assert not AuditEvent.objects.filter(event_type="export.ledger").exists()


def _count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    return len(ctx.captured_queries)


def test_page_and_exports_cost_the_same_queries_for_5_and_for_300_items(cast, client_as):
    for i in range(5):
        _journey(cast) if i == 0 else _sent(cast, title=f"信息{i}")
    client = client_as("county_editor")
    urls = ["/reports/ledger/", "/reports/ledger/export.csv", "/reports/ledger/export.xlsx"]
    few = [_count(client, u) for u in urls]
    template = Report.objects.filter(status=ReportStatus.SENT).first()
    more = Report.objects.bulk_create(
        [
            Report(
                title=f"更多信息{i}",
                body="正文",
                source_unit=template.source_unit,
                author=template.author,
                status=ReportStatus.SENT,
                sent_at=template.sent_at,
            )
            for i in range(295)
        ]
    )
    Submission.objects.bulk_create(
        [
            Submission(
                report=r,
                target_unit=cast.county_editor.unit,
                sender_unit=r.source_unit,
                title=r.title,
                category=r.category,
            )
            for r in more
        ]
    )
    assert [_count(client, u) for u in urls] == few
    assert len(_csv(client)) == 301


def test_the_ledger_page_is_in_the_menu_of_editors_and_reporters(client_as):
    for key in ("county_editor", "township_reporter"):
        html = client_as(key).get("/reports/ledger/").content.decode()
        assert "信息台账" in html and "导出 Excel" in html


def test_the_api_exports_the_same_ledger_with_the_same_filters(cast, api):
    report = _journey(cast)
    client = api("county_editor")
    response = client.get("/api/v1/reports/export.csv?adopted_level=province")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8")[1:])))
    assert rows[0] == EXPECTED_HEADERS and [r[1] for r in rows[1:]] == [str(report.pk)]
    event = AuditEvent.objects.filter(event_type="export.ledger").latest("seq")
    assert event.details["via"] == "api" and event.details["filters"] == {"adopted_level": "province"}
    xlsx = client.get("/api/v1/reports/export.xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    bad = client.get("/api/v1/reports/export.csv?date_from=2026-02-01&date_to=2026-01-01")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_filter"
    assert client.get("/api/v1/reports/export.pdf").json()["code"] == "not_found"
    outsider = api("outsider_editor").get("/api/v1/reports/export.csv")
    assert ITEM["title"] not in b"".join(outsider.streaming_content).decode("utf-8")


def test_a_title_that_looks_like_a_formula_stays_text(cast, client_as):
    _sent(cast, title='=HYPERLINK("http://x","点击")')
    rows = _csv(client_as("county_editor"))
    assert rows[1][2] == '\'=HYPERLINK("http://x","点击")'


def test_the_source_filter_offers_the_units_below(cast, client_as):
    html = client_as("county_editor").get("/reports/ledger/").content.decode()
    assert cast.township_reporter.unit.name in html and cast.outsider_editor.unit.name not in html
