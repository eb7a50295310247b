"""The system administrator's calendar page and GET /api/v1/calendar/{year}, through HTTP."""

from __future__ import annotations

import datetime as dt

from baosong.core.models import AuditEvent
from baosong.workdays.calendar import calendar_for
from baosong.workdays.models import CalendarDay, CalendarYear

D = dt.date


def test_the_administrator_sees_a_year_with_its_holidays_and_tiaoxiu_days(cast, client_as):
    admin = client_as("sysadmin")
    assert admin.get("/manage/calendar/").status_code == 302
    page = admin.get("/manage/calendar/2026/").content.decode()
    assert "工作日历 · 2026 年" in page
    assert "国务院办公厅关于2026年部分节假日安排的通知" in page and "调休安排已录入" in page
    assert 'title="清明节"' in page and 'title="劳动节调休上班"' in page
    assert "cal-holiday" in page and "cal-workday" in page and "cal-rest" in page
    # 365 days − 104 weekend days − 15 weekday holidays + 5 调休 Saturdays/Sundays
    assert f"共 {calendar_for(None).workdays_in_year(2026)} 个工作日" in page
    assert 'href="/manage/calendar/"' in page  # 工作日历 in the administrator's menu


def test_2027_says_its_tiaoxiu_are_still_to_be_entered(cast, client_as):
    page = client_as("sysadmin").get("/manage/calendar/2027/").content.decode()
    assert "2027 年调休安排尚未录入" in page
    assert "调休上班日（周末上班）还没有录入" in page


def test_a_year_without_a_notice_says_so(cast, client_as):
    page = client_as("sysadmin").get("/manage/calendar/2031/").content.decode()
    assert "2031 年的节假日安排尚未录入" in page


def test_the_administrator_enters_a_tiaoxiu_day_and_confirms_the_year(cast, client_as):
    admin = client_as("sysadmin")
    response = admin.post(
        "/manage/calendar/2027/day",
        {"date": "2027-02-20", "kind": "workday", "name": "春节调休上班", "unit": ""},
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=D(2027, 2, 20), unit__isnull=True)
    assert day.kind == "workday"
    event = AuditEvent.objects.get(event_type="calendar.day_set", object_id=str(day.pk))
    assert event.details["name"] == "春节调休上班" and event.details["scope"] == "全国"
    assert calendar_for(None).is_workday(D(2027, 2, 20))  # a Saturday, now a working day

    # Changing a listed day (the same date) edits it; removing it makes it a Saturday again.
    admin.post(
        "/manage/calendar/2027/day", {"date": "2027-02-20", "kind": "holiday", "name": "春节", "unit": ""}
    )
    assert CalendarDay.objects.get(pk=day.pk).kind == "holiday"
    admin.post("/manage/calendar/2027/remove", {"id": str(day.pk)})
    assert not CalendarDay.objects.filter(pk=day.pk).exists()
    assert AuditEvent.objects.filter(event_type="calendar.day_remove", object_id=str(day.pk)).exists()

    source = "国务院办公厅关于2027年部分节假日安排的通知"
    assert admin.post("/manage/calendar/2027/year", {"source": source, "confirmed": "1"}).status_code == 302
    row = CalendarYear.objects.get(year=2027)
    assert row.confirmed and row.source == source
    assert AuditEvent.objects.filter(event_type="calendar.year_set", details__year=2027).exists()
    assert "2027 年调休安排尚未录入" not in admin.get("/manage/calendar/2027/").content.decode()


def test_bad_input_is_refused_in_chinese_and_kept(cast, client_as):
    admin = client_as("sysadmin")
    cases = [
        ({"date": "2027-02-31", "kind": "holiday", "name": "春节"}, "日期格式不正确"),
        ({"date": "2027-02-22", "kind": "workday", "name": "调休"}, "本来就是工作日"),
        ({"date": "2027-02-20", "kind": "nap", "name": "午休"}, "类型须为"),
        ({"date": "2027-02-20", "kind": "holiday", "name": ""}, "名称须为"),
        ({"date": "2027-02-20", "kind": "holiday", "name": "地方节日", "unit": "NO-SUCH"}, "没有代码为"),
    ]
    for form, message in cases:
        response = admin.post("/manage/calendar/2027/day", form)
        assert response.status_code == 400, form
        body = response.content.decode()
        assert message in body, form
        assert f'value="{form["date"]}"' in body and f'value="{form["name"]}"' in body, form
    response = admin.post("/manage/calendar/2027/year", {"source": "", "confirmed": "1"})
    assert response.status_code == 400 and "请填写依据" in response.content.decode()
    assert admin.get("/manage/calendar/1999/").status_code == 404
    assert admin.post("/manage/calendar/2027/remove", {"id": "999999"}).status_code == 404


