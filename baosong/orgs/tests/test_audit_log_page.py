"""The audit administrator's page reads as Chinese after a day's work: every record named by its label, its
unit and object by their names, its details as labelled fields; filters combine in the URL; the filtered list
exports as XLSX and CSV (itself audited); the chain's verification state is shown; the cost of a page does
not grow with its rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from baosong.core.actions import OTHER_GROUP, audit_choice_groups, registry
from baosong.core.audit import audit_record
from baosong.core.models import AuditEvent
from baosong.orgs import auditlog
from baosong.orgs.models import Unit

TODAY = timezone.localdate()


class _Table(HTMLParser):
    """The text of each cell of each body row of the page's table (header row left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_table = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._in_table = True
        elif self._in_table and tag == "tr":
            self.rows.append([])
        elif self._in_table and tag == "td":
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_table = False
        elif tag == "td" and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


COLUMNS = ["事件", "时间", "操作人", "单位", "对象", "结果", "详情", "IP 地址", "序号"]


def table(html: str) -> list[dict[str, str]]:
    parser = _Table()
    parser.feed(html)
    return [dict(zip(COLUMNS, r, strict=True)) for r in parser.rows if len(r) == len(COLUMNS)]


def seqs(html: str) -> list[int]:
    return [int(r["序号"]) for r in table(html)]


def visible_text(html: str) -> str:
    main = html[html.index("<main") :]
    return re.sub(r"<[^>]+>", " ", main)


# ---- readable -------------------------------------------------------------------------------------------


def test_the_page_names_every_record_without_codes_dicts_or_unit_ids(cast, client_as, day):
    html = client_as("auditadmin").get("/audit/").content.decode()
    rows = table(html)
    assert len(rows) == AuditEvent.objects.count()
    text = visible_text(html)
    for code in registry.audit_types:
        assert not re.search(rf"(?<![\w.]){re.escape(code)}(?![\w.])", text), code
    for kind in registry.object_kinds:
        assert not re.search(rf"(?<![\w/]){re.escape(kind)}[ :]", text), kind
    for row in rows:
        assert not set("{}[]'\"") & set(row["详情"] + row["对象"]), row
        assert not row["单位"].isdigit() and not row["对象"].isdigit(), row
        assert not re.search(r"[a-z]+_[a-z]+|[a-z]+\.[a-z]+", row["事件"] + row["详情"]), row
    by_seq = {int(r["序号"]): r for r in rows}
    names = dict(Unit.objects.values_list("pk", "name"))
    for event in AuditEvent.objects.exclude(unit_id=None):
        assert by_seq[event.seq]["单位"] == names[event.unit_id]
    issue = day["issue"]
    sign = by_seq[AuditEvent.objects.get(event_type="issue.transition", details__action="sign").seq]
    assert sign["事件"] == "刊物流转：签发"
    assert sign["对象"] == f"刊物《东湖政务信息》第{issue.number}期（总第{issue.total_number}期）"
    assert sign["操作人"] == "周涛(xian_zhubian)" and sign["单位"] == "临江市东湖区人民政府办公室"
    assert sign["详情"].startswith("状态：待签发 → 已签发") and "操作" not in sign["详情"]
    assert "相关采编记录：《城关镇开展防汛应急演练》" in sign["详情"]
    adopt = by_seq[AuditEvent.objects.get(event_type="submission.transition").seq]
    assert adopt["事件"] == "采编处理：采用" and "采用方式：刊物采用" in adopt["详情"]
    approve = by_seq[AuditEvent.objects.get(event_type="report.transition", details__action="approve").seq]
    assert approve["对象"] == "信息《城关镇开展防汛应急演练》" and approve["单位"] == "东湖区城关镇"
    distribute = by_seq[
        AuditEvent.objects.get(event_type="issue.transition", details__action="distribute").seq
    ]
    assert "分发对象：东湖区城关镇、东湖区新桥镇" in distribute["详情"]
    release = by_seq[AuditEvent.objects.get(event_type="bulletin.release").seq]
    assert release["事件"] == "发布通报" and release["对象"].startswith("通报（临江市东湖区人民政府办公室")
    denied = by_seq[AuditEvent.objects.get(event_type="permission.denied").seq]
    assert denied["结果"] == "拒绝" and "原因：角色无权访问" in denied["详情"]
    ledger = by_seq[AuditEvent.objects.get(event_type="export.ledger").seq]
    assert "筛选条件：类别：工作动态" in ledger["详情"] and "途径：页面" in ledger["详情"]
    login = by_seq[AuditEvent.objects.filter(event_type="login.success").order_by("seq").first().seq]
    assert login["对象"].startswith("用户 ")


