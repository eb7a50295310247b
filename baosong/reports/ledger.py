"""The 信息台账: the items a user may see, filtered, one row per item with each level's decision (trail),
external adoptions and the late flag — for the ledger page and its XLSX/CSV exports.

Rows are built in batches (one query for the items, one for their submissions, one for their external
adoptions per batch), so 50,000 rows cost a few dozen queries, never one per row."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from baosong.core.actions import record
from baosong.core.errors import ServiceError
from baosong.core.exports import csv_stream, xlsx_file
from baosong.core.params import local_day_bounds, parse_id
from baosong.orgs.models import LEVEL_RANK, Level, Unit, User
from baosong.orgs.selectors import subtree_q
from baosong.reports import workflow as reports_wf
from baosong.reports.models import (
    ExternalAdoption,
    Report,
    ReportStatus,
    Submission,
    SubmissionStatus,
    Urgency,
    Usage,
)  # fmt: skip
from baosong.reports.selectors import category_labels, reports_visible_to

BATCH = 1000
# Levels that receive submissions, from the bottom up: one group of trail columns each (a level no unit
# of the deployment has is left out).
TRAIL_LEVELS = [Level.TOWNSHIP, Level.COUNTY, Level.CITY, Level.PROVINCE, Level.NATIONAL]
TRAIL_FIELDS = ["单位", "处理结果", "采用用途", "编辑", "处理时间"]
BASE_HEADERS = [
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
]
LEVEL_LABELS = {
    Level.VILLAGE: "村级",
    Level.TOWNSHIP: "乡镇级",
    Level.COUNTY: "县级",
    Level.CITY: "市级",
    Level.PROVINCE: "省级",
    Level.NATIONAL: "国家级",
}


class LedgerError(ServiceError):
    pass


@dataclass
class LedgerFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    category: str | None = None
    urgency: str | None = None
    status: str | None = None
    source: int | None = None
    adopted_level: str | None = None
    q: str | None = None

    @classmethod
    def from_params(cls, params: Any) -> LedgerFilters:
        """From a query dict (page) — bad values answer a clear Chinese error, never a 500."""

        def choice(name: str, allowed: Iterable[str], label: str) -> str | None:
            value = (params.get(name) or "").strip()
            if not value:
                return None
            if value not in set(allowed):
                raise LedgerError(f"{label}的取值“{value[:20]}”无效。", "invalid_filter", status=400)
            return value

        def date(name: str, label: str) -> dt.date | None:
            value = (params.get(name) or "").strip()
            if not value:
                return None
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                message = f"{label}应为 YYYY-MM-DD 格式的日期。"
                raise LedgerError(message, "invalid_filter", status=400) from None

        source_text = (params.get("source") or "").strip()
        source = parse_id(source_text)
        if source_text and source is None:
            raise LedgerError("报送单位应为单位编号。", "invalid_filter", status=400)
        filters = cls(
            date_from=date("date_from", "起始日期"),
            date_to=date("date_to", "截止日期"),
            category=choice("category", category_labels(), "类别"),
            urgency=choice("urgency", Urgency.values, "紧急程度"),
            status=choice("status", ReportStatus.values, "状态"),
            source=source,
            adopted_level=choice("adopted_level", Level.values, "采用层级"),
            q=(params.get("q") or "").strip()[:100] or None,
        )
        filters.check()
        return filters

    def check(self) -> None:
        if self.category and self.category not in category_labels():
            raise LedgerError("类别取值无效。", "invalid_filter", status=400)
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise LedgerError("起始日期不能晚于截止日期。", "invalid_filter", status=400)

    def as_details(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in asdict(self).items() if v}


def ledger_queryset(user: User, filters: LedgerFilters) -> QuerySet[Report]:
    """The items of the ledger: what the user may see (reports_visible_to), filtered, newest sent first."""
    qs = reports_visible_to(user)
    start, end = local_day_bounds(filters.date_from, filters.date_to)
    if start:
        qs = qs.filter(sent_at__gte=start)
    if end:
        qs = qs.filter(sent_at__lt=end)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.urgency:
        qs = qs.filter(urgency=filters.urgency)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.source:
        root = Unit.objects.filter(pk=filters.source).only("path").first()
        qs = qs.filter(subtree_q([root.path], prefix="source_unit__")) if root else qs.none()
    if filters.adopted_level:
        adopted = Submission.objects.filter(
            report=OuterRef("pk"),
            target_unit__level=filters.adopted_level,
            usage__gt="",
            status__in=[SubmissionStatus.ADOPTED, SubmissionStatus.FORWARDED],
            is_active=True,
        )
        external = ExternalAdoption.objects.filter(report=OuterRef("pk"), level=filters.adopted_level)
        qs = qs.filter(Exists(adopted) | Exists(external))
    if filters.q:
        qs = qs.filter(Q(title__contains=filters.q))
    return qs.order_by(F("sent_at").desc(nulls_last=True), "-id")


def trail_levels() -> list[str]:
    present = set(Unit.objects.values_list("level", flat=True).distinct())
    return [lv for lv in TRAIL_LEVELS if lv in present]


def headers(levels: list[str]) -> list[str]:
    result = list(BASE_HEADERS)
    for lv in levels:
        result += [f"{LEVEL_LABELS[Level(lv)]}{name}" for name in TRAIL_FIELDS]
    result.append("外部采用")
    return result


@dataclass
class LedgerRow:
    report: Report
    trail: dict[str, list[Submission]]  # level → the submissions shown for it
    externals: list[ExternalAdoption]
    top_level: str | None

    def trail_text(self) -> str:
        """A compact trail for the page: 县级 已采用 → 市级 已转报 → 省级 不采用."""
        parts = []
        for lv in sorted(self.trail, key=lambda v: -LEVEL_RANK[v]):
            for s in self.trail[lv]:
                label = _result(s)
                if s.usage:
                    label += f"（{s.get_usage_display()}）"
                parts.append(f"{s.target_unit.short_name or s.target_unit.name} {label}")
        return " → ".join(parts)

    def external_text(self) -> str:
        return "；".join(
            f"{e.publication_name}（{LEVEL_LABELS[Level(e.level)]}，{e.date.isoformat()}）"
            for e in self.externals
        )


def _result(s: Submission) -> str:
    """The decision at one unit; an adopted item forwarded up stays adopted here: 已采用、已转报."""
    label = s.get_status_display()
    if s.forwarded_at and s.status != SubmissionStatus.FORWARDED:
        label += "、已转报"
    return label


def _local(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def ledger_rows(qs: QuerySet[Report] | list[int], *, batch: int = BATCH) -> Iterator[LedgerRow]:
    """The rows of a ledger query (or of a list of item ids, in that order), a batch at a time."""
    ids = qs if isinstance(qs, list) else list(qs.values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        batch_qs = Report.objects.filter(pk__in=chunk).select_related("source_unit", "author")
        reports = {r.pk: r for r in batch_qs}
        subs: dict[int, list[Submission]] = {}
        for s in (
            Submission.objects.filter(report_id__in=chunk)
            .select_related("target_unit", "decided_by")
            .order_by("received_at", "id")
        ):
            subs.setdefault(s.report_id, []).append(s)
        externals: dict[int, list[ExternalAdoption]] = {}
        for e in ExternalAdoption.objects.filter(report_id__in=chunk).order_by("date", "id"):
            externals.setdefault(e.report_id, []).append(e)
        for pk in chunk:
            report = reports.get(pk)
            if report is not None:
                yield _row(report, subs.get(pk, []), externals.get(pk, []))


def _row(report: Report, subs: list[Submission], externals: list[ExternalAdoption]) -> LedgerRow:
    by_level: dict[str, list[Submission]] = {}
    for s in subs:
        by_level.setdefault(s.target_unit.level, []).append(s)
    trail: dict[str, list[Submission]] = {}
    for lv, items in by_level.items():
        active = [s for s in items if s.is_active]
        trail[lv] = active or items[-1:]  # the live decisions; else the last one (e.g. after a withdrawal)
    adopted_levels = [
        s.target_unit.level
        for s in subs
        if s.is_active and s.usage and s.status in (SubmissionStatus.ADOPTED, SubmissionStatus.FORWARDED)
    ] + [e.level for e in externals]
    top = min(adopted_levels, key=lambda v: LEVEL_RANK[v]) if adopted_levels else None
    return LedgerRow(report=report, trail=trail, externals=externals, top_level=top)


def row_values(
    row: LedgerRow, index: int, levels: list[str], categories: dict[str, str] | None = None
) -> list[Any]:
    r = row.report
    categories = category_labels() if categories is None else categories
    values: list[Any] = [
        index,
        r.pk,
        r.title,
        categories.get(r.category, r.category),
        Urgency(r.urgency).label if r.urgency in Urgency.values else r.urgency,
        ReportStatus(r.status).label if r.status in ReportStatus.values else r.status,
        r.source_unit.name,
        r.author.full_name,
        _local(r.created_at),
        _local(r.sent_at),
        "是" if r.late else "否",
        LEVEL_LABELS[Level(row.top_level)] if row.top_level else "",
    ]
    for lv in levels:
        shown = row.trail.get(lv, [])
        values += [
            "；".join(s.target_unit.name for s in shown),
            "；".join(_result(s) for s in shown),
            "；".join(Usage(s.usage).label for s in shown if s.usage),
            "；".join(s.decided_by.full_name for s in shown if s.decided_by),
            "；".join(_local(s.decided_at or s.forwarded_at or s.received_at) for s in shown),
        ]
    values.append(row.external_text())
    return values


def ledger_table(qs: QuerySet[Report]) -> Iterator[list[Any]]:
    levels = trail_levels()
    # Read here, not per row: a streamed export runs after its request (no per-request memo any more).
    categories = category_labels()
    yield headers(levels)
    for i, row in enumerate(ledger_rows(qs), start=1):
        yield row_values(row, i, levels, categories)


def ledger_csv_stream(qs: QuerySet[Report]) -> Iterator[str]:
    """CSV as UTF-8 with a BOM (so that Excel opens it), streamed line by line."""
    return csv_stream(ledger_table(qs))


def ledger_xlsx_file(qs: QuerySet[Report]) -> io.BufferedRandom:
    """XLSX through openpyxl's write-only mode (rows are not kept in memory); a temporary file."""
    return xlsx_file(ledger_table(qs), sheet="信息台账", freeze="D2")


def ledger_export_audit(*, user: User, filters: LedgerFilters, rows: int, fmt: str, via: str) -> None:
    with transaction.atomic():
        record(
            reports_wf.EXPORT_LEDGER,
            by=user,
            unit_id=user.primary_unit_id,
            object_type="ledger",
            details={"filters": filters.as_details(), "rows": rows, "format": fmt, "via": via},
        )


def export_filename(fmt: str) -> str:
    return f"信息台账{timezone.localtime().strftime('%Y%m%d')}.{fmt}"


def ledger_page_rows(ids: list[int]) -> list[LedgerRow]:
    return list(ledger_rows(ids))


__all__ = [
    "LedgerError",
    "LedgerFilters",
    "headers",
    "ledger_csv_stream",
    "ledger_export_audit",
    "ledger_queryset",
    "ledger_rows",
    "ledger_xlsx_file",
    "trail_levels",
]
