"""核实: an editor asks the source unit to verify a point without returning the item; the author answers;
the answer stays with the submission and travels with the forwarded copy; the clock shows the wait."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from baosong.core.models import AuditEvent
from baosong.core.outbox import deliver
from baosong.notifications.models import Notification
from baosong.reports import services
from baosong.reports.models import (
    ReportStatus,
    Submission,
    SubmissionStatus,
    VerificationRequest,
    VerificationStatus,
)

PDF = "%PDF-1.7\n1 0 obj <<>> endobj\n% 受灾人数统计表\n%%EOF\n".encode()
QUESTION = "“受灾群众1200余人”的数字来源和统计口径"


def sent(cast, title="城关镇遭受暴雨袭击受灾群众1200余人"):  # type: ignore[no-untyped-def]
    reporter, reviewer = cast.township_reporter.user, cast.township_reviewer.user
    report = services.report_create(by=reporter, title=title, body=f"{title}。已转移安置群众300余人。")
    report = services.report_submit(report=report, by=reporter)
    while report.status == ReportStatus.IN_REVIEW:
        report = services.report_approve(report=report, by=reviewer)
    return Submission.objects.get(report=report, target_unit=cast.county_editor.unit)


def ask(cast, sub, **fields):  # type: ignore[no-untyped-def]
    return services.verification_ask(
        submission=sub, by=cast.county_editor.user, question=fields.pop("question", QUESTION), **fields
    )


def text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", response.content.decode())


def test_ask_author_sees_it_answers_and_the_editor_sees_the_answer(cast, client_as, settings, tmp_path):
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"
    sub = sent(cast)
    services.submission_claim(submission=sub, by=cast.county_editor.user)
    editor = client_as("county_editor")

    response = editor.post(
        f"/verifications/ask/{sub.pk}",
        {"question": QUESTION, "passage": "受灾群众1200余人", "due_at": ""},
    )
    assert response.status_code == 302
    v = VerificationRequest.objects.get(submission=sub)
    assert (v.status, v.asking_unit_id, v.source_unit_id) == (
        VerificationStatus.OPEN,
        cast.county_editor.unit.pk,
        cast.township_reporter.unit.pk,
    )
    # Not returned: the item stays in the editor's hands, marked 待核实.
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.CLAIMED
    page = text(editor.get(f"/inbox/{sub.pk}/"))
    assert "待核实" in page and "核实中" in page and QUESTION in page
    assert "请求来源单位" in page  # another point may still be asked

    # The author hears of it, sees it on the 工作台 and on the item page, with the answer form.
    deliver("notices")
    note = Notification.objects.get(user=cast.township_reporter.user, kind=Notification.Kind.VERIFY)
    assert note.title == f"{cast.county_editor.unit.name}请求核实：{sub.report.title}"
    author = client_as("township_reporter")
    home = text(author.get("/"))
    assert "信息核实" in home and "待我单位答复" in home and sub.report.title in home
    item = text(author.get(f"/reports/{sub.report_id}/"))
    assert QUESTION in item and "答复核实" in item and "受灾群众1200余人" in item

    response = author.post(
        f"/verifications/{v.pk}/answer",
        {
            "answer": "经核实，受灾群众为1236人，数据来自民政办逐村统计。",
            "file": SimpleUploadedFile("统计表.pdf", PDF),
        },
    )
    assert response.status_code == 302
    v.refresh_from_db()
    assert v.status == VerificationStatus.ANSWERED and v.answered_by == cast.township_reporter.user
    assert v.file_name == "统计表.pdf" and v.file_size == len(PDF)

    # The editor sees the answer beside the working copy, with how long it took; the status is unchanged.
    deliver("notices")
    assert Notification.objects.filter(user=cast.county_editor.user, kind=Notification.Kind.VERIFY).exists()
    page = text(editor.get(f"/inbox/{sub.pk}/"))
    assert "经核实，受灾群众为1236人" in page and "已答复" in page and "用时" in page
    assert f"/verifications/{v.pk}/file" in page
    download = editor.get(f"/verifications/{v.pk}/file")
    assert download.status_code == 200 and b"".join(download) == PDF
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.CLAIMED
    # Every step audited in the registry's types.
    types = set(AuditEvent.objects.filter(object_type="verification").values_list("event_type", flat=True))
    assert types == {"verification.ask", "verification.transition", "verification.file_download"}


def test_the_wait_is_shown_on_the_inbox_and_the_item_page(cast, client_as):
    sub = sent(cast)
    v = ask(cast, sub, due_at=timezone.now() + dt.timedelta(hours=5))
    VerificationRequest.objects.filter(pk=v.pk).update(
        asked_at=timezone.now() - dt.timedelta(hours=3, minutes=5)
    )
    editor = client_as("county_editor")
    inbox = text(editor.get("/inbox/"))
    assert "待核实" in inbox and "已等待 3 小时 5 分" in inbox
    page = text(editor.get(f"/inbox/{sub.pk}/"))
    assert re.search(r'class="elapsed" data-since="[^"]+">已等待 3 小时 5 分', page)
    assert "答复时限" in page and 'class="countdown small"' in page
    # The author sees the same clock.
    item = text(client_as("township_reporter").get(f"/reports/{sub.report_id}/"))
    assert "已等待 3 小时 5 分" in item
    # Answered: the time it took, the live clock gone.
    services.verification_answer(verification=v, by=cast.township_reporter.user, answer="数字无误。")
    page = text(editor.get(f"/inbox/{sub.pk}/"))
    assert "用时 3 小时 5 分" in page and 'class="elapsed"' not in page


def test_the_inbox_filter_lists_the_items_waiting_for_verification(cast, client_as):
    waiting = sent(cast, "城关镇暴雨受灾情况")
    other = sent(cast, "城关镇开展防汛应急演练")
    ask(cast, waiting)
    editor = client_as("county_editor")
    listed = text(editor.get("/inbox/?verifying=1"))
    assert waiting.title in listed and other.title not in listed
    api = editor.get("/api/v1/inbox?verifying=true").json()
    assert [i["id"] for i in api["items"]] == [waiting.pk] and api["items"][0]["verifying_since"]
    marks = {i["id"]: i["verifying_since"] for i in editor.get("/api/v1/inbox").json()["items"]}
    assert marks[other.pk] is None and marks[waiting.pk] is not None
    assert editor.get(f"/api/v1/submissions/{waiting.pk}").json()["verifying_since"] is not None


def test_the_inbox_marks_cost_one_query_whatever_the_number_of_rows(cast, client_as):
    editor = client_as("county_editor")
    ask(cast, sent(cast, "第一条"))
    editor.get("/inbox/")
    with CaptureQueriesContext(connection) as few:
        editor.get("/inbox/")
    for n in range(6):
        ask(cast, sent(cast, f"第{n + 2}条"))
    with CaptureQueriesContext(connection) as many:
        assert text(editor.get("/inbox/")).count("status-verifying") >= 7
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_upper_unit_sees_the_verification_trail_of_a_forwarded_copy(cast, client_as):
    sub = sent(cast)
    v = ask(cast, sub)
    services.verification_answer(verification=v, by=cast.township_reporter.user, answer="数字无误。")
    services.submission_forward(submission=Submission.objects.get(pk=sub.pk), by=cast.county_editor.user)
    upper = Submission.objects.get(forwarded_from=sub)
    city = client_as(
        next(k for k, a in cast.items() if a.unit.pk == upper.target_unit_id and k.endswith("_editor"))
    )
    page = text(city.get(f"/inbox/{upper.pk}/"))
    assert QUESTION in page and "数字无误。" in page and "转报前提出" in page
    assert city.get(f"/api/v1/verifications/{v.pk}").status_code == 200
    listed = city.get(f"/api/v1/submissions/{upper.pk}/verifications").json()
    assert [i["id"] for i in listed["items"]] == [v.pk]
    # The county's request is the county's: the city may not withdraw or answer it.
    assert city.post(f"/api/v1/verifications/{v.pk}/withdraw").status_code == 409  # already answered


@pytest.mark.parametrize("key", ["outsider_editor", "outsider_reporter", "outsider_township_reporter"])
def test_another_county_gets_404(cast, client_as, settings, tmp_path, key):
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"
    sub = sent(cast)
    v = ask(cast, sub)
    services.verification_answer(
        verification=v, by=cast.township_reporter.user, answer="已核实。", file_name="表.pdf", file_data=PDF
    )
    other = client_as(key)
    for url in (f"/verifications/{v.pk}/file", f"/inbox/{sub.pk}/", f"/reports/{sub.report_id}/"):
        assert other.get(url).status_code in (403, 404), url  # 403: the role guard of the editor's pages
    assert other.get(f"/verifications/{v.pk}/file").status_code == 404
    for url in (
        f"/verifications/{v.pk}/answer",
        f"/verifications/{v.pk}/withdraw",
        f"/verifications/ask/{sub.pk}",
    ):
        assert other.post(url, {"answer": "越权", "question": "越权"}).status_code in (403, 404), url
    assert VerificationRequest.objects.get(pk=v.pk).answer == "已核实。"
    assert VerificationRequest.objects.filter(submission=sub).count() == 1


def test_the_townships_reviewer_sees_the_request_but_a_sibling_township_does_not(cast):
    from baosong.reports.selectors import verifications_visible_to

    v = ask(cast, sent(cast))
    assert verifications_visible_to(cast.township_reviewer.user).filter(pk=v.pk).exists()
    assert verifications_visible_to(cast.county_editor.user).filter(pk=v.pk).exists()
    assert not verifications_visible_to(cast.outsider_township_reporter.user).filter(pk=v.pk).exists()
    assert not verifications_visible_to(cast.outsider_editor.user).filter(pk=v.pk).exists()


def test_an_empty_question_is_refused_in_chinese_and_what_was_typed_stays(cast, client_as):
    sub = sent(cast)
    editor = client_as("county_editor")
    response = editor.post(f"/verifications/ask/{sub.pk}", {"question": "  ", "passage": "受灾群众1200余人"})
    assert response.status_code == 400
    page = text(response)
    assert "请填写需要核实的事项。" in page and "受灾群众1200余人</textarea>" in page
    bad_due = editor.post(f"/verifications/ask/{sub.pk}", {"question": QUESTION, "due_at": "明天"})
    assert bad_due.status_code == 400 and "答复时限格式不正确" in text(bad_due)
    assert QUESTION in text(bad_due)
    api = editor.post(
        f"/api/v1/submissions/{sub.pk}/verifications", {"question": ""}, content_type="application/json"
    )
    assert api.status_code == 400
    assert api.json() == {"detail": "请填写需要核实的事项。", "code": "question_required"}
    past = editor.post(
        f"/api/v1/submissions/{sub.pk}/verifications",
        {"question": QUESTION, "due_at": "2020-01-01T08:00:00+08:00"},
        content_type="application/json",
    )
    assert past.status_code == 400 and past.json()["code"] == "due_in_past"
    naive = editor.post(
        f"/api/v1/submissions/{sub.pk}/verifications",
        {"question": QUESTION, "due_at": "2020-01-01T08:00:00"},
        content_type="application/json",
    )
    assert naive.status_code == 400 and naive.json()["code"] == "due_in_past"
    assert not VerificationRequest.objects.exists()


def test_an_empty_answer_is_refused_and_the_request_stays_open(cast, client_as):
    v = ask(cast, sent(cast))
    author = client_as("township_reporter")
    response = author.post(f"/verifications/{v.pk}/answer", {"answer": ""})
    assert response.status_code == 400 and "请填写核实情况。" in text(response)
    api = author.post(
        f"/api/v1/verifications/{v.pk}/answer", {"answer": " "}, content_type="application/json"
    )
    assert api.status_code == 400 and api.json()["code"] == "answer_required"
    assert VerificationRequest.objects.get(pk=v.pk).status == VerificationStatus.OPEN


def test_the_api_flow_ask_list_answer_withdraw(cast, api):
    sub = sent(cast)
    editor, author = api("county_editor"), api("township_reporter")
    asked = editor.post(
        f"/api/v1/submissions/{sub.pk}/verifications",
        {
            "question": QUESTION,
            "passage": "1200余人",
            "due_at": (timezone.now() + dt.timedelta(days=1)).isoformat(),
        },
        content_type="application/json",
    )
    assert asked.status_code == 201
    body = asked.json()
    assert body["status"] == "open" and body["allowed_actions"] == ["withdraw"]
    mine = author.get("/api/v1/verifications?asked=false&status=open").json()
    assert [i["id"] for i in mine["items"]] == [body["id"]] and mine["items"][0]["allowed_actions"] == [
        "answer"
    ]
    assert editor.get("/api/v1/verifications?asked=true").json()["count"] == 1
    assert author.post(f"/api/v1/verifications/{body['id']}/withdraw").status_code == 403
    answered = author.post(
        f"/api/v1/verifications/{body['id']}/answer",
        {"answer": "数字无误。"},
        content_type="application/json",
    )
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    again = author.post(
        f"/api/v1/verifications/{body['id']}/answer", {"answer": "再答一次"}, content_type="application/json"
    )
    assert again.status_code == 409
    listed = editor.get(f"/api/v1/submissions/{sub.pk}/verifications").json()
    assert listed["items"][0]["answer"] == "数字无误。"
    assert Submission.objects.get(pk=sub.pk).status == SubmissionStatus.RECEIVED
    second = editor.post(
        f"/api/v1/submissions/{sub.pk}/verifications",
        {"question": "地点是否准确"},
        content_type="application/json",
    ).json()
    withdrawn = editor.post(f"/api/v1/verifications/{second['id']}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"


def test_the_asker_withdraws_and_the_author_is_told(cast, client_as):
    sub = sent(cast)
    v = ask(cast, sub)
    editor = client_as("county_editor")
    assert editor.post(f"/verifications/{v.pk}/withdraw").status_code == 302
    assert VerificationRequest.objects.get(pk=v.pk).status == VerificationStatus.WITHDRAWN
    deliver("notices")
    titles = list(
        Notification.objects.filter(user=cast.township_reporter.user, kind="verify").values_list(
            "title", flat=True
        )
    )
    assert any("撤回核实请求" in t for t in titles)
    assert "待核实" not in text(editor.get("/inbox/?verifying=1")).split("<table>")[-1].split("</table>")[0]


def test_a_declined_item_cannot_be_sent_for_verification(cast):
    from baosong.core.errors import ServiceError

    sub = services.submission_decline(submission=sent(cast), by=cast.county_editor.user)
    with pytest.raises(ServiceError) as refused:
        ask(cast, sub)
    assert refused.value.status == 409 and "不能请求核实" in refused.value.message


def test_every_edge_of_the_verification_table(cast):
    """open → answered (by the source unit) / withdrawn (by the asking unit); nothing leaves either."""
    from baosong.core.errors import ServiceError

    editor, reporter = cast.county_editor.user, cast.township_reporter.user
    sub = sent(cast)
    moves = {
        "answer": (
            lambda v, u: services.verification_answer(verification=v, by=u, answer="已核实。"),
            reporter,
            editor,
        ),
        "withdraw": (lambda v, u: services.verification_withdraw(verification=v, by=u), editor, reporter),
    }
    for action, (move, actor, wrong) in moves.items():
        v = ask(cast, sub)
        with pytest.raises(ServiceError) as refused:
            move(v, wrong)
        assert refused.value.status == 403
        move(v, actor)
        assert (
            VerificationRequest.objects.get(pk=v.pk).status
            == {"answer": "answered", "withdraw": "withdrawn"}[action]
        )
        for again, (move2, actor2, _) in moves.items():
            with pytest.raises(ServiceError) as refused:
                move2(VerificationRequest.objects.get(pk=v.pk), actor2)
            assert refused.value.status == 409, (action, again)


@pytest.mark.parametrize("key", ["township_reporter", "county_editor"])
def test_the_workbench_panel_costs_the_same_with_1_or_7_requests(cast, client_as, key):
    client = client_as(key)
    v = ask(cast, sent(cast, "第一条"))
    services.verification_answer(
        verification=ask(cast, sent(cast, "第二条")), by=cast.township_reporter.user, answer="无误"
    )
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        assert "信息核实" in text(client.get("/"))
    for n in range(6):
        w = ask(cast, sent(cast, f"第{n + 3}条"))
        if n % 2:
            services.verification_answer(verification=w, by=cast.township_reporter.user, answer="无误")
    with CaptureQueriesContext(connection) as many:
        html = text(client.get("/"))
    assert len(many.captured_queries) == len(few.captured_queries)
    if key == "township_reporter":
        assert re.search(r"<b>4</b><span>待我单位答复", html) and v.report.title in html
    else:
        assert re.search(r"<b>4</b><span>本单位待核实", html) and re.search(
            r"<b>4</b><span>近 7 天已答复", html
        )


@pytest.mark.parametrize("leaves", ["decline", "return"])
def test_a_request_is_withdrawn_with_the_item_leaving_the_desk(cast, leaves):
    """不采用 or 退回: nobody waits for the answer any more; the request closes with the decision, audited."""
    sub = sent(cast)
    v = ask(cast, sub)
    editor = cast.county_editor.user
    if leaves == "decline":
        services.submission_decline(submission=sub, by=editor)
    else:
        services.submission_return(submission=sub, by=editor, comment="请补充数据")
    v.refresh_from_db()
    assert v.status == "withdrawn" and v.withdrawn_by == editor
    assert AuditEvent.objects.filter(
        event_type="verification.transition", object_id=str(v.pk), details__action="withdraw"
    ).exists()
