"""Desk forms of 批示 found wanting in the desk walkthrough (issue 11): a refused 批示 keeps what was
typed; the recording form starts at the office's own level; assigned units say so. (The 约稿 form's case
is in solicitations/tests/test_solicitation_pages.py.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from baosong.editorial.models import Issue
from baosong.editorial.tests.conftest import adopted_at_county, distributed_county_issue
from baosong.instructions.models import Instruction


@pytest.fixture
def released(cast: Any) -> Issue:
    return distributed_county_issue(cast, [adopted_at_county(cast, "城关镇开展防汛应急演练")])


def test_a_refused_paper_instruction_keeps_the_typed_text_for_the_form(cast, client_as, released):
    editor = client_as("county_editor")
    item = released.items.get()
    future = timezone.localdate() + dt.timedelta(days=3)
    r = editor.post(
        f"/instructions/for-issue/{released.pk}",
        {
            "item": item.pk,
            "leader_name": "赵明",
            "level": "city",
            "instructed_on": future.isoformat(),
            "text": "请认真研究，抓好落实。这段批示不能丢。",
        },
    )
    assert r.status_code == 302 and Instruction.objects.count() == 0
    form = editor.get(f"/instructions/for-issue/{released.pk}").content.decode()
    assert "请认真研究，抓好落实。这段批示不能丢。</textarea>" in form
    assert 'value="赵明"' in form and '<option value="city" selected>' in form
    assert f'value="{future.isoformat()}"' in form
    assert f'<option value="{item.pk}" selected>' in form
    # Shown once: the next load is an empty form again.
    again = editor.get(f"/instructions/for-issue/{released.pk}").content.decode()
    assert "这段批示不能丢" not in again


def test_the_recording_form_starts_at_the_level_of_the_editors_office(cast, client_as, released):
    form = client_as("county_editor").get(f"/instructions/for-issue/{released.pk}").content.decode()
    assert '<option value="county" selected>' in form


def test_an_assigned_unit_shows_its_deadline_in_the_assign_form(cast, client_as, released):
    editor = client_as("county_editor")
    editor.post(
        f"/instructions/for-issue/{released.pk}",
        {
            "item": released.items.get().pk,
            "leader_name": "徐国强",
            "level": "county",
            "instructed_on": timezone.localdate().isoformat(),
            "text": "请落实。",
        },
    )
    ins = Instruction.objects.get()
    due = timezone.localdate() + dt.timedelta(days=10)
    editor.post(
        f"/instructions/{ins.pk}/assign",
        {"units": [cast.township_reporter.unit.pk], "due_on": due.isoformat()},
    )
    page = editor.get(f"/instructions/{ins.pk}/").content.decode()
    assert f"已交办，时限 {due.isoformat()}" in page


def test_a_closed_instruction_does_not_say_it_waits_for_feedback(cast, client_as, released):
    editor = client_as("county_editor")
    editor.post(
        f"/instructions/for-issue/{released.pk}",
        {
            "item": released.items.get().pk,
            "leader_name": "徐国强",
            "level": "county",
            "instructed_on": timezone.localdate().isoformat(),
            "text": "请落实。",
        },
    )
    ins = Instruction.objects.get()
    due = timezone.localdate() + dt.timedelta(days=10)
    editor.post(f"/instructions/{ins.pk}/assign", {"units": [cast.township_reporter.unit.pk], "due_on": due})
    page = editor.get(f"/instructions/{ins.pk}/").content.decode()
    assert "待反馈" in page and "data-confirm=" in page
    editor.post(f"/instructions/{ins.pk}/close", {"comment": ""})
    page = editor.get(f"/instructions/{ins.pk}/").content.decode()
    assert "办结时未反馈" in page and "待反馈<" not in page


def test_the_instruction_list_says_which_units_have_answered_in_words(cast, client_as, released):
    editor = client_as("county_editor")
    editor.post(
        f"/instructions/for-issue/{released.pk}",
        {
            "item": released.items.get().pk,
            "leader_name": "徐国强",
            "level": "county",
            "instructed_on": timezone.localdate().isoformat(),
            "text": "请落实。",
        },
    )
    ins = Instruction.objects.get()
    due = timezone.localdate() + dt.timedelta(days=10)
    editor.post(f"/instructions/{ins.pk}/assign", {"units": [cast.township_reporter.unit.pk], "due_on": due})
    client_as("township_reporter").post(
        f"/instructions/{ins.pk}/feedback", {"text": "已组织落实。", "unit": cast.township_reporter.unit.pk}
    )
    page = editor.get("/instructions/").content.decode()
    assert "✓" not in page and '<span class="badge badge-ok">已反馈</span>' in page


def test_a_feedback_deadline_set_in_working_days(cast, client_as, released):
    import time_machine

    editor = client_as("county_editor")
    # Thursday 4/30 + 5 working days: [5/1–5/5 劳动节], 5/6, 5/7, 5/8, Saturday 5/9 (调休), Monday 5/11.
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 4, 30, 9, 0)), tick=False):
        editor.post(
            f"/instructions/for-issue/{released.pk}",
            {
                "item": released.items.get().pk,
                "leader_name": "徐国强",
                "level": "county",
                "instructed_on": "2026-04-30",
                "text": "请落实。",
            },
        )
        ins = Instruction.objects.get()
        response = editor.post(
            f"/instructions/{ins.pk}/assign",
            {"units": [cast.township_reporter.unit.pk], "due_on": "", "due_workdays": "5"},
        )
        assert response.status_code == 302
    assert ins.assignments.get().due_on == dt.date(2026, 5, 11)
