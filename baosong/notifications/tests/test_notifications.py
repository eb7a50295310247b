"""Workflow events become notifications: in-app, email per preference, SMS for urgent items."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.test import override_settings

from baosong.notifications.models import Notification
from baosong.orgs.models import User
from baosong.reports import services
from baosong.reports.models import Submission

ITEM = {"title": "城关镇开展防汛应急演练", "body": "演练检验了预案。", "category": "work_update"}


class Gateway:
    def __init__(self) -> None:
        self.messages: list[dict[str, str]] = []


@pytest.fixture
def sms_gateway() -> Iterator[tuple[Gateway, str]]:
    """A fake SMS gateway on localhost that records what it receives."""
    gateway = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            gateway.messages.append(json.loads(self.rfile.read(length)))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"ok": true}')

        def log_message(self, *args: object) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield gateway, f"http://127.0.0.1:{server.server_port}/send"
    finally:
        server.shutdown()


@pytest.fixture
def run_after_commit(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Run the after-commit work (outbox, email, SMS tasks) as the worker would."""

    def run(fn):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            return fn()

    return run


def _submit_and_approve(cast, run, **extra):  # type: ignore[no-untyped-def]
    report = run(lambda: services.report_create(by=cast.township_reporter.user, **{**ITEM, **extra}))
    run(lambda: services.report_submit(report=report, by=cast.township_reporter.user))
    run(lambda: services.report_approve(report=report, by=cast.township_reviewer.user))
    return report


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_reviewer_is_told_to_review_and_editor_is_told_of_arrival(cast, run_after_commit):
    report = run_after_commit(lambda: services.report_create(by=cast.township_reporter.user, **ITEM))
    run_after_commit(lambda: services.report_submit(report=report, by=cast.township_reporter.user))
    note = Notification.objects.get(user=cast.township_reviewer.user)
    assert note.kind == "to_review" and ITEM["title"] in note.title
    run_after_commit(lambda: services.report_approve(report=report, by=cast.township_reviewer.user))
    arrival = Notification.objects.get(user=cast.county_editor.user, kind="received")
    assert arrival.url == f"/inbox/{Submission.objects.get(report=report).pk}/"
    assert any(cast.county_editor.user.email in m.to for m in mail.outbox)


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_email_follows_the_users_preference(cast, run_after_commit):
    User.objects.filter(pk=cast.county_editor.user.pk).update(email_notifications=False)
    _submit_and_approve(cast, run_after_commit)
    assert Notification.objects.filter(user=cast.county_editor.user, kind="received").exists()
    assert not any(cast.county_editor.user.email in m.to for m in mail.outbox)


def test_author_hears_of_the_decision_and_of_a_return(cast, run_after_commit):
    report = _submit_and_approve(cast, run_after_commit)
    sub = Submission.objects.get(report=report)
    run_after_commit(
        lambda: services.submission_return(
            submission=sub, by=cast.county_editor.user, comment="请补充数据来源"
        )
    )
    returned = Notification.objects.get(user=cast.township_reporter.user, kind="returned")
    assert "请补充数据来源" in returned.body


def test_urgent_items_also_go_out_by_sms(cast, run_after_commit, sms_gateway):
    gateway, url = sms_gateway
    User.objects.filter(pk=cast.county_editor.user.pk).update(mobile="13900001111")
    with override_settings(
        SMS_GATEWAY_URL=url, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
    ):
        _submit_and_approve(cast, run_after_commit, urgency="urgent")
    assert [m["mobile"] for m in gateway.messages] == ["13900001111"]
    assert "紧急" in gateway.messages[0]["text"]


def test_each_event_notifies_once_even_if_the_outbox_runs_again(cast, run_after_commit):
    from baosong.core.outbox import deliver

    _submit_and_approve(cast, run_after_commit)
    before = Notification.objects.count()
    assert deliver("notices") == 0
    assert Notification.objects.count() == before


def test_notification_centre_and_unread_badge(cast, client_as, run_after_commit):
    _submit_and_approve(cast, run_after_commit)
    client = client_as("county_editor")
    assert ">1<" in client.get("/notices/unread").content.decode()
    page = client.get("/notices/").content.decode()
    assert ITEM["title"] in page
    note = Notification.objects.get(user=cast.county_editor.user)
    response = client.get(f"/notices/{note.pk}/open")
    assert response.status_code == 302 and response["Location"] == note.url
    assert client.get("/notices/unread").content.decode().strip() == ""


def test_nobody_opens_another_users_notification(cast, client_as, run_after_commit):
    _submit_and_approve(cast, run_after_commit)
    note = Notification.objects.get(user=cast.county_editor.user)
    assert client_as("outsider_editor").get(f"/notices/{note.pk}/open").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_the_editor_hears_when_a_returned_item_comes_back(cast, run_after_commit):
    report = _submit_and_approve(cast, run_after_commit)
    sub = Submission.objects.get(report=report)
    run_after_commit(lambda: services.submission_claim(submission=sub, by=cast.county_editor.user))
    run_after_commit(
        lambda: services.submission_return(submission=sub, by=cast.county_editor.user, comment="补充")
    )
    run_after_commit(
        lambda: services.submission_resubmit(
            submission=sub, by=cast.township_reporter.user, title=ITEM["title"], body="补充后的正文"
        )
    )
    assert Notification.objects.filter(
        user=cast.county_editor.user, title__startswith="作者已修改重报"
    ).exists()


def test_reviewer_is_notified_even_when_delivery_comes_after_the_approval(
    cast, django_capture_on_commit_callbacks
):
    from baosong.core.outbox import deliver

    report = services.report_create(by=cast.township_reporter.user, **ITEM)
    with django_capture_on_commit_callbacks(execute=False):  # the worker is slow: nothing delivered yet
        services.report_submit(report=report, by=cast.township_reporter.user)
        services.report_approve(report=report, by=cast.township_reviewer.user)
    deliver("notices")
    assert Notification.objects.filter(user=cast.township_reviewer.user, kind="to_review").exists()
