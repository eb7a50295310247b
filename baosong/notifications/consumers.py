"""Turns the reporting workflow's domain events into notifications (reports knows nothing of this)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from baosong.core.models import DomainEvent
from baosong.editorial.models import Issue, IssueRecipient
from baosong.instructions.models import Instruction
from baosong.notifications.models import Notification
from baosong.notifications.services import notify
from baosong.orgs.models import Membership, Role, Unit, User
from baosong.reports.models import ForwardRequest, Report, Submission, VerificationRequest
from baosong.solicitations.models import Solicitation
from baosong.solicitations.services import solicitation_record_answer, solicitation_record_relayed_answer

K = Notification.Kind


def _editors(unit_id: int) -> list[User]:
    return list(
        User.objects.filter(memberships__unit_id=unit_id, memberships__role=Role.EDITOR, is_active=True)
    )


def _members(unit_ids: list[int], *roles: str) -> list[User]:
    return list(
        User.objects.filter(
            memberships__unit_id__in=unit_ids, memberships__role__in=roles, is_active=True
        ).distinct()
    )


def _readers(recipients: list[IssueRecipient]) -> list[User]:
    """Who reads for a distribution line: the named leader, or the unit's editors, chiefs and leaders."""
    users = [r.user for r in recipients if r.user is not None]
    units = [r.unit_id for r in recipients if r.unit_id is not None]
    return users + _members(units, Role.EDITOR, Role.CHIEF, Role.LEADER)


def on_issue_event(event: DomainEvent) -> None:
    issue = Issue.objects.select_related("publication__unit").filter(pk=event.object_id).first()
    if issue is None:
        return
    kind, payload, unit_id = event.event_type, event.payload, issue.publication.unit_id
    label = issue.label
    if kind == "issue.submit":
        notify(
            users=_members([unit_id], issue.publication.signer_role),
            kind=K.TO_SIGN,
            title=f"待签发：{label}",
            body="采编人员已将本期送签，请审阅后签发或退回修改。",
            url=f"/issues/{issue.pk}/",
            event_id=event.pk,
        )
    elif kind in {"issue.return", "issue.sign"}:
        signed = kind == "issue.sign"
        notify(
            users=_editors(unit_id),
            kind=K.DECIDED,
            title=f"{'已签发' if signed else '退回修改'}：{label}",
            body="" if signed else f"修改意见：{payload.get('comment', '')}",
            url=f"/issues/{issue.pk}/",
            event_id=event.pk,
        )
    elif kind in {"issue.distribute", "issue.remind"}:
        ids = payload.get("recipients") or []
        recipients = list(IssueRecipient.objects.filter(pk__in=ids).select_related("user"))
        notify(
            users=_readers(recipients),
            kind=K.ISSUE,
            title=f"{'【催阅】' if kind == 'issue.remind' else ''}请阅：{label}",
            body=f"{issue.publication.unit.name}印发。",
            url=f"/reading/{issue.pk}/",
            event_id=event.pk,
        )
    elif kind == "issue.withdraw" and payload.get("from") != "editing":
        recipients = list(issue.recipients.filter(delivered_at__isnull=False).select_related("user"))
        notify(
            users=_readers(recipients) + _editors(unit_id),
            kind=K.DECIDED,
            title=f"已撤回：{label}",
            body=f"撤回原因：{payload.get('reason', '')}",
            url=f"/reading/{issue.pk}/",
            event_id=event.pk,
        )


