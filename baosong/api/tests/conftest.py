"""A small world in 东湖区 (the demo county) with one object of every kind the API addresses by id."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from baosong.editorial.models import Issue
from baosong.editorial.tests.conftest import distributed_county_issue
from baosong.instructions import services as instruction_services
from baosong.notifications.services import notify
from baosong.orgs import auth
from baosong.portal import services as portal_services
from baosong.reports import files
from baosong.reports import services as report_services
from baosong.reports.models import Report, Submission
from baosong.solicitations import services as solicitation_services


@dataclass
class World:
    report: Report
    submission: Submission
    issue: Issue
    item_id: int
    instruction_id: int
    solicitation_id: int
    token_id: int
    county_id: int
    attachment_id: int  # of ``report``
    notification_id: int  # the county editor's
    release_id: int  # 上网发布 of ``issue`` by the county office, a draft
    collection_id: int = 0  # a 数据报表 collection over the county, its township's return started
    unit_id: int = 0  # the township of that return
    form_id: int = 0  # a form the county defined for its own subtree
    forward_request_id: int = 0  # the county's 转报 of a 负面 item, waiting for 县委宣传部's signature
    verification_id: int = 0  # a 核实 request the county office asked of the township about ``submission``
    entry_id: int = 0  # the township's 信息员 in the register
    round_id: int = 0  # a 信息员登记 round of the county over its townships
    omission_id: int = 0  # a 疑似漏报 alert about the township, addressed to the county
    target_id: int = 0  # a 目标责任 the county set for its subtree
    message_id: int = 0  # a mail from an unknown sender in the county's intake quarantine
    peer_id: int = 0  # a peer deployment (跨系统报送), mapped to the county
    link_id: int = 0  # its unit mapping line
    package_id: int = 0  # a refused package about ``submission``


def _federation(cast: Any, submission: Submission) -> tuple[int, int, int]:
    from baosong.federation import services as federation
    from baosong.federation.models import Message
    from baosong.signing import sm2

    _, public = sm2.generate_keypair()
    peer = federation.peer_create(
        by=cast.sysadmin.user, name="省平台", base_url="http://127.0.0.1:9", public_key=public.hex()
    )
    link = federation.link_add(
        by=cast.sysadmin.user,
        peer=peer,
        direction="in",
        local_unit_id=cast.county_editor.unit.pk,
        remote_code="PROV-T9",
        remote_name="外省某镇",
    )
    package = Message.objects.create(
        peer=peer,
        direction="out",
        msg_id="00000000-0000-4000-8000-000000000001",
        kind="item",
        submission=submission,
        sm3="0" * 64,
        status="failed",
        last_error="对方拒收：单位未对应",
    )
    return peer.pk, link.pk, package.pk


PDF = "%PDF-1.7\n1 0 obj <<>> endobj\n% 城关镇防汛应急演练方案\n%%EOF\n".encode()


def _adopted(cast: Any, title: str, *, attachment: str = "") -> Submission:
    reporter, reviewer = cast.township_reporter.user, cast.township_reviewer.user
    report = report_services.report_create(by=reporter, title=title, body=f"{title}。群众300余人参加。")
    if attachment:
        files.attachment_add(report=report, by=reporter, name=attachment, size=len(PDF), data=PDF)
    report = report_services.report_submit(report=report, by=reporter)
    while report.status == "in_review":
        report = report_services.report_approve(report=report, by=reviewer)
    sub = Submission.objects.get(report=report, target_unit=cast.county_editor.unit)
    return report_services.submission_adopt(submission=sub, by=cast.county_editor.user)


@pytest.fixture
def world(cast: Any, settings: Any, tmp_path: Any) -> World:
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"
    editor = cast.county_editor.user
    first = _adopted(cast, "城关镇开展防汛应急演练")
    issue = distributed_county_issue(cast, [first])
    item = issue.items.order_by("position").first()
    assert item is not None
    instruction = instruction_services.instruction_create(
        by=cast.county_leader.user, item=item, text="请总结经验，在全区推广。"
    )
    solicitation = solicitation_services.solicitation_create(
        by=editor,
        unit=cast.county_editor.unit,
        title="防汛工作约稿",
        deadline=timezone.now() + dt.timedelta(days=7),
        unit_ids=[cast.township_reporter.unit.pk],
    )
    token, _raw = auth.token_create(user=editor, name="OA")
    # adopted, not yet in an issue; with an attachment
    second = _adopted(cast, "城关镇推进农村人居环境整治", attachment="整治方案.pdf")
    (note,) = notify(users=[editor], kind="received", title="收到信息：城关镇推进农村人居环境整治")
    release = portal_services.release_create(by=editor, issue=issue)
    from baosong.datareports import services as dr_services
    from baosong.datareports.models import Form

    reception = Form.objects.get(code="reception")
    collection = dr_services.collection_create(
        by=editor,
        form=reception,
        root_unit=cast.county_editor.unit,
        period_kind="monthly",
        period="2026-03",
        levels=[{"due": {"kind": "next_month_day", "n": 10}}, {"due": {"kind": "event_workdays", "n": 10}}],
    )
    dr_services.return_get_or_start(collection=collection, unit=cast.township_reporter.unit)
    own_form = dr_services.form_create(
        by=None,
        code="county_only",
        name="东湖区专用报表",
        owner_unit=cast.county_editor.unit,
        form_schema=reception.versions.get().schema,
    )
    third = _adopted(cast, "城关镇一处民房失火")
    report_services.report_set_negative(report=third.report, by=editor, negative=True)
    report_services.submission_forward(submission=third, by=editor)
    forward_request = third.forward_requests.get()
    from baosong.roster import services as roster_services

    entry = roster_services.entry_add(
        unit=cast.township_reporter.unit, values={"name": "李梅", "mobile": "13905912345"}, by=editor
    )
    roster_round = roster_services.round_open(
        by=editor,
        unit=cast.county_editor.unit,
        title="信息员登记",
        deadline=timezone.now() + dt.timedelta(days=7),
    )
    from baosong.oversight.models import OmissionAlert

    township = cast.township_reporter.unit
    omission = OmissionAlert.objects.create(
        unit=township,
        upper_unit=cast.county_editor.unit,
        target_unit=cast.county_editor.unit,
        anchor_report=second.report,
        report_ids=[second.report.pk],
        title="城关镇李家村发生一起民房火灾",
        event_time=timezone.now() - dt.timedelta(hours=4),
        due_at=timezone.now() - dt.timedelta(hours=1),
        reporter_count=2,
        reporter_names=["东湖区新桥镇", "东湖区杨柳乡"],
    )
    from baosong.scoring.services import target_save

    target = target_save(
        by=editor, unit=cast.county_editor.unit, subject="person", measure="submitted", period_kind="week",
        minimum=2,
    )  # fmt: skip
    from baosong.intake.services import intake_receive

    settings.INTAKE_UNIT = cast.county_editor.unit.code
    quarantined = intake_receive(
        raw=b"From: stranger@example.com\r\nSubject: =?utf-8?b?5p2l56i/?=\r\n"
        b"Message-ID: <w1@example.com>\r\n\r\nhello\r\n"
    )
    assert quarantined is not None
    peer, link, package = _federation(cast, second)
    return World(
        peer_id=peer,
        link_id=link,
        package_id=package,
        forward_request_id=forward_request.pk,
        omission_id=omission.pk,
        target_id=target.pk,
        report=second.report,
        submission=second,
        issue=issue,
        item_id=item.pk,
        instruction_id=instruction.pk,
        solicitation_id=solicitation.pk,
        token_id=token.pk,
        county_id=cast.county_editor.unit.pk,
        attachment_id=second.report.attachments.get().pk,
        notification_id=note.pk,
        release_id=release.pk,
        collection_id=collection.pk,
        unit_id=cast.township_reporter.unit.pk,
        form_id=own_form.pk,
        verification_id=report_services.verification_ask(
            submission=second, by=editor, question="请核实参加人数"
        ).pk,
        entry_id=entry.pk,
        round_id=roster_round.pk,
        message_id=quarantined.pk,
    )
