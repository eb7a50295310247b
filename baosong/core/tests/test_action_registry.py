"""The action registry is the only source of audit and event types.

One scenario takes every transition of every declared workflow and the audited downloads and exports,
then checks that each audit record and each domain event written has a declared type with a Chinese
label, and each payload only declared keys. (While testing, ``audit_record`` and ``event_emit`` refuse
anything undeclared as it is written, so every other test checks the same thing on its own path.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from baosong.core.actions import audit_label, check_event, registry
from baosong.core.models import AuditEvent, DomainEvent
from baosong.editorial import services as editorial
from baosong.editorial.models import Issue, Publication
from baosong.editorial.tests.conftest import adopted_at_county, sent_to_county
from baosong.instructions import services as instructions
from baosong.orgs.models import ReviewStep, Role
from baosong.portal import services as portal
from baosong.portal.models import PortalColumn
from baosong.reports import files, services
from baosong.reports.models import Report, VerificationRequest
from baosong.reports.tasks import clock_tick
from baosong.scoring import bulletins
from baosong.scoring.tasks import quota_tick
from baosong.solicitations import services as solicitations
from conftest import login

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _reports(cast: Any) -> None:
    reporter, reviewer = cast.township_reporter.user, cast.township_reviewer.user
    editor = cast.county_editor.user
    body = "城关镇开展防汛演练。镇村干部和群众300余人参加。"
    # submit → return → submit → withdraw → reopen → submit → approve (sent) → withdraw (not yet handled)
    r = services.report_create(by=reporter, title="城关镇防汛演练", body=body)
    files.attachment_add(report=r, by=reporter, name="现场.png", size=len(PNG), data=PNG)
    services.report_update(report=r, by=reporter, title="城关镇开展防汛演练")
    r = services.report_submit(report=r, by=reporter)
    r = services.report_return(report=r, by=reviewer, comment="请补充人数")
    r = services.report_submit(report=r, by=reporter)
    r = services.report_withdraw(report=r, by=reporter)
    r = services.report_reopen(report=r, by=reporter)
    r = services.report_submit(report=r, by=reporter)
    while r.status == "in_review":
        r = services.report_approve(report=r, by=reviewer)
    services.report_withdraw(report=r, by=reporter)
    # at the county: claim → return → resubmit → decline; another forwarded; another adopted and forwarded
    sub = sent_to_county(cast, "城关镇完成河道清淤")
    sub = services.submission_claim(submission=sub, by=editor)
    sub = services.submission_return(submission=sub, by=editor, comment="请补充数据")
    sub = services.submission_resubmit(
        submission=sub, by=reporter, title=sub.title, body=sub.body + "共清淤3公里。"
    )
    services.submission_edit(submission=sub, by=editor, title=sub.title + "（编辑稿）", body=sub.body)
    services.submission_decline(submission=sub, by=editor, comment="一般")
    services.submission_forward(submission=sent_to_county(cast, "城关镇新建便民服务站"), by=editor)
    services.submission_forward(submission=adopted_at_county(cast, "城关镇推进垃圾分类"), by=editor)
    # 负面/重大: the county's 转报 waits for 县委宣传部 — refused, cancelled, then signed
    propaganda = cast.propaganda_reviewer.user
    negative = adopted_at_county(cast, "城关镇一处民房失火")
    services.report_set_negative(report=negative.report, by=editor, negative=True)
    for outcome in ("refuse", "cancel", "sign"):
        services.submission_forward(submission=negative, by=editor)
        fr = negative.forward_requests.get(status="pending")
        if outcome == "refuse":
            services.forward_refuse(request=fr, by=propaganda, comment="请核实伤亡情况")
        elif outcome == "cancel":
            services.forward_cancel(request=fr, by=editor)
        else:
            services.forward_sign(request=fr, by=propaganda)
    # 核实: asked → answered with a file; asked → withdrawn
    checked = sent_to_county(cast, "城关镇转移安置群众300余人")
    asked = services.verification_ask(submission=checked, by=editor, question="请核实安置人数")
    services.verification_answer(
        verification=asked, by=reporter, answer="经核实为312人。", file_name="名单.png", file_data=PNG
    )
    again = services.verification_ask(submission=checked, by=editor, question="请核实地点")
    services.verification_withdraw(verification=again, by=editor)


def _issues(cast: Any) -> Issue:
    editor, chief = cast.county_editor.user, cast.county_chief.user
    pub = Publication.objects.get(unit=cast.county_editor.unit, name="东湖政务信息")
    abandoned = editorial.issue_create(by=editor, publication=pub)
    editorial.issue_withdraw(issue=abandoned, by=editor, reason="不再编发")
    subs = [adopted_at_county(cast, "城关镇完成汛前水库安全检查", public_scope="public")]
    issue = editorial.issue_create(by=editor, publication=pub)
    editorial.issue_item_add(issue=issue, by=editor, submission_ids=[s.pk for s in subs])
    issue = editorial.issue_submit(issue=issue, by=editor)
    issue = editorial.issue_recall(issue=issue, by=editor)
    issue = editorial.issue_submit(issue=issue, by=editor)
    issue = editorial.issue_return(issue=issue, by=chief, comment="请压缩篇幅")
    issue = editorial.issue_submit(issue=issue, by=editor)
    issue = editorial.issue_sign(issue=issue, by=chief)
    issue = editorial.issue_distribute(issue=issue, by=editor)
    editorial.issue_remind(issue=issue, by=editor)
    editorial.issue_mark_read(issue=issue, user=cast.county_leader.user)
    return Issue.objects.get(pk=issue.pk)


def _portal(cast: Any, issue: Issue) -> None:
    editor, chief = cast.county_editor.user, cast.county_chief.user
    unit = cast.county_editor.unit
    ReviewStep.objects.create(unit=unit, chain="portal", order=1, role=Role.CHIEF, label="单位负责人")
    column = PortalColumn.objects.order_by("order").first()
    item = adopted_at_county(cast, "城关镇开放防汛物资仓库", public_scope="public")
    cancelled = portal.release_create(by=editor, submission=item, column=column)
    portal.release_cancel(release=cancelled, by=editor)
    release = portal.release_create(by=editor, issue=issue)
    release = portal.release_update(release=release, by=editor, column=None, contact="办公室 张三")
    release = portal.release_submit(release=release, by=editor)
    release = portal.release_recall(release=release, by=editor)
    release = portal.release_submit(release=release, by=editor)
    release = portal.release_return(release=release, by=chief, opinion="请核对标题")
    release = portal.release_submit(release=release, by=editor)
    release = portal.release_approve(release=release, by=chief)  # the last step: the issue is published
    portal.release_withdraw(release=release, by=chief, reason="内容需更新")
    editorial.issue_withdraw(issue=issue, by=chief, reason="内容有误")  # reverses the adoptions (revoke)


def _instructions_and_notices(cast: Any) -> None:
    editor, leader = cast.county_editor.user, cast.county_leader.user
    subs = [adopted_at_county(cast, "城关镇建成应急避难场所")]
    issue = editorial.issue_create(
        by=editor, publication=Publication.objects.get(unit=cast.county_editor.unit, name="东湖政务信息")
    )
    editorial.issue_item_add(issue=issue, by=editor, submission_ids=[s.pk for s in subs])
    issue = editorial.issue_submit(issue=issue, by=editor)
    issue = editorial.issue_sign(issue=issue, by=cast.county_chief.user)
    issue = editorial.issue_distribute(issue=issue, by=editor)
    item = issue.items.first()
    assert item is not None
    today = timezone.localdate()
    ins = instructions.instruction_create(by=leader, item=item, text="请总结推广。")
    instructions.instruction_assign(
        instruction=ins, by=editor, unit_ids=[cast.township_reporter.unit.pk], due_on=today
    )
    instructions.instruction_feedback(instruction=ins, by=cast.township_reporter.user, text="已组织学习。")
    instructions.instruction_close(instruction=ins, by=editor, comment="已落实")
    late = instructions.instruction_create(by=leader, item=item, text="请跟踪。")
    instructions.instruction_assign(
        instruction=late, by=editor, unit_ids=[cast.township_reporter.unit.pk], due_on=today
    )
    sol = solicitations.solicitation_create(
        by=editor,
        unit=cast.county_editor.unit,
        title="防汛工作约稿",
        deadline=timezone.now() + dt.timedelta(hours=2),
        unit_ids=[cast.township_reporter.unit.pk],
        attachment_name="要求.png",
        attachment=PNG,
    )
    solicitations.solicitation_mark_read(solicitation=sol, user=cast.township_reporter.user)


def _clocks(cast: Any) -> None:
    """The periodic jobs, run with the clock moved past every deadline."""
    later = timezone.now() + dt.timedelta(days=40)
    sent_to_county(cast, "城关镇开展安全生产检查", urgency="urgent")
    clock_tick(timezone.now() + dt.timedelta(minutes=1))  # reminders
    clock_tick(later)  # alarms
    solicitations.solicitations_tick(timezone.now() + dt.timedelta(hours=1))
    solicitations.solicitations_tick(later)
    instructions.instructions_overdue_tick()
    quota_tick(timezone.localdate() + dt.timedelta(days=400))


def _downloads_and_exports(cast: Any, issue: Issue) -> None:
    editor = login(Client(), cast.county_editor)
    report = Report.objects.filter(attachments__isnull=False).first()
    assert report is not None
    attachment = report.attachments.first()
    assert attachment is not None
    reporter = login(Client(), cast.township_reporter)
    assert reporter.get(f"/attachments/{attachment.pk}").status_code == 200
    for url in (
        f"/issues/{issue.pk}/document.pdf",
        f"/reports/{issue.items.first().sources.first().submission.report_id}/review-sheet.pdf",  # type: ignore[union-attr]
        "/reports/ledger/export.xlsx",
    ):
        assert editor.get(url).status_code == 200, url
    answered = VerificationRequest.objects.exclude(file_stored="").first()
    assert answered is not None
    assert editor.get(f"/verifications/{answered.pk}/file").status_code == 200
    month = timezone.localdate().strftime("%Y-%m")
    bulletin = bulletins.bulletin_for_period(
        by=cast.county_editor.user, unit=cast.county_editor.unit, period=month
    )
    bulletins.bulletin_update(bulletin=bulletin, by=cast.county_editor.user, remarks="说明", to_portal=False)
    bulletins.bulletin_release(bulletin=bulletin, by=cast.county_editor.user, remarks="本月通报")
    assert editor.get(f"/bulletins/{bulletin.pk}/document.xlsx").status_code == 200
    assert editor.get(f"/stats/export.xlsx?period={month}").status_code == 200
    sysadmin = login(Client(), cast.sysadmin)
    assert sysadmin.get("/manage/users/export").status_code == 200
    sysadmin.post("/accounts/logout")
    Client().post("/accounts/login", {"username": cast.county_editor.user.username, "password": "错误口令"})


def _datareports(cast: Any) -> None:
    """A township's 接待 return: submitted, sent back by the county, resubmitted, reopened (更正)."""
    from baosong.datareports import services as dr
    from baosong.datareports.models import Form

    coll = dr.collection_create(
        by=cast.city_editor.user,
        form=Form.objects.get(code="reception"),
        root_unit=cast.city_editor.unit,
        period_kind="monthly",
        period="2026-03",
    )
    by = cast.township_reporter.user
    ret = dr.return_get_or_start(collection=coll, unit=cast.township_reporter.unit)
    dr.return_save(ret=ret, by=by, data={"rows": [], "filler": {"name": "张三", "phone": "1"}})
    ret = dr.return_submit(ret=ret, by=by)
    ret = dr.return_send_back(ret=ret, by=cast.county_editor.user, comment="请补报")
    ret = dr.return_submit(ret=ret, by=by)
    dr.return_reopen(ret=ret, by=by)