def on_solicitation_event(event: DomainEvent) -> None:
    sol = Solicitation.objects.select_related("unit").filter(pk=event.object_id).first()
    if sol is None:
        return
    url = f"/solicitations/{sol.pk}/"
    label = sol.get_kind_display()
    if event.event_type == "solicitation.create":
        units = list(sol.targets.values_list("unit_id", flat=True))
        notify(
            users=_members(units, Role.REPORTER, Role.EDITOR),
            kind=K.SOLICITATION,
            title=f"{sol.unit.name}{'转发' if sol.relayed_from_id else ''}{label}：{sol.title}",
            body=f"截止时间：{timezone.localtime(sol.deadline):%Y-%m-%d %H:%M}"
            if sol.deadline
            else sol.topic,
            url=url,
            event_id=event.pk,
        )
    elif event.event_type == "solicitation.due_soon":
        notify(
            users=_members([event.unit_id or 0], Role.REPORTER, Role.EDITOR),
            kind=K.REMINDER,
            title=f"约稿即将截止：{sol.title}",
            body="本单位尚未报送，请在截止时间前报送。",
            url=url,
            event_id=event.pk,
        )
    elif event.event_type == "solicitation.missed":
        notify(
            users=_members([event.unit_id or 0], Role.REPORTER, Role.EDITOR),
            kind=K.OVERDUE,
            title=f"约稿已截止未报送：{sol.title}",
            body="本单位未在截止时间前报送，将计入通报。",
            url=url,
            event_id=event.pk,
        )


def on_instruction_event(event: DomainEvent) -> None:
    instruction = Instruction.objects.select_related("issue__publication").filter(pk=event.object_id).first()
    if instruction is None:
        return
    kind, payload = event.event_type, event.payload
    url = f"/instructions/{instruction.pk}/"
    assigned = list(instruction.assignments.values_list("unit_id", flat=True))
    handlers = (Role.EDITOR, Role.CHIEF, Role.REPORTER)
    if kind == "instruction.create":
        notify(
            users=_editors(instruction.unit_id),
            kind=K.INSTRUCTION,
            title=f"{instruction.leader_name}批示：{instruction.issue.label}",
            body=instruction.text[:200],
            url=url,
            event_id=event.pk,
        )
    if kind in {"instruction.create", "instruction.assign"} and payload.get("assigned"):
        notify(
            users=_members(payload["assigned"], *handlers),
            kind=K.INSTRUCTION,
            title=f"请落实{instruction.leader_name}批示",
            body=instruction.text[:200],
            url=url,
            urgent=False,
            event_id=event.pk,
        )
    elif kind == "instruction.feedback":
        desk = _editors(instruction.unit_id)
        leader = [instruction.leader] if instruction.leader else []
        notify(
            users=desk + leader,
            kind=K.FEEDBACK,
            title=f"收到落实反馈：{instruction.leader_name}批示",
            body="",
            url=url,
            event_id=event.pk,
        )
    elif kind == "instruction.overdue":
        notify(
            users=_members([event.unit_id or 0], *handlers) + _editors(instruction.unit_id),
            kind=K.OVERDUE,
            title=f"【逾期】批示落实反馈已超时限：{instruction.leader_name}批示",
            body=f"反馈时限 {payload.get('due_on', '')}，请尽快反馈落实情况。",
            url=url,
            urgent=True,
            event_id=event.pk,
        )
    elif kind == "instruction.close":
        notify(
            users=_members(assigned, *handlers),
            kind=K.DECIDED,
            title=f"批示已办结：{instruction.leader_name}批示",
            body=instruction.close_comment,
            url=url,
            event_id=event.pk,
        )


def _step_reviewers(report: Report, step_index: int | None = None) -> list[User]:
    chain = report.review_chain or []
    index = report.review_step if step_index is None else step_index
    if index >= len(chain):
        return []
    return _step_people(chain[index], report.source_unit_id)


def _step_people(step: dict[str, Any], home_unit_id: int) -> list[User]:
    """Who a frozen chain step names: the person, or the role's holders in the step's unit (a reviewer
    outside, e.g. 县委宣传部) or else in the chain's own unit."""
    if step.get("user_id"):
        return list(User.objects.filter(pk=step["user_id"]))
    unit_id = step.get("unit_id") or home_unit_id
    ids = Membership.objects.filter(unit_id=unit_id, role=step.get("role")).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True))