def test_every_detail_of_the_day_has_a_chinese_label_and_a_readable_value(cast, day):
    rows = auditlog.audit_rows(list(AuditEvent.objects.order_by("seq")))
    for row in rows:
        assert not row.label.isascii(), row.event.event_type
        for label, value in row.details:
            assert not label.isascii(), (row.event.event_type, label)
            assert not re.fullmatch(r"[a-z_]+", value), (row.event.event_type, label, value)


def test_every_audit_type_has_a_label_and_a_group():
    for audit in registry.audit_types.values():
        assert not audit.label.isascii(), audit.code
    grouped = {
        code for label, choices in audit_choice_groups() if label != OTHER_GROUP for code, _ in choices
    }
    assert grouped == set(registry.audit_types)


def test_every_object_type_the_code_writes_is_declared():
    """A new object type written anywhere must be declared (``object_kind``) or the page could not name it."""
    root = Path(__file__).resolve().parents[2]
    written = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        written |= set(re.findall(r'object_type="([a-z_]+)"', path.read_text(encoding="utf-8")))
    written |= {w.object_type for w in registry.workflows.values()}
    assert written, "no object types found"
    assert written <= set(registry.object_kinds), written - set(registry.object_kinds)


def test_a_missing_object_is_still_named_by_its_kind(cast, client_as):
    audit_record(
        "config.sensitive_word", object_type="sensitive_word", object_id=999999, details={"removed": True}
    )
    html = client_as("auditadmin").get("/audit/?type=config.sensitive_word").content.decode()
    assert table(html)[0]["对象"] == "敏感词（编号 999999）"


# ---- filters --------------------------------------------------------------------------------------------


def test_filters_by_type_actor_unit_time_and_outcome_combine(cast, client_as, day):
    client = client_as("auditadmin")

    def shown(query: str) -> list[int]:
        response = client.get(f"/audit/?{query}")
        assert response.status_code == 200, response.content.decode()[:2000]
        return seqs(response.content.decode())

    def expected(**lookup: Any) -> list[int]:
        return list(AuditEvent.objects.filter(**lookup).order_by("-seq").values_list("seq", flat=True))

    assert shown("type=issue.transition") == expected(event_type="issue.transition")
    chief = cast.county_chief.user
    assert shown(f"user={chief.pk}") == expected(user_id=chief.pk)
    assert shown("user=xian_bianji") == expected(user_name__contains="xian_bianji")
    town = cast.township_reporter.unit
    assert shown("unit_q=东湖区城关镇") == expected(unit_id=town.pk)
    assert shown(f"unit={town.pk}") == expected(unit_id=town.pk)
    county = cast.county_editor.unit
    subtree = Unit.objects.filter(path__startswith=county.path).values("pk")
    assert shown(f"unit_q={county.code}&sub=1") == expected(unit_id__in=subtree)
    assert set(shown(f"unit_q={county.code}&sub=1")) > set(shown(f"unit_q={county.code}"))
    assert shown("outcome=denied") == expected(outcome="denied")
    today, tomorrow = TODAY.isoformat(), (TODAY + dt.timedelta(days=1)).isoformat()
    assert shown(f"from={today}&to={today}") == expected()
    assert shown(f"from={tomorrow}") == []
    assert shown(f"type=issue.transition&user={chief.pk}&unit={county.pk}&from={today}&outcome=success") == (
        expected(event_type="issue.transition", user_id=chief.pk, unit_id=county.pk)
    )
    issue = day["issue"]
    assert shown(f"object=issue:{issue.pk}") == expected(object_type="issue", object_id=str(issue.pk))


