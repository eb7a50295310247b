"""The statistics rollups are maintained from the domain events; after any sequence of workflow actions
they equal a full recount from the source rows."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baosong.core.outbox import deliver
from baosong.editorial import services as editorial
from baosong.editorial.models import Issue, IssueStatus, Publication
from baosong.editorial.tests.conftest import sent_to_county
from baosong.reports import services as reports
from baosong.reports.models import Submission, SubmissionStatus
from baosong.scoring.models import AuthorYearly, StatsDaily, StatsMonthly
from baosong.scoring.rollups import compare, stored_months

CATEGORIES = ["work_update", "experience", "problem", "policy", "research", "public_opinion"]
ACTIONS = [
    "send",
    "send_late_urgent",
    "adopt_issue",
    "adopt_special",
    "adopt_website",
    "decline",
    "sign",
    "withdraw",
    "external",
    "forward_adopt",
]


def window() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return today - dt.timedelta(days=2), today + dt.timedelta(days=2)


class World:
    def __init__(self, cast: Any) -> None:
        self.cast = cast
        self.pub = Publication.objects.get(name="东湖政务信息")
        self.n = 0

    def waiting(self) -> Submission | None:
        return (
            Submission.objects.filter(
                target_unit=self.cast.county_editor.unit,
                status__in=[SubmissionStatus.RECEIVED, SubmissionStatus.CLAIMED],
            )
            .order_by("pk")
            .first()
        )

    def run(self, action: str, pick: int) -> None:
        c, editor = self.cast, self.cast.county_editor.user
        self.n += 1
        if action == "send":
            sent_to_county(c, f"信息{self.n}", category=CATEGORIES[pick % len(CATEGORIES)])
        elif action == "send_late_urgent":
            sent_to_county(
                c, f"迟报{self.n}", urgency="urgent", event_time=timezone.now() - dt.timedelta(days=7)
            )
        elif action == "withdraw_resend":
            sub = self.waiting()
            if sub is None or sub.status != SubmissionStatus.RECEIVED:
                return
            reporter = c.township_reporter.user
            report = reports.report_withdraw(report=sub.report, by=reporter)
            report = reports.report_reopen(report=report, by=reporter)
            reports.report_update(report=report, by=reporter, category=CATEGORIES[pick % len(CATEGORIES)])
            report = reports.report_submit(report=report, by=reporter)
            while report.status == "in_review":
                report = reports.report_approve(report=report, by=c.township_reviewer.user)
        elif action.startswith("adopt_") or action == "decline":
            sub = self.waiting()
            if sub is None:
                return
            if action == "decline":
                reports.submission_decline(submission=sub, by=editor)
            else:
                usage = {
                    "adopt_issue": "issue",
                    "adopt_special": "special_report",
                    "adopt_website": "website",
                }[action]
                reports.submission_adopt(submission=sub, by=editor, usage=usage)
        elif action == "sign":
            candidates = list(
                Submission.objects.filter(
                    target_unit=c.county_editor.unit, status="adopted", issue_sources__isnull=True
                ).values_list("pk", flat=True)[:3]
            )
            if not candidates:
                return
            issue = editorial.issue_create(by=editor, publication=self.pub)
            editorial.issue_item_add(issue=issue, by=editor, submission_ids=candidates)
            editorial.issue_submit(issue=issue, by=editor)
            editorial.issue_sign(issue=issue, by=c.county_chief.user)
        elif action == "withdraw":
            signed = Issue.objects.filter(status=IssueStatus.SIGNED).order_by("pk").first()
            if signed is not None:
                editorial.issue_withdraw(issue=signed, by=c.county_chief.user, reason="核实")
        elif action == "external":
            sub = Submission.objects.filter(target_unit=c.county_editor.unit).order_by("-pk").first()
            if sub is not None:
                reports.external_adoption_record(
                    report=sub.report,
                    by=editor,
                    unit=c.county_editor.unit,
                    publication_name="省《每日要情》",
                    level=["county", "city", "province", "national"][pick % 4],
                    date=timezone.localdate(),
                )
        elif action == "forward_adopt":
            sub = self.waiting()
            if sub is None:
                return
            reports.submission_forward(submission=sub, by=editor)
            up = Submission.objects.get(forwarded_from=sub)
            reports.submission_adopt(submission=up, by=c.city_editor.user, usage="special_report")
        deliver("scoring")


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 20)), min_size=1, max_size=12))
def test_rollups_equal_a_full_recount_after_any_sequence(cast, steps):
    world = World(cast)
    for action, pick in steps:
        world.run(action, pick)
    start, end = window()
    assert compare(start, end) == []


def test_the_check_command_finds_a_tampered_rollup_and_rebuild_repairs_it(cast, capsys):
    world = World(cast)
    for action in ["send", "send", "adopt_special", "adopt_issue", "sign"]:
        world.run(action, 1)
    call_command("check_rollups")
    row = StatsDaily.objects.filter(scope="tree", submitted__gt=0).first()
    StatsDaily.objects.filter(pk=row.pk).update(submitted=row.submitted + 5)
    import pytest
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("check_rollups")
    call_command("check_rollups", "--rebuild")
    call_command("check_rollups")
    assert "一致" in capsys.readouterr().out


def test_a_tampered_month_row_is_found_and_rebuilt_from_the_day_rows(cast, capsys):
    from django.core.management import CommandError

    world = World(cast)
    for action in ["send", "send", "adopt_special"]:
        world.run(action, 1)
    today = timezone.localdate()
    month = StatsMonthly.objects.get(unit=cast.province_editor.unit, scope="tree", month=today.replace(day=1))
    assert month.submitted == 2 and month.adopted_county == 1
    StatsMonthly.objects.filter(pk=month.pk).update(submitted=7)
    with pytest.raises(CommandError):
        call_command("check_rollups")
    assert "月度汇总" in capsys.readouterr().out
    call_command("check_rollups", "--rebuild")
    call_command("check_rollups")
    assert StatsMonthly.objects.get(unit=month.unit, scope="tree", month=month.month).submitted == 2


def test_the_migration_fills_the_month_rows_from_the_day_rows(cast):
    import importlib

    from django.apps import apps

    world = World(cast)
    for action in ["send", "send_late_urgent", "adopt_special", "adopt_issue", "sign"]:
        world.run(action, 1)
    expected = stored_months(*window())
    assert expected
    StatsMonthly.objects.all().delete()
    importlib.import_module("baosong.scoring.migrations.0010_stats_monthly").fill_from_days(apps, None)
    assert stored_months(*window()) == expected


def test_tree_rows_add_up_the_subtree(cast):
    world = World(cast)
    for action in ["send", "send", "send_late_urgent", "adopt_special"]:
        world.run(action, 2)
    today = timezone.localdate()
    province = StatsDaily.objects.get(unit=cast.province_editor.unit, scope="tree", day=today)
    county = StatsDaily.objects.get(unit=cast.county_editor.unit, scope="tree", day=today)
    town = StatsDaily.objects.get(unit=cast.township_reporter.unit, scope="own", day=today)
    assert province.submitted == county.submitted == town.submitted == 3
    assert town.on_time == 2 and town.adopted_county == 1


def test_points_rollups_follow_the_ledger_through_adjustments_and_recompute(cast):
    from decimal import Decimal

    from django.db.models import Sum

    from baosong.scoring.models import LedgerEntry
    from baosong.scoring.selectors import dashboard, parse_period
    from baosong.scoring.services import ledger_adjust, recompute_scores

    county, town = cast.county_editor.unit, cast.township_reporter.unit
    for title in ("城关镇开展防汛演练", "城关镇推进河道清障"):
        sub = sent_to_county(cast, title)
        reports.submission_adopt(submission=sub, by=cast.county_editor.user, usage="special_report")
    deliver("scoring")
    start, end = window()
    assert compare(start, end) == []
    ledger_adjust(by=cast.county_editor.user, unit=town, points=Decimal("2.5"), reason="获市级表彰")
    assert compare(start, end) == []
    tz = timezone.get_current_timezone()
    recompute_scores(
        start=dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        end=dt.datetime.combine(end, dt.time.min, tzinfo=tz),
    )
    assert compare(start, end) == []
    period = parse_period(timezone.localdate().strftime("%Y-%m"))
    data = dashboard(county, period)
    in_county = LedgerEntry.objects.filter(
        unit__path__startswith=county.path, year=period.year, month__in=period.months
    )
    assert data["total"].points == in_county.aggregate(s=Sum("points"))["s"]
    town_row = next(r for r in data["rows"] if r.unit_id == town.pk)
    assert town_row.points == in_county.filter(unit=town).aggregate(s=Sum("points"))["s"]
    by_author = dict(
        in_county.filter(author__isnull=False).values_list("author_id").annotate(s=Sum("points")).order_by()
    )
    assert {a["author_id"]: a["points"] for a in data["authors"]} == by_author
    # The whole year reads the reporters' year rows: the same ten, with the year's points.
    year = parse_period(str(period.year))
    in_year = LedgerEntry.objects.filter(unit__path__startswith=county.path, year=period.year)
    by_author_year = dict(
        in_year.filter(author__isnull=False).values_list("author_id").annotate(s=Sum("points")).order_by()
    )
    assert {a["author_id"]: a["points"] for a in dashboard(county, year)["authors"]} == by_author_year
    assert AuthorYearly.objects.filter(year=period.year).exists()


def test_a_tampered_reporter_year_is_found_and_rebuilt(cast, capsys):
    from django.core.management import CommandError

    sub = sent_to_county(cast, "城关镇开展防汛演练")
    reports.submission_adopt(submission=sub, by=cast.county_editor.user, usage="special_report")
    deliver("scoring")
    row = AuthorYearly.objects.get(author=cast.township_reporter.user)
    AuthorYearly.objects.filter(pk=row.pk).update(points=row.points + 7)
    with pytest.raises(CommandError):
        call_command("check_rollups")
    assert "全年积分" in capsys.readouterr().out
    call_command("check_rollups", "--rebuild")
    call_command("check_rollups")
    assert AuthorYearly.objects.get(author=cast.township_reporter.user).points == row.points
    # The migration's fill gives the same rows from the months.
    AuthorYearly.objects.all().delete()
    importlib.import_module("baosong.scoring.migrations.0011_author_yearly").fill_from_months(apps, None)
    assert AuthorYearly.objects.get(author=cast.township_reporter.user).points == row.points