def on_forward_request_event(event: DomainEvent) -> None:
    """转报签发: the step's signers are asked; the editor learns the outcome (a refusal with its comment)."""
    fr = (
        ForwardRequest.objects.select_related("submission__report", "requested_by", "unit")
        .filter(pk=event.object_id)
        .first()
    )
    if fr is None:
        return
    title, url = fr.title, f"/reports/forwards/{fr.pk}/"
    kind, payload = event.event_type, event.payload
    step_index = payload.get("step", fr.step)
    waiting = kind == "forward_request.create" or (
        kind == "forward_request.sign" and payload.get("to") == "pending"
    )
    if waiting and step_index < len(fr.chain):
        mark = "（先报后签，已先行报出）" if fr.sign_after else ""
        notify(
            users=_step_people(fr.chain[step_index], fr.unit_id),
            kind=K.TO_SIGN,
            title=f"待签发转报：{title}",
            body=f"{fr.requested_by.full_name}提请转报上级{mark}，请审阅后签发或提出意见。",
            url=url,
            urgent=fr.submission.urgency_rank < 2,
            event_id=event.pk,
        )
    elif kind == "forward_request.sign":
        notify(
            users=[fr.requested_by],
            kind=K.DECIDED,
            title=f"转报已签发：{title}",
            body="已补签。" if fr.sign_after else "已报送上级。",
            url=f"/inbox/{fr.submission_id}/",
            event_id=event.pk,
        )
    elif kind == "forward_request.refuse":
        body = f"签发意见：{payload.get('comment', '')}"
        notify(
            users=[fr.requested_by],
            kind=K.RETURNED,
            title=f"转报未获同意：{title}",
            body=body,
            url=url,
            event_id=event.pk,
        )
        # 先报后签 refused afterwards: the units above hold a copy the forwarding unit did not sign.
        for copy in fr.copies.all() if fr.sign_after else []:
            notify(
                users=_editors(copy.target_unit_id),
                kind=K.DECIDED,
                title=f"先报后签未获签发：{title}",
                body=f"{fr.unit.name}补签时未同意。{body}",
                url=f"/inbox/{copy.pk}/",
                event_id=event.pk,
            )


def on_datareport_event(event: DomainEvent) -> None:
    """A return submitted: the level above's editors; sent back: the unit's 信息员 and editors."""
    from baosong.datareports.models import Return

    ret = Return.objects.select_related("collection", "unit").filter(pk=event.object_id).first()
    if ret is None:
        return
    title, url = ret.collection.title, f"/datareports/c/{ret.collection_id}/u/{ret.unit_id}/"
    if event.event_type == "datareport.submit" and ret.parent_unit_id:
        version = event.payload.get("version") or 1
        late = "（迟报）" if event.payload.get("late") else ""
        notify(
            users=_members([ret.parent_unit_id], Role.EDITOR),
            kind=K.RECEIVED,
            title=f"{ret.unit.name}已上报{title}" + (f"第 {version} 版" if version > 1 else "") + late,
            body="请审核；有误可退回修改。本级汇总时系统自动计入。",
            url=url,
            event_id=event.pk,
        )
    elif event.event_type == "datareport.send_back":
        notify(
            users=_members([ret.unit_id], Role.REPORTER, Role.EDITOR),
            kind=K.RETURNED,
            title=f"{title}被退回修改",
            body=str(event.payload.get("comment") or ""),
            url=url,
            event_id=event.pk,
        )


