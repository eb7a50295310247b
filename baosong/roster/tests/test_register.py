"""The 登记表 itself: entries with and without an account, validation that keeps what was typed, the change
history (audited), units without a 信息员 on the editor's 工作台, the export, and another county's 404."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from baosong.core.models import AuditEvent
from baosong.orgs.models import Membership, Role, User
from baosong.roster import services
from baosong.roster.models import RosterChange, RosterEntry
from conftest import Actor, login

from .conftest import ENTRY, township


def missing_panel(html: str) -> str:
    """The 工作台 panel "未配备信息员的单位", or "" when it is not shown."""
    found = re.search(r'<section[^>]*aria-labelledby="wb-roster-missing-h".*?</section>', html, re.S)
    return found.group(0) if found else ""


def test_a_unit_without_a_reporter_is_flagged_until_one_is_registered(cast, client_as):
    editor = client_as("county_editor")
    xinqiao = township(cast, "新桥镇")
    panel = missing_panel(editor.get("/").content.decode())
    assert xinqiao.name in panel
    # 城关镇 has an account with the 信息员 role: it has a 信息员 even before anyone is registered.
    assert cast.township_reporter.unit.name not in panel
    listing = editor.get("/roster/missing").content.decode()
    assert xinqiao.name in listing and cast.township_reporter.unit.name not in listing
    assert editor.post(f"/roster/units/{xinqiao.pk}/new", ENTRY).status_code == 302
    assert xinqiao.name not in missing_panel(editor.get("/").content.decode())
    assert xinqiao.name not in editor.get("/roster/missing").content.decode()
    # A revoked entry no longer counts.
    services.entry_revoke(entry=RosterEntry.objects.get(unit=xinqiao), by=cast.county_editor.user)
    assert xinqiao.name in missing_panel(editor.get("/").content.decode())


def test_the_panel_is_gone_once_every_unit_has_a_reporter(cast, client_as):
    from baosong.roster.selectors import units_without_reporter

    editor = cast.county_editor.user
    for i, unit in enumerate(units_without_reporter(editor)):
        services.entry_add(unit=unit, values={**ENTRY, "mobile": f"1390591{i:04d}"}, by=editor)
    html = client_as("county_editor").get("/").content.decode()
    assert "未配备信息员的单位" not in html
    # Not an editor: no panel at all (the township's reporter keeps only their own unit).
    assert "未配备信息员的单位" not in client_as("township_reporter").get("/").content.decode()


def test_history_records_who_changed_what_and_when_and_the_audit_log_too(cast, client_as):
    town = cast.township_reporter.unit
    client = client_as("township_reporter")
    assert client.post(f"/roster/units/{town.pk}/new", ENTRY).status_code == 302
    entry = RosterEntry.objects.get(unit=town)
    changed = {**ENTRY, "mobile": "13800000002", "job_title": "党政办副主任", "reason": "电话变更"}
    assert client.post(f"/roster/entries/{entry.pk}/edit", changed).status_code == 302
    change = RosterChange.objects.get(entry=entry, kind="changed")
    assert change.changes == {
        "mobile": [ENTRY["mobile"], "13800000002"],
        "job_title": [ENTRY["job_title"], "党政办副主任"],
    }
    assert change.by == cast.township_reporter.user and change.reason == "电话变更"
    audit = AuditEvent.objects.get(event_type="roster.entry_change", object_id=str(entry.pk))
    assert sorted(audit.details["fields"]) == ["job_title", "mobile"] and audit.unit_id == town.pk
    assert client.post(f"/roster/entries/{entry.pk}/revoke", {"reason": "工作调动"}).status_code == 302
    assert AuditEvent.objects.filter(event_type="roster.entry_revoke", object_id=str(entry.pk)).exists()
    page = client.get(f"/roster/units/{town.pk}/").content.decode()
    assert "新增" in page and "变更" in page and "撤销" in page
    assert f"手机：{ENTRY['mobile']} → 13800000002" in page and "工作调动" in page
    # The county editor above sees the same history; the entry is off the 登记表 but kept.
    assert "工作调动" in client_as("county_editor").get(f"/roster/units/{town.pk}/").content.decode()
    assert RosterEntry.objects.get(pk=entry.pk).status == "revoked"
    # A revoked entry is not edited any more.
    assert client.post(f"/roster/entries/{entry.pk}/edit", changed).status_code == 302
    assert RosterChange.objects.filter(entry=entry).count() == 3


def test_an_account_fills_the_entry_and_is_registered_once(cast):
    town, reporter = cast.township_reporter.unit, cast.township_reporter.user
    entry = services.entry_add(unit=town, values={"duty": "full_time"}, by=reporter, user_id=reporter.pk)
    assert entry.name == reporter.full_name and entry.user == reporter
    try:
        services.entry_add(unit=town, values={"mobile": "13900000000"}, by=reporter, user_id=reporter.pk)
    except Exception as exc:
        assert getattr(exc, "code", "") == "duplicate_entry"
    else:
        raise AssertionError("registered twice")
    # Another unit's account cannot be named.
    outsider = cast.outsider_township_reporter.user
    try:
        services.entry_add(unit=town, values=ENTRY, by=reporter, user_id=outsider.pk)
    except Exception as exc:
        assert getattr(exc, "code", "") == "invalid_user"
    else:
        raise AssertionError("named another unit's account")


def test_a_wrong_number_is_refused_with_what_was_typed_kept(cast, client_as):
    town = cast.township_reporter.unit
    client = client_as("township_reporter")
    response = client.post(f"/roster/units/{town.pk}/new", {**ENTRY, "mobile": "1390"})
    html = response.content.decode()
    assert response.status_code == 400 and "手机号码应为 11 位数字" in html
    assert 'value="党政办"' in html and 'value="limei@example.cn"' in html
    response = client.post(f"/roster/units/{town.pk}/new", {**ENTRY, "mobile": "", "office_phone": ""})
    assert response.status_code == 400 and "请至少填写手机或办公电话" in response.content.decode()
    assert not RosterEntry.objects.filter(unit=town).exists()


def test_another_county_gets_404_on_every_page(cast, client_as):
    town = cast.township_reporter.unit
    entry = services.entry_add(unit=town, values=ENTRY, by=cast.township_reporter.user)
    rnd = services.round_open(
        by=cast.county_editor.user, unit=cast.county_editor.unit, title="登记",
        deadline=timezone.now() + dt.timedelta(days=3),
    )  # fmt: skip
    for key in ("outsider_editor", "outsider_township_reporter"):
        client = client_as(key)
        for url in (
            f"/roster/units/{town.pk}/",
            f"/roster/units/{town.pk}/new",
            f"/roster/entries/{entry.pk}/edit",
            f"/roster/rounds/{rnd.pk}/",
            f"/roster/export.xlsx?unit={town.pk}",
        ):
            assert client.get(url).status_code == 404, (key, url)
        for url in (
            f"/roster/entries/{entry.pk}/revoke",
            f"/roster/entries/{entry.pk}/edit",
            f"/roster/rounds/{rnd.pk}/units/{town.pk}/submit",
            f"/roster/units/{town.pk}/new",
        ):
            assert client.post(url, ENTRY).status_code == 404, (key, url)
        assert entry.name not in client.get("/roster/").content.decode()
    # A sibling township's own 信息员 neither sees 城关镇's register nor answers for it.
    xinqiao = township(cast, "新桥镇")
    sibling = User.objects.create_user(
        "xq_clerk",
        "Baosong#2026x",
        full_name="钱多",
        primary_unit=xinqiao,
        must_change_password=False,
        password_changed_at=timezone.now(),
    )
    Membership.objects.create(user=sibling, unit=xinqiao, role=Role.REPORTER)
    client = login(Client(), Actor("xq", sibling, xinqiao, "Baosong#2026x"))
    assert client.get(f"/roster/units/{town.pk}/").status_code == 404
    assert client.post(f"/roster/rounds/{rnd.pk}/units/{town.pk}/submit").status_code == 404
    assert client.get(f"/roster/units/{xinqiao.pk}/").status_code == 200
    assert RosterEntry.objects.get(pk=entry.pk).status == "active"


def test_the_export_is_the_register_one_row_per_person(cast, client_as):
    editor = cast.county_editor.user
    town, xinqiao = cast.township_reporter.unit, township(cast, "新桥镇")
    services.entry_add(unit=town, values=ENTRY, by=editor)
    services.entry_add(unit=xinqiao, values={**ENTRY, "name": "王强", "duty": "full_time"}, by=editor)
    response = client_as("county_editor").get("/roster/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["序号", "单位", "姓名", "性别", "科室", "职务", "专兼职", "办公电话", "手机", "传真",
                       "电子邮箱", "备注"]  # fmt: skip
    assert [r[2] for r in rows[1:]] == ["李梅", "王强"]
    assert rows[1][3] == "女" and rows[2][6] == "专职" and rows[1][8] == ENTRY["mobile"]
    assert AuditEvent.objects.filter(event_type="roster.export", user_id=editor.pk).exists()
    only_town = client_as("county_editor").get(f"/roster/export.csv?unit={town.pk}")
    text = b"".join(only_town.streaming_content).decode("utf-8-sig")
    assert "李梅" in text and "王强" not in text


def test_the_register_page_lists_each_unit_with_its_reporters(cast, client_as):
    services.entry_add(unit=cast.township_reporter.unit, values=ENTRY, by=cast.county_editor.user)
    html = client_as("county_editor").get("/roster/").content.decode()
    assert "李梅" in html and "未配备信息员" in html and "已登记 1 人" in html
    mine = client_as("township_reporter").get("/roster/").content.decode()
    assert "李梅" in mine and township(cast, "新桥镇").name not in mine
    # Roles that keep no register have no page.
    assert client_as("county_leader").get("/roster/").status_code == 403


def test_names_in_the_audit_log(cast: Any, client_as: Any) -> None:
    services.entry_add(unit=cast.township_reporter.unit, values=ENTRY, by=cast.county_editor.user)
    html = client_as("auditadmin").get("/audit/?event_type=roster.entry_add").content.decode()
    assert "新增信息员" in html and "李梅" in html