def test_the_record_links_narrow_the_list_to_its_actor_unit_and_object(cast, client_as, day):
    client = client_as("auditadmin")
    html = client.get("/audit/?type=issue.transition").content.decode()
    issue, chief, county = day["issue"], cast.county_chief.user, cast.county_editor.unit
    assert f"?type=issue.transition&amp;user={chief.pk}" in html
    assert f"?type=issue.transition&amp;unit={county.pk}&amp;unit_q=" in html
    assert f"?type=issue.transition&amp;object=issue%3A{issue.pk}" in html
    summary = client.get(f"/audit/?user={chief.pk}&object=issue:{issue.pk}").content.decode()
    assert "操作人：周涛（xian_zhubian）" in summary and "对象：刊物《东湖政务信息》" in summary


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("type=bulletin.nonsense", "没有名为“bulletin.nonsense”的事件类型"),
        ("from=2026-13-45", "日期格式应为 年-月-日"),
        ("to=昨天", "日期格式应为 年-月-日"),
        ("from=2026-02-01&to=2026-01-01", "开始日期不能晚于结束日期"),
        ("outcome=maybe", "结果“maybe”无效"),
        ("unit_q=不存在的单位", "找不到名称或代码为“不存在的单位”的单位"),
        ("unit=999999", "找不到编号为 999999 的单位"),
        ("object=nonsense:1", "对象参数无效"),
    ],
)
def test_an_unusable_filter_is_explained_in_chinese(cast, client_as, query, message):
    response = client_as("auditadmin").get(f"/audit/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "请先更正上面的筛选条件" in html
    assert table(html) == []


def test_a_unit_name_several_units_share_offers_them_to_pick(cast, client_as):
    response = client_as("auditadmin").get("/audit/?unit_q=应急管理局")
    html = response.content.decode()
    assert response.status_code == 400 and "有多个单位与“应急管理局”相符" in html
    emergency = Unit.objects.filter(name__contains="应急管理局").order_by("path").first()
    assert f"unit={emergency.pk}&amp;unit_q={quote(emergency.name)}" in html


# ---- export ---------------------------------------------------------------------------------------------


def test_the_filtered_list_exports_as_xlsx_with_chinese_headers_and_is_audited(cast, client_as, day):
    client = client_as("auditadmin")
    response = client.get("/audit/export.xlsx?type=issue.transition")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))["审计日志"]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == auditlog.EXPORT_HEADERS
    events = AuditEvent.objects.filter(event_type="issue.transition").order_by("-seq")
    assert [r[0] for r in values[1:]] == [e.seq for e in events]
    sign = next(r for r in values if r[2] == "刊物流转：签发")
    assert sign[3] == "周涛(xian_zhubian)" and sign[4] == "临江市东湖区人民政府办公室"
    assert sign[5].startswith("刊物《东湖政务信息》") and sign[7].startswith("状态：待签发 → 已签发；编号：")
    record = AuditEvent.objects.get(event_type="export.audit")
    assert record.user_id == cast.auditadmin.user.pk and record.outcome == "success"
    assert record.details == {"filters": {"event_type": "issue.transition"}, "rows": 3, "format": "xlsx"}


def test_the_filtered_list_exports_as_csv_and_the_export_is_listed_in_words(cast, client_as, day):
    client = client_as("auditadmin")
    county = cast.county_editor.unit
    today = TODAY.isoformat()
    response = client.get(f"/audit/export.csv?unit={county.pk}&sub=1&from={today}&outcome=success")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff序号,时间,事件,操作人,单位,对象,结果,详情,IP 地址,请求编号")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1:]
    subtree = Unit.objects.filter(path__startswith=county.path).values("pk")
    assert len(rows) == AuditEvent.objects.filter(unit_id__in=subtree, outcome="success").count()
    assert "信息流转：审核通过" in {r[2] for r in rows}
    assert not any(ch in "".join(cell for row in rows for cell in row) for ch in "{}[]")
    record = AuditEvent.objects.get(event_type="export.audit")
    assert record.details["filters"] == {
        "unit_id": county.pk,
        "subtree": True,
        "date_from": today,
        "outcome": "success",
    }
    assert record.details["rows"] == len(rows) and record.details["format"] == "csv"
    listed = table(client.get("/audit/?type=export.audit").content.decode())[0]
    assert listed["事件"] == "导出审计日志"
    assert f"单位：{county.name}" in listed["详情"] and "含下级单位：是" in listed["详情"]
    assert f"开始日期：{today}" in listed["详情"] and "结果：成功" in listed["详情"]


def test_an_export_with_a_bad_filter_or_too_many_rows_is_refused_and_not_audited(
    cast, client_as, monkeypatch
):
    client = client_as("auditadmin")
    response = client.get("/audit/export.csv?from=2026-13-45")
    assert response.status_code == 400 and "日期格式" in response.content.decode()
    monkeypatch.setattr(auditlog, "EXPORT_MAX", 1)
    response = client.get("/audit/export.xlsx")
    assert response.status_code == 400 and "超过单次导出上限 1 条" in response.content.decode()
    assert client.get("/audit/export.pdf").status_code == 404
    assert not AuditEvent.objects.filter(event_type="export.audit").exists()