def _federation(cast: Any) -> None:
    """A peer registered and mapped both ways; its item received, a foreign package refused; a township
    item packaged for it, refused by it and sent again, then delivered; suspended, resumed, unmapped."""
    from baosong.core.outbox import deliver
    from baosong.federation import envelope
    from baosong.federation import services as federation
    from baosong.federation.models import Message
    from baosong.federation.tests.helpers import Remote, item_payload

    admin, county, town = cast.sysadmin.user, cast.county_editor.unit, cast.township_reporter.unit
    remote = Remote()
    federation.identity_rename(by=admin, name="东湖市政务信息报送平台")
    peer = federation.peer_create(
        by=admin, name="省平台", base_url="http://127.0.0.1:9", public_key=remote.public.hex()
    )
    federation.link_add(
        by=admin,
        peer=peer,
        direction="in",
        local_unit_id=county.pk,
        remote_code="PROV-T9",
        remote_name="外省某镇",
    )
    out = federation.link_add(
        by=admin, peer=peer, direction="out", local_unit_id=town.pk, remote_code="PROV-E", remote_name="省办"
    )
    federation.receive(remote.seal("item", item_payload("PROV-T9", county.code)).data)
    with pytest.raises(envelope.Refused):
        federation.receive(Remote().seal("item", item_payload("PROV-T9", county.code)).data)
    report = services.report_create(
        by=cast.township_reporter.user,
        title="城关镇抢修堤防",
        body="抢修120米。",
        target_unit_ids=[out.mirror_id],
    )
    services.report_submit(report=report, by=cast.township_reporter.user)
    while Report.objects.get(pk=report.pk).status == "in_review":
        services.report_approve(report=Report.objects.get(pk=report.pk), by=cast.township_reviewer.user)
    deliver("federation")
    message = Message.objects.get(direction="out")
    federation.mark_failed(message, "对方拒收：单位未对应", final=True)
    federation.message_retry(by=admin, message=message)
    federation.mark_delivered(Message.objects.get(pk=message.pk))
    federation.peer_update(by=admin, peer=peer, name="省政务信息报送平台", base_url="https://sheng.example")
    federation.peer_set_status(by=admin, peer=peer, suspended=True)
    federation.peer_set_status(by=admin, peer=peer, suspended=False)
    federation.link_remove(by=admin, link=out)


