"""Statistics rollups (StatsDaily) maintained incrementally from the domain events, and the full recount
that ``check_rollups`` compares them with. Each counter is defined once, by the source rows it counts:

- submitted, on_time, cat_*: items of the unit, on the day they were sent (迟报 ones not on time);
- adopted_<level>: final adoptions of the unit's items by the adopting unit's level — printed in a signed
  issue (on the signing day; a withdrawn issue takes them back on that same day), adopted as 专报/综合 (on
  the decision day), or adopted outside the system (补录, on the day it was recorded);
- instructions: instructions on the unit's items (one per instruction and unit), on the day written;
- solicitation_answered / solicitation_missed: the unit's first answer / its miss of a 约稿;
- points_x100: the unit's ledger points of the day, in hundredths (written with the ledger rows);
- ledger_rows: the number of those ledger rows (积分明细 counts a period's rows from the tree rows);
- issues: the unit's publications' issues signed that day (期数; a withdrawn one taken back that day).

``ReporterMonthly`` counts items sent and adoptions per reporter (the item's author), unit and month, by
the same rules as the unit counters.

``StatsMonthly`` holds the same counters per calendar month, bumped together with the day rows and
refreshed from them after a rebuild. ``AuthorMonthly`` sums the ledger per reporter, unit and month,
``AuthorYearly`` per reporter, unit and year (written with the months, refreshed from them).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from baosong.core.actions import event_codes
from baosong.core.models import DomainEvent
from baosong.editorial import workflow as issue_wf
from baosong.editorial.models import Issue, IssueItemSource
from baosong.instructions import workflow as instructions_wf
from baosong.instructions.models import Instruction
from baosong.orgs.models import Unit
from baosong.reports import workflow as reports_wf
from baosong.reports.models import ExternalAdoption, Report, Submission
from baosong.scoring.models import (
    ADOPTION_FIELDS,
    CATEGORY_FIELDS,
    COUNTERS,
    AuthorMonthly,
    AuthorYearly,
    LedgerEntry,
    ReporterMonthly,
    StatsDaily,
    StatsMonthly,
)
from baosong.solicitations import workflow as solicitations_wf
from baosong.solicitations.models import SolicitationTarget

Key = tuple[int, dt.date]  # (unit, day)
Deltas = dict[Key, dict[str, int]]
ReporterKey = tuple[int, int, dt.date]  # (author, unit, month)
ReporterDeltas = dict[ReporterKey, dict[str, int]]
TAKE_UP = event_codes(
    [reports_wf.CLAIM, reports_wf.ADOPT, reports_wf.DECLINE, reports_wf.SUBMISSION_RETURN, reports_wf.FORWARD]
)
ROLLUP_EVENTS = TAKE_UP | event_codes(
    [
        reports_wf.SENT,
        issue_wf.SIGN,
        issue_wf.WITHDRAW,
        reports_wf.EXTERNAL_ADOPTION,
        instructions_wf.CREATE,
        solicitations_wf.SOLICITATION_MISSED,
    ]
)
COUNTED_USAGES = {
    "special_report",
    "merged",
}  # "issue" counts at signing; "website" is not an adoption by level


def _day(value: dt.datetime | None) -> dt.date:
    if value is None:  # the rows are filtered on the timestamp, so this cannot happen
        raise ValueError("missing timestamp")
    return timezone.localdate(value)


def _add(deltas: Deltas, unit_id: int, day: dt.date, field: str, n: int = 1) -> None:
    row = deltas.setdefault((unit_id, day), {})
    row[field] = row.get(field, 0) + n


def _add_author(
    authors: ReporterDeltas | None, author_id: int | None, unit_id: int, day: dt.date, field: str, n: int = 1
) -> None:
    if authors is None or not author_id:
        return
    row = authors.setdefault((author_id, unit_id, day.replace(day=1)), {})
    row[field] = row.get(field, 0) + n


def _add_category(deltas: Deltas, unit_id: int, day: dt.date, category: str, n: int = 1) -> None:
    """The built-in categories have a counter each; one the office added later counts in ``submitted``
    only (the dashboard shows it within 其他类别)."""
    field = CATEGORY_FIELDS.get(category)
    if field is not None:
        _add(deltas, unit_id, day, field, n)


def _is_first_answer(report: Report) -> bool:
    earlier = Report.objects.filter(
        solicitation_id=report.solicitation_id, source_unit_id=report.source_unit_id, sent_at__isnull=False
    ).exclude(pk=report.pk)
    return (
        not earlier.filter(sent_at__lt=report.sent_at).exists()
        and not earlier.filter(sent_at=report.sent_at, pk__lt=report.pk).exists()
    )


def _take_up(event: DomainEvent, deltas: Deltas) -> None:
    """接收时效: a submission taken up from 待接收 (claimed, or decided at once) at its target unit."""
    p = event.payload
    if event.event_type not in TAKE_UP or p.get("from") != "received" or not event.unit_id:
        return
    if not p.get("received_at") or not p.get("claimed_at"):
        return
    received, claimed = (
        dt.datetime.fromisoformat(p["received_at"]),
        dt.datetime.fromisoformat(p["claimed_at"]),
    )
    day = _day(claimed)
    _add(deltas, event.unit_id, day, "received")
    _add(deltas, event.unit_id, day, "receive_seconds", max(0, int((claimed - received).total_seconds())))


def event_deltas(event: DomainEvent, authors: ReporterDeltas | None = None) -> Deltas:
    """What one event changes in the units' own counters (the tree rows follow from the ancestors), and,
    given ``authors``, in the reporters' months."""
    deltas: Deltas = {}
    _take_up(event, deltas)
    kind, p = event.event_type, event.payload
    if kind == "report.sent":
        report = Report.objects.filter(pk=event.object_id, sent_at__isnull=False).first()
        if report is None or report.sent_at is None:
            return deltas
        earlier = (
            DomainEvent.objects.filter(event_type="report.sent", object_id=report.pk, pk__lt=event.pk)
            .order_by("-pk")
            .first()
        )
        if earlier is not None:
            # Sent again after a withdrawal: the item counts once, on the day it was last sent.
            was = _day(earlier.created_at)
            _add(deltas, report.source_unit_id, was, "submitted", -1)
            _add_author(authors, report.author_id, report.source_unit_id, was, "submitted", -1)
            if not earlier.payload.get("late"):
                _add(deltas, report.source_unit_id, was, "on_time", -1)
            category = earlier.payload.get("category", report.category)
            _add_category(deltas, report.source_unit_id, was, category, -1)
        day = _day(report.sent_at)
        _add(deltas, report.source_unit_id, day, "submitted")
        _add_author(authors, report.author_id, report.source_unit_id, day, "submitted")
        if not p.get("late"):
            _add(deltas, report.source_unit_id, day, "on_time")
        _add_category(deltas, report.source_unit_id, day, report.category)
        if (
            report.solicitation_id is not None
            and _is_first_answer(report)
            and SolicitationTarget.objects.filter(
                solicitation_id=report.solicitation_id, unit_id=report.source_unit_id
            ).exists()
        ):
            _add(deltas, report.source_unit_id, day, "solicitation_answered")
    elif kind in {"issue.sign", "issue.withdraw"}:
        # Both the signing and its reversal count on the signing day (when the adoptions became final).
        issue = (
            Issue.objects.filter(pk=event.object_id).values_list("signed_at", "publication__unit_id").first()
        )
        if issue is None or issue[0] is None:
            return deltas
        day, sign = _day(issue[0]), 1 if kind == "issue.sign" else -1
        _add(deltas, issue[1], day, "issues", sign)
        field = ADOPTION_FIELDS.get(p.get("level", ""))
        rows = Submission.objects.filter(pk__in=p.get("submissions") or []).values_list(
            "report__source_unit_id", "report__author_id"
        )
        for unit_id, author_id in rows:
            if field:
                _add(deltas, unit_id, day, field, sign)
                _add_author(authors, author_id, unit_id, day, "adopted", sign)
    elif kind == "submission.adopt" and p.get("usage") in COUNTED_USAGES:
        sub = Submission.objects.select_related("report", "target_unit").filter(pk=event.object_id).first()
        if sub is not None and sub.decided_at is not None and sub.target_unit.level in ADOPTION_FIELDS:
            _add(
                deltas,
                sub.report.source_unit_id,
                _day(sub.decided_at),
                ADOPTION_FIELDS[sub.target_unit.level],
            )
            _add_author(
                authors, sub.report.author_id, sub.report.source_unit_id, _day(sub.decided_at), "adopted"
            )
    elif kind == "report.external_adoption":
        adoption = ExternalAdoption.objects.select_related("report").filter(pk=p.get("adoption_id")).first()
        if adoption is not None and adoption.level in ADOPTION_FIELDS:
            _add(
                deltas,
                adoption.report.source_unit_id,
                _day(adoption.created_at),
                ADOPTION_FIELDS[adoption.level],
            )
            _add_author(
                authors,
                adoption.report.author_id,
                adoption.report.source_unit_id,
                _day(adoption.created_at),
                "adopted",
            )
    elif kind == "instruction.create":
        instruction = Instruction.objects.filter(pk=event.object_id).first()
        if instruction is not None:
            units = set(
                IssueItemSource.objects.filter(item_id=instruction.item_id).values_list(
                    "submission__report__source_unit_id", flat=True
                )
            )
            for unit_id in sorted(units):
                _add(deltas, unit_id, _day(instruction.created_at), "instructions")
    elif kind == "solicitation.missed":
        target = SolicitationTarget.objects.filter(pk=p.get("target_id")).first()
        if target is not None and target.missed_at is not None:
            _add(deltas, target.unit_id, _day(target.missed_at), "solicitation_missed")
    return deltas


