"""The opt-in sample content (``manage.py seed_samples``, ``make run SAMPLES=1``): it fills the portal, the
statistics, the inbox and the 信息台账 through the services, keeps the rollups consistent, runs only once —
and the plain demo (``seed_demo``, what ``make run`` does by default) stays empty of content."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from baosong.core.models import DomainEvent
from baosong.demo.samples import EMERGENCY_FOLLOW_UP, MARKER_TITLE, TOWNSHIP
from baosong.editorial.models import Issue, IssueItem, IssueStatus
from baosong.instructions.models import Instruction
from baosong.notifications.models import Notification
from baosong.portal.models import PortalColumn, PortalRelease
from baosong.reports.models import ExternalAdoption, Report, Submission
from baosong.scoring.models import LedgerEntry, StatsDaily
from baosong.solicitations.models import Solicitation

TEXTS = {t.key: t for t in TOWNSHIP}


def seed_samples() -> str:
    out = io.StringIO()
    call_command("seed_samples", stdout=out)
    return out.getvalue()


def content_counts() -> dict[str, int]:
    models: list[Any] = [
        Report, Submission, ExternalAdoption, Issue, IssueItem, PortalRelease, Solicitation, Instruction,
        DomainEvent, LedgerEntry, StatsDaily, Notification,
    ]  # fmt: skip
    return {m.__name__: m.objects.count() for m in models}


def test_plain_seed_demo_creates_no_content(db: None) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    assert set(content_counts().values()) == {0}


def test_the_samples_put_a_published_issue_and_its_public_items_on_the_portal(cast: Any) -> None:
    seed_samples()
    issue = Issue.objects.get(publication__name="东湖政务信息", status=IssueStatus.PUBLISHED)
    public = Client()
    home = public.get("/portal/").content.decode()
    assert f"/portal/issues/{issue.pk}/" in home
    page = public.get(f"/portal/issues/{issue.pk}/").content.decode()
    assert MARKER_TITLE in page
    assert TEXTS["safety"].title not in page  # 依申请公开: in the issue, not on the portal
    item = IssueItem.objects.get(issue=issue, title=MARKER_TITLE)
    shown = public.get(f"/portal/issues/{issue.pk}/items/{item.pk}/")
    assert shown.status_code == 200 and "信访积案" in shown.content.decode()
    column = PortalColumn.objects.get(slug="gzdt")
    assert TEXTS["village"].title in public.get(f"/portal/columns/{column.slug}/").content.decode()
    assert PortalRelease.objects.filter(status="published", kind="item").count() == 2


def test_the_samples_fill_the_county_editor_statistics(cast: Any, client_as: Any) -> None:
    seed_samples()
    response = client_as("county_editor").get("/stats/")
    assert response.status_code == 200
    total = response.context["total"]
    assert total.counters["submitted"] > 0
    assert total.adopted > 0
    assert total.counters["instructions"] > 0
    assert total.points > 0


def test_the_samples_fill_the_inbox_and_the_information_ledger(cast: Any, client_as: Any) -> None:
    seed_samples()
    editor = client_as("county_editor")
    inbox = editor.get("/inbox/").content.decode()
    assert EMERGENCY_FOLLOW_UP.title in inbox  # the urgent 续报 waits for a decision
    assert TEXTS["farmland"].title in inbox
    ledger = editor.get("/reports/ledger/").content.decode()
    assert MARKER_TITLE in ledger and TEXTS["meeting"].title in ledger


def test_the_samples_leave_the_rollups_consistent(cast: Any) -> None:
    seed_samples()
    out = io.StringIO()
    call_command("check_rollups", stdout=out)
    assert "一致" in out.getvalue()


def test_seeding_the_samples_twice_creates_nothing_new(cast: Any) -> None:
    assert "已生成示例数据" in seed_samples()
    before = content_counts()
    assert before["Report"] >= 15
    assert "已存在" in seed_samples()
    assert content_counts() == before


def test_seed_samples_needs_the_demo_cast(db: None) -> None:
    with pytest.raises(CommandError, match="seed_demo"):
        seed_samples()


def test_the_samples_give_the_county_a_structured_report_to_roll_up(cast: Any, client_as: Any) -> None:
    seed_samples()
    from baosong.datareports.models import Collection

    collection = Collection.objects.get(form__code="reception")
    page = client_as("county_editor").get(f"/datareports/c/{collection.pk}/").content.decode()
    assert "城关镇" in page and "已上报" in page and "410.00" in page  # 240.00 + 170.00, computed
    assert "份报表待上报" in client_as("county_editor").get("/").content.decode()