def _oversight(cast: Any) -> None:
    """Three townships report a fire in 城关镇, which stays silent: the scan raises 疑似漏报 (and, weeks
    later, finds silent units); the county's editor handles the alert and sets its thresholds."""
    import datetime as dt

    import time_machine

    from baosong.oversight import services as oversight
    from baosong.oversight.models import OmissionAlert
    from baosong.oversight.tests.helpers import report_fire, townships
    from baosong.search.tests.conftest import FIRE, reporter_in

    event = timezone.now() - dt.timedelta(hours=4)
    towns = townships(cast)
    for i, name in enumerate(["新桥镇", "杨柳乡", "河口街道"]):
        report_fire(reporter_in(towns[name], f"reg_ovs_{i}"), FIRE[i], event)
    from baosong.core.outbox import deliver

    deliver("grouping")
    oversight.scan()
    alert = OmissionAlert.objects.get()
    oversight.alert_handle(alert=alert, by=cast.county_editor.user, note="已督促补报")
    oversight.setting_update(
        by=cast.county_editor.user, unit=cast.county_editor.unit, silent_weeks=3, min_reporters=2
    )
    with time_machine.travel(timezone.now() + dt.timedelta(weeks=5), tick=False):
        oversight.silence_scan()


def _behalf_and_intake(cast: Any) -> None:
    """代为登记, and the intake mailbox: a draft, a duplicate, two quarantined (released, discarded)."""
    from django.conf import settings

    from baosong.intake import services as intake
    from baosong.orgs.models import User
    from baosong.reports import behalf

    behalf.report_register_on_behalf(
        by=cast.county_editor.user,
        unit_id=cast.township_reporter.unit.pk,
        channel="fax",
        author_id=cast.township_reporter.user.pk,
        title="城关镇传真报送",
        body="城关镇以传真报送的信息。",
        uploads=[("传真.png", PNG)],
    )
    settings.INTAKE_UNIT = cast.county_editor.unit.code
    User.objects.filter(pk=cast.township_reporter.user.pk).update(email="hujing@example.gov.cn")

    def mail(sender: str, n: int) -> bytes:
        return f"From: {sender}\r\nSubject: mail {n}\r\nMessage-ID: <{n}@x>\r\n\r\nbody\r\n".encode()

    intake.intake_receive(raw=mail("hujing@example.gov.cn", 1))
    intake.intake_receive(raw=mail("hujing@example.gov.cn", 1))
    editor = cast.county_editor.user
    held = intake.intake_receive(raw=mail("x@example.com", 2))
    assert held is not None
    intake.intake_release(
        message=held,
        by=editor,
        unit_id=cast.township_reporter.unit.pk,
        author_id=cast.township_reporter.user.pk,
    )
    dropped = intake.intake_receive(raw=mail("y@example.com", 3))
    assert dropped is not None
    intake.intake_discard(message=dropped, by=editor)