def _ancestors(unit_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each unit with itself and every unit above it (from the materialised path)."""
    paths = dict(Unit.objects.filter(pk__in=set(unit_ids)).values_list("pk", "path"))
    return {pk: [int(x) for x in path.strip("/").split("/") if x] for pk, path in paths.items()}


def _bump(
    model: type[StatsDaily] | type[StatsMonthly],
    when: dict[str, dt.date],
    unit_id: int,
    ancestors: list[int],
    changes: dict[str, int],
) -> None:
    """Add ``changes`` to the unit's own row and to the tree rows of the unit and its ancestors."""
    targets = [(unit_id, StatsDaily.Scope.OWN)] + [(a, StatsDaily.Scope.TREE) for a in ancestors]
    for target_unit, scope in targets:
        updated = model.objects.filter(unit_id=target_unit, scope=scope, **when).update(
            **{f: F(f) + n for f, n in changes.items()}
        )
        if not updated:
            model.objects.create(unit_id=target_unit, scope=scope, **when, **changes)


def apply_deltas(deltas: Deltas) -> None:
    """The day rows and, summed per month, the month rows."""
    chains = _ancestors(u for u, _ in deltas)
    months: Deltas = {}
    for (unit_id, day), counters in deltas.items():
        changes = {f: n for f, n in counters.items() if n}
        if not changes:
            continue
        _bump(StatsDaily, {"day": day}, unit_id, chains.get(unit_id, []), changes)
        for f, n in changes.items():
            _add(months, unit_id, day.replace(day=1), f, n)
    for (unit_id, month), counters in months.items():
        changes = {f: n for f, n in counters.items() if n}
        if changes:
            _bump(StatsMonthly, {"month": month}, unit_id, chains.get(unit_id, []), changes)


def _cents(points: Decimal) -> int:
    return int((Decimal(points) * 100).to_integral_value())


def ledger_rollup_apply(rows: Iterable[LedgerEntry], deltas: Deltas | None = None) -> None:
    """Add freshly written ledger rows to the day rows (with ``deltas`` of the same event, if any) and to
    the reporters' months. Called in the transaction that writes the rows."""
    deltas = {} if deltas is None else deltas
    authors: dict[tuple[int, int, int, int], Decimal] = defaultdict(Decimal)
    for row in rows:
        _add(deltas, row.unit_id, _day(row.occurred_at), "points_x100", _cents(row.points))
        _add(deltas, row.unit_id, _day(row.occurred_at), "ledger_rows")
        if row.author_id:
            authors[(row.author_id, row.unit_id, row.year, row.month)] += Decimal(row.points)
    apply_deltas(deltas)
    years: dict[tuple[int, int, int], Decimal] = defaultdict(Decimal)
    for (author_id, unit_id, year, month), points in authors.items():
        years[(author_id, unit_id, year)] += points
        _bump_points(AuthorMonthly, points, author_id=author_id, unit_id=unit_id, year=year, month=month)
    for (author_id, unit_id, year), points in years.items():
        _bump_points(AuthorYearly, points, author_id=author_id, unit_id=unit_id, year=year)


def _bump_points(model: type[AuthorMonthly] | type[AuthorYearly], points: Decimal, **key: int) -> None:
    if points and not model.objects.filter(**key).update(points=F("points") + points):
        model.objects.create(points=points, **key)


def reporter_apply(authors: ReporterDeltas) -> None:
    """Add the reporters' changes to their month rows."""
    for (author_id, unit_id, month), counters in authors.items():
        changes = {f: n for f, n in counters.items() if n}
        if not changes:
            continue
        key = {"author_id": author_id, "unit_id": unit_id, "month": month}
        if not ReporterMonthly.objects.filter(**key).update(**{f: F(f) + n for f, n in changes.items()}):
            ReporterMonthly.objects.create(**key, **changes)


def rollup_apply(event: DomainEvent, ledger_rows: Iterable[LedgerEntry] = ()) -> None:
    authors: ReporterDeltas = {}
    deltas = event_deltas(event, authors) if event.event_type in ROLLUP_EVENTS else {}
    ledger_rollup_apply(ledger_rows, deltas)
    reporter_apply(authors)


def _ledger_points(lo: dt.datetime, hi: dt.datetime, out: Deltas) -> None:
    for unit_id, at, points in (
        LedgerEntry.objects.filter(occurred_at__gte=lo, occurred_at__lt=hi)
        .values_list("unit_id", "occurred_at", "points")
        .iterator(chunk_size=5000)
    ):
        _add(out, unit_id, _day(at), "points_x100", _cents(points))
        _add(out, unit_id, _day(at), "ledger_rows")


def _months(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    """The (year, month) pairs that [start, end) touches."""
    out, y, m = [], start.year, start.month
    while (y, m) <= ((end - dt.timedelta(days=1)).year, (end - dt.timedelta(days=1)).month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _author_months(months: list[tuple[int, int]]) -> dict[tuple[int, int, int, int], Decimal]:
    out = {}
    for year in {y for y, _ in months}:
        for r in (
            LedgerEntry.objects.filter(
                author__isnull=False, year=year, month__in=[m for y, m in months if y == year]
            )
            .values("author_id", "unit_id", "year", "month")
            .annotate(p=Sum("points"))
            .order_by()
        ):
            if r["p"]:
                out[(r["author_id"], r["unit_id"], r["year"], r["month"])] = r["p"]
    return out


def _stored_author_months(months: list[tuple[int, int]]) -> dict[tuple[int, int, int, int], Decimal]:
    out = {}
    for year in {y for y, _ in months}:
        for a, u, y, m, p in AuthorMonthly.objects.filter(
            year=year, month__in=[m for y2, m in months if y2 == year]
        ).values_list("author_id", "unit_id", "year", "month", "points"):
            if p:
                out[(a, u, y, m)] = p
    return out


def _rebuild_author_months(months: list[tuple[int, int]]) -> None:
    """The reporters' months again from the ledger, then their years from all their months."""
    rows = _author_months(months)
    for year in {y for y, _ in months}:
        AuthorMonthly.objects.filter(year=year, month__in=[m for y, m in months if y == year]).delete()
    AuthorMonthly.objects.bulk_create(
        [
            AuthorMonthly(author_id=a, unit_id=u, year=y, month=m, points=p)
            for (a, u, y, m), p in rows.items()
        ],
        batch_size=2000,
    )
    years = {y for y, _ in months}
    totals = _months_by_year(years)
    AuthorYearly.objects.filter(year__in=years).delete()
    AuthorYearly.objects.bulk_create(
        [AuthorYearly(author_id=a, unit_id=u, year=y, points=p) for (a, u, y), p in totals.items()],
        batch_size=2000,
    )


def _months_by_year(years: set[int]) -> dict[tuple[int, int, int], Decimal]:
    """The reporters' month rows of these years, summed per year."""
    rows = (
        AuthorMonthly.objects.filter(year__in=years)
        .values("author_id", "unit_id", "year")
        .annotate(p=Sum("points"))
        .order_by()
    )
    return {(r["author_id"], r["unit_id"], r["year"]): r["p"] for r in rows if r["p"]}


def _stored_author_years(years: set[int]) -> dict[tuple[int, int, int], Decimal]:
    return {
        (a, u, y): p
        for a, u, y, p in AuthorYearly.objects.filter(year__in=years).values_list(
            "author_id", "unit_id", "year", "points"
        )
        if p
    }


def points_rebuild(start: dt.date, end: dt.date) -> None:
    """After ``recompute_scores``: the days' points and the months' reporter sums of [start, end) again
    from the ledger (whole days and months, so rows just outside the recomputed range stay counted)."""
    tz = timezone.get_current_timezone()
    own: Deltas = {}
    _ledger_points(
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end, dt.time.min, tzinfo=tz),
        own,
    )
    rows = _with_trees(own)
    days = StatsDaily.objects.filter(day__gte=start, day__lt=end)
    days.exclude(points_x100=0, ledger_rows=0).update(points_x100=0, ledger_rows=0)
    existing = {(u, sc, d): pk for pk, u, sc, d in days.values_list("pk", "unit_id", "scope", "day")}
    StatsDaily.objects.bulk_update(
        [
            StatsDaily(pk=existing[k], points_x100=c.get("points_x100", 0), ledger_rows=c["ledger_rows"])
            for k, c in rows.items()
            if k in existing
        ],
        ["points_x100", "ledger_rows"],
        batch_size=1000,
    )
    StatsDaily.objects.bulk_create(
        [
            StatsDaily(
                unit_id=u, scope=sc, day=d, points_x100=c.get("points_x100", 0), ledger_rows=c["ledger_rows"]
            )
            for (u, sc, d), c in rows.items()
            if (u, sc, d) not in existing
        ],
        batch_size=2000,
    )
    _rebuild_author_months(_months(start, end))
    refresh_months(start, end)


# ---- the month rows ------------------------------------------------------------------------------------


def _month_span(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The whole months that [start, end) touches, as [first day, first day after)."""
    last = end - dt.timedelta(days=1)
    after = dt.date(last.year + 1, 1, 1) if last.month == 12 else dt.date(last.year, last.month + 1, 1)
    return start.replace(day=1), after


def _rows(qs: Iterable[dict[str, Any]], when: str) -> dict[tuple[int, str, dt.date], dict[str, int]]:
    """Rollup rows as {(unit, scope, day or month): nonzero counters}."""
    out = {}
    for row in qs:
        counters = {f: int(row[f]) for f in COUNTERS if row[f]}
        if counters:
            out[(row["unit_id"], row["scope"], row[when])] = counters
    return out


def days_by_month(start: dt.date, end: dt.date) -> dict[tuple[int, str, dt.date], dict[str, int]]:
    """The day rows of the months that [start, end) touches, summed per month."""
    lo, hi = _month_span(start, end)
    return _rows(
        StatsDaily.objects.filter(day__gte=lo, day__lt=hi)
        .annotate(m=TruncMonth("day"))
        .values("unit_id", "scope", "m")
        .annotate(**{f: Sum(f) for f in COUNTERS})
        .order_by(),
        "m",
    )


def stored_months(start: dt.date, end: dt.date) -> dict[tuple[int, str, dt.date], dict[str, int]]:
    lo, hi = _month_span(start, end)
    return _rows(
        StatsMonthly.objects.filter(month__gte=lo, month__lt=hi).values(
            "unit_id", "scope", "month", *COUNTERS
        ),
        "month",
    )


def refresh_months(start: dt.date, end: dt.date) -> None:
    """After the day rows of [start, end) were rebuilt: the month rows of every month it touches again
    from the day rows (whole months, so days outside the range stay counted)."""
    lo, hi = _month_span(start, end)
    rows = days_by_month(start, end)
    StatsMonthly.objects.filter(month__gte=lo, month__lt=hi).delete()
    StatsMonthly.objects.bulk_create(
        [StatsMonthly(unit_id=u, scope=sc, month=m, **c) for (u, sc, m), c in rows.items()], batch_size=2000
    )


# ---- the full recount -----------------------------------------------------------------------------------


def recount(start: dt.date, end: dt.date, authors: ReporterDeltas | None = None) -> Deltas:
    """Every unit's own counters for days in [start, end), counted from the source rows (and, given
    ``authors``, the reporters' counters of those days)."""
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end, dt.time.min, tzinfo=tz)
    out: Deltas = {}
    for unit_id, author_id, sent_at, late, category in Report.objects.filter(
        sent_at__gte=lo, sent_at__lt=hi
    ).values_list("source_unit_id", "author_id", "sent_at", "late", "category"):
        day = _day(sent_at)
        _add(out, unit_id, day, "submitted")
        _add_author(authors, author_id, unit_id, day, "submitted")
        if not late:
            _add(out, unit_id, day, "on_time")
        _add_category(out, unit_id, day, category)
    printed = IssueItemSource.objects.filter(
        active=True, credited_at__gte=lo, credited_at__lt=hi
    ).values_list(
        "submission__report__source_unit_id",
        "submission__report__author_id",
        "credited_at",
        "item__issue__publication__unit__level",
    )
    for unit_id, author_id, at, level in printed:
        if level in ADOPTION_FIELDS:
            _add(out, unit_id, _day(at), ADOPTION_FIELDS[level])
            _add_author(authors, author_id, unit_id, _day(at), "adopted")
    decided = Submission.objects.filter(
        usage__in=COUNTED_USAGES, status="adopted", decided_at__gte=lo, decided_at__lt=hi
    ).values_list("report__source_unit_id", "report__author_id", "decided_at", "target_unit__level")
    for unit_id, author_id, at, level in decided:
        if level in ADOPTION_FIELDS:
            _add(out, unit_id, _day(at), ADOPTION_FIELDS[level])
            _add_author(authors, author_id, unit_id, _day(at), "adopted")
    for unit_id, author_id, at, level in ExternalAdoption.objects.filter(
        created_at__gte=lo, created_at__lt=hi
    ).values_list("report__source_unit_id", "report__author_id", "created_at", "level"):
        _add(out, unit_id, _day(at), ADOPTION_FIELDS[level])
        _add_author(authors, author_id, unit_id, _day(at), "adopted")
    for unit_id, at in Issue.objects.filter(
        signed_at__gte=lo, signed_at__lt=hi, withdrawn_at__isnull=True
    ).values_list("publication__unit_id", "signed_at"):
        _add(out, unit_id, _day(at), "issues")
    pairs = set(
        Instruction.objects.filter(created_at__gte=lo, created_at__lt=hi).values_list(
            "pk", "created_at", "item__sources__submission__report__source_unit_id"
        )
    )
    for _, at, unit_id in pairs:
        if unit_id is not None:
            _add(out, unit_id, _day(at), "instructions")
    for unit_id, at in SolicitationTarget.objects.filter(
        first_answer_at__gte=lo, first_answer_at__lt=hi
    ).values_list("unit_id", "first_answer_at"):
        _add(out, unit_id, _day(at), "solicitation_answered")
    # Receive time is counted from the workflow's own record of each take-up (its event), because the
    # submission row keeps only the latest received_at once an item is resubmitted.
    for event in DomainEvent.objects.filter(event_type__in=TAKE_UP, payload__from="received").iterator(
        chunk_size=2000
    ):
        claimed = event.payload.get("claimed_at")
        if claimed and lo <= dt.datetime.fromisoformat(claimed) < hi:
            _take_up(event, out)
    for unit_id, at in SolicitationTarget.objects.filter(missed_at__gte=lo, missed_at__lt=hi).values_list(
        "unit_id", "missed_at"
    ):
        _add(out, unit_id, _day(at), "solicitation_missed")
    _ledger_points(lo, hi, out)
    return out


def _with_trees(own: Deltas) -> dict[tuple[int, str, dt.date], dict[str, int]]:
    chains = _ancestors(u for u, _ in own)
    rows: dict[tuple[int, str, dt.date], dict[str, int]] = defaultdict(dict)
    for (unit_id, day), counters in own.items():
        for target, scope in [(unit_id, "own")] + [(a, "tree") for a in chains.get(unit_id, [])]:
            row = rows[(target, scope, day)]
            for f, n in counters.items():
                row[f] = row.get(f, 0) + n
    return {k: {f: n for f, n in v.items() if n} for k, v in rows.items() if any(v.values())}


def stored(start: dt.date, end: dt.date) -> dict[tuple[int, str, dt.date], dict[str, int]]:
    return _rows(
        StatsDaily.objects.filter(day__gte=start, day__lt=end).values("unit_id", "scope", "day", *COUNTERS),
        "day",
    )


def compare(start: dt.date, end: dt.date) -> list[str]:
    """Differences between the rollups and a full recount (empty when they agree). The month rows (with
    the day rows summed) and the reporters' months (with the ledger) are compared for every month that
    [start, end) touches, the reporters' years (with their months) for every year it touches."""
    expected, actual = _with_trees(recount(start, end)), stored(start, end)
    diffs = []
    for key in sorted(set(expected) | set(actual), key=lambda k: (k[2], k[0], k[1])):
        if expected.get(key, {}) != actual.get(key, {}):
            diffs.append(
                f"单位 {key[0]} {key[1]} {key[2]}：应为 {expected.get(key, {})}，实为 {actual.get(key, {})}"
            )
    by_month, month_rows = days_by_month(start, end), stored_months(start, end)
    for key in sorted(set(by_month) | set(month_rows), key=lambda k: (k[2], k[0], k[1])):
        if by_month.get(key, {}) != month_rows.get(key, {}):
            diffs.append(
                f"单位 {key[0]} {key[1]} {key[2]:%Y年%m月}月度汇总：应为 {by_month.get(key, {})}，"
                f"实为 {month_rows.get(key, {})}"
            )
    months = _months(start, end)
    years = {y for y, _ in months}
    summed, year_rows = _months_by_year(years), _stored_author_years(years)
    for year_key in sorted(set(summed) | set(year_rows)):
        if summed.get(year_key) != year_rows.get(year_key):
            author, unit, year = year_key
            diffs.append(
                f"信息员 {author} 单位 {unit} {year}年全年积分：应为 {summed.get(year_key, 0)}，"
                f"实为 {year_rows.get(year_key, 0)}"
            )
    lo, hi = _month_span(start, end)
    counted, kept = reporters_recount(lo, hi), stored_reporters(lo, hi)
    for rkey in sorted(set(counted) | set(kept)):
        if counted.get(rkey, {}) != kept.get(rkey, {}):
            author, unit, month = rkey
            diffs.append(
                f"信息员 {author} 单位 {unit} {month:%Y年%m月}报送与采用：应为 {counted.get(rkey, {})}，"
                f"实为 {kept.get(rkey, {})}"
            )
    want, have = _author_months(months), _stored_author_months(months)
    for author_key in sorted(set(want) | set(have)):
        if want.get(author_key) != have.get(author_key):
            author, unit, year, month = author_key
            diffs.append(
                f"信息员 {author} 单位 {unit} {year}年{month}月积分："
                f"应为 {want.get(author_key, 0)}，实为 {have.get(author_key, 0)}"
            )
    return diffs


def reporters_recount(lo: dt.date, hi: dt.date) -> ReporterDeltas:
    """The reporters' month counters of the whole months [lo, hi), from the source rows."""
    authors: ReporterDeltas = {}
    recount(lo, hi, authors)
    return {k: {f: n for f, n in v.items() if n} for k, v in authors.items() if any(v.values())}


def stored_reporters(lo: dt.date, hi: dt.date) -> ReporterDeltas:
    out: ReporterDeltas = {}
    for a, u, m, s, ad in ReporterMonthly.objects.filter(month__gte=lo, month__lt=hi).values_list(
        "author_id", "unit_id", "month", "submitted", "adopted"
    ):
        counters = {f: n for f, n in (("submitted", s), ("adopted", ad)) if n}
        if counters:
            out[(a, u, m)] = counters
    return out


def rebuild(start: dt.date, end: dt.date) -> int:
    """Replace the rollups of [start, end) by the recount (the reporters' rows for the whole months)."""
    rows = _with_trees(recount(start, end))
    lo, hi = _month_span(start, end)
    reporters = reporters_recount(lo, hi)
    with transaction.atomic():
        ReporterMonthly.objects.filter(month__gte=lo, month__lt=hi).delete()
        ReporterMonthly.objects.bulk_create(
            [ReporterMonthly(author_id=a, unit_id=u, month=m, **c) for (a, u, m), c in reporters.items()],
            batch_size=2000,
        )
        StatsDaily.objects.filter(day__gte=start, day__lt=end).delete()
        StatsDaily.objects.bulk_create(
            [StatsDaily(unit_id=u, scope=s, day=d, **c) for (u, s, d), c in rows.items()], batch_size=2000
        )
        _rebuild_author_months(_months(start, end))
        refresh_months(start, end)
    return len(rows)
