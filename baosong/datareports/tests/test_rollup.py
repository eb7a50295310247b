"""Township → county → city for March with the 接待 form: totals, lateness in working days, validation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from baosong.core.errors import ServiceError
from baosong.core.models import AuditEvent
from baosong.datareports import selectors, services
from baosong.datareports.models import ReturnStatus
from baosong.datareports.tests.conftest import fill_and_submit, filler, person, reception_row, travel
from baosong.orgs.models import Role, Unit


def test_the_city_totals_are_the_sum_of_every_row_below(cast, march):
    county = cast.county_editor.unit
    town_a = cast.township_reporter.unit
    town_b = Unit.objects.filter(parent=county, level="township").exclude(pk=town_a.pk).first()
    dept = Unit.objects.filter(parent=county, kind="department").first()
    other_county = cast.outsider_editor.unit
    other_town = cast.outsider_township_reporter.unit
    leaf_rows = {
        town_a: [
            reception_row("2026-03-05T09:00", 6, 2, "800.00", "360.50"),
            reception_row("2026-03-20T14:00", 3, 0, "0", "120.00", "50.00"),
        ],
        town_b: [reception_row("2026-03-11T10:00", 4, 1, "400.00", "200.00", "0", "30.25")],
        dept: [reception_row("2026-03-18T08:30", 10, 3, "1500.00", "900.00", "300.00")],
        other_town: [reception_row("2026-03-25T09:00", 2, 0, "0", "80.00")],
    }
    people = {town_a: cast.township_reporter.user, other_town: cast.outsider_township_reporter.user}
    for unit, rows in leaf_rows.items():
        fill_and_submit(march, unit, people.get(unit) or person(unit), rows, "2026-04-01")
    county_own = [reception_row("2026-03-30T09:00", 5, 5, "0", "0", "0", "99.99")]
    fill_and_submit(march, county, cast.county_editor.user, county_own, "2026-04-08")
    fill_and_submit(march, other_county, cast.outsider_editor.user, [], "2026-04-09")
    city = fill_and_submit(march, cast.city_editor.unit, cast.city_editor.user, [], "2026-04-17")

    every_row = [r for rows in leaf_rows.values() for r in rows] + county_own
    assert city.totals["rows.__rows"] == len(every_row) == 6
    assert city.totals["rows.guests_total"] == sum(r["guests_total"] for r in every_row)
    assert city.totals["rows.opposite_sex"] == sum(r["opposite_sex"] for r in every_row)
    assert Decimal(city.totals["rows.cost_total"]) == sum(Decimal(r["cost_total"]) for r in every_row)
    assert Decimal(city.totals["rows.cost_meals"]) == sum(Decimal(r["cost_meals"]) for r in every_row)
    # The archive's expansion of the city's version holds exactly those rows, each under its unit.
    version = selectors.versions_of(city)[-1]
    expanded = [(u.unit_id, len(u.own.get("rows", []))) for u in selectors.expand(version)]
    assert sum(n for _, n in expanded) == 6
    assert dict(expanded)[dept.pk] == 1
    # The city saw who returned and who did not: two counties of three, and the city's departments none.
    status = selectors.children_status(march, cast.city_editor.unit)
    assert status.submitted == 2 and status.missing == status.expected - 2


def test_a_late_township_is_late_by_working_days_across_qingming(cast, march):
    town = cast.township_reporter.unit
    by = cast.township_reporter.user
    # 接待 on 3月31日: 10 working days skip 清明 (4/4–4/6) → due 4月15日, not 4月10日 or 4月14日.
    ret = fill_and_submit(march, town, by, [reception_row("2026-03-31T09:00", 2)], "2026-04-15")
    assert not ret.late and ret.late_workdays == 0
    with travel("2026-04-20"):
        services.return_reopen(ret=ret, by=by)
        ret.refresh_from_db()
        rows = [*ret.data["rows"], reception_row("2026-03-31T15:00", 3)]
        services.return_save(ret=ret, by=by, data={"rows": rows, "filler": filler()})
        ret = services.return_submit(ret=ret, by=by)
    # The row first reported on 4/20 is 3 working days late (4/16, 4/17, 4/20), not 5 calendar days;
    # the row reported on 4/15 keeps its first report date and stays on time.
    assert ret.late and ret.late_workdays == 3
    own = selectors.versions_of(ret)[-1].own["rows"]
    assert [r["_late"] for r in own] == [0, 3]
    # The county's own level is due 次月10日: submitted 4/20, it is 6 working days late (4/13–4/17, 4/20).
    county = fill_and_submit(march, cast.county_editor.unit, cast.county_editor.user, [], "2026-04-20")
    assert county.late_workdays == 6
    assert AuditEvent.objects.filter(event_type="datareport.return", object_id=str(ret.pk)).count() == 3


def test_validation_names_the_field(cast, march):
    town = cast.township_reporter.unit
    by = cast.township_reporter.user
    with travel("2026-04-01"):
        ret = services.return_get_or_start(collection=march, unit=town)
        bad = [
            reception_row("2026-03-05T09:00", 3, opposite=4),
            reception_row("2026-03-06T09:00", 3, lodging="100.00", meals="50.00", total="200.00"),
        ]
        problems = services.return_save(ret=ret, by=by, data={"rows": bad, "filler": filler()})
        messages = [p.message for p in problems]
        assert "“其中异性人数”（4）不能大于“接待总人数”（3）。" in messages
        assert any(m.startswith("“费用总额（元）”应等于") and "150.00" in m for m in messages)
        assert {(p.row, p.field) for p in problems} == {(0, "opposite_sex"), (1, "cost_total")}
        with pytest.raises(ServiceError) as refused:
            services.return_submit(ret=ret, by=by)
        assert refused.value.status == 422 and len(refused.value.extra["problems"]) == 2
        ret.refresh_from_db()
        assert ret.status == ReturnStatus.DRAFT and len(ret.data["rows"]) == 2  # what was typed is kept


def test_a_correction_after_the_county_submitted_is_a_new_version_with_a_diff(cast, march):
    town, by = cast.township_reporter.unit, cast.township_reporter.user
    ret = fill_and_submit(march, town, by, [reception_row("2026-03-05T09:00", 6, 2, "800.00")], "2026-04-01")
    county = fill_and_submit(march, cast.county_editor.unit, cast.county_editor.user, [], "2026-04-08")
    v1 = selectors.versions_of(county)[-1]
    with travel("2026-04-09"):
        services.return_reopen(ret=ret, by=by)
        ret.refresh_from_db()
        row = {**ret.data["rows"][0], "guests_total": 8, "cost_lodging": "900.00", "cost_total": "900.00"}
        services.return_save(ret=ret, by=by, data={"rows": [row], "filler": filler()})
        services.return_submit(ret=ret, by=by)
    county.refresh_from_db()
    assert county.stale  # the county's fixed roll-up is behind the township's correction
    with travel("2026-04-09"):
        services.return_reopen(ret=county, by=cast.county_editor.user)
    county = fill_and_submit(march, cast.county_editor.unit, cast.county_editor.user, [], "2026-04-09")
    v2 = selectors.versions_of(county)[-1]
    assert (v1.number, v2.number) == (1, 2) and v1.totals["rows.guests_total"] == 6
    changes = selectors.version_diff(v1, v2, county.form_version.schema)
    seen = {(c.unit_name, c.label, c.before, c.after) for c in changes}
    assert ("合计", "接待总人数", "6", "8") in seen
    assert any(
        c.unit_name == town.name and c.label.endswith("接待总人数") and (c.before, c.after) == ("6", "8")
        for c in changes
    )


def test_the_level_above_sends_a_return_back_and_others_see_nothing(cast, march):
    town, by = cast.township_reporter.unit, cast.township_reporter.user
    ret = fill_and_submit(march, town, by, [reception_row("2026-03-05T09:00", 2)], "2026-04-01")
    assert selectors.may_see_return(cast.city_editor.user, march, town)
    assert not selectors.may_see_return(cast.outsider_editor.user, march, town)
    with pytest.raises(ServiceError):
        services.return_send_back(ret=ret, by=cast.outsider_editor.user, comment="请核对")
    with travel("2026-04-02"):
        ret = services.return_send_back(ret=ret, by=cast.county_editor.user, comment="请补充接待对象职务")
    assert ret.status == ReturnStatus.RETURNED and ret.comment == "请补充接待对象职务"
    assert person(town, Role.REPORTER)  # another 信息员 of the township may resubmit


def test_a_late_return_costs_points_once(cast, march):
    from baosong.core.outbox import deliver
    from baosong.scoring.models import LedgerEntry

    county = cast.county_editor.unit
    fill_and_submit(march, county, cast.county_editor.user, [], "2026-04-14")  # due 4/10: 2 working days late
    deliver("scoring")
    rows = LedgerEntry.objects.filter(unit=county, code="penalty_late_return")
    assert [(r.points, r.reason) for r in rows] == [(Decimal("-1.00"), "数据报表迟报 2 个工作日")]