def on_verification_event(event: DomainEvent) -> None:
    """核实: asked → the item's author and its unit's 信息员; answered → the asking unit's editors;
    withdrawn → the source unit's people are told they need not answer."""
    v = (
        VerificationRequest.objects.select_related("report__author", "asking_unit", "source_unit", "asked_by")
        .filter(pk=event.object_id)
        .first()
    )
    if v is None:
        return
    report = v.report
    source_people = [report.author, *_members([v.source_unit_id], Role.REPORTER)]
    if event.event_type == "verification.ask":
        due = f"请于 {timezone.localtime(v.due_at):%Y-%m-%d %H:%M} 前答复。" if v.due_at else ""
        notify(
            users=source_people,
            kind=K.VERIFY,
            title=f"{v.asking_unit.name}请求核实：{report.title}",
            body=f"核实事项：{v.question[:200]}{due}",
            url=f"/reports/{report.pk}/#verify-{v.pk}",
            urgent=report.urgent,
            event_id=event.pk,
        )
    elif event.event_type == "verification.answer":
        notify(
            users=[v.asked_by, *_editors(v.asking_unit_id)],
            kind=K.VERIFY,
            title=f"{v.source_unit.name}已答复核实：{report.title}",
            body=v.answer[:200],
            url=f"/inbox/{v.submission_id}/#verify-{v.pk}",
            urgent=report.urgent,
            event_id=event.pk,
        )
    elif event.event_type == "verification.withdraw":
        notify(
            users=source_people,
            kind=K.VERIFY,
            title=f"{v.asking_unit.name}已撤回核实请求：{report.title}",
            body="无需再答复。",
            url=f"/reports/{report.pk}/",
            event_id=event.pk,
        )


