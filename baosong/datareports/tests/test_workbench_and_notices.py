"""The 工作台 shows the returns a unit still owes; submitting tells the level above, sending back tells
the unit."""

from __future__ import annotations

import time_machine
from django.test import Client

from baosong.core.outbox import deliver
from baosong.datareports import services
from baosong.datareports.tests.conftest import at, fill_and_submit, reception_row, travel
from baosong.notifications.models import Notification
from conftest import login


def test_the_workbench_lists_a_return_still_owed_and_drops_it_once_submitted(cast, march):
    town, by = cast.township_reporter.unit, cast.township_reporter.user
    client = login(Client(), cast.township_reporter)
    with time_machine.travel(at("2026-04-02"), tick=False):
        page = client.get("/").content.decode()
    assert "份报表待上报" in page and march.title in page and "未填报" in page
    fill_and_submit(march, town, by, [reception_row("2026-03-30T09:00", 2)], "2026-04-02")
    with time_machine.travel(at("2026-04-02"), tick=False):
        page = client.get("/").content.decode()
    assert "本单位的数据报表都已上报。" in page


def test_submit_and_send_back_notify_the_people_concerned(cast, march):
    town, by = cast.township_reporter.unit, cast.township_reporter.user
    ret = fill_and_submit(march, town, by, [reception_row("2026-03-30T09:00", 2)], "2026-04-02")
    deliver("notices")
    received = Notification.objects.get(user=cast.county_editor.user, kind="received")
    assert received.title == f"{town.name}已上报{march.title}" and received.url.endswith(f"/u/{town.pk}/")
    with travel("2026-04-03"):
        services.return_send_back(ret=ret, by=cast.county_editor.user, comment="请补充接待对象职务")
    deliver("notices")
    back = Notification.objects.get(user=by, kind="returned")
    assert back.title.endswith("被退回修改") and back.body == "请补充接待对象职务"
