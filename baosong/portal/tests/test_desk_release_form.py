"""The 上网发布 request form as the desk walkthrough (issue 11) found it: its button says what it does
when the unit has no review chain, and a refused request keeps what was chosen and typed."""

from __future__ import annotations

from baosong.editorial.tests.conftest import adopted_at_county
from baosong.portal.models import PortalRelease


def test_without_a_chain_the_button_says_it_publishes_at_once(cast, client_as):
    page = client_as("county_editor").get("/publish/new").content.decode()
    assert "直接发布" in page and ">提交审核<" not in page


def test_with_a_chain_the_button_submits_for_review(cast, county_chain, client_as):
    page = client_as("county_editor").get("/publish/new").content.decode()
    assert ">提交审核<" in page and "直接发布" not in page


def test_a_refused_request_keeps_the_column_and_telephone(cast, columns, client_as):
    internal = adopted_at_county(cast, "东湖区召开内部工作会议")
    column = columns["gzdt"]
    r = client_as("county_editor").post(
        "/publish/new",
        {"target": f"sub:{internal.pk}", "column": column.pk, "contact": "0571-88001234", "submit": "1"},
    )
    assert r.status_code == 400 and PortalRelease.objects.count() == 0
    page = r.content.decode()
    assert "主动公开" in page and 'value="0571-88001234"' in page
    assert f'<option value="{column.pk}" selected>' in page


def test_another_units_object_answers_404_not_a_refusal(cast, columns, client_as):
    """The form looks the chosen item up among what the editor may see (as the API does): another county's
    item or submission is not found, rather than refused, which would say that it exists."""
    from baosong.reports import services as report_services

    theirs = report_services.report_create(by=cast.outsider_reporter.user, title="西林县信息", body="正文。")
    ours = adopted_at_county(cast, "城关镇开展防汛应急演练", public_scope="public")
    editor = client_as("outsider_editor")
    for target in (f"report:{ours.report_id}", f"sub:{ours.pk}", "issue:999999"):
        r = editor.post("/publish/new", {"target": target, "column": columns["gzdt"].pk})
        assert r.status_code == 404, target
    r = client_as("county_editor").post("/publish/new", {"target": f"report:{theirs.pk}"})
    assert r.status_code == 404
    assert PortalRelease.objects.count() == 0
