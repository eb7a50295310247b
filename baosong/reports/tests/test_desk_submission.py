"""The editor's inbox and submission page as the desk walkthrough (issue 11) found them: a refused decision
keeps what was typed, the working copy shows its changes, bulk actions say what they did and keep filters."""

from __future__ import annotations

from baosong.reports import services
from baosong.reports.models import Report, Submission

from .conftest import ITEM


def _received(cast, **extra):  # type: ignore[no-untyped-def]
    report = services.report_create(by=cast.township_reporter.user, **{**ITEM, **extra})
    services.report_submit(report=report, by=cast.township_reporter.user)
    services.report_approve(report=report, by=cast.township_reviewer.user)
    report = Report.objects.get(pk=report.pk)
    return Submission.objects.get(report=report, target_unit=cast.county_editor.unit)


def test_a_refused_return_keeps_the_comment_the_editor_wrote(cast, client_as):
    sub = _received(cast)
    # Another editor of the office decides first while this one is still writing.
    services.submission_adopt(submission=sub, by=cast.county_editor.user)
    r = client_as("county_editor").post(
        f"/inbox/{sub.pk}/return", {"comment": "请补充具体数据和下步打算，三百字以内。"}
    )
    assert 400 <= r.status_code < 500
    assert "请补充具体数据和下步打算，三百字以内。" in r.content.decode()


def test_a_refused_external_adoption_keeps_the_publication_name(cast, client_as):
    sub = _received(cast)
    r = client_as("county_editor").post(
        f"/inbox/{sub.pk}/external",
        {"publication_name": "省政府《每日要情》", "level": "province", "date": ""},
    )
    assert r.status_code == 400
    page = r.content.decode()
    assert "请完整填写刊物名称、级别和日期" in page
    assert 'value="省政府《每日要情》"' in page and '<option value="province" selected>' in page


def test_the_working_copy_shows_its_changes_against_the_original(cast, client_as):
    sub = _received(cast)
    client = client_as("county_editor")
    client.post(f"/inbox/{sub.pk}/", {"title": sub.title, "body": sub.body + "\n全镇共排查隐患12处。"})
    page = client.get(f"/inbox/{sub.pk}/").content.decode()
    assert "与作者原稿相比的修改" in page and "<ins>" in page and "全镇共排查隐患12处" in page


def test_the_page_says_when_the_item_is_already_flagged_nonconforming(cast, client_as):
    sub = _received(cast)
    client = client_as("county_editor")
    client.post(f"/stats/nonconforming/{sub.pk}", {"reason": "未经本单位审核"})
    page = client.get(f"/inbox/{sub.pk}/").content.decode()
    assert "已标记为不合规" in page and "未经本单位审核" in page
    assert 'action="/stats/nonconforming/' not in page


def test_bulk_actions_name_what_they_did_and_keep_the_filters(cast, client_as):
    sub = _received(cast)
    client = client_as("county_editor")
    data = {"action": "claim", "ids": [sub.pk], "query": "category=work_update&page=2"}
    r = client.post("/inbox/bulk", data)
    assert r.status_code == 302 and r["Location"] == "/inbox/?category=work_update"
    page = client.get(r["Location"]).content.decode()
    assert "已接收 1 条" in page
    r = client.post("/inbox/bulk", {"action": "adopt", "query": ""}, follow=True)
    assert "请先勾选要采用的信息" in r.content.decode()


def test_a_recorded_external_adoption_shows_on_the_page(cast, client_as):
    sub = _received(cast)
    client = client_as("county_editor")
    client.post(
        f"/inbox/{sub.pk}/external",
        {"publication_name": "省政府《每日要情》", "level": "province", "date": "2026-12-01"},
    )
    page = client.get(f"/inbox/{sub.pk}/").content.decode()
    assert "已补录" in page and "省政府《每日要情》（省级，2026-12-01" in page


def test_the_inbox_and_the_ledger_fold_their_filters_on_a_phone_until_used(cast, client_as):
    client = client_as("county_editor")
    for path in ("/inbox/", "/reports/ledger/"):
        page = client.get(path).content.decode()
        assert '<details class="filter-panel" open data-narrow-closed="1">' in page, path
        assert "reports/inbox.js" in page, path
        filtered = client.get(f"{path}?q=防汛").content.decode()
        assert 'data-narrow-closed=""' in filtered and "筛选（已筛选）" in filtered, path