def test_every_audit_and_event_type_written_is_declared(cast: Any) -> None:
    _reports(cast)
    _behalf_and_intake(cast)
    _datareports(cast)
    issue = _issues(cast)
    _portal(cast, issue)
    _instructions_and_notices(cast)
    _clocks(cast)
    _oversight(cast)
    _federation(cast)
    _downloads_and_exports(
        cast, Issue.objects.exclude(status="withdrawn").filter(number__isnull=False).first()
    )

    audits = list(AuditEvent.objects.values_list("event_type", "details"))
    for event_type, _details in audits:
        assert event_type in registry.audit_types, event_type
        assert registry.audit_types[event_type].label and audit_label(event_type) != event_type
    for event_type, payload in DomainEvent.objects.values_list("event_type", "payload"):
        check_event(event_type, payload)

    # Every transition of every workflow was taken (so the check above saw its audit and its event).
    taken = {(t, d.get("action")) for t, d in audits if isinstance(d, dict)}
    for workflow in registry.workflows.values():
        for action in workflow.actions.values():
            assert (workflow.audit.code, action.name) in taken, f"{workflow.name}.{action.name} not exercised"
    emitted = set(DomainEvent.objects.values_list("event_type", flat=True))
    for workflow in registry.workflows.values():
        for action in workflow.actions.values():
            assert action.event is None or action.event.code in emitted, action.event


