"""The system administrator defines a form on the editor page; a change applies from a date and returns
already begun keep their version; a rule that cannot be read is refused with what was typed kept."""

from __future__ import annotations

from django.test import Client

from baosong.datareports import services
from baosong.datareports.models import Form
from baosong.datareports.tests.conftest import travel
from conftest import login

FIELDS = {
    "name": "安全生产检查情况表", "code": "safety_checks", "description": "每月检查情况",
    "s0.title": "检查情况", "s0.repeating": "1",
    "s0.f0.label": "检查日期", "s0.f0.key": "day", "s0.f0.type": "date", "s0.f0.required": "1",
    "s0.f1.label": "检查企业数", "s0.f1.key": "firms", "s0.f1.type": "integer", "s0.f1.min": "0",
    "s0.f1.rollup": "sum", "s0.f1.required": "1",
    "s0.f2.label": "发现隐患数", "s0.f2.key": "risks", "s0.f2.type": "integer", "s0.f2.rollup": "sum",
    "s0.f3.label": "是否整改", "s0.f3.key": "fixed", "s0.f3.type": "choice", "s0.f3.choices": "是、否",
    "s0.f4.label": "整改期限", "s0.f4.key": "fix_by", "s0.f4.type": "date", "s0.f4.when": "fixed=是",
    "s1.title": "填报信息", "s1.f0.label": "填报人", "s1.f0.type": "text", "s1.f0.required": "1",
    "rules": "发现隐患数 <= 检查企业数",
}  # fmt: skip


def test_the_administrator_defines_a_form_the_office_then_collects(cast):
    admin = login(Client(), cast.sysadmin)
    assert admin.get("/datareports/forms/new").status_code == 200
    bad = admin.post("/datareports/forms/new", {**FIELDS, "rules": "发现隐患数 小于 检查企业数"})
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "无法识别" in page and "安全生产检查情况表" in page and "发现隐患数 小于 检查企业数" in page
    done = admin.post("/datareports/forms/new", FIELDS)
    assert done.status_code == 302
    form = Form.objects.get(code="safety_checks")
    sch = form.versions.get().schema
    assert [f["key"] for f in sch["sections"][0]["fields"]] == ["day", "firms", "risks", "fixed", "fix_by"]
    assert sch["sections"][0]["fields"][4]["when"] == {"field": "fixed", "in": ["是"]}
    assert sch["rules"] == [{"kind": "le", "section": "s0", "a": "risks", "b": "firms"}]
    assert sch["sections"][1]["key"] == "s1" and not sch["sections"][1]["repeating"]

    with travel("2026-03-01"):
        coll = services.collection_create(
            by=cast.county_editor.user, form=form, root_unit=cast.county_editor.unit, period_kind="monthly",
            period="2026-03", levels=[{"due": {"kind": "next_month_day", "n": 5}},
                                      {"due": {"kind": "workdays_after_period", "n": 3}}],
        )  # fmt: skip
        ret = services.return_get_or_start(collection=coll, unit=cast.township_reporter.unit)
        rows = {"s0": [{"day": "2026-03-02", "firms": 2, "risks": 5, "fixed": "否"}], "s1": {"filler": "x"}}
        problems = services.return_save(ret=ret, by=cast.township_reporter.user, data=rows)
    messages = [p.message for p in problems]
    assert "“发现隐患数”（5）不能大于“检查企业数”（2）。" in messages and "请填写“填报人”。" in messages

    revise = admin.post(
        f"/datareports/forms/{form.pk}/revise",
        {**FIELDS, "s0.f5.label": "检查人员数", "s0.f5.type": "integer", "valid_from": "2026-04-01"},
    )
    assert revise.status_code == 302
    assert form.versions.count() == 2
    assert ret.form_version.number == 1  # the March return keeps the version it began with
    assert services.version_on(form, __import__("datetime").date(2026, 4, 1)).number == 2
    assert "检查人员数" in admin.get(f"/datareports/forms/{form.pk}/").content.decode()


def test_others_cannot_define_forms(cast):
    editor = login(Client(), cast.county_editor)
    assert editor.get("/datareports/forms/new").status_code == 404
    reception = Form.objects.get(code="reception")
    assert editor.post(f"/datareports/forms/{reception.pk}/revise", FIELDS).status_code == 404
