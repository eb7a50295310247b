"""Composing an issue: picking adopted items, adopting straight in, editing (revisions), ordering,
综合 items that credit every source, and withdrawal reversing the adoptions."""

from __future__ import annotations

import pytest

from baosong.core.errors import ServiceError
from baosong.core.models import DomainEvent
from baosong.editorial import services
from baosong.editorial.models import IssueItemSource
from baosong.reports.models import Revision, SubmissionStatus

from .conftest import adopted_at_county, sent_to_county


def test_the_picker_offers_adopted_and_undecided_items_but_not_printed_ones(cast, new_issue, client_as):
    printed = adopted_at_county(cast, "已编入的信息")
    waiting = adopted_at_county(cast, "待编入的信息")
    undecided = sent_to_county(cast, "尚未处理的信息")
    services.issue_item_add(issue=new_issue, by=cast.county_editor.user, submission_ids=[printed.pk])
    html = client_as("county_editor").get(f"/issues/{new_issue.pk}/candidates").content.decode()
    assert "待编入的信息" in html and "尚未处理的信息" in html
    assert "已编入的信息" not in html
    adopted_only = client_as("county_editor").get(f"/issues/{new_issue.pk}/candidates?status=adopted")
    assert "尚未处理的信息" not in adopted_only.content.decode()
    assert waiting.pk and undecided.pk


def test_adding_an_undecided_item_adopts_it_for_the_issue(cast, new_issue, client_as):
    sub = sent_to_county(cast, "直接采用编入")
    response = client_as("county_editor").post(f"/issues/{new_issue.pk}/add", {"submissions": [sub.pk]})
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.ADOPTED and sub.usage == "issue" and sub.issue_id == new_issue.pk
    assert new_issue.items.get().title == "直接采用编入"


def test_adopting_from_the_inbox_into_an_issue_puts_it_there(
    cast, new_issue, client_as, django_capture_on_commit_callbacks
):
    sub = sent_to_county(cast, "收件箱采用编入")
    options = client_as("county_editor").get(f"/issues/open-options?submission={sub.pk}").content.decode()
    assert f'value="{new_issue.pk}"' in options
    with django_capture_on_commit_callbacks(execute=True):  # the editorial consumer runs after commit
        response = client_as("county_editor").post(
            f"/inbox/{sub.pk}/adopt", {"usage": "issue", "issue_id": str(new_issue.pk)}
        )
    assert response.status_code == 302
    assert new_issue.items.filter(sources__submission=sub).exists()