def test_labels_are_chinese_and_unique_per_code() -> None:
    for code, audit in registry.audit_types.items():
        assert audit.label and not audit.label.isascii(), code
    for code, event in registry.event_types.items():
        assert event.label and not event.label.isascii(), code
    for workflow in registry.workflows.values():
        assert set(workflow.statuses()), workflow.name
        for action in workflow.actions.values():
            assert action.edges, action.code
            for edge in action.edges:
                assert edge.source in workflow.statuses(), (action.code, edge.source)
                assert edge.target is None or edge.target in workflow.statuses(), (action.code, edge.target)
                assert edge.who.label and not edge.who.label.isascii()


def test_an_undeclared_type_is_refused_while_testing(db: None) -> None:
    from baosong.core.audit import audit_record
    from baosong.core.events import event_emit

    with pytest.raises(LookupError):
        audit_record("made.up")
    with pytest.raises(LookupError):
        event_emit("made.up", object_type="x", object_id=1)
    with pytest.raises(TypeError):
        event_emit("issue.sign", object_type="issue", object_id=1, payload={"not_declared": 1})


def oversight_handle(**kwargs: Any) -> Any:
    from baosong.oversight.services import alert_handle

    return alert_handle(**kwargs)


def _instruction(cast: Any) -> Any:
    editor = cast.county_editor.user
    sub = adopted_at_county(cast, "城关镇建成应急避难场所")
    pub = Publication.objects.get(unit=cast.county_editor.unit, name="东湖政务信息")
    issue = editorial.issue_create(by=editor, publication=pub)
    editorial.issue_item_add(issue=issue, by=editor, submission_ids=[sub.pk])
    issue = editorial.issue_submit(issue=issue, by=editor)
    issue = editorial.issue_sign(issue=issue, by=cast.county_chief.user)
    issue = editorial.issue_distribute(issue=issue, by=editor)
    return instructions.instruction_create(
        by=cast.county_leader.user, item=issue.items.first(), text="请总结。"
    )