def test_a_local_overlay_day_for_a_unit_in_scope(cast, client_as):
    admin = client_as("sysadmin")
    county = cast.county_editor.unit
    response = admin.post(
        "/manage/calendar/2026/day",
        {"date": "2026-03-16", "kind": "holiday", "name": "地方节日", "unit": county.code},
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=D(2026, 3, 16), unit=county)
    assert AuditEvent.objects.get(event_type="calendar.day_set", object_id=str(day.pk)).unit_id == county.pk
    assert not calendar_for(cast.township_reporter.unit).is_workday(D(2026, 3, 16))
    assert calendar_for(None).is_workday(D(2026, 3, 16))
    page = admin.get(f"/manage/calendar/2026/?unit={county.code}").content.decode()
    assert f"（{county.name}适用）" in page and "cal-local" in page and "地方节日" in page


def test_business_users_cannot_open_or_change_the_calendar(cast, client_as):
    editor = client_as("county_editor")
    assert editor.get("/manage/calendar/2026/").status_code == 403
    response = editor.post(
        "/manage/calendar/2026/day", {"date": "2026-03-16", "kind": "holiday", "name": "x"}
    )
    assert response.status_code == 403
    assert not CalendarDay.objects.filter(date=D(2026, 3, 16)).exists()
    assert client_as("auditadmin").get("/manage/calendar/2026/").status_code == 403


# ---- GET /api/v1/calendar/{year} ----------------------------------------------------------------------


def test_the_calendar_api_lists_the_years_days_and_counts_its_working_days(cast, api):
    response = api("township_reporter").get("/api/v1/calendar/2026")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["year"] == 2026 and data["confirmed"] is True and "2026年" in data["source"]
    assert data["unit_id"] is None
    assert data["workdays"] == calendar_for(None).workdays_in_year(2026)
    days = {d["date"]: d for d in data["days"]}
    assert days["2026-04-06"] == {
        "date": "2026-04-06",
        "kind": "holiday",
        "name": "清明节",
        "workday": False,
        "local": False,
    }
    assert days["2026-05-09"]["kind"] == "workday" and days["2026-05-09"]["workday"] is True
    assert len(data["days"]) == CalendarDay.objects.filter(unit__isnull=True, date__year=2026).count()
    assert [d["date"] for d in data["days"]] == sorted(days)
    unconfirmed = api("county_editor").get("/api/v1/calendar/2027").json()
    assert unconfirmed["confirmed"] is False


def test_the_calendar_api_applies_a_visible_units_overlay(cast, api):
    county = cast.county_editor.unit
    CalendarDay.objects.create(date=D(2026, 3, 16), kind="holiday", name="地方节日", unit=county)
    client = api("township_reporter")
    national = client.get("/api/v1/calendar/2026").json()
    local = client.get(f"/api/v1/calendar/2026?unit={cast.township_reporter.unit.pk}").json()
    assert local["unit_id"] == cast.township_reporter.unit.pk
    assert local["workdays"] == national["workdays"] - 1
    assert {"date": "2026-03-16", "kind": "holiday", "name": "地方节日", "workday": False, "local": True} in (
        local["days"]
    )
    # A unit out of sight (a sibling county's township) answers 404, as an unknown one does.
    response = client.get(f"/api/v1/calendar/2026?unit={cast.outsider_township_reporter.unit.pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_the_calendar_api_refuses_a_year_out_of_range_in_chinese(cast, api):
    client = api("county_editor")
    for year in ("1999", "2101", "99999999999999999999"):
        response = client.get(f"/api/v1/calendar/{year}")
        assert response.status_code == 422, year
        assert (
            response.json()["code"] == "invalid_year"
            and "年份须在 2000 到 2100 之间" in response.json()["detail"]
        )
    assert client.get("/api/v1/calendar/abc").status_code == 422


def test_the_administrators_may_read_the_calendar_api(cast, client_as):
    assert client_as("sysadmin").get("/api/v1/calendar/2026").status_code == 200