def test_adopting_through_the_api_with_issue_id_joins_the_issue(cast, new_issue, api):
    sub = sent_to_county(cast, "接口采用编入")
    response = api("county_editor").post(
        f"/api/v1/submissions/{sub.pk}/adopt",
        {"usage": "issue", "issue_id": new_issue.pk},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    issue = api("county_editor").get(f"/api/v1/issues/{new_issue.pk}").json()
    assert [s["submission_id"] for s in issue["items"][0]["sources"]] == [sub.pk]


def test_one_submission_cannot_be_printed_in_two_live_issues(cast, county_pub, new_issue):
    sub = adopted_at_county(cast)
    services.issue_item_add(issue=new_issue, by=cast.county_editor.user, submission_ids=[sub.pk])
    other = services.issue_create(by=cast.county_editor.user, publication=county_pub)
    with pytest.raises(ServiceError) as refused:
        services.issue_item_add(issue=other, by=cast.county_editor.user, submission_ids=[sub.pk])
    assert refused.value.code == "already_in_issue"


def test_an_item_of_another_unit_cannot_be_added(cast, new_issue):
    from baosong.reports import services as report_services
    from baosong.reports.models import Submission

    reporter = cast.outsider_township_reporter.user
    report = report_services.report_create(by=reporter, title="邻县信息", body="正文")
    report_services.report_submit(report=report, by=reporter)
    foreign = Submission.objects.get(report=report)
    with pytest.raises(ServiceError) as refused:
        services.issue_item_add(issue=new_issue, by=cast.county_editor.user, submission_ids=[foreign.pk])
    assert refused.value.status == 404


def test_editing_an_item_is_a_revision_the_author_sees(cast, new_issue, client_as):
    sub = adopted_at_county(cast, "原标题")
    (item,) = services.issue_item_add(issue=new_issue, by=cast.county_editor.user, submission_ids=[sub.pk])
    before = Revision.objects.filter(report=sub.report).count()
    response = client_as("county_editor").post(
        f"/issues/{new_issue.pk}/items/{item.pk}/edit",
        {
            "title": "编辑后的标题",
            "body": "编辑后的正文。",
            "editor_note": "此做法值得推广。",
            "column": "经验做法",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.column, item.editor_note) == ("编辑后的标题", "经验做法", "此做法值得推广。")
    revision = Revision.objects.filter(report=sub.report).latest("id")
    assert Revision.objects.filter(report=sub.report).count() == before + 1
    assert (revision.title, revision.submission_id) == ("编辑后的标题", sub.pk)


def test_the_order_follows_drag_and_drop_and_the_keyboard(cast, new_issue, client_as):
    subs = [adopted_at_county(cast, t) for t in ("甲", "乙", "丙")]
    items = services.issue_item_add(
        issue=new_issue, by=cast.county_editor.user, submission_ids=[s.pk for s in subs]
    )
    c = client_as("county_editor")
    order = [items[2].pk, items[0].pk, items[1].pk]
    assert (
        c.post(f"/issues/{new_issue.pk}/reorder", {"order": order}, HTTP_HX_REQUEST="true").status_code == 204
    )
    assert [i.title for i in new_issue.items.all()] == ["丙", "甲", "乙"]
    c.post(f"/issues/{new_issue.pk}/items/{items[1].pk}/up")
    assert [i.title for i in new_issue.items.all()] == ["丙", "乙", "甲"]
    stale = c.post(f"/issues/{new_issue.pk}/reorder", {"order": order[:2]}, HTTP_HX_REQUEST="true")
    assert stale.status_code == 409


def test_a_merged_item_credits_every_source(cast, new_issue, api):
    subs = [adopted_at_county(cast, f"{town}开展防汛演练") for town in ("城关镇", "新桥镇", "杨柳乡")]
    items = services.issue_item_add(
        issue=new_issue, by=cast.county_editor.user, submission_ids=[s.pk for s in subs]
    )
    merged = services.issue_items_merge(
        issue=new_issue,
        by=cast.county_editor.user,
        item_ids=[i.pk for i in items],
        title="我区各乡镇开展防汛演练",
    )
    assert new_issue.items.count() == 1
    assert sorted(merged.sources.values_list("submission_id", flat=True)) == sorted(s.pk for s in subs)
    services.issue_submit(issue=new_issue, by=cast.county_editor.user)
    services.issue_sign(issue=new_issue, by=cast.county_chief.user)
    event = DomainEvent.objects.get(event_type="issue.sign", object_id=new_issue.pk)
    assert sorted(event.payload["submissions"]) == sorted(s.pk for s in subs)
    assert IssueItemSource.objects.filter(item=merged, credited_at__isnull=False).count() == 3
    data = api("county_editor").get(f"/api/v1/issues/{new_issue.pk}").json()
    assert len(data["items"][0]["sources"]) == 3


def test_merging_needs_two_items(cast, new_issue):
    (item,) = services.issue_item_add(
        issue=new_issue, by=cast.county_editor.user, submission_ids=[adopted_at_county(cast).pk]
    )
    with pytest.raises(ServiceError):
        services.issue_items_merge(issue=new_issue, by=cast.county_editor.user, item_ids=[item.pk])


def test_withdrawing_a_signed_issue_reverses_its_adoptions(cast, county_pub, new_issue):
    subs = [adopted_at_county(cast, t) for t in ("一", "二")]
    services.issue_item_add(issue=new_issue, by=cast.county_editor.user, submission_ids=[s.pk for s in subs])
    services.issue_submit(issue=new_issue, by=cast.county_editor.user)
    services.issue_sign(issue=new_issue, by=cast.county_chief.user)
    services.issue_withdraw(issue=new_issue, by=cast.county_chief.user, reason="数据需核实")
    for sub in subs:
        sub.refresh_from_db()
        assert sub.status == SubmissionStatus.CLAIMED and sub.usage == "" and sub.issue_id is None
        assert DomainEvent.objects.filter(event_type="submission.revoke", object_id=sub.pk).count() == 1
    assert not IssueItemSource.objects.filter(item__issue=new_issue, active=True).exists()
    event = DomainEvent.objects.get(event_type="issue.withdraw", object_id=new_issue.pk)
    assert sorted(event.payload["submissions"]) == sorted(s.pk for s in subs)
    # Reversed, they can be adopted again and printed in another issue.
    again = services.issue_create(by=cast.county_editor.user, publication=county_pub)
    services.issue_item_add(issue=again, by=cast.county_editor.user, submission_ids=[subs[0].pk])
    subs[0].refresh_from_db()
    assert subs[0].status == SubmissionStatus.ADOPTED


def test_another_units_editor_sees_no_issue(cast, new_issue, client_as, api):
    assert client_as("outsider_editor").get(f"/issues/{new_issue.pk}/").status_code == 404
    assert client_as("outsider_editor").get(f"/issues/{new_issue.pk}/document.pdf").status_code == 404
    assert api("outsider_editor").get(f"/api/v1/issues/{new_issue.pk}").status_code == 404
    assert client_as("county_reporter").get(f"/issues/{new_issue.pk}/").status_code == 404


def _business_queries(client, url):  # type: ignore[no-untyped-def]
    """Queries of one page view, leaving out the session bookkeeping (idle-timeout stamps)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [
        q["sql"]
        for q in ctx.captured_queries
        if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]


def test_the_compose_page_and_picker_cost_the_same_queries_for_more_rows(cast, new_issue, client_as):
    c = client_as("county_editor")
    subs = [adopted_at_county(cast, f"信息{i}") for i in range(3)]
    services.issue_item_add(
        issue=new_issue, by=cast.county_editor.user, submission_ids=[s.pk for s in subs[:2]]
    )
    page, picker = f"/issues/{new_issue.pk}/", f"/issues/{new_issue.pk}/candidates"
    few_page, few_picker = _business_queries(c, page), _business_queries(c, picker)
    more = [adopted_at_county(cast, f"更多{i}") for i in range(8)]
    services.issue_item_add(
        issue=new_issue, by=cast.county_editor.user, submission_ids=[s.pk for s in more[:5]]
    )
    assert len(_business_queries(c, page)) == len(few_page) <= 25
    recipient_reads = [q for q in few_page if q.startswith('SELECT "editorial_issuerecipient"."id"')]
    assert len(recipient_reads) == 1  # the three groups' text and the 未读 count from one read
    assert len(_business_queries(c, picker)) == len(few_picker) <= 12


def test_the_issue_settings_show_one_column_per_line_and_save_them_back(cast, new_issue, client_as):
    import html
    import re

    client = client_as("county_editor")
    client.post(
        f"/issues/{new_issue.pk}/update",
        {"columns": "工作动态\n经验交流\n基层风采", "print_count": "", "headline": "", "marking": ""},
    )
    new_issue.refresh_from_db()
    assert new_issue.columns == ["工作动态", "经验交流", "基层风采"]
    page = client.get(f"/issues/{new_issue.pk}/").content.decode()
    found = re.search(r'<textarea id="columns" name="columns"[^>]*>(.*?)</textarea>', page, re.S)
    assert found is not None
    shown = html.unescape(found.group(1))
    assert "{{" not in shown and shown.split("\n") == ["工作动态", "经验交流", "基层风采"]
    # Saving the settings unchanged keeps the same columns.
    client.post(f"/issues/{new_issue.pk}/update", {"columns": shown, "print_count": ""})
    new_issue.refresh_from_db()
    assert new_issue.columns == ["工作动态", "经验交流", "基层风采"]
