"""What the issue-11 walk through the reporter and reviewer pages found, each fixed and kept fixed."""

from __future__ import annotations

import re

from baosong.reports import services
from baosong.reports.models import Report, ReportStatus, Submission, SubmissionStatus

from .conftest import ITEM

FORM = {**ITEM, "urgency": "normal", "public_scope": "internal"}


def _sent(cast, **extra):  # type: ignore[no-untyped-def]
    report = services.report_create(by=cast.township_reporter.user, **{**ITEM, **extra})
    services.report_submit(report=report, by=cast.township_reporter.user)
    return services.report_approve(report=report, by=cast.township_reviewer.user)


def _returned_by_county(cast):  # type: ignore[no-untyped-def]
    report = _sent(cast)
    sub = Submission.objects.get(report=report, target_unit=cast.county_editor.unit)
    services.submission_return(submission=sub, by=cast.county_editor.user, comment="请补充参加人数")
    return report, sub


def test_the_form_asks_category_and_urgency_before_the_text(cast, client_as):
    html = client_as("township_reporter").get("/reports/new").content.decode()
    assert html.index('id="id_category"') < html.index('id="id_title"') < html.index('id="id_event_time"')
    assert html.index('id="id_urgency"') < html.index('id="id_body"')
    assert html.index('id="id_solicitation"') < html.index('id="id_body"')


def test_the_solicitation_picker_on_the_edit_page_fills_itself_not_the_action_bar(cast, client_as):
    # The form's autosave targets #autosave; without its own target the options landed in the action bar.
    report = services.report_create(by=cast.township_reporter.user, **ITEM)
    html = client_as("township_reporter").get(f"/reports/{report.pk}/edit").content.decode()
    select = re.search(r'<select id="id_solicitation"[^>]*>', html)
    assert select and 'hx-target="this"' in select.group(0)


