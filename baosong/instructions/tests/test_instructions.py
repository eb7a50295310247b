"""批示 and 督办反馈: a leader instructs on an item of a released issue, the publication's editors route it
to the units concerned with a deadline, the units feed back until the editor closes it; overdue ones
are listed, alarmed once, and the item's source unit sees the instruction on its trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from baosong.core.models import AuditEvent, DomainEvent
from baosong.core.outbox import deliver
from baosong.editorial import services as issue_services
from baosong.editorial.models import Issue, IssueItem, IssueStatus, Publication
from baosong.editorial.tests.conftest import adopted_at_county, distributed_county_issue
from baosong.instructions.models import Instruction, InstructionAssignment
from baosong.instructions.services import instructions_overdue_tick
from baosong.notifications.models import Notification
from baosong.orgs.models import Unit

TEXT = "请区应急管理局会同城关镇总结演练经验，在全区推广。"


@pytest.fixture
def released(cast: Any) -> Issue:
    """《东湖政务信息》 with two items from 城关镇, signed by the chief and distributed."""
    subs = [
        adopted_at_county(cast, "城关镇开展防汛应急演练"),
        adopted_at_county(cast, "城关镇推进农村人居环境整治"),
    ]
    issue = distributed_county_issue(cast, subs)
    assert issue.status == IssueStatus.DISTRIBUTED
    return issue


def _items(issue: Issue) -> list[IssueItem]:
    return list(issue.items.order_by("position", "id"))


def _report_id(item: IssueItem) -> int:
    return item.sources.get().submission.report_id


def _post(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, content_type="application/json")


def _instruct(api: Any, issue: Issue, **extra: Any) -> dict[str, Any]:
    """The county leader instructs on the first item through the API."""
    r = _post(
        api("county_leader"),
        "/api/v1/instructions",
        {"issue_id": issue.pk, "item_id": _items(issue)[0].pk, "text": TEXT, **extra},
    )
    assert r.status_code == 201, r.content.decode()
    return r.json()


def _assigned(api: Any, cast: Any, issue: Issue, due_on: dt.date) -> dict[str, Any]:
    """An instruction routed by the county editor to 城关镇 with a deadline."""
    ins = _instruct(api, issue)
    r = _post(
        api("county_editor"),
        f"/api/v1/instructions/{ins['id']}/assign",
        {"unit_ids": [cast.township_reporter.unit.pk], "due_on": due_on.isoformat()},
    )
    assert r.status_code == 200, r.content.decode()
    return r.json()


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_default_timezone())


# ---- a leader in the system instructs ----------------------------------------------------------------


def test_leader_instructs_through_the_api_with_name_level_and_date_from_the_account(cast, api, released):
    body = _instruct(api, released, leader_name="", unit_ids=[cast.township_reporter.unit.pk])
    assert body["leader_name"] == "徐国强"
    assert body["level"] == "county"
    assert body["date"] == timezone.localdate().isoformat()
    assert body["item_id"] == _items(released)[0].pk and body["status"] == "open"
    assert body["assignments"] == []  # the leader instructs; the editor decides who follows it up
    ins = Instruction.objects.get(pk=body["id"])
    assert ins.leader == cast.county_leader.user and ins.in_system
    assert ins.unit == cast.county_editor.unit and ins.recorded_by == cast.county_leader.user


def test_leader_instructs_from_the_reading_page_form(cast, client_as, released):
    leader = client_as("county_leader")
    page = leader.get(f"/reading/{released.pk}/")
    assert page.status_code == 200
    assert f'hx-get="/instructions/for-issue/{released.pk}"' in page.content.decode()
    form = leader.get(f"/instructions/for-issue/{released.pk}").content.decode()
    assert "提交批示" in form and 'name="leader_name"' not in form  # no paper-recording fields
    second = _items(released)[1]
    r = leader.post(
        f"/instructions/for-issue/{released.pk}",
        {"item": second.pk, "text": TEXT, "next": f"/reading/{released.pk}/"},
    )
    ins = Instruction.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/instructions/{ins.pk}/"
    assert (ins.item_id, ins.leader_name, ins.level) == (second.pk, "徐国强", "county")
    assert ins.instructed_on == timezone.localdate()
    detail = leader.get(r["Location"]).content.decode()
    assert TEXT in detail and released.label in detail


def test_an_instruction_notifies_the_county_editor_and_is_audited(cast, api, released):
    body = _instruct(api, released)
    deliver("notices")
    note = Notification.objects.get(user=cast.county_editor.user, kind=Notification.Kind.INSTRUCTION)
    assert "徐国强批示" in note.title and released.label in note.title
    assert note.url == f"/instructions/{body['id']}/" and TEXT[:20] in note.body
    event = AuditEvent.objects.get(event_type="instruction.create", object_id=str(body["id"]))
    assert event.user_id == cast.county_leader.user.pk
    assert event.unit_id == cast.county_editor.unit.pk
    assert event.details["recorded"] is False and event.details["level"] == "county"
    assert DomainEvent.objects.filter(event_type="instruction.create", object_id=body["id"]).count() == 1


# ---- an editor records a paper instruction -------------------------------------------------------------


def test_editor_records_a_paper_instruction_of_a_city_leader(cast, api, released):
    day = timezone.localdate() - dt.timedelta(days=2)
    r = _post(
        api("county_editor"),
        "/api/v1/instructions",
        {
            "issue_id": released.pk,
            "item_id": _items(released)[1].pk,
            "text": "此做法很好，请市应急管理局总结推广。",
            "leader_name": "赵明",
            "level": "city",
            "date": day.isoformat(),
        },
    )
    assert r.status_code == 201, r.content.decode()
    body = r.json()
    assert (body["leader_name"], body["level"], body["date"]) == ("赵明", "city", day.isoformat())
    ins = Instruction.objects.get(pk=body["id"])
    assert ins.leader is None and not ins.in_system and ins.recorded_by == cast.county_editor.user
    assert AuditEvent.objects.get(event_type="instruction.create").details["recorded"] is True


def test_editor_records_a_paper_instruction_from_the_issue_page_form(cast, client_as, released):
    editor = client_as("county_editor")
    form = editor.get(f"/instructions/for-issue/{released.pk}").content.decode()
    assert "登记领导批示" in form and 'name="leader_name"' in form
    day = timezone.localdate() - dt.timedelta(days=1)
    r = editor.post(
        f"/instructions/for-issue/{released.pk}",
        {
            "item": _items(released)[0].pk,
            "leader_name": "赵明",
            "level": "city",
            "instructed_on": day.isoformat(),
            "text": "请认真研究。",
        },
    )
    ins = Instruction.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/instructions/{ins.pk}/"
    assert (ins.leader_name, ins.level, ins.instructed_on, ins.leader) == ("赵明", "city", day, None)


@pytest.mark.parametrize("key", ["county_chief", "township_reporter"])
def test_a_reader_who_is_not_an_editor_cannot_record_an_instruction(api, released, key):
    r = _post(
        api(key),
        "/api/v1/instructions",
        {
            "issue_id": released.pk,
            "item_id": _items(released)[0].pk,
            "text": "请研究。",
            "leader_name": "赵明",
            "level": "city",
            "date": timezone.localdate().isoformat(),
        },
    )
    assert r.status_code == 403, r.content.decode()
    assert r.json()["code"] == "forbidden" and "采编人员" in r.json()["detail"]
    assert not Instruction.objects.exists()


def test_county_reporter_cannot_record_an_instruction(api, released):
    """The county office's reporter is neither an editor nor a reader of the issue (it is distributed to
    the leader by name and to the townships, not to the office itself): the issue does not exist for
    them, so the answer is 404 rather than 403."""
    r = _post(
        api("county_reporter"),
        "/api/v1/instructions",
        {
            "issue_id": released.pk,
            "item_id": _items(released)[0].pk,
            "text": "请研究。",
            "leader_name": "赵明",
            "level": "city",
            "date": timezone.localdate().isoformat(),
        },
    )
    assert r.status_code == 404, r.content.decode()
    assert r.json()["detail"]
    assert not Instruction.objects.exists()


def test_county_reporter_gets_no_instruction_form_and_cannot_post_one(client_as, released):
    reporter = client_as("county_reporter")
    assert reporter.get(f"/instructions/for-issue/{released.pk}").status_code == 404
    r = reporter.post(
        f"/instructions/for-issue/{released.pk}",
        {"item": _items(released)[0].pk, "leader_name": "赵明", "level": "city", "text": "请研究。"},
    )
    assert r.status_code == 404
    assert not Instruction.objects.exists()


def test_an_instruction_dated_in_the_future_is_refused(api, released):
    r = _post(
        api("county_editor"),
        "/api/v1/instructions",
        {
            "issue_id": released.pk,
            "item_id": _items(released)[0].pk,
            "text": "请研究。",
            "leader_name": "赵明",
            "level": "city",
            "date": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
        },
    )
    assert 400 <= r.status_code < 500
    assert r.json()["code"] == "date_in_future" and r.json()["detail"] == "批示日期不能晚于今天。"
    assert not Instruction.objects.exists()


def test_an_instruction_on_an_issue_still_being_edited_is_refused(cast, api):
    editor = cast.county_editor.user
    pub = Publication.objects.get(unit=cast.county_editor.unit, name="东湖政务信息")
    issue = issue_services.issue_create(by=editor, publication=pub)
    sub = adopted_at_county(cast, "城关镇开展防汛应急演练")
    [item] = issue_services.issue_item_add(issue=issue, by=editor, submission_ids=[sub.pk])
    for key in ["county_leader", "county_editor"]:
        extra = {"leader_name": "赵明", "level": "city", "date": str(timezone.localdate())}
        r = _post(
            api(key),
            "/api/v1/instructions",
            {
                "issue_id": issue.pk,
                "item_id": item.pk,
                "text": "请研究。",
                **(extra if "editor" in key else {}),
            },
        )
        assert r.status_code == 409, r.content.decode()
        assert r.json()["code"] == "issue_not_released" and "签发" in r.json()["detail"]
    assert not Instruction.objects.exists()


# ---- assignment and feedback ---------------------------------------------------------------------------


def test_the_township_sees_the_assignment_and_feeds_back_several_times(cast, api, client_as, released):
    due = timezone.localdate() + dt.timedelta(days=7)
    body = _assigned(api, cast, released, due)
    [a] = body["assignments"]
    assert (a["unit_id"], a["due_on"], a["overdue"], a["late"]) == (
        cast.township_reporter.unit.pk,
        due.isoformat(),
        False,
        False,
    )
    town = client_as("township_reporter")
    listing = town.get("/instructions/").content.decode()
    assert "待本单位落实反馈" in listing and "徐国强批示" in listing and due.isoformat() in listing
    detail = town.get(f"/instructions/{body['id']}/").content.decode()
    assert "反馈落实情况" in detail and TEXT in detail

    r = town.post(f"/instructions/{body['id']}/feedback", {"text": "已召开专题会议部署推广。"})
    assert r.status_code == 302 and r["Location"] == f"/instructions/{body['id']}/"
    assignment = InstructionAssignment.objects.get()
    first = assignment.first_feedback_at
    assert first is not None and assignment.last_feedback_at == first and not assignment.late

    r = _post(
        api("township_reporter"), f"/api/v1/instructions/{body['id']}/feedback", {"text": "推广已完成。"}
    )
    assert r.status_code == 201, r.content.decode()
    feedback = r.json()["assignments"][0]["feedback"]
    assert [f["text"] for f in feedback] == ["已召开专题会议部署推广。", "推广已完成。"]
    assert {f["by"] for f in feedback} == {"胡静"}
    assignment.refresh_from_db()
    assert assignment.first_feedback_at == first and assignment.last_feedback_at > first
    assert assignment.feedback.count() == 2
    assert AuditEvent.objects.filter(event_type="instruction.feedback").count() == 2


def test_feedback_notifies_the_desk_and_the_leader(cast, api, released):
    body = _assigned(api, cast, released, timezone.localdate() + dt.timedelta(days=7))
    deliver("notices")
    assert Notification.objects.filter(
        user=cast.township_reporter.user, kind=Notification.Kind.INSTRUCTION
    ).exists()
    _post(api("township_reporter"), f"/api/v1/instructions/{body['id']}/feedback", {"text": "已落实。"})
    deliver("notices")
    for actor in [cast.county_editor, cast.county_leader]:
        assert Notification.objects.filter(user=actor.user, kind=Notification.Kind.FEEDBACK).count() == 1


def test_a_unit_of_another_county_cannot_see_or_answer_the_instruction(cast, api, client_as, released):
    body = _assigned(api, cast, released, timezone.localdate() + dt.timedelta(days=7))
    outsider = client_as("outsider_reporter")
    assert outsider.get(f"/instructions/{body['id']}/").status_code == 404
    assert body["leader_name"] not in outsider.get("/instructions/").content.decode()
    r = outsider.post(f"/instructions/{body['id']}/feedback", {"text": "越权反馈"})
    assert r.status_code == 404
    outsider_api = api("outsider_reporter")
    r = outsider_api.get(f"/api/v1/instructions/{body['id']}")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert outsider_api.get("/api/v1/instructions").json() == {"items": [], "count": 0}
    r = _post(outsider_api, f"/api/v1/instructions/{body['id']}/feedback", {"text": "越权反馈"})
    assert r.status_code == 404
    assert not InstructionAssignment.objects.get().feedback.exists()


def test_the_county_reporter_whose_unit_is_not_assigned_cannot_feed_back(cast, api, released):
    body = _assigned(api, cast, released, timezone.localdate() + dt.timedelta(days=7))
    r = _post(api("county_reporter"), f"/api/v1/instructions/{body['id']}/feedback", {"text": "越权反馈"})
    assert r.status_code == 404
    assert not InstructionAssignment.objects.get().feedback.exists()


def test_only_the_editor_assigns(cast, api, released):
    ins = _instruct(api, released)
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    for key in ["county_leader", "county_chief"]:
        r = _post(
            api(key),
            f"/api/v1/instructions/{ins['id']}/assign",
            {"unit_ids": [cast.township_reporter.unit.pk], "due_on": due},
        )
        assert r.status_code == 403, (key, r.content.decode())
    assert not InstructionAssignment.objects.exists()


def test_a_deadline_before_the_instruction_is_refused(cast, api, released):
    ins = _instruct(api, released)
    r = _post(
        api("county_editor"),
        f"/api/v1/instructions/{ins['id']}/assign",
        {
            "unit_ids": [cast.township_reporter.unit.pk],
            "due_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        },
    )
    assert r.status_code == 400 and r.json()["code"] == "due_in_past"


def test_editor_assigns_from_the_instruction_page(cast, api, client_as, released):
    ins = _instruct(api, released)
    editor = client_as("county_editor")
    page = editor.get(f"/instructions/{ins['id']}/").content.decode()
    town = cast.township_reporter.unit
    assert "交办" in page and f'value="{town.pk}"' in page  # the item's source unit is offered
    due = timezone.localdate() + dt.timedelta(days=5)
    r = editor.post(f"/instructions/{ins['id']}/assign", {"units": [str(town.pk)], "due_on": due.isoformat()})
    assert r.status_code == 302
    assignment = InstructionAssignment.objects.get()
    assert (assignment.unit, assignment.due_on) == (town, due)


# ---- closing ---------------------------------------------------------------------------------------------


def test_editor_closes_and_feedback_after_close_is_refused(cast, api, client_as, released):
    body = _assigned(api, cast, released, timezone.localdate() + dt.timedelta(days=7))
    r = _post(api("county_editor"), f"/api/v1/instructions/{body['id']}/close", {"comment": "已落实到位"})
    assert r.status_code == 200 and r.json()["status"] == "closed"
    ins = Instruction.objects.get()
    assert ins.closed_by == cast.county_editor.user and ins.close_comment == "已落实到位"
    r = _post(api("township_reporter"), f"/api/v1/instructions/{body['id']}/feedback", {"text": "补充。"})
    assert r.status_code == 409 and r.json()["code"] == "closed"
    town = client_as("township_reporter")
    assert "待本单位落实反馈" not in town.get("/instructions/").content.decode()
    assert "提交反馈" not in town.get(f"/instructions/{body['id']}/").content.decode()
    r = town.post(f"/instructions/{body['id']}/feedback", {"text": "补充。"})
    assert r.status_code == 302
    assert "已办结" in town.get(r["Location"]).content.decode()
    assert not InstructionAssignment.objects.get().feedback.exists()
    r = _post(api("county_editor"), f"/api/v1/instructions/{body['id']}/close", {})
    assert r.status_code == 409


@pytest.mark.parametrize("key", ["township_reporter", "county_leader", "county_chief"])
def test_only_the_editor_closes(cast, api, client_as, released, key):
    body = _assigned(api, cast, released, timezone.localdate() + dt.timedelta(days=7))
    r = _post(api(key), f"/api/v1/instructions/{body['id']}/close", {})
    assert r.status_code == 403, r.content.decode()
    client_as(key).post(f"/instructions/{body['id']}/close", {"comment": "越权办结"})
    assert Instruction.objects.get().status == Instruction.Status.OPEN


def test_editor_closes_from_the_instruction_page(cast, api, client_as, released):
    body = _assigned(api, cast, released, timezone.localdate() + dt.timedelta(days=7))
    editor = client_as("county_editor")
    r = editor.post(f"/instructions/{body['id']}/close", {"comment": "办结"})
    assert r.status_code == 302
    assert Instruction.objects.get().status == Instruction.Status.CLOSED
    assert AuditEvent.objects.filter(event_type="instruction.close").count() == 1


# ---- overdue, on a frozen clock ---------------------------------------------------------------------


def test_an_unanswered_assignment_past_its_deadline_is_overdue(cast, api, client_as, released):
    due = timezone.localdate() + dt.timedelta(days=3)
    body = _assigned(api, cast, released, due)
    assert api("county_editor").get("/api/v1/instructions?overdue=true").json()["count"] == 0
    with time_machine.travel(_at(due), tick=False):  # the last day still counts
        assert api("county_editor").get("/api/v1/instructions?overdue=true").json()["count"] == 0
    with time_machine.travel(_at(due + dt.timedelta(days=1)), tick=False):
        listing = api("county_editor").get("/api/v1/instructions?overdue=true").json()
        assert listing["count"] == 1 and [i["id"] for i in listing["items"]] == [body["id"]]
        assert listing["items"][0]["assignments"][0]["overdue"] is True
        page = client_as("county_editor").get("/instructions/?overdue=1").content.decode()
        assert "逾期" in page and "徐国强" in page and "没有逾期未反馈的批示" not in page
        town = client_as("township_reporter").get("/instructions/").content.decode()
        assert "已逾期" in town


def test_the_overdue_tick_raises_one_event_per_assignment_however_often_it_runs(cast, api, released):
    due = timezone.localdate() + dt.timedelta(days=2)
    body = _instruct(api, released)
    town = cast.township_reporter.unit
    neighbour = Unit.objects.filter(parent=town.parent, level="township").exclude(pk=town.pk).first()
    units = [town.pk, neighbour.pk]
    r = _post(
        api("county_editor"),
        f"/api/v1/instructions/{body['id']}/assign",
        {"unit_ids": units, "due_on": due.isoformat()},
    )
    assert r.status_code == 200 and len(r.json()["assignments"]) == 2
    assert instructions_overdue_tick() == 0
    with time_machine.travel(_at(due + dt.timedelta(days=1)), tick=False):
        assert instructions_overdue_tick() == 2
        assert instructions_overdue_tick() == 0
    with time_machine.travel(_at(due + dt.timedelta(days=5)), tick=False):
        assert instructions_overdue_tick() == 0
    events = DomainEvent.objects.filter(event_type="instruction.overdue")
    assignments = {a.pk: a.unit_id for a in InstructionAssignment.objects.all()}
    assert sorted(e.payload["assignment_id"] for e in events) == sorted(assignments)
    assert sorted(e.unit_id or 0 for e in events) == sorted(units)
    deliver("notices")
    alarm = Notification.objects.get(user=cast.township_reporter.user, kind=Notification.Kind.OVERDUE)
    assert alarm.urgent and due.isoformat() in alarm.body


def test_feedback_after_the_deadline_is_marked_late(cast, api, released):
    due = timezone.localdate() + dt.timedelta(days=3)
    body = _assigned(api, cast, released, due)
    with time_machine.travel(_at(due + dt.timedelta(days=2)), tick=False):
        r = _post(
            api("township_reporter"), f"/api/v1/instructions/{body['id']}/feedback", {"text": "迟到的反馈。"}
        )
        assert r.status_code == 201, r.content.decode()
        [a] = r.json()["assignments"]
        assert a["late"] is True and a["overdue"] is False
        assert api("county_editor").get("/api/v1/instructions?overdue=true").json()["count"] == 0
        assert instructions_overdue_tick() == 0
    assignment = InstructionAssignment.objects.get()
    assert assignment.late
    assert AuditEvent.objects.get(event_type="instruction.feedback").details["late"] is True


def test_an_instruction_answered_in_time_is_never_overdue(cast, api, client_as, released):
    due = timezone.localdate() + dt.timedelta(days=3)
    body = _assigned(api, cast, released, due)
    with time_machine.travel(_at(due, hour=17), tick=False):
        r = _post(
            api("township_reporter"), f"/api/v1/instructions/{body['id']}/feedback", {"text": "按时反馈。"}
        )
        assert r.json()["assignments"][0]["late"] is False
    with time_machine.travel(_at(due + dt.timedelta(days=10)), tick=False):
        assert api("county_editor").get("/api/v1/instructions?overdue=true").json() == {
            "items": [],
            "count": 0,
        }
        one = api("county_editor").get(f"/api/v1/instructions/{body['id']}").json()
        assert one["assignments"][0]["overdue"] is False and one["assignments"][0]["late"] is False
        page = client_as("county_editor").get("/instructions/?overdue=1").content.decode()
        assert "没有逾期未反馈的批示" in page
        assert instructions_overdue_tick() == 0
    assert not DomainEvent.objects.filter(event_type="instruction.overdue").exists()


def test_a_closed_instruction_is_not_overdue(cast, api, released):
    due = timezone.localdate() + dt.timedelta(days=1)
    body = _assigned(api, cast, released, due)
    _post(api("county_editor"), f"/api/v1/instructions/{body['id']}/close", {})
    with time_machine.travel(_at(due + dt.timedelta(days=3)), tick=False):
        assert api("county_editor").get("/api/v1/instructions?overdue=true").json()["count"] == 0
        assert instructions_overdue_tick() == 0


# ---- the item's trail ------------------------------------------------------------------------------


def test_the_source_unit_sees_the_instruction_on_its_items_trail(cast, api, client_as, released):
    _instruct(api, released)
    released.refresh_from_db()
    report_id = _report_id(_items(released)[0])
    trail = client_as("township_reporter").get(f"/instructions/for-report/{report_id}")
    assert trail.status_code == 200
    html = trail.content.decode()
    assert TEXT in html and released.label in html and "第21期（总第157期）" in html
    assert "徐国强批示" in html
    other = client_as("township_reporter").get(f"/instructions/for-report/{_report_id(_items(released)[1])}")
    assert TEXT not in other.content.decode() and released.label in other.content.decode()


def test_the_source_unit_and_author_may_open_the_instruction(cast, api, client_as, released):
    body = _instruct(api, released)  # not assigned to anyone yet
    assert client_as("township_reporter").get(f"/instructions/{body['id']}/").status_code == 200
    assert api("township_reviewer").get(f"/api/v1/instructions/{body['id']}").status_code == 200


def test_an_outsider_cannot_see_the_items_trail(cast, api, client_as, released):
    _instruct(api, released)
    report_id = _report_id(_items(released)[0])
    assert client_as("outsider_reporter").get(f"/instructions/for-report/{report_id}").status_code == 404


# ---- refusals land on a full page, never elsewhere; service refusals are audited ---------------------


@pytest.mark.parametrize(
    ("key", "page"), [("county_editor", "/issues/{}/"), ("county_leader", "/reading/{}/")]
)
def test_a_refused_instruction_brings_the_user_back_to_the_page_with_the_error(
    client_as, released, key, page
):
    """The form is an htmx fragment inside the compose page and the reading page; after a refusal the
    person must land on a full page that shows why, not on the bare fragment."""
    client = client_as(key)
    page = page.format(released.pk)
    fragment = client.get(
        f"/instructions/for-issue/{released.pk}",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{page}",
    ).content.decode()
    assert 'name="next"' not in fragment  # the view decides where to go back, never the request
    data = {"item": _items(released)[0].pk, "text": "请研究。"}
    if key == "county_editor":
        future = timezone.localdate() + dt.timedelta(days=3)
        data |= {"leader_name": "赵明", "level": "city", "instructed_on": future.isoformat()}
        reason = "批示日期不能晚于今天。"
    else:
        data["item"] = "0"
        reason = "请选择批示针对的信息。"
    r = client.post(f"/instructions/for-issue/{released.pk}", data)
    assert r.status_code == 302
    assert r["Location"] != f"/instructions/for-issue/{released.pk}", "redirected to the bare fragment"
    shown = client.get(r["Location"], follow=True).content.decode()
    assert "<html" in shown and reason in shown
    assert not Instruction.objects.exists()


def test_the_instruction_form_never_redirects_to_another_site(client_as, released):
    r = client_as("county_leader").post(
        f"/instructions/for-issue/{released.pk}",
        {"item": "0", "text": "请研究。", "next": "https://evil.example/phish"},
    )
    assert r.status_code == 302
    assert url_has_allowed_host_and_scheme(r["Location"], allowed_hosts={"testserver"}), r["Location"]


def test_a_refused_recording_through_the_api_is_audited_as_a_permission_denial(api, released):
    r = _post(
        api("county_chief"),
        "/api/v1/instructions",
        {
            "issue_id": released.pk,
            "item_id": _items(released)[0].pk,
            "text": "请研究。",
            "leader_name": "赵明",
            "level": "city",
            "date": timezone.localdate().isoformat(),
        },
    )
    assert r.status_code == 403
    assert AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED).exists()
