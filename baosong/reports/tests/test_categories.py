"""Categories as data (信息类别): the administrator adds, renames, retires and orders them, each with its
deadline rule, required elements and writing template; deadline kinds count working days and months."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.utils import timezone

from baosong.core.errors import ServiceError
from baosong.core.models import AuditEvent
from baosong.reports import services
from baosong.reports.models import DeadlineRule, ItemCategory, Report, ReportStatus
from baosong.reports.timeliness import next_month_day, rule_text
from baosong.workdays.models import CalendarDay

from .conftest import ITEM

FORM = {**ITEM, "urgency": "normal", "public_scope": "internal"}
MEETING = {
    "code": "meeting",
    "label": "会议活动",
    "deadline_kind": "workdays",
    "deadline_amount": "2",
    "element_key": ["", "", ""],
    "element_label": ["会议名称", "参会人员", ""],
    "template": "【会议名称】\n【主要内容】",
}


def _local(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour, 0))


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def test_category_added_by_the_administrator_gives_its_items_its_deadline_and_elements(cast, client_as):
    admin = client_as("sysadmin")
    assert "信息类别" in admin.get("/manage/rules/").content.decode()
    assert admin.post("/manage/rules/categories/new", MEETING).status_code == 302
    meeting = ItemCategory.objects.get(code="meeting")
    assert meeting.label == "会议活动" and not meeting.retired
    assert [e["label"] for e in meeting.elements] == ["会议名称", "参会人员"]
    assert DeadlineRule.objects.get(category="meeting", urgency="").kind == "workdays"
    assert AuditEvent.objects.filter(event_type="config.category", object_id=str(meeting.pk)).exists()
    listing = admin.get("/manage/rules/").content.decode()
    assert "会议活动" in listing and "2 个工作日内" in listing

    reporter = client_as("township_reporter")
    page = reporter.get("/reports/new").content.decode()
    assert '<option value="meeting">会议活动</option>' in page
    # The writing template, offered when the category is chosen.
    templates = page.split('id="category-templates" type="application/json">')[1].split("</script>")[0]
    assert json.loads(templates) == {"meeting": "【会议名称】\n【主要内容】"}
    assert 'data-for="meeting"' in page and "会议名称" in page  # its 要素 boxes
    target = str(cast.county_editor.unit.pk)
    key_name, key_people = (e["key"] for e in meeting.elements)
    with time_machine.travel(_local(2026, 4, 3), tick=False):  # a Friday before 清明
        response = reporter.post(
            "/reports/new", {**FORM, "category": "meeting", "targets": [target], "submit": "1"}
        )
        report = Report.objects.get(title=ITEM["title"])
        assert report.category == "meeting" and report.status == ReportStatus.DRAFT
        checks = services.report_checks(report=report)
        assert [f["message"] for f in checks["blocking"]] == ["会议活动信息缺少要素：会议名称、参会人员。"]
        response = reporter.post(
            f"/reports/{report.pk}/edit",
            {
                **FORM,
                "category": "meeting",
                "targets": [target],
                f"el_{key_name}": "全镇安全生产工作会议",
                f"el_{key_people}": "各村支部书记",
                "submit": "1",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    report.refresh_from_db()
    assert report.status == ReportStatus.IN_REVIEW
    assert report.elements == {key_name: "全镇安全生产工作会议", key_people: "各村支部书记"}
    # 2 working days after Friday 4/3: 4/4–4/6 are 清明 holidays, so Tuesday 4/7 and Wednesday 4/8.
    assert report.due_at == _end_of(dt.date(2026, 4, 8))
    detail = reporter.get(f"/reports/{report.pk}/").content.decode()
    assert "会议活动要素" in detail and "全镇安全生产工作会议" in detail


def test_a_retired_category_stays_on_old_items_and_leaves_the_writing_page(cast, client_as):
    reporter = client_as("township_reporter")
    old = services.report_create(by=cast.township_reporter.user, **{**ITEM, "category": "policy"})
    admin = client_as("sysadmin")
    policy = ItemCategory.objects.get(code="policy")
    assert admin.post(f"/manage/rules/categories/{policy.pk}/retire").status_code == 302
    policy.refresh_from_db()
    assert policy.retired
    assert AuditEvent.objects.filter(event_type="config.category", details__retired=True).exists()

    page = reporter.get("/reports/new").content.decode()
    assert 'value="policy"' not in page and "政策落实" not in page
    # The old item keeps its category, shown by name, and its draft can still be edited and saved.
    assert "政策落实" in reporter.get(f"/reports/{old.pk}/").content.decode()
    edit = reporter.get(f"/reports/{old.pk}/edit").content.decode()
    assert '<option value="policy" selected>政策落实（已停用）</option>' in edit
    response = reporter.post(
        f"/reports/{old.pk}/edit",
        {**FORM, "category": "policy", "targets": [str(cast.county_editor.unit.pk)]},
    )
    assert response.status_code == 302
    assert Report.objects.get(pk=old.pk).category == "policy"
    # A new item cannot take it.
    response = reporter.post("/reports/new", {**FORM, "category": "policy"})
    assert response.status_code == 400
    assert "政策落实" not in response.content.decode().split('id="id_category"')[1].split("</select>")[0]
    # Restored, it is offered again.
    admin.post(f"/manage/rules/categories/{policy.pk}/restore")
    assert 'value="policy"' in reporter.get("/reports/new").content.decode()


def test_a_renamed_category_shows_its_new_name_on_old_items(cast, client_as):
    report = services.report_create(by=cast.township_reporter.user, **{**ITEM, "category": "problem"})
    admin = client_as("sysadmin")
    problem = ItemCategory.objects.get(code="problem")
    response = admin.post(
        f"/manage/rules/categories/{problem.pk}/",
        {"label": "问题与建议", "deadline_kind": "", "template": "", "element_key": [], "element_label": []},
    )
    assert response.status_code == 302
    assert ItemCategory.objects.get(pk=problem.pk).code == "problem"  # the code never changes
    page = client_as("township_reporter").get(f"/reports/{report.pk}/").content.decode()
    assert "问题与建议" in page


def test_the_administrator_reorders_categories(cast, client_as):
    admin = client_as("sysadmin")
    emergency = ItemCategory.objects.get(code="emergency")
    before = list(ItemCategory.objects.values_list("code", flat=True))
    admin.post(f"/manage/rules/categories/{emergency.pk}/up")
    after = list(ItemCategory.objects.values_list("code", flat=True))
    i = before.index("emergency")
    assert after[i - 1] == "emergency" and after[i] == before[i - 1]
    page = client_as("township_reporter").get("/reports/new").content.decode()
    assert page.index('value="emergency"') < page.index(f'value="{before[i - 1]}"')


def test_bad_category_input_is_refused_in_chinese_and_kept(cast, client_as):
    admin = client_as("sysadmin")
    response = admin.post("/manage/rules/categories/new", {**MEETING, "code": "会议"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "类别代码须为" in body and 'value="会议活动"' in body and "【会议名称】" in body
    response = admin.post("/manage/rules/categories/new", {**MEETING, "code": "emergency"})
    assert response.status_code == 400 and "已被使用" in response.content.decode()
    response = admin.post("/manage/rules/categories/new", {**MEETING, "label": "突发事件"})
    assert response.status_code == 400 and "已有名为“突发事件”的类别" in response.content.decode()
    response = admin.post("/manage/rules/categories/new", {**MEETING, "deadline_amount": "400"})
    assert response.status_code == 400 and "1 到 250" in response.content.decode()
    assert not ItemCategory.objects.filter(code="meeting").exists()


def test_the_last_category_in_use_cannot_be_retired(cast):
    admin = cast.sysadmin.user
    *others, last = ItemCategory.objects.all()
    for c in others:
        services.category_retire(by=admin, category=c)
    with pytest.raises(ServiceError, match="至少要保留一个"):
        services.category_retire(by=admin, category=last)


def test_business_users_cannot_open_the_category_pages(cast, client_as):
    editor = client_as("county_editor")
    emergency = ItemCategory.objects.get(code="emergency")
    assert editor.get("/manage/rules/categories/new").status_code == 403
    assert editor.get(f"/manage/rules/categories/{emergency.pk}/").status_code == 403
    assert editor.post(f"/manage/rules/categories/{emergency.pk}/retire").status_code == 403
    assert not ItemCategory.objects.get(pk=emergency.pk).retired


def test_an_element_named_like_another_categorys_shares_its_key(cast):
    category = services.category_create(
        by=cast.sysadmin.user, code="safety", label="安全生产", elements=[("", "地点"), ("", "伤亡和损失")]
    )
    assert [e["key"] for e in category.elements] == ["place", "casualties"]


# ---- deadline kinds ----------------------------------------------------------------------------------


def _rule(kind: str, amount: int = 0) -> None:
    DeadlineRule.objects.update_or_create(
        category="work_update", urgency="", defaults={"kind": kind, "amount": amount}
    )


def _submitted_at(cast, when: dt.datetime, **fields) -> Report:  # type: ignore[no-untyped-def]
    with time_machine.travel(when, tick=False):
        report = services.report_create(by=cast.township_reporter.user, **{**ITEM, **fields})
        services.report_submit(report=report, by=cast.township_reporter.user)
    return Report.objects.get(pk=report.pk)


def test_a_working_day_deadline_skips_qingming_2026(cast):
    _rule("workdays", 3)
    # Thursday 4/2 + 3 working days: Friday 4/3, [4/4–4/6 清明], Tuesday 4/7, Wednesday 4/8.
    report = _submitted_at(cast, _local(2026, 4, 2))
    assert report.due_at == _end_of(dt.date(2026, 4, 8))
    assert rule_text(DeadlineRule.objects.get(category="work_update", urgency="")) == "3 个工作日内"


def test_a_working_day_deadline_counts_the_tiaoxiu_saturday_and_the_local_overlay(cast):
    _rule("workdays", 4)
    # Thursday 4/30 + 4: [5/1–5/5 劳动节], 5/6, 5/7, 5/8 and Saturday 5/9 (调休上班).
    assert _submitted_at(cast, _local(2026, 4, 30)).due_at == _end_of(dt.date(2026, 5, 9))
    # The county declares 5/7 a local holiday: its townships' items are due a working day later.
    CalendarDay.objects.create(
        date=dt.date(2026, 5, 7), kind="holiday", name="地方节日", unit=cast.county_editor.unit
    )
    assert _submitted_at(cast, _local(2026, 4, 30)).due_at == _end_of(dt.date(2026, 5, 11))


def test_the_nth_of_next_month_and_the_end_of_the_month(cast):
    _rule("next_month_day", 10)
    assert _submitted_at(cast, _local(2026, 1, 31)).due_at == _end_of(dt.date(2026, 2, 10))
    assert _submitted_at(cast, _local(2026, 12, 5)).due_at == _end_of(dt.date(2027, 1, 10))
    assert next_month_day(dt.date(2026, 1, 15), 31) == dt.date(2026, 2, 28)
    _rule("month_end")
    assert _submitted_at(cast, _local(2026, 2, 3)).due_at == _end_of(dt.date(2026, 2, 28))
    # Counted from the event, when the item has one.
    report = _submitted_at(cast, _local(2026, 3, 2), event_time=_local(2026, 2, 27))
    assert report.due_at == _end_of(dt.date(2026, 2, 28))


def test_the_rules_page_sets_a_working_day_rule(cast, client_as):
    admin = client_as("sysadmin")
    admin.post("/manage/rules/deadline", {"category": "", "urgency": "", "kind": "workdays", "amount": "5"})
    assert DeadlineRule.objects.get(category="", urgency="").kind == "workdays"
    assert "5 个工作日内" in admin.get("/manage/rules/").content.decode()


# ---- the API -----------------------------------------------------------------------------------------


def test_the_api_takes_a_new_category_and_refuses_a_retired_one(cast, api):
    services.category_create(by=cast.sysadmin.user, code="meeting", label="会议活动")
    client = api("township_reporter")
    body = {"title": "城关镇召开安全生产工作会议", "body": "会议部署了节前安全检查。", "category": "meeting"}
    response = client.post("/api/v1/reports", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["category"] == "meeting"
    services.category_retire(by=cast.sysadmin.user, category=ItemCategory.objects.get(code="meeting"))
    response = client.post("/api/v1/reports", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "category_retired"
    assert "会议活动" in response.json()["detail"] and "已停用" in response.json()["detail"]
    response = client.post(
        "/api/v1/reports", {**body, "category": "nonsense"}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_category"
    assert "类别" in response.json()["detail"]
