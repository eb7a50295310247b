"""The 工作台 (home page): each role sees the work waiting for them, with counts that link into the lists,
and the page costs the same number of queries with 5 or 500 waiting items."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from baosong.editorial import services as editorial
from baosong.editorial.models import Issue, IssueStatus, Publication
from baosong.instructions import services as instructions
from baosong.instructions.models import InstructionAssignment
from baosong.orgs.models import LoginState
from baosong.reports import services as reports
from baosong.reports.models import Report, ReportStatus, Submission, SubmissionStatus
from baosong.solicitations import services as solicitations


def sent(cast, title="城关镇开展防汛应急演练", **fields):  # type: ignore[no-untyped-def]
    reporter, reviewer = cast.township_reporter.user, cast.township_reviewer.user
    report = reports.report_create(by=reporter, title=title, body=f"{title}。镇村干部群众参加。", **fields)
    report = reports.report_submit(report=report, by=reporter)
    while report.status == ReportStatus.IN_REVIEW:
        report = reports.report_approve(report=report, by=reviewer)
    return Submission.objects.get(report=report, target_unit=cast.county_editor.unit)


def count(html: str, label: str) -> int:
    """The number shown in the count link labelled ``label``."""
    found = re.search(r"<b>(\d+)</b><span>" + re.escape(label), html)
    assert found, f"no count labelled {label!r}"
    return int(found.group(1))


def home(client_as, key: str) -> str:  # type: ignore[no-untyped-def]
    response = client_as(key).get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_reporter_sees_write_buttons_drafts_returns_and_decisions(cast, client_as):
    reporter = cast.township_reporter.user
    reports.report_create(by=reporter, title="尚未写完的草稿", body="草稿正文")
    returned = reports.report_create(by=reporter, title="需要补充数据的信息", body="正文")
    reports.report_submit(report=returned, by=reporter)
    reports.report_return(report=returned, by=cast.township_reviewer.user, comment="请补充参加人数")
    upper = sent(cast, "县里退回的信息")
    reports.submission_claim(submission=upper, by=cast.county_editor.user)
    reports.submission_return(
        submission=Submission.objects.get(pk=upper.pk), by=cast.county_editor.user, comment="请写明时间"
    )
    adopted = sent(cast, "县里采用的信息")
    reports.submission_adopt(submission=adopted, by=cast.county_editor.user)

    html = home(client_as, "township_reporter")
    assert 'href="/reports/new"' in html and "撰写信息" in html and "从 Word 导入" in html
    assert count(html, "草稿") == 1 and "尚未写完的草稿" in html
    assert count(html, "退回待修改") == 2
    assert "请补充参加人数" in html and "请写明时间" in html
    assert "县里采用的信息" in html and "采用" in html
    # The returned link lists both kinds of return.
    listed = client_as("township_reporter").get("/reports/?mine=1&status=returned").content.decode()
    assert "需要补充数据的信息" in listed and "县里退回的信息" in listed


def test_every_figure_has_one_value_on_the_page(cast, client_as):
    """The same label never shows two different numbers (本月被采用 8 in one card, 10 in the next)."""
    for title in ("一", "二", "三"):
        reports.submission_adopt(submission=sent(cast, f"防汛信息{title}"), by=cast.county_editor.user)
    for key in ("township_reporter", "county_editor", "county_reviewer", "county_chief", "county_leader"):
        html = home(client_as, key)
        seen: dict[str, str] = {}
        for number, label in re.findall(r"<b>(\d+)</b><span>([^<]+)</span>", html):
            assert seen.setdefault(label, number) == number, (key, label)


def test_a_reviewer_sees_what_waits_for_them_with_the_oldest_waiting_time(cast, client_as):
    reporter = cast.township_reporter.user
    report = reports.report_create(by=reporter, title="等待审核的信息", body="正文")
    reports.report_submit(report=report, by=reporter)
    Report.objects.filter(pk=report.pk).update(submitted_at=timezone.now() - dt.timedelta(hours=26))
    html = home(client_as, "township_reviewer")
    assert count(html, "条待审核") == 1 and "等待审核的信息" in html
    assert "最早一条已等待 1 天 2 小时" in html
    # Not the county reviewer's step: their workbench stays empty.
    assert count(home(client_as, "county_reviewer"), "条待审核") == 0


def test_an_editor_sees_urgent_items_first_with_the_nearest_deadline(cast, client_as):
    sent(cast, "普通工作动态")
    urgent = sent(cast, "某村发生山体滑坡", urgency="urgent")
    html = home(client_as, "county_editor")
    assert count(html, "待接收") == 2 and count(html, "紧急") == 1
    assert html.index("某村发生山体滑坡") < html.index("普通工作动态")
    due = Submission.objects.get(pk=urgent.pk).due_at
    assert f'data-due="{timezone.localtime(due).isoformat()}"' in html
    assert "最近的紧急时限" in html
    # The count links into the filtered inbox.
    inbox = client_as("county_editor").get("/inbox/?urgent=1").content.decode()
    assert "某村发生山体滑坡" in inbox and "普通工作动态" not in inbox


def test_an_editor_sees_issues_in_hand_and_a_chief_the_issues_to_sign(cast, client_as):
    publication = Publication.objects.get(unit=cast.county_editor.unit, name="东湖政务信息")
    editor = cast.county_editor.user
    issue = editorial.issue_create(by=editor, publication=publication)
    sub = reports.submission_adopt(submission=sent(cast), by=editor)
    editorial.issue_item_add(issue=issue, by=editor, submission_ids=[sub.pk])
    assert count(home(client_as, "county_editor"), "编辑中") == 1
    editorial.issue_submit(issue=issue, by=editor)
    html = home(client_as, "county_chief")
    assert count(html, "期待签发") == 1 and f'href="/issues/{issue.pk}/"' in html
    editorial.issue_return(
        issue=Issue.objects.get(pk=issue.pk), by=cast.county_chief.user, comment="标题再精炼"
    )
    html = home(client_as, "county_editor")
    assert count(html, "签发人退回") == 1 and "标题再精炼" in html
    assert count(home(client_as, "county_chief"), "期待签发") == 0


def test_a_leader_sees_issues_to_read_and_the_feedback_on_their_instructions(cast, client_as):
    publication = Publication.objects.get(unit=cast.county_editor.unit, name="东湖政务信息")
    editor = cast.county_editor.user
    issue = editorial.issue_create(by=editor, publication=publication)
    sub = reports.submission_adopt(submission=sent(cast), by=editor)
    editorial.issue_item_add(issue=issue, by=editor, submission_ids=[sub.pk])
    editorial.issue_submit(issue=issue, by=editor)
    editorial.issue_sign(issue=issue, by=cast.county_chief.user)
    issue = editorial.issue_distribute(issue=issue, by=editor)
    html = home(client_as, "county_leader")
    assert count(html, "期未阅") == 1 and issue.label in html
    item = issue.items.get()
    instruction = instructions.instruction_create(
        by=cast.county_leader.user, item=item, text="请认真总结经验做法", level="county"
    )
    instructions.instruction_assign(
        instruction=instruction,
        by=editor,
        unit_ids=[cast.township_reporter.unit.pk],
        due_on=timezone.localdate() + dt.timedelta(days=3),
    )
    InstructionAssignment.objects.update(due_on=timezone.localdate() - dt.timedelta(days=1))
    html = home(client_as, "county_leader")
    assert "请认真总结经验做法" in html and "已反馈 0 / 1 个承办单位" in html and "1 个逾期" in html
    assert count(home(client_as, "county_editor"), "件反馈逾期") == 1
    assert count(home(client_as, "township_reporter"), "件待本单位反馈") == 1


def test_a_reporter_sees_the_solicitations_to_answer_nearest_deadline_first(cast, client_as):
    editor = cast.county_editor.user
    town = cast.township_reporter.unit.pk
    for title, days in (("秋粮收购情况约稿", 5), ("防汛工作约稿", 1)):
        solicitations.solicitation_create(
            by=editor,
            unit=cast.county_editor.unit,
            title=title,
            requirements="请报送",
            deadline=timezone.now() + dt.timedelta(days=days),
            unit_ids=[town],
        )
    html = home(client_as, "township_reporter")
    assert count(html, "条约稿待报送") == 2
    assert html.index("防汛工作约稿") < html.index("秋粮收购情况约稿")
    assert "写信息回复" in html
    assert count(home(client_as, "county_editor"), "条约稿未截止") == 2


def test_the_security_administrator_unlocks_from_the_workbench(cast, client_as):
    LoginState.objects.create(username="zhen_xinxiyuan", failures=5, locked_at=timezone.now())
    html = home(client_as, "secadmin")
    assert count(html, "个账户被锁定") == 1 and "zhen_xinxiyuan" in html and "解除锁定" in html


def test_the_audit_administrator_sees_the_verification_state(cast, client_as):
    client = client_as("auditadmin")  # one login: a TOTP code is accepted once
    html = client.get("/").content.decode()
    assert "尚未校验" in html and "立即校验" in html
    client.post("/audit/verify")
    html = client.get("/").content.decode()
    assert "尚未校验" not in html and '<span class="badge badge-ok">完整</span>' in html


def test_the_system_administrator_sees_imports_and_accounts_without_roles(cast, client_as):
    html = home(client_as, "sysadmin")
    assert "导入单位和用户" in html and "个账户尚未授予角色" in html


# ---- one query budget, whatever the number of waiting items ------------------------------------------


def _fill(cast, n: int) -> None:  # type: ignore[no-untyped-def]
    """n waiting rows for every role at once, written in bulk (the page only reads them)."""
    now = timezone.now()
    town, county = cast.township_reporter.unit, cast.county_editor.unit
    reporter = cast.township_reporter.user
    chain = [{"role": "reviewer", "label": "审核"}]
    drafts, in_review, sent_rows = [], [], []
    for i in range(n):
        drafts.append(Report(title=f"草稿{i}", source_unit=town, author=reporter))
        in_review.append(
            Report(
                title=f"待审{i}", source_unit=town, author=reporter, status=ReportStatus.IN_REVIEW,
                review_chain=chain, submitted_at=now,
            )
        )  # fmt: skip
        sent_rows.append(
            Report(title=f"报出{i}", source_unit=town, author=reporter, status=ReportStatus.SENT, sent_at=now)
        )
    Report.objects.bulk_create(drafts + in_review)
    sent_reports = Report.objects.bulk_create(sent_rows)
    Submission.objects.bulk_create(
        Submission(
            report=r, target_unit=county, sender_unit=town, title=r.title, category=r.category,
            urgency_rank=i % 3, due_at=now + dt.timedelta(hours=i + 1),
            status=SubmissionStatus.RECEIVED if i % 2 else SubmissionStatus.ADOPTED,
            decided_at=None if i % 2 else now,
        )
        for i, r in enumerate(sent_reports)
    )  # fmt: skip
    publication = Publication.objects.get(unit=county, name="东湖政务信息")
    Issue.objects.bulk_create(
        Issue(publication=publication, created_by=cast.county_editor.user, status=status, submitted_at=now)
        for i in range(n)
        for status in (IssueStatus.EDITING, IssueStatus.PENDING_SIGNATURE)
    )


@pytest.mark.parametrize(
    "key",
    ["township_reporter", "township_reviewer", "county_editor", "county_chief", "county_leader",
     "sysadmin", "secadmin", "auditadmin"],
)  # fmt: skip
def test_the_workbench_costs_the_same_with_5_and_500_waiting_items(cast, client_as, key):
    client = client_as(key)
    _fill(cast, 5)
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/").status_code == 200
    _fill(cast, 495)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/").content.decode()
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
    assert len(few) <= 30
    if key == "county_editor":
        assert count(html, "待接收") == 2 + 247  # the odd rows of each fill


def test_the_workbench_reads_the_users_memberships_once_for_every_panel(cast, client_as):
    """The roles for the menu, then the memberships with their units; every panel's acting units come
    from those rows (orgs.selectors.acting_memberships), not from a query of its own."""
    client = client_as("county_editor")
    client.get("/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    # The user's own memberships; a subquery over other people's (U0: "has this unit a 信息员 account?",
    # roster's panel) asks something else.
    reads = [q["sql"] for q in ctx.captured_queries if re.search(r'FROM "orgs_membership"(?! U\d)', q["sql"])]
    assert len(reads) == 2, reads
