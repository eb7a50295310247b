from __future__ import annotations

from baosong.core.models import AuditEvent
from baosong.oversight.models import OversightSetting

from .helpers import raised_alert


def test_the_alert_on_the_workbench_the_oversight_page_and_its_handling(
    cast, client_as, django_capture_on_commit_callbacks
):
    alert = raised_alert(cast, django_capture_on_commit_callbacks)
    editor = client_as("county_editor")
    home = editor.get("/").content.decode()
    assert "条疑似漏报待处理" in home and alert.title in home
    page = editor.get("/oversight/").content.decode()
    assert alert.title in page and "东湖区城关镇" in page and "本单位的督查设置" in page
    detail = editor.get(f"/oversight/omissions/{alert.pk}/").content.decode()
    assert "东湖区新桥镇" in detail and "标记已处理" in detail
    # The township sees its alert (not who reported) and may not handle it.
    township = client_as("township_reporter")
    assert "条疑似漏报待处理" in township.get("/").content.decode()
    mine = township.get(f"/oversight/omissions/{alert.pk}/").content.decode()
    assert "补报信息" in mine and "东湖区新桥镇" not in mine and "标记已处理" not in mine
    assert township.post(f"/oversight/omissions/{alert.pk}/handle").status_code == 403
    # Another county: 404 on the alert, nothing on its page.
    outsider = client_as("outsider_editor")
    assert outsider.get(f"/oversight/omissions/{alert.pk}/").status_code == 404
    assert outsider.post(f"/oversight/omissions/{alert.pk}/handle", {"note": "越权"}).status_code == 404
    assert alert.title not in outsider.get("/oversight/").content.decode()
    # A note too long is refused with a Chinese message and kept in the form.
    refused = editor.post(f"/oversight/omissions/{alert.pk}/handle", {"note": "长" * 501})
    assert refused.status_code == 400 and "处理说明不能超过 500 字" in refused.content.decode()
    assert "长" * 501 in refused.content.decode()
    response = editor.post(f"/oversight/omissions/{alert.pk}/handle", {"note": "已电话督促补报"}, follow=True)
    assert "已标记为已处理" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == "handled" and alert.note == "已电话督促补报"
    assert AuditEvent.objects.filter(event_type="omission.handle", object_id=str(alert.pk)).exists()
    assert "条疑似漏报待处理" not in editor.get("/").content.decode()


def test_the_county_editor_sets_its_thresholds_and_bad_input_is_kept(cast, client_as):
    editor = client_as("county_editor")
    unit = cast.county_editor.unit
    bad = editor.post(
        "/oversight/unit-settings", {"unit": unit.pk, "silent_weeks": "三", "min_reporters": "3"}
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "连续未报送周数须为整数" in text and 'value="三"' in text
    assert not OversightSetting.objects.exists()
    ok = editor.post("/oversight/unit-settings", {"unit": unit.pk, "silent_weeks": "3", "min_reporters": "3"})
    assert ok.status_code == 302
    row = OversightSetting.objects.get(unit=unit)
    assert (row.silent_weeks, row.min_reporters) == (3, 3)
    assert AuditEvent.objects.filter(event_type="oversight.setting", unit_id=unit.pk).exists()
    # Another county's unit: 404, nothing saved.
    other = cast.outsider_editor.unit
    assert (
        editor.post("/oversight/unit-settings", {"unit": other.pk, "silent_weeks": "5", "min_reporters": "2"})
    ).status_code == 404
    assert not OversightSetting.objects.filter(unit=other).exists()


def test_the_system_administrator_sets_the_global_thresholds(cast, client_as):
    admin = client_as("sysadmin")
    assert "连续未报送周数" in admin.get("/oversight/settings").content.decode()
    assert admin.post("/oversight/settings", {"silent_weeks": "0", "min_reporters": "2"}).status_code == 400
    assert admin.post("/oversight/settings", {"silent_weeks": "4", "min_reporters": "2"}).status_code == 302
    row = OversightSetting.objects.get(is_global=True)
    assert row.silent_weeks == 4 and row.unit is None
    assert client_as("county_editor").get("/oversight/settings").status_code == 403
    assert admin.get("/oversight/").status_code == 403  # 三员 do no business work


def _alerts(cast, n: int) -> None:  # type: ignore[no-untyped-def]
    """n alerts about 城关镇 for the county's desk (rows as the scan writes them)."""
    import datetime as dt

    from django.utils import timezone

    from baosong.oversight.models import OmissionAlert
    from baosong.reports import services as report_services

    for i in range(n):
        report = report_services.report_create(by=cast.township_reporter.user, title=f"城关镇第{i}起火情")
        OmissionAlert.objects.create(
            unit=cast.township_reporter.unit,
            upper_unit=cast.county_editor.unit,
            target_unit=cast.county_editor.unit,
            anchor_report=report,
            report_ids=[report.pk],
            title=report.title,
            event_time=timezone.now() - dt.timedelta(hours=4),
            due_at=timezone.now() - dt.timedelta(hours=1),
            reporter_count=2,
            reporter_names=["东湖区新桥镇", "东湖区杨柳乡"],
        )


def test_the_page_and_the_api_list_read_as_many_queries_for_12_alerts_as_for_2(cast, client_as, api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page, rest = client_as("county_editor"), api("county_editor")
    _alerts(cast, 2)
    page.get("/oversight/")
    rest.get("/api/v1/oversight/omissions")
    with CaptureQueriesContext(connection) as few_page:
        assert page.get("/oversight/").content.decode().count("城关镇第") == 2
    with CaptureQueriesContext(connection) as few_api:
        assert rest.get("/api/v1/oversight/omissions").json()["count"] == 2
    _alerts(cast, 10)
    with CaptureQueriesContext(connection) as many_page:
        assert page.get("/oversight/").content.decode().count("城关镇第") == 12
    with CaptureQueriesContext(connection) as many_api:
        assert rest.get("/api/v1/oversight/omissions").json()["count"] == 12
    assert len(many_page) == len(few_page)
    assert len(many_api) == len(few_api)