def test_only_the_audit_administrator_exports_the_log(cast, client_as):
    for key in ("sysadmin", "secadmin", "county_editor"):
        assert client_as(key).get("/audit/export.csv").status_code == 403
    assert not AuditEvent.objects.filter(event_type="export.audit").exists()


# ---- verification state ---------------------------------------------------------------------------------


def test_the_page_shows_the_last_verification_and_the_last_row_it_verified(cast, client_as, day):
    client = client_as("auditadmin")
    assert "尚未校验" in client.get("/audit/").content.decode()
    head = AuditEvent.objects.order_by("-seq").first().seq
    card = client.post(
        "/audit/verify", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="audit-verify"
    ).content.decode()
    assert card.startswith('<section class="card audit-verify" id="audit-verify"')
    assert "审计日志完整" in card and "郑审思(auditadmin)" in card
    assert f"第 {head} 号记录" in card and "尚未校验" not in card
    audit_record("logout", user=cast.county_editor.user)
    html = client.get("/audit/").content.decode()
    assert '<span class="badge badge-ok">完整</span>' in html and f"已校验至</dt><dd>第 {head} 号记录" in html
    assert "此后新增 2 条记录，待下次校验" in html  # the verification's own record and the logout


def test_a_failed_verification_names_the_first_bad_row(cast, client_as):
    client = client_as("auditadmin")
    audit_record(
        "audit.verify",
        user=cast.auditadmin.user,
        outcome="failure",
        details={"checked": 4, "first_bad_seq": 5},
    )
    html = client.get("/audit/").content.decode()
    assert "发现异常" in html and "第 5 号记录被修改或缺失" in html and "已校验至</dt><dd>第 4 号记录" in html


def test_verifying_without_javascript_comes_back_to_the_page(cast, client_as):
    response = client_as("auditadmin").post("/audit/verify", follow=True)
    assert response.redirect_chain == [("/audit/", 302)]
    assert "审计日志完整" in response.content.decode()


# ---- cost -----------------------------------------------------------------------------------------------


def _records(cast: Any, n: int) -> None:
    """n records by one person, of every kind of object and with ids in their details, like a busy day."""
    day_user = cast.city_reporter.user
    town, county = cast.township_reporter.unit, cast.county_editor.unit
    kinds = [
        (
            "report.transition",
            "report",
            {"action": "submit", "from": "draft", "to": "in_review", "targets": [county.pk]},
        ),
        ("issue.transition", "issue", {"action": "distribute", "recipients": [1, 2, 3]}),
        ("issue.item_add", "issue", {"submissions": [1], "items": [1]}),
        ("membership.add", "membership", {"user_id": cast.county_editor.user.pk, "role": "editor"}),
        ("unit.move", "unit", {"from_parent": county.pk, "to_parent": town.pk}),
    ]
    for i in range(n):
        event_type, object_type, details = kinds[i % len(kinds)]
        audit_record(
            event_type,
            user=day_user,
            unit_id=(town, county)[i % 2].pk,
            object_type=object_type,
            object_id=i + 1,
            details=details,
        )


def _queries(client: Client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(table(response.content.decode())), len(ctx.captured_queries)


def test_a_page_of_50_records_costs_the_queries_of_a_page_of_5(cast, client_as):
    client = client_as("auditadmin")
    url = f"/audit/?user={cast.city_reporter.user.pk}"
    _records(cast, 5)
    rows, few = _queries(client, url)
    assert rows == 5
    _records(cast, 95)
    rows, many = _queries(client, url)
    assert rows == 50
    assert many == few, (few, many)


def test_an_export_costs_queries_per_chunk_of_rows_not_per_row(cast, client_as, monkeypatch):
    client = client_as("auditadmin")
    monkeypatch.setattr(auditlog, "EXPORT_CHUNK", 50)
    url = f"/audit/export.csv?user={cast.city_reporter.user.pk}"
    _records(cast, 50)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            b"".join(client.get(url).streaming_content)
        return len(ctx.captured_queries)

    one_chunk = count()
    _records(cast, 50)
    two_chunks = count()
    assert two_chunks - one_chunk < 12  # one more chunk: its rows and one query per kind of object