def test_a_refused_resubmission_keeps_the_revision_as_typed(cast, client_as):
    report, sub = _returned_by_county(cast)
    typed = "城关镇组织防汛应急演练，群众300余人参加。联系人电话13812345678。"
    response = client_as("township_reporter").post(
        f"/reports/{report.pk}/resubmit/{sub.pk}", {"title": "", "body": typed}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "标题不能为空" in html and typed in html
    assert Submission.objects.get(pk=sub.pk).status == SubmissionStatus.RETURNED


def test_a_resubmission_runs_the_pre_submit_checks(cast, client_as):
    report, sub = _returned_by_county(cast)
    typed = "城关镇组织防汛应急演练，300余人参加。\n密级：机密★1年"
    response = client_as("township_reporter").post(
        f"/reports/{report.pk}/resubmit/{sub.pk}", {"title": "城关镇开展防汛应急演练", "body": typed}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "不能提交" in html and "机密★1年" in html
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.RETURNED and "机密" not in sub.body


def test_the_item_page_says_at_the_top_that_an_upper_unit_returned_it(cast, client_as):
    report, sub = _returned_by_county(cast)
    html = client_as("township_reporter").get(f"/reports/{report.pk}/").content.decode()
    assert f'href="#returned-{sub.pk}"' in html and f'id="returned-{sub.pk}"' in html
    assert html.index("退回修改，请按意见修改后重新报送") < html.index("report-text")


def test_withdraw_is_not_offered_once_a_target_has_acted(cast, client_as):
    report = _sent(cast)
    client = client_as("township_reporter")
    assert "撤回</button>" in client.get(f"/reports/{report.pk}/").content.decode()
    sub = Submission.objects.get(report=report, target_unit=cast.county_editor.unit)
    services.submission_claim(submission=sub, by=cast.county_editor.user)
    assert "撤回</button>" not in client.get(f"/reports/{report.pk}/").content.decode()


def test_the_reviewer_reads_the_text_before_the_approve_buttons_and_sees_the_step(cast, client_as):
    report = services.report_create(by=cast.township_reporter.user, **ITEM)
    services.report_submit(report=report, by=cast.township_reporter.user)
    html = client_as("township_reviewer").get(f"/reports/{report.pk}/").content.decode()
    assert html.index("report-text") < html.index("审核通过</button>")
    assert "审核（1）当前步骤" not in html and "审核：审核签发" in html


def test_the_author_sees_the_reviewers_return_comment_on_the_item_and_in_the_form(cast, client_as):
    report = services.report_create(by=cast.township_reporter.user, **ITEM)
    services.report_submit(report=report, by=cast.township_reporter.user)
    services.report_return(report=report, by=cast.township_reviewer.user, comment="数据请核实后再报")
    client = client_as("township_reporter")
    for url in (f"/reports/{report.pk}/", f"/reports/{report.pk}/edit"):
        html = client.get(url).content.decode()
        assert "退回修改：数据请核实后再报" in html, url


def test_time_and_place_kept_in_elements_survive_a_save_from_the_form(cast, client_as):
    elements = {
        "time": "2026年6月3日凌晨",
        "place": "城关镇杨家坳村三组",
        "nature": "山体滑坡",
        "scope": "村道60米",
        "casualties": "无",
        "measures": "转移群众",
        "next_steps": "勘查",
    }
    report = services.report_create(
        by=cast.township_reporter.user, **{**ITEM, "category": "emergency"}, elements=elements
    )
    client = client_as("township_reporter")
    html = client.get(f"/reports/{report.pk}/edit").content.decode()
    assert 'value="城关镇杨家坳村三组"' in html  # the place shows in the form's own field
    fields = {**FORM, "category": "emergency", "place": "城关镇杨家坳村三组"}
    fields.update({f"el_{k}": v for k, v in elements.items() if k not in ("time", "place")})
    response = client.post(f"/reports/{report.pk}/edit", fields)
    assert response.status_code == 302
    report = Report.objects.get(pk=report.pk)
    assert report.place == "城关镇杨家坳村三组"
    assert report.elements.get("time") == "2026年6月3日凌晨"  # free text the time field cannot show: kept
    assert not services.checks.run_checks(report)["blocking"]


def test_a_parseable_legacy_time_fills_the_event_time_field(cast, client_as):
    report = services.report_create(
        by=cast.township_reporter.user, **ITEM, elements={"time": "2026年12月06日16时57分"}
    )
    html = client_as("township_reporter").get(f"/reports/{report.pk}/edit").content.decode()
    assert 'value="2026-12-06T16:57"' in html
    assert Report.objects.get(pk=report.pk).status == ReportStatus.DRAFT


def test_the_live_checks_wait_for_text_before_saying_it_cannot_be_submitted(cast, client_as):
    client = client_as("township_reporter")
    blank = {**FORM, "title": "", "body": ""}
    html = client.post("/reports/new/checks", blank).content.decode()
    assert "不能提交" not in html and "写下标题和正文后" in html
    typed = {**blank, "body": "身份证号11010519491231002X"}
    html = client.post("/reports/new/checks", typed).content.decode()
    assert "不能提交" in html and "标题不能为空" in html


def test_a_refused_new_item_says_why_for_every_field_and_keeps_the_text(cast, client_as):
    typed = {**FORM, "body": "城关镇开展防汛应急演练的正文。", "solicitation": "abc", "targets": ["999999"]}
    response = client_as("township_reporter").post("/reports/new", typed)
    assert response.status_code == 400
    html = response.content.decode()
    assert "未能保存" in html and "城关镇开展防汛应急演练的正文。" in html
    errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    assert len(errors) == 2, errors  # the 约稿 number and the 报送对象, each next to its field


def test_removing_an_attachment_asks_first(cast, client_as):
    from baosong.reports import files

    report = services.report_create(by=cast.township_reporter.user, **ITEM)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    reporter = cast.township_reporter.user
    files.attachment_add(report=report, by=reporter, name="方案.pdf", size=len(pdf), data=pdf)
    html = client_as("township_reporter").get(f"/reports/{report.pk}/edit").content.decode()
    assert 'data-confirm="删除附件“方案.pdf”？"' in html


def test_the_reviewer_sees_what_the_checks_warned_the_author_about(cast, client_as):
    report = services.report_create(
        by=cast.township_reporter.user, **{**ITEM, "body": ITEM["body"] + "联系人电话13812345678。"}
    )
    services.report_submit(report=report, by=cast.township_reporter.user)
    html = client_as("township_reviewer").get(f"/reports/{report.pk}/").content.decode()
    review = html[html.index('id="review"') :]
    assert "finding-warn" in review and "手机号" in review


def test_the_review_queue_shows_the_check_warnings_too(cast, client_as):
    report = services.report_create(
        by=cast.township_reporter.user, **{**ITEM, "body": ITEM["body"] + "联系人电话13812345678。"}
    )
    services.report_submit(report=report, by=cast.township_reporter.user)
    html = client_as("township_reviewer").get("/reports/review/").content.decode()
    assert "finding-warn" in html and "手机号" in html


def test_a_new_item_can_be_submitted_straight_from_the_first_form(cast, client_as):
    client = client_as("township_reporter")
    assert 'name="submit"' in client.get("/reports/new").content.decode()
    response = client.post("/reports/new", {**FORM, "submit": "1"})
    report = Report.objects.get(title=ITEM["title"])
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    assert report.status == ReportStatus.IN_REVIEW


def test_a_new_item_refused_at_submit_is_kept_as_a_draft_to_fix(cast, client_as):
    client = client_as("township_reporter")
    typed = {**FORM, "body": ITEM["body"] + "\n密级：机密★1年", "submit": "1"}
    response = client.post("/reports/new", typed, follow=True)
    report = Report.objects.get(title=ITEM["title"])
    assert report.status == ReportStatus.DRAFT and "机密★1年" in report.body
    html = response.content.decode()
    assert "草稿已保存，但未能提交" in html and "机密★1年" in html


def test_a_second_tap_on_follow_up_continues_the_unsent_draft(cast, client_as):
    root = _sent(cast, urgency="urgent")
    client = client_as("township_reporter")
    first = client.post(f"/reports/{root.pk}/follow-up")
    second = client.post(f"/reports/{root.pk}/follow-up", follow=True)
    drafts = Report.objects.filter(follow_up_of=root)
    assert drafts.count() == 1
    assert first["Location"] == f"/reports/{drafts.get().pk}/edit"
    assert "已有未报出的续报一草稿" in second.content.decode()


def test_the_review_queue_costs_the_same_with_2_and_6_waiting_items(cast, client_as):
    """The checks shown per item read the sensitive-word list once for the page, not once per item."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("township_reviewer")

    def submit(n: int) -> None:
        for i in range(n):
            report = services.report_create(by=cast.township_reporter.user, **{**ITEM, "title": f"待审{i}"})
            services.report_submit(report=report, by=cast.township_reporter.user)

    submit(2)
    client.get("/reports/review/")
    with CaptureQueriesContext(connection) as few:
        client.get("/reports/review/")
    submit(4)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/reports/review/").content.decode()
    assert html.count("待审") >= 6
    assert len(many) == len(few)
