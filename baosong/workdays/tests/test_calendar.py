import datetime as dt

from baosong.workdays.calendar import add_workdays, calendar_for, is_workday, workdays_between
from baosong.workdays.models import CalendarDay

D = dt.date


def test_the_2026_notice_is_shipped(db):
    assert not is_workday(D(2026, 4, 6))  # 清明节, a Monday
    assert is_workday(D(2026, 5, 9))  # 劳动节调休上班, a Saturday
    assert is_workday(D(2026, 2, 28))
    assert is_workday(D(2026, 10, 8))  # an ordinary Thursday after 国庆
    assert calendar_for().day_name(D(2026, 2, 16)) == "春节"


def test_ten_working_days_after_an_event_skip_qingming(db):
    # 3月30日 (Mon) + 10 working days: 3/31, 4/1, 4/2, 4/3, [4/4-4/6 清明], 4/7 … 4/10, 4/13, 4/14
    assert add_workdays(D(2026, 3, 30), 10) == D(2026, 4, 14)


def test_a_tiaoxiu_saturday_counts_as_a_working_day(db):
    # 4/30 (Thu) + 3: [5/1-5/5 劳动节], 5/6, 5/7, 5/8 → 5/8; + 4 → 5/9 (调休 Saturday)
    assert add_workdays(D(2026, 4, 30), 3) == D(2026, 5, 8)
    assert add_workdays(D(2026, 4, 30), 4) == D(2026, 5, 9)
    assert workdays_between(D(2026, 5, 8), D(2026, 5, 11)) == 2  # 5/9 and 5/11


def test_days_late_count_working_days_only(db):
    assert workdays_between(D(2026, 4, 3), D(2026, 4, 8)) == 2  # 4/7, 4/8; 清明 and the weekend free
    assert workdays_between(D(2026, 4, 8), D(2026, 4, 3)) == 0


def test_a_local_overlay_wins_in_its_subtree_only(cast):
    CalendarDay.objects.create(
        date=D(2026, 3, 16), kind="holiday", name="地方节日", unit=cast.county_editor.unit
    )
    assert not calendar_for(cast.township_reporter.unit).is_workday(D(2026, 3, 16))
    assert calendar_for(cast.city_editor.unit).is_workday(D(2026, 3, 16))
    assert calendar_for().is_workday(D(2026, 3, 16))
