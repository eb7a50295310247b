"""Build (or reuse) the load test's database and pick its cast; run by bench/load/run.py in a child process
whose environment names the database (BAOSONG_DATA_DIR / DATABASE_URL).

    prepare.py --units N --users N --items N [--reuse] --cast OUT.json

Without --reuse, or when the database holds fewer than --items items: migrate, seed_scale (units, users,
items), the domain events of the seeded rows (bench/item_events.py), the statistics rollups and the ledger
for the last year, the search index, ANALYZE (VACUUM ANALYZE on PostgreSQL). Then the cast (always): real
accounts of the scale province by role — the province and a busy county's editors, reporters, reviewers —
plus what the pages need that seed_scale does not make: a publication with an open issue for each county
desk (created as rows: the service wants a system administrator), and a 领导 membership for a few
county-office staff. All the scale accounts share seed_scale's password.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BENCH_DIR.parent))

PASSWORD = "Scale#2026pw"  # seed_scale's one password for every generated account
DAY_DESKS = 24  # counties whose reporters, reviewers, editor and leader act in the working day


def log(msg: str) -> None:
    print(f"   {msg}", file=sys.stderr, flush=True)


def build(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from baosong.demo.scale import seed_scale
    from baosong.demo.scale_items import seed_items
    from baosong.scoring.rollups import rebuild
    from baosong.scoring.services import recompute_scores
    from baosong.search import indexer
    from bench.item_events import write_item_events

    took: dict[str, float] = {}

    def step(name: str, fn: Any) -> Any:
        start = time.perf_counter()
        result = fn()
        took[name] = round(time.perf_counter() - start, 1)
        log(f"{name}: {took[name]} s")
        return result

    scale = step("seed_units_users", lambda: seed_scale(units=args.units, users=args.users))
    step("seed_items", lambda: seed_items(root=scale.root, items=args.items, days=365))
    step("write_events", write_item_events)
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    start, end = today - dt.timedelta(days=366), today + dt.timedelta(days=1)
    step("rebuild_rollups", lambda: rebuild(start, end))
    step(
        "recompute_scores",
        lambda: recompute_scores(
            start=dt.datetime.combine(start, dt.time.min, tzinfo=tz),
            end=dt.datetime.combine(end, dt.time.min, tzinfo=tz),
        ),
    )
    step("reindex", lambda: indexer.reindex())
    step("settle_outbox", settle_outbox)
    # PostgreSQL: VACUUM too, as autovacuum would have done on a live database long before this much data
    # is read: without it the visibility map is empty and every index-only scan (the inbox's count, the
    # ledger's) visits the heap row by row.
    analyze = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
    with connection.cursor() as cur:
        step("analyze", lambda: cur.execute(analyze))
    return took


def settle_outbox() -> None:
    """The rollups, the ledger and the index were just rebuilt from the event rows: mark those events
    delivered to every consumer, as the rebuild commands leave them, or the worker would spend the whole
    run handing the seeded history to the consumers a second time."""
    from baosong.core import outbox
    from baosong.core.models import DomainEvent, EventCursor

    newest = DomainEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for name in list(outbox._consumers):
        EventCursor.objects.update_or_create(consumer=name, defaults={"last_event_id": newest})


def _editor(unit: Any) -> Any:
    from baosong.orgs.models import Membership, Role

    m = Membership.objects.filter(unit=unit, role=Role.EDITOR, user__is_active=True).order_by("pk").first()
    return m.user if m else None


def _open_issue(county: Any, editor: Any) -> Any:
    from baosong.editorial import services as editorial
    from baosong.editorial.models import Issue, IssueStatus, Publication

    pub, _ = Publication.objects.get_or_create(unit=county, name=f"{county.name[:20]}信息")
    issue = Issue.objects.filter(publication=pub, status=IssueStatus.EDITING).order_by("pk").first()
    return issue or editorial.issue_create(by=editor, publication=pub)


def cast() -> dict[str, Any]:
    from django.db.models import Count

    from baosong.editorial import services as editorial
    from baosong.orgs.models import Membership, ReviewStep, Role, Unit
    from baosong.reports.models import Report, ReportStatus, Submission, SubmissionStatus

    root = Unit.objects.filter(parent__isnull=True, code__startswith="SC").order_by("pk").first()
    assert root is not None, "no seed_scale province in this database"
    counties = list(Unit.objects.filter(level="county", kind="government", path__startswith=root.path))
    inbox = dict(
        Submission.objects.filter(target_unit__in=counties, is_active=True)
        .values_list("target_unit_id")
        .annotate(n=Count("id"))
        .values_list("target_unit_id", "n")
    )
    counties.sort(key=lambda u: -inbox.get(u.pk, 0))
    county = counties[0]  # the busiest county desk: the pages' worst case
    county_editor = _editor(county)
    sources = dict(
        Report.objects.filter(source_unit__path__startswith=county.path)
        .values_list("source_unit_id")
        .annotate(n=Count("id"))
        .values_list("source_unit_id", "n")
    )
    reporter_m = (
        Membership.objects.filter(unit_id__in=list(sources), role=Role.REPORTER, user__is_active=True)
        .select_related("user", "unit")
        .order_by("pk")
    )
    reporter = max(reporter_m, key=lambda m: sources[m.unit_id])
    item = (
        Report.objects.filter(source_unit=reporter.unit, status=ReportStatus.SENT)
        .order_by("-sent_at")
        .first()
    )
    sub = Submission.objects.filter(target_unit=county, is_active=True).order_by("-pk").first()
    issue = _open_issue(county, county_editor)
    if not issue.items.exists():
        adopted = list(
            Submission.objects.filter(
                target_unit=county, status=SubmissionStatus.ADOPTED, issue_sources__isnull=True
            )
            .order_by("-pk")
            .values_list("pk", flat=True)[:6]
        )
        if adopted:
            editorial.issue_item_add(issue=issue, by=county_editor, submission_ids=adopted)

    # The working day: DAY_DESKS counties, each with its editor, a leader, its reviewers and reporters.
    desks = []
    reviewed = set(ReviewStep.objects.values_list("unit_id", flat=True))
    for c in counties[:DAY_DESKS]:
        editor = _editor(c)
        if editor is None:
            continue
        staff = (
            Membership.objects.filter(unit=c, role=Role.REPORTER, user__is_active=True).order_by("pk").first()
        )
        if staff is not None:
            Membership.objects.get_or_create(user_id=staff.user_id, unit=c, role=Role.LEADER)
        reporters = list(
            Membership.objects.filter(
                unit__path__startswith=c.path,
                role=Role.REPORTER,
                user__is_active=True,
                unit__level="township",
            )
            .order_by("pk")
            .values_list("user__username", "unit_id")[:12]
        )
        reviewers = list(
            Membership.objects.filter(
                unit__path__startswith=c.path, role=Role.REVIEWER, user__is_active=True, unit_id__in=reviewed
            )
            .order_by("pk")
            .values_list("user__username", flat=True)[:4]
        )
        desks.append(
            {
                "county": c.name,
                "editor": editor.username,
                "leader": staff.user.username if staff else None,
                "issue": _open_issue(c, editor).pk,
                "reporters": [u for u, _ in reporters],
                "reviewers": reviewers,
            }
        )
    month = dt.date.today().strftime("%Y-%m")
    return {
        "password": PASSWORD,
        "province": root.name,
        "county": county.name,
        "county_inbox": inbox.get(county.pk, 0),
        "reporter_unit": reporter.unit.name,
        "reporter_unit_items": sources[reporter.unit_id],
        "users": {
            "province_editor": _editor(root).username,
            "county_editor": county_editor.username,
            "reporter": reporter.user.username,
        },
        "ids": {"item": item.pk if item else None, "submission": sub.pk if sub else None, "issue": issue.pk},
        "month": month,
        "year": month[:4],
        "desks": desks,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, required=True)
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--items", type=int, required=True)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--cast", required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from baosong.reports.models import Report

    call_command("migrate", verbosity=0)
    out: dict[str, Any] = {}
    existing = Report.objects.count()
    if args.reuse and existing >= args.items:
        log(f"reusing the database: {existing} items")
        out["reused"] = True
    else:
        assert existing == 0, "the database already holds items: pass --reuse, or start from an empty one"
        out["build_s"] = build(args)
    out["items"] = Report.objects.count()
    out.update(cast())
    Path(args.cast).write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