def on_event(event: DomainEvent) -> None:
    kind = event.event_type
    payload = event.payload
    if kind.startswith("verification."):
        on_verification_event(event)
        return
    if kind.startswith("datareport."):
        on_datareport_event(event)
        return
    if kind.startswith("forward_request."):
        on_forward_request_event(event)
        return
    if kind.startswith("issue."):
        on_issue_event(event)
        return
    if kind.startswith("instruction."):
        on_instruction_event(event)
        return
    if kind.startswith("solicitation."):
        on_solicitation_event(event)
        return
    if kind == "bulletin.release":
        children = list(
            Unit.objects.filter(parent_id=event.unit_id, is_active=True).values_list("pk", flat=True)
        )
        notify(
            users=_members(children, Role.EDITOR, Role.CHIEF, Role.LEADER, Role.REPORTER),
            kind=K.ISSUE,
            title=f"政务信息工作通报（{payload.get('period', '')}）已发布",
            body="请查阅本单位的排名和得分。",
            url=f"/bulletins/{event.object_id}/",
            event_id=event.pk,
        )
        return
    if kind == "report.sent":
        # An item answering a 约稿 counts for its unit's row (answered / late), whatever else happens.
        # It stays in this consumer: a new "solicitations" consumer would start from the first event and
        # count every answer of an existing database a second time.
        solicitation_record_answer(report_id=event.object_id, sent_at=event.created_at)
    if kind.startswith("report."):
        report = Report.objects.select_related("author", "source_unit").filter(pk=event.object_id).first()
        if report is None:
            return
        url = f"/reports/{report.pk}/"
        if kind == "report.overdue":
            notify(
                users=_step_reviewers(report),
                kind=K.OVERDUE,
                title=f"【超时】紧急信息待审核：{report.title}",
                body="紧急信息已超过报送时限仍在审核中，请立即处理。",
                url="/reports/review/",
                urgent=True,
                event_id=event.pk,
            )
            return
        if kind in {"report.submit", "report.approve"} and payload.get("to") == "in_review":
            notify(
                users=_step_reviewers(report, payload.get("review_step")),
                kind=K.TO_REVIEW,
                title=f"待审核：{report.title}",
                body=f"{report.author.full_name}提交的信息等待您审核。",
                url="/reports/review/",
                urgent=report.urgent,
                event_id=event.pk,
            )
        elif kind == "report.return":
            notify(
                users=[report.author],
                kind=K.RETURNED,
                title=f"被退回修改：{report.title}",
                body=f"审核意见：{payload.get('comment', '')}",
                url=url,
                event_id=event.pk,
            )
        elif kind == "report.withdraw" and payload.get("from") == "sent":
            for withdrawn in Submission.objects.filter(report=report, sender_unit=report.source_unit_id):
                notify(
                    users=_editors(withdrawn.target_unit_id),
                    kind=K.DECIDED,
                    title=f"报送单位已撤回：{report.title}",
                    body=f"{report.source_unit.name}撤回了该信息，无需处理。",
                    url="/inbox/",
                    event_id=event.pk,
                )
        elif kind == "report.sent":
            for incoming in Submission.objects.filter(report=report, is_active=True).select_related(
                "target_unit"
            ):
                notify(
                    users=_editors(incoming.target_unit_id),
                    kind=K.RECEIVED,
                    title=f"{'【紧急】' if report.urgent else ''}收到信息：{report.title}",
                    body=f"{report.source_unit.name}报送。",
                    url=f"/inbox/{incoming.pk}/",
                    urgent=report.urgent,
                    event_id=event.pk,
                )
        return
    if kind in {"submission.adopt", "submission.forward"}:
        # An answer to a relayed 约稿 adopted or forwarded by the relaying unit answers the upper 约稿.
        solicitation_record_relayed_answer(submission_id=event.object_id, at=event.created_at)
    if kind.startswith("submission."):
        sub = (
            Submission.objects.select_related("report__author", "target_unit")
            .filter(pk=event.object_id)
            .first()
        )
        if sub is None:
            return
        report = sub.report
        labels = {
            "submission.adopt": "已采用",
            "submission.decline": "未采用",
            "submission.forward": "已转报",
        }
        if kind in labels:
            notify(
                users=[report.author],
                kind=K.DECIDED,
                title=f"{sub.target_unit.name}{labels[kind]}：{report.title}",
                body=payload.get("comment", ""),
                url=f"/reports/{report.pk}/",
                event_id=event.pk,
            )
            if kind == "submission.forward":
                for forwarded in sub.forwards.select_related("target_unit"):
                    notify(
                        users=_editors(forwarded.target_unit_id),
                        kind=K.RECEIVED,
                        title=f"{'【紧急】' if report.urgent else ''}收到转报信息：{sub.title}",
                        body=f"{sub.target_unit.name}转报。",
                        url=f"/inbox/{forwarded.pk}/",
                        urgent=report.urgent,
                        event_id=event.pk,
                    )
        elif kind == "submission.resubmit" and sub.claimed_by_id:
            notify(
                users=list(User.objects.filter(pk=sub.claimed_by_id)),
                kind=K.RECEIVED,
                title=f"作者已修改重报：{sub.title}",
                body=f"{report.source_unit.name}按退回意见修改后重新报送。",
                url=f"/inbox/{sub.pk}/",
                urgent=report.urgent,
                event_id=event.pk,
            )
        elif kind == "submission.return":
            notify(
                users=[report.author],
                kind=K.RETURNED,
                title=f"{sub.target_unit.name}退回：{report.title}",
                body=f"修改意见：{payload.get('comment', '')}",
                url=f"/reports/{report.pk}/",
                event_id=event.pk,
            )
        elif kind == "submission.due_soon":
            notify(
                users=_editors(sub.target_unit_id),
                kind=K.REMINDER,
                title=f"即将到期：{sub.title}",
                body="该信息即将超过处理时限。",
                url=f"/inbox/{sub.pk}/",
                urgent=report.urgent,
                event_id=event.pk,
            )
        elif kind == "submission.overdue":
            reviewers = list(
                User.objects.filter(
                    memberships__unit_id=sub.target_unit_id, memberships__role__in=[Role.EDITOR, Role.CHIEF]
                )
            )
            notify(
                users=reviewers,
                kind=K.OVERDUE,
                title=f"【超时】紧急信息未处理：{sub.title}",
                body="紧急信息已超过处理时限，请立即处理。",
                url=f"/inbox/{sub.pk}/",
                urgent=True,
                event_id=event.pk,
            )