def _bulletin(cast: Any) -> Any:
    month = timezone.localdate().strftime("%Y-%m")
    return bulletins.bulletin_for_period(
        by=cast.county_editor.user, unit=cast.county_editor.unit, period=month
    )


def _omission(cast: Any) -> Any:
    from baosong.oversight.models import OmissionAlert
    from baosong.reports import services as report_services

    report = report_services.report_create(by=cast.township_reporter.user, title="城关镇发生火情")
    return OmissionAlert.objects.create(
        unit=cast.township_reporter.unit,
        upper_unit=cast.county_editor.unit,
        target_unit=cast.county_editor.unit,
        anchor_report=report,
        title="城关镇发生火情",
        event_time=timezone.now(),
        due_at=timezone.now(),
        reporter_count=2,
    )


# workflow → (make a fresh object, {action: take it}, the permitted actor, a refused actor)
TABLE_WALKS: dict[str, tuple[Any, dict[str, Any], str, str]] = {
    "instruction": (
        _instruction,
        {"close": lambda o, u: instructions.instruction_close(instruction=o, by=u, comment="已办结")},
        "county_editor",
        "township_reporter",
    ),
    "omission": (
        _omission,
        {"handle": lambda o, u: oversight_handle(alert=o, by=u)},
        "county_editor",
        "township_reporter",
    ),
    "bulletin": (
        _bulletin,
        {"release": lambda o, u: bulletins.bulletin_release(bulletin=o, by=u)},
        "county_editor",
        "county_leader",
    ),
}


@pytest.mark.parametrize("name", sorted(TABLE_WALKS))
def test_every_edge_of_the_table_and_no_other(cast: Any, name: str) -> None:
    """Instruction and bulletin: each status × action, from the registry's own table."""
    from baosong.core.errors import ServiceError

    workflow = registry.workflows[name]
    make, moves, actor, outsider = TABLE_WALKS[name]
    assert set(moves) == set(workflow.actions)
    table = {(row.source, row.action): row.target for row in workflow.table()}
    for status in workflow.statuses():
        for action, move in moves.items():
            obj = make(cast)
            type(obj).objects.filter(pk=obj.pk).update(status=status)
            obj.refresh_from_db()
            events = DomainEvent.objects.count()
            if (status, action) not in table:
                with pytest.raises(ServiceError) as refused:
                    move(obj, cast[actor].user)
                assert refused.value.status == 409
                assert DomainEvent.objects.count() == events
                continue
            with pytest.raises(ServiceError) as refused:
                move(obj, cast[outsider].user)
            assert refused.value.status == 403
            move(obj, cast[actor].user)
            obj.refresh_from_db()
            assert obj.status == table[(status, action)]
            assert DomainEvent.objects.filter(event_type=workflow.actions[action].event.code).count() == 1
