"""A province's structured-report collection for benchmarks: every unit of a subtree returns N rows of the
政务接待信息报告表 for one month, fixed bottom-up with the totals the system computes.

It writes what ``datareports.services.return_submit`` writes for each unit — a submitted Return (its rows
as data, the latest totals and row count copied) and version 1 (own rows with their ids and report
stamps, the children's version ids, totals folded with ``schema.totals_of_rows`` and ``schema.combine``,
lateness in working days on the root's calendar) — but as bulk inserts with explicit ids, bottom-up, in
one transaction: minutes for a province instead of hours through 30,000 service calls. It writes no audit
records or domain events (as ``scale.py``). The rows are valid (``schema.clean_data`` finds nothing to
change), their text from ``data/scale_datareports.json``."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from baosong.datareports import periods, schema
from baosong.datareports.models import Collection, Return, ReturnStatus, ReturnVersion
from baosong.datareports.services import version_on
from baosong.demo.scale import NAMES as UNIT_NAMES
from baosong.demo.texts import load
from baosong.orgs.models import Membership, Unit
from baosong.workdays.calendar import calendar_for, end_of_day

TEXT = load("scale_datareports.json")
BATCH = 2000


@dataclass
class SeedResult:
    returns: int
    rows: int
    root_version_id: int


def reception_rows(
    rng: random.Random, unit_name: str, period_start: dt.date, count: int
) -> list[dict[str, Any]]:
    """``count`` rows of the 接待 form as stored (money as "1234.50", times as "YYYY-MM-DDTHH:MM")."""
    rows = []
    last = (period_start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    for _ in range(count):
        day = period_start + dt.timedelta(days=rng.randrange((last - period_start).days + 1))
        guests = rng.randint(1, 12)
        lodging = Decimal(rng.choice([0, 0, 260, 300, 380, 450]) * rng.randint(0, 2))
        meals = Decimal(rng.randint(0, 40) * 30) + Decimal(rng.choice(["0", "0.50"]))
        transport = Decimal(rng.choice([0, 0, 50, 120, 200]))
        other = Decimal(rng.choice([0, 0, 0, 30]))
        total = lodging + meals + transport + other
        name = (
            rng.choice(UNIT_NAMES["surnames"])
            + rng.choice(UNIT_NAMES["given"])
            + rng.choice(UNIT_NAMES["given"])
        )
        host = rng.choice(UNIT_NAMES["surnames"]) + rng.choice(UNIT_NAMES["given"])
        row: dict[str, Any] = {
            "time": f"{day.isoformat()}T{rng.randint(8, 17):02d}:{rng.choice(['00', '30'])}",
            "place": rng.choice(TEXT["places"]).format(unit=unit_name)[:200],
            "guest": {
                "name": name,
                "title": rng.choice(TEXT["guest_titles"]),
                "unit": rng.choice(TEXT["guest_units"]),
            },
            "guests_total": guests,
            "opposite_sex": rng.randint(0, guests),
            "staff": rng.randint(0, min(guests, 3)),
            "scope": rng.choice(TEXT["scopes"]),
            "std_meals": f"{rng.choice([30, 40, 50]):.2f}",
            "std_transport": rng.choice(TEXT["transport"]),
            "cost_lodging": f"{lodging:.2f}",
            "cost_meals": f"{meals:.2f}",
            "cost_transport": f"{transport:.2f}",
            "cost_other": f"{other:.2f}",
            "cost_total": f"{total:.2f}",
            "payment": rng.choice(["公务卡", "公务卡", "银行转账"]),
            "payer": unit_name,
            "host": {"name": host, "title": rng.choice(TEXT["host_titles"]), "unit": unit_name},
            "host_phone": f"1{rng.randint(3, 9)}{rng.randrange(10**9):09d}",
        }
        if lodging:
            row["std_lodging"] = f"{rng.choice([300, 380, 450]):.2f}"
        rows.append(row)
    rows.sort(key=lambda r: r["time"])
    return rows


def seed_collection(
    collection: Collection, *, rows_per_unit: int = 5, late_share: float = 0.05, seed: int = 7
) -> SeedResult:
    """Every active unit of the collection's levels returns ``rows_per_unit`` rows and is fixed, from the
    deepest level up to the root, as ``return_submit`` would fix it on the day it is submitted: units
    submit a few days before their due day, ``late_share`` of them a few working days after it."""
    rng = random.Random(seed)
    root = collection.root_unit
    form_version = version_on(collection.form, collection.period_start)
    sch = form_version.schema
    cal = calendar_for(
        root, start=collection.period_start, end=collection.period_end + dt.timedelta(days=120)
    )
    units = list(
        Unit.objects.filter(
            path__startswith=root.path, is_active=True, depth__lt=root.depth + len(collection.levels)
        ).values_list("pk", "parent_id", "depth", "name")
    )
    people = dict(
        Membership.objects.filter(unit_id__in=[u[0] for u in units])
        .values_list("unit_id", "user_id")
        .order_by()
    )
    fallback = collection.created_by_id
    repeating = {s["key"] for s in schema.sections(sch) if s.get("repeating")}
    tz = timezone.get_current_timezone()
    levels = [lv["due"] for lv in collection.levels]
    dues = [end_of_day(periods.due_date(rule, collection.period_end, cal)) for rule in levels]

    next_ret = (Return.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    next_version = (ReturnVersion.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    done: dict[int, tuple[int, dict[str, Any], int, dt.datetime]] = {}  # unit → version id, totals, rows, at
    children: dict[int, list[int]] = {}
    for pk, parent_id, _, _ in units:
        children.setdefault(parent_id, []).append(pk)
    returns: list[Return] = []
    versions: list[ReturnVersion] = []
    total_rows = 0
    with transaction.atomic():
        for pk, parent_id, depth, name in sorted(units, key=lambda u: -u[2]):
            level = depth - root.depth
            rule = levels[level]
            due = dues[level]
            below = [done[c] for c in sorted(children.get(pk, [])) if c in done]
            # A unit submits after the last of its children, a few days before its own due day (or late).
            earliest = max([b[3] for b in below], default=due - dt.timedelta(days=12))
            if rng.random() < late_share:
                at = due + dt.timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 6))
            else:
                at = due - dt.timedelta(days=rng.randint(1, 5), hours=rng.randint(1, 8))
            at = max(at, earliest + dt.timedelta(hours=2)).astimezone(tz).replace(second=0, microsecond=0)
            own = {"rows": reception_rows(rng, name, collection.period_start, rows_per_unit)}
            own["filler"] = [{"name": "张三", "phone": f"0571-{rng.randrange(10**7, 10**8)}"}]
            row_late = _stamp(own, sch, rule, cal, at, rng)
            period_late = cal.workdays_between(due.astimezone(tz).date(), at.date()) if at > due else 0
            late_days = max(row_late, period_late)
            late = late_days > 0 or at > due
            own_totals = schema.totals_of_rows(sch, own)
            totals = schema.combine(sch, [own_totals, *[b[1] for b in below]])
            row_count = sum(len(v) for k, v in own.items() if k in repeating) + sum(b[2] for b in below)
            total_rows += sum(len(v) for k, v in own.items() if k in repeating)
            by = people.get(pk, fallback)
            ret_id, version_id = next_ret, next_version
            next_ret += 1
            next_version += 1
            returns.append(
                Return(
                    id=ret_id,
                    collection_id=collection.pk,
                    unit_id=pk,
                    parent_unit_id=parent_id if level > 0 else None,
                    level=level,
                    form_version_id=form_version.pk,
                    status=ReturnStatus.SUBMITTED,
                    data=own,
                    due_at=due,
                    submitted_at=at,
                    submitted_by_id=by,
                    late=late,
                    late_workdays=late_days,
                    version_count=1,
                    totals=totals,
                    row_count=row_count,
                    updated_at=at,
                    updated_by_id=by,
                )
            )
            versions.append(
                ReturnVersion(
                    id=version_id,
                    ret_id=ret_id,
                    number=1,
                    own=own,
                    children={str(c): done[c][0] for c in children.get(pk, []) if c in done},
                    totals=totals,
                    row_count=row_count,
                    late=late,
                    late_workdays=late_days,
                    submitted_by_id=by,
                    submitted_at=at,
                )
            )
            done[pk] = (version_id, totals, row_count, at)
            # Children are inserted before their parents: a parent's version refers to theirs by id.
            if len(versions) >= BATCH:
                _flush(returns, versions)
        _flush(returns, versions)
        with connection.cursor() as cur:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Return, ReturnVersion]):
                cur.execute(sql)
    return SeedResult(returns=len(done), rows=total_rows, root_version_id=done[root.pk][0])


def _flush(returns: list[Return], versions: list[ReturnVersion]) -> None:
    Return.objects.bulk_create(returns, batch_size=BATCH)
    ReturnVersion.objects.bulk_create(versions, batch_size=BATCH)
    returns.clear()
    versions.clear()


def _stamp(
    own: dict[str, Any],
    sch: dict[str, Any],
    rule: dict[str, Any],
    cal: Any,
    at: dt.datetime,
    rng: random.Random,
) -> int:
    """Row ids, and for an event-driven level each row's report day and its lateness (as ``_stamp_rows``);
    returns the worst lateness in working days."""
    worst = 0
    reported = timezone.localtime(at).date()
    for s in schema.sections(sch):
        if not s.get("repeating"):
            continue
        for row in own.get(s["key"]) or []:
            row["_id"] = f"{rng.getrandbits(48):012x}"
            if rule.get("kind") != "event_workdays" or not s.get("event_field"):
                continue
            row["_reported"] = reported.isoformat()
            due = periods.row_due(rule, row.get(s["event_field"]), cal)
            row["_late"] = cal.workdays_between(due, reported) if due else 0
            worst = max(worst, row["_late"])
    return worst
