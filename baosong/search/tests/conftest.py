from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from baosong.core.outbox import deliver
from baosong.orgs import services as org_services
from baosong.orgs.models import Role, Unit
from baosong.reports import services as report_services
from baosong.reports.models import Report, Submission


def sent_to_county(cast: Any, title: str, body: str = "", **fields: Any) -> Submission:
    """An item from the township 东湖区城关镇, through its review, received by the county office."""
    reporter, reviewer = cast.township_reporter.user, cast.township_reviewer.user
    report = report_services.report_create(by=reporter, title=title, body=body or f"{title}。", **fields)
    report = report_services.report_submit(report=report, by=reporter)
    while report.status == "in_review":
        report = report_services.report_approve(report=report, by=reviewer)
    return Submission.objects.get(report=report, target_unit=cast.county_editor.unit)


def draft(actor: Any, title: str, body: str = "", **fields: Any) -> Report:
    return report_services.report_create(by=actor.user, title=title, body=body or f"{title}。", **fields)


def settle() -> None:
    """Deliver the pending domain events to the search consumer (what the worker does after commit)."""
    deliver("search")


FIRE = [
    ("城关镇李家村发生一起民房火灾", "东湖区城关镇李家村",
     "11月28日14时许，城关镇李家村村民王某家中发生火灾。消防救援大队出动消防车3辆、指战员15名赶赴现场，"
     "火势于40分钟后被扑灭，无人员伤亡。初步查明起火原因系电线老化短路，直接经济损失约12万元。"),
    ("李家村一民房起火 无人员伤亡", "城关镇李家村",
     "我镇李家村王某家28日下午突发火情。接警后，消防救援人员15名、消防车3辆迅速到场扑救，无人员伤亡。"
     "据初步调查，火灾由电线老化短路引起，烧毁房屋3间，损失12万元。"),
    ("关于城关镇李家村民房火灾情况的报告", "",
     "据消防救援大队报告，11月28日14时20分许，城关镇李家村村民王某家发生火灾，无人员伤亡。经全力扑救，明火已扑灭。"
     "直接经济损失约12万元。火灾系电线老化短路所致。"),
    ("城关镇妥善处置一起民房火灾", "李家村",
     "28日下午，位于东湖区城关镇李家村的一处民房起火，过火面积80平方米。消防车3辆、指战员15名到场处置，"
     "火势于40分钟后被扑灭，无人员伤亡。起火原因系电线老化短路。目前受灾群众已得到妥善安置。"),
    ("李家村民房火灾已扑灭", "东湖区城关镇",
     "现将有关情况报告如下：11月28日下午，城关镇李家村王某家中发生火灾。消防救援人员15名赶到现场扑救，"
     "无人员伤亡，直接经济损失12万元。初步查明原因系电线老化短路。"),
]  # fmt: skip
UNRELATED = (
    "新桥镇召开秋冬季森林防火工作会议",
    "",
    "11月27日，新桥镇召开秋冬季森林防火工作会议，部署护林巡查和野外用火管理，镇村干部60余人参加。",
)


def reporter_in(unit: Unit, username: str) -> Any:
    user = org_services.user_create(
        by=None, username=username, full_name=f"{unit.name}信息员", primary_unit=unit,
        password="Grouping#2026pass", validate=False,
    )  # fmt: skip
    org_services.membership_add(by=None, user=user, unit=unit, role=Role.REPORTER)
    return user


def five_townships(county: Unit) -> list[Unit]:
    """Five townships under the county (the demo has four; one more is added), 城关镇 last: it has a
    review chain, the others send directly."""
    towns = list(Unit.objects.filter(parent=county, level="township").order_by("sort_order"))
    extra = org_services.unit_create(
        by=None, name="东湖区石门镇", code="DEMO-C1-1-9", level="township", parent=county, sort_order=9
    )
    return [*towns[1:], extra, towns[0]]


def send(reporter: Any, title: str, place: str, body: str, *, hours_ago: float = 2) -> Report:
    report = report_services.report_create(
        by=reporter, title=title, body=body, place=place,
        event_time=timezone.now() - dt.timedelta(hours=hours_ago),
    )  # fmt: skip
    report = report_services.report_submit(report=report, by=reporter)
    return report


def same_fire_from_five(cast: Any, django_capture_on_commit_callbacks: Any) -> list[Report]:
    """Five townships report the same fire; another township reports an unrelated meeting. Signatures
    come from the outbox after commit."""
    county = cast.county_editor.unit
    towns = five_townships(county)
    reports = []
    with django_capture_on_commit_callbacks(execute=True):
        for i, (unit, (title, place, body)) in enumerate(zip(towns, FIRE, strict=True)):
            reporter = cast.township_reporter.user if i == 4 else reporter_in(unit, f"grp_rep_{i}")
            report = send(reporter, title, place, body)
            while report.status == "in_review":
                report = report_services.report_approve(report=report, by=cast.township_reviewer.user)
            reports.append(report)
        reports.append(send(reports[0].author, *UNRELATED, hours_ago=20))
    deliver("grouping")
    return reports


def scope_world(cast: Any) -> None:
    """Items of the township (one forwarded on to the city), drafts of two counties, a distributed county
    issue, all indexed: a world where every cast member's scope differs."""
    from django.core.management import call_command

    from baosong.editorial.models import Publication
    from baosong.editorial.services import (
        issue_create,
        issue_distribute,
        issue_item_add,
        issue_sign,
        issue_submit,
    )

    subs = [sent_to_county(cast, f"城关镇工作动态第{i}条", "本周重点工作进展。") for i in range(3)]
    report_services.submission_forward(submission=subs[0], by=cast.county_editor.user)
    draft(cast.outsider_reporter, "西林县工作草稿", "本周重点工作进展。")
    draft(cast.county_reporter, "东湖区工作草稿", "本周重点工作进展。")
    pub = Publication.objects.get(unit=cast.county_editor.unit, name="东湖政务信息")
    issue = issue_create(by=cast.county_editor.user, publication=pub)
    issue_item_add(issue=issue, by=cast.county_editor.user, submission_ids=[subs[1].pk])
    issue = issue_submit(issue=issue, by=cast.county_editor.user)
    issue = issue_sign(issue=issue, by=cast.county_chief.user)
    issue_distribute(issue=issue, by=cast.county_editor.user)
    call_command("reindex", verbosity=0)
