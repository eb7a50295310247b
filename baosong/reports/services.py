"""The only writers of information items and submissions. Keyword-only, typed, atomic, audited."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from baosong.core.actions import Transition, apply, record
from baosong.core.audit import audit_record
from baosong.core.context import forget_memo
from baosong.core.errors import Forbidden, NotFound, ServiceError
from baosong.core.events import event_emit
from baosong.orgs.models import ReviewStep, Role, Unit, User
from baosong.orgs.selectors import (
    chain_for,
    review_grant,
    roles_in_unit,
    unit_reporting_targets,
    units_acting_for,
)
from baosong.reports import checks, selectors
from baosong.reports import workflow as wf
from baosong.reports.models import (
    CATEGORY_CODE_RE,
    ELEMENT_KEY_RE,
    MAX_ELEMENTS,
    OWN_FIELD_ELEMENTS,
    URGENCY_RANK,
    DeadlineRule,
    ExternalAdoption,
    ForwardRequest,
    ForwardStatus,
    ItemCategory,
    PublicScope,
    Report,
    ReportStatus,
    ReviewAction,
    Revision,
    SensitiveWord,
    Submission,
    SubmissionStatus,
    Urgency,
    Usage,
    VerificationRequest,
    VerificationStatus,
)  # fmt: skip
from baosong.reports.timeliness import AMOUNT_RANGE, AMOUNT_UNIT, due_at_for
from baosong.reports.wordimport import clean_text, docx_import

EDITABLE = {"title", "body", "category", "urgency", "event_time", "place", "public_scope", "tags", "elements",
            "sensitive", "negative", "solicitation_id"}  # fmt: skip


class ChecksFailed(ServiceError):
    def __init__(self, result: dict[str, list[dict[str, Any]]]) -> None:
        first = result["blocking"][0]["message"] if result["blocking"] else ""
        super().__init__(f"报送前检查未通过：{first}", "checks_failed", status=422, extra=dict(result))
        self.result = result


# An event an office reports happened after the founding of the state; older dates are typing errors (and
# dates centuries back carry the zone's local mean time, which no client expects).
EARLIEST_EVENT = dt.datetime(1949, 10, 1, tzinfo=dt.UTC)


def _check_category(code: Any, *, keep: str | None = None) -> str:
    """A category an item may take: one of the office's, not retired — unless it is the item's own
    (``keep``: an old draft of a category retired since keeps it)."""
    category = selectors.category_by_code().get(str(code or ""))
    if category is None:
        raise ServiceError("信息类别无效。", "invalid_category")
    if category.retired and category.code != keep:
        raise ServiceError(f"信息类别“{category.label}”已停用，请选择其他类别。", "category_retired")
    return category.code


def _validate_fields(fields: dict[str, Any], *, keep_category: str | None = None) -> dict[str, Any]:
    clean = {k: v for k, v in fields.items() if k in EDITABLE}
    if "title" in clean:
        clean["title"] = (clean["title"] or "").strip()
        if len(clean["title"]) > 200:
            raise ServiceError("标题不能超过 200 字。", "title_too_long")
    if "category" in clean:
        clean["category"] = _check_category(clean["category"], keep=keep_category)
    if "urgency" in clean and clean["urgency"] not in Urgency.values:
        raise ServiceError("紧急程度无效。", "invalid_urgency")
    if "public_scope" in clean and clean["public_scope"] not in PublicScope.values:
        raise ServiceError("公开属性无效。", "invalid_public_scope")
    if "body" in clean:
        clean["body"] = clean_text(clean["body"] or "")
    if clean.get("event_time") is not None:
        when = clean["event_time"]
        if not EARLIEST_EVENT <= when.astimezone(dt.UTC) <= timezone.now() + dt.timedelta(days=366):
            raise ServiceError("事件时间不合理，请填写 1949 年以后、一年以内的时间。", "invalid_event_time")
    if "solicitation_id" in clean and clean["solicitation_id"] is not None:
        try:
            clean["solicitation_id"] = int(clean["solicitation_id"])
        except (TypeError, ValueError) as exc:
            raise ServiceError("约稿编号无效。", "invalid_solicitation") from exc
    if "tags" in clean:
        clean["tags"] = _clean_tags(clean["tags"])
    if "elements" in clean:
        clean["elements"] = _clean_elements(clean["elements"])
    return clean


TAGS_MAX, TAG_MAX_CHARS, ELEMENT_MAX_CHARS = 10, 20, 2000


def _element_labels() -> dict[str, str]:
    """key → label of every 要素 any category asks for (an item keeps its 要素 when its category
    changes), 时间 and 地点 included."""
    labels = dict(OWN_FIELD_ELEMENTS)
    for category in selectors.item_categories():
        for key, label in category.element_pairs:
            labels.setdefault(key, label)
    return labels


def _clean_tags(tags: Any) -> list[str]:
    """Refused, never cut: a tag cut to 20 characters or the eleventh tag dropped would be input lost."""
    if not isinstance(tags, list | tuple):
        raise ServiceError("标签须为文字列表。", "invalid_tags")
    out = [str(t).strip() for t in tags if str(t).strip()]
    if len(out) > TAGS_MAX:
        raise ServiceError(f"标签最多 {TAGS_MAX} 个，现有 {len(out)} 个。", "too_many_tags")
    for tag in out:
        if len(tag) > TAG_MAX_CHARS:
            raise ServiceError(f"标签“{tag[:10]}…”超过 {TAG_MAX_CHARS} 个字。", "tag_too_long")
    return out


def _clean_elements(elements: Any) -> dict[str, str]:
    """The 要素: only those the categories ask for (时间、地点、事件性质…), each at most 2,000 characters."""
    if not isinstance(elements, dict):
        raise ServiceError("要素格式无效。", "invalid_elements")
    labels = _element_labels()
    out: dict[str, str] = {}
    for key, value in elements.items():
        if key not in labels:
            known = "、".join(f"{k}（{label}）" for k, label in labels.items())
            raise ServiceError(f"要素“{str(key)[:20]}”无效，可填：{known}。", "invalid_elements")
        text = clean_text(str(value or ""))
        if len(text) > ELEMENT_MAX_CHARS:
            raise ServiceError(f"要素“{labels[key]}”不能超过 {ELEMENT_MAX_CHARS} 字。", "element_too_long")
        if text:
            out[key] = text
    return out


def reporting_unit_for(user: User, unit_id: int | None = None) -> Unit:
    units = units_acting_for(user, Role.REPORTER)
    unit = units.filter(pk=unit_id).first() if unit_id else units.order_by("path").first()
    if unit is None:
        raise Forbidden("只有信息员可以撰写信息。" if not unit_id else "您不是该单位的信息员。")
    return unit


def _check_targets(unit: Unit, target_ids: list[int] | None) -> list[Unit]:
    allowed = unit_reporting_targets(unit)
    if not target_ids:
        return allowed
    by_id = {u.pk: u for u in allowed}
    wrong = [t for t in target_ids if t not in by_id]
    if wrong:
        raise ServiceError("报送对象只能是本单位的上级单位或直报单位。", "invalid_target")
    return [by_id[t] for t in dict.fromkeys(target_ids)]


def _check_co_units(unit: Unit, co_unit_ids: list[int]) -> list[Unit]:
    """合报 only with peers (see ``selectors.co_unit_candidates``); anything else is refused, not dropped."""
    peers = {u.pk: u for u in selectors.co_unit_candidates(unit)}
    if any(pk not in peers for pk in co_unit_ids):
        raise ServiceError("合报单位只能是与本单位同属一个上级的其他单位。", "invalid_co_unit")
    return [peers[pk] for pk in dict.fromkeys(co_unit_ids)]


def report_create(
    *,
    by: User,
    title: str,
    body: str = "",
    category: str | None = None,
    urgency: str = Urgency.NORMAL,
    unit_id: int | None = None,
    target_unit_ids: list[int] | None = None,
    co_unit_ids: list[int] | None = None,
    follow_up_of: int | None = None,
    solicitation_id: int | None = None,
    **fields: Any,
) -> Report:
    unit = reporting_unit_for(by, unit_id)
    category = category or selectors.default_category()  # None: 工作动态, or the first category in use
    fields = {"title": title, "body": body, "category": category, "urgency": urgency, **fields}
    if follow_up_of is not None:
        fields.pop("category")  # a 续报 continues its 初报's category, retired since or not
    clean = _validate_fields(fields)
    root = None
    if follow_up_of is not None:
        root = Report.objects.filter(pk=follow_up_of, source_unit=unit).first()
        if root is None:
            raise NotFound("要续报的信息不存在或不属于本单位。")
        root = Report.objects.get(pk=root.chain_root_id)
        if root.status != ReportStatus.SENT:
            raise ServiceError("只能对已报出的信息续报。", "follow_up_not_sent")
        if root.follow_ups.filter(is_final=True).exists():
            raise ServiceError("该信息已有终报，不能再续报。", "follow_up_closed")
    with transaction.atomic():
        targets = (
            [s.target_unit for s in root.submissions.filter(sender_unit=unit).select_related("target_unit")]
            if root
            else _check_targets(unit, target_unit_ids)
        )
        report = Report.objects.create(source_unit=unit, author=by, solicitation_id=solicitation_id, **clean)
        if root is not None:
            report.follow_up_of = root
            report.follow_up_no = (root.follow_ups.aggregate(m=Max("follow_up_no"))["m"] or 0) + 1
            report.is_final = bool(fields.get("is_final"))
            report.urgency = root.urgency if report.urgency == Urgency.NORMAL else report.urgency
            report.category = root.category
            report.save()
        report.targets.set(targets)
        if co_unit_ids:
            report.co_units.set(_check_co_units(unit, co_unit_ids))
        # The event tells consumers a draft exists (the search index finds it within seconds); edits of a
        # draft emit nothing (autosave runs every few seconds) and reach the index by its catch-up job.
        record(wf.CREATE, by=by, obj=report, unit_id=unit.pk, payload={})
    return report


def report_import_docx(*, by: User, data: bytes, unit_id: int | None = None) -> tuple[Report, list[str]]:
    """A draft from a Word file (see ``wordimport``): the text, the pictures as attachments, and the notes
    that say what was converted or left out. Only a reporter's file is read at all."""
    from baosong.reports import files

    reporting_unit_for(by, unit_id)
    result = docx_import(data)
    report = report_create(by=by, title=result.title, body=result.body, unit_id=unit_id)
    notes = list(result.notes)
    for name, picture in result.pictures:
        try:
            files.attachment_add(report=report, by=by, name=name, size=len(picture), data=picture)
        except ServiceError as exc:
            notes.append(f"{name}未能作为附件上传：{exc.message}")
    return report, notes


def _editable_by(report: Report, user: User) -> None:
    if report.author_id != user.pk and Role.REPORTER not in roles_in_unit(user, report.source_unit):
        raise Forbidden("只有作者或本单位信息员可以修改此信息。")
    if report.status not in {ReportStatus.DRAFT, ReportStatus.RETURNED}:
        raise ServiceError("信息已提交，不能再修改；如需修改请先撤回。", "not_editable", status=409)


def report_update(
    *,
    report: Report,
    by: User,
    target_unit_ids: list[int] | None = None,
    co_unit_ids: list[int] | None = None,
    **fields: Any,
) -> Report:
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        _editable_by(report, by)
        clean = _validate_fields(fields, keep_category=report.category)
        for k, v in clean.items():
            setattr(report, k, v)
        report.updated_at = timezone.now()
        report.save()
        if target_unit_ids is not None and report.follow_up_of_id is None:
            report.targets.set(_check_targets(report.source_unit, target_unit_ids))
        if co_unit_ids is not None:
            report.co_units.set(_check_co_units(report.source_unit, co_unit_ids))
        audit_record(
            "report.update",
            user=by,
            unit_id=report.source_unit_id,
            object_type="report",
            object_id=report.pk,
            details={"fields": sorted(clean)},
        )
    return report


def review_chain_for(report: Report) -> list[dict[str, Any]]:
    """The unit's configured steps that apply to this item (conditional steps by category/urgency/敏感/
    负面重大; a step may name a role in another unit, e.g. 县委宣传部)."""
    return chain_for(report.source_unit_id, ReviewStep.Chain.REPORT, **content_marks(report))


def content_marks(report: Report, *, category: str | None = None) -> dict[str, Any]:
    """What conditional review steps read of an item."""
    return {
        "category": category or report.category,
        "urgency": report.urgency,
        "sensitive": report.sensitive,
        "negative": report.negative,
    }


def _grant_current_step(report: Report) -> None:
    """A step naming a reviewer outside the unit: the item is sent to them (and only it)."""
    step = wf.current_step(report)
    if step is not None and step.get("unit_id"):
        review_grant(object_type="report", object_id=report.pk, step=step, home_unit_id=report.source_unit_id)


def report_checks(*, report: Report) -> dict[str, list[dict[str, Any]]]:
    return checks.run_checks(report)


def report_submit(*, report: Report, by: User) -> Report:
    """Into review, or straight out when the unit has no review chain. Checks run again here: the server
    never trusts the browser."""
    result = checks.run_checks(Report.objects.get(pk=report.pk))
    if result["blocking"]:
        raise ChecksFailed(result)
    if not report.targets.exists():
        raise ServiceError("请选择报送对象。", "no_targets")

    def change(r: Report, t: Transition) -> str:
        r.review_chain = review_chain_for(r)
        r.review_step = 0
        r.submitted_at = timezone.now()
        r.updated_at = r.submitted_at
        r.due_at = due_at_for(r)
        ReviewAction.objects.create(report=r, action=ReviewAction.Action.SUBMIT, actor=by)
        if not r.review_chain:
            return _send(r, by)
        _grant_current_step(r)
        return ReportStatus.IN_REVIEW

    return apply(wf.SUBMIT, report, by, change=change)


def _send(report: Report, by: User) -> str:
    """Create one submission per target, carrying the author's text as the first working copy."""
    now = timezone.now()
    report.sent_at = now
    report.due_at = report.due_at or due_at_for(report)
    report.late = now > report.due_at
    Revision.objects.create(
        report=report,
        title=report.title,
        body=report.body,
        by=report.author,
        unit=report.source_unit,
        created_at=now,
    )
    ReviewAction.objects.create(report=report, action=ReviewAction.Action.SEND, actor=by)
    for target in report.targets.all():
        try:
            with transaction.atomic():
                Submission.objects.create(
                    report=report,
                    target_unit=target,
                    sender_unit=report.source_unit,
                    title=report.title,
                    body=report.body,
                    category=report.category,
                    urgency_rank=URGENCY_RANK[report.urgency],
                    received_at=now,
                    due_at=report.due_at,
                )
        except IntegrityError as exc:
            raise ServiceError(
                f"该信息已报送至“{target.name}”。", "duplicate_submission", status=409
            ) from exc
    event_emit(
        wf.SENT.code,
        object_type="report",
        object_id=report.pk,
        unit_id=report.source_unit_id,
        payload={
            "targets": [t.pk for t in report.targets.all()],
            "urgent": report.urgent,
            "late": report.late,
            "category": report.category,
            "follow_up_of": report.follow_up_of_id,
        },
    )
    return ReportStatus.SENT


def report_approve(*, report: Report, by: User, comment: str = "") -> Report:
    def change(r: Report, t: Transition) -> str:
        step = r.review_chain[r.review_step]
        ReviewAction.objects.create(
            report=r,
            step=r.review_step,
            step_label=step["label"],
            action=ReviewAction.Action.APPROVE,
            actor=by,
            comment=comment,
        )
        r.review_step += 1
        r.updated_at = timezone.now()
        if r.review_step >= len(r.review_chain):
            return _send(r, by)
        _grant_current_step(r)
        return ReportStatus.IN_REVIEW

    return apply(wf.APPROVE, report, by, change=change, details={"comment": comment})


def report_return(*, report: Report, by: User, comment: str) -> Report:
    if not (comment or "").strip():
        raise ServiceError("退回时请填写修改意见。", "comment_required")

    def change(r: Report, t: Transition) -> str:
        step = r.review_chain[r.review_step]
        ReviewAction.objects.create(
            report=r,
            step=r.review_step,
            step_label=step["label"],
            action=ReviewAction.Action.RETURN,
            actor=by,
            comment=comment,
        )
        r.updated_at = timezone.now()
        return ReportStatus.RETURNED

    return apply(wf.RETURN, report, by, change=change, details={"comment": comment})


def report_withdraw(*, report: Report, by: User) -> Report:
    def change(r: Report, t: Transition) -> str:
        if r.status == ReportStatus.SENT:
            subs = Submission.objects.select_for_update().filter(report=r, is_active=True)
            list(subs)  # lock them first: a claim racing this withdrawal waits for it
            if selectors.targets_have_acted(r):  # the rule the item page uses to offer 撤回
                raise ServiceError("已有接收单位开始处理，不能撤回。", "already_handled", status=409)
            subs.update(is_active=False)
            _close_verifications(Q(submission__report=r), by=by, reason="信息已撤回")
        ReviewAction.objects.create(report=r, action=ReviewAction.Action.WITHDRAW, actor=by)
        r.updated_at = timezone.now()
        return ReportStatus.WITHDRAWN

    return apply(wf.WITHDRAW, report, by, change=change)


def report_reopen(*, report: Report, by: User) -> Report:
    def change(r: Report, t: Transition) -> str:
        r.updated_at = timezone.now()
        r.sent_at = None
        return ReportStatus.DRAFT

    return apply(wf.REOPEN, report, by, change=change)


# ---- at the target units ------------------------------------------------------------------------


def submission_claim(*, submission: Submission, by: User) -> Submission:
    def change(s: Submission, t: Transition) -> str:
        s.claimed_by, s.claimed_at = by, timezone.now()
        return SubmissionStatus.CLAIMED

    return apply(wf.CLAIM, submission, by, change=change)


def _decide(s: Submission, by: User, comment: str) -> None:
    now = timezone.now()
    if s.claimed_at is None:
        s.claimed_by, s.claimed_at = by, now
    s.decided_by, s.decided_at, s.comment = by, now, comment or ""


def submission_adopt(
    *,
    submission: Submission,
    by: User,
    usage: str = Usage.ISSUE,
    issue_id: int | None = None,
    comment: str = "",
) -> Submission:
    if usage not in Usage.values:
        raise ServiceError("采用方式无效。", "invalid_usage")

    def change(s: Submission, t: Transition) -> str:
        _decide(s, by, comment)
        s.usage, s.issue_id = usage, issue_id
        return SubmissionStatus.ADOPTED

    return apply(wf.ADOPT, submission, by, change=change, details={"usage": usage, "issue_id": issue_id})


def submission_adoption_revoke(*, submission: Submission, by: User, reason: str = "") -> Submission:
    """Reverse an adoption (the issue that printed it was withdrawn); the editor may decide again."""

    def change(s: Submission, t: Transition) -> str:
        s.usage, s.issue_id, s.decided_at, s.decided_by = "", None, None, None
        s.comment = reason
        return SubmissionStatus.CLAIMED

    return apply(wf.REVOKE, submission, by, change=change, details={"comment": reason})


def submission_decline(*, submission: Submission, by: User, comment: str = "") -> Submission:
    def change(s: Submission, t: Transition) -> str:
        _decide(s, by, comment)
        _close_verifications(Q(submission=s), by=by, reason="信息不采用")
        return SubmissionStatus.DECLINED

    return apply(wf.DECLINE, submission, by, change=change, details={"comment": comment})


def submission_return(*, submission: Submission, by: User, comment: str) -> Submission:
    if not (comment or "").strip():
        raise ServiceError("退回时请填写修改意见。", "comment_required")

    def change(s: Submission, t: Transition) -> str:
        _decide(s, by, comment)
        _close_verifications(Q(submission=s), by=by, reason="信息已退回修改")
        return SubmissionStatus.RETURNED

    return apply(wf.SUBMISSION_RETURN, submission, by, change=change, details={"comment": comment})


def forward_chain_for(s: Submission) -> list[dict[str, Any]]:
    """The 转报签发 steps of the copy's unit that apply to it (empty: a forward goes up at once)."""
    return chain_for(
        s.target_unit_id, ReviewStep.Chain.FORWARD, **content_marks(s.report, category=s.category)
    )


def submission_forward(
    *, submission: Submission, by: User, target_unit_ids: list[int] | None = None, comment: str = ""
) -> Submission:
    """转报: the edited copy goes to this unit's own targets; the original report and author stay.

    With a 转报签发 chain at this unit the forward waits for it (``ForwardRequest``): the targets see
    nothing until the last step signs. An urgent item at a unit that allows 先报后签 goes up at once and
    is signed after (the copies above carry the mark)."""
    s = Submission.objects.select_related("report", "target_unit").get(pk=submission.pk)
    chain = forward_chain_for(s)
    if not chain:
        return _forward_now(s, by=by, target_unit_ids=target_unit_ids, comment=comment)
    with transaction.atomic():
        # Locked, then checked: a decline racing this request waits for it (and then finds it pending).
        s = Submission.objects.select_for_update().select_related("report", "target_unit").get(pk=s.pk)
        # The same refusals as a plain forward, before anything waits: the state, the actor, the targets.
        if (edge := wf.FORWARD.edge_from(s.status)) is None or not s.is_active:
            raise wf.SUBMISSION.refuse_state(s, wf.FORWARD)
        if not edge.who(by, s):
            raise wf.SUBMISSION.refuse_actor(s, wf.FORWARD)
        if (refusal := edge.refusal(s)) is not None:
            raise refusal
        targets = _check_targets(s.target_unit, target_unit_ids)
        if not targets:
            raise ServiceError("本单位没有上级报送对象，不能转报。", "no_targets")
        sign_after = s.urgency_rank < 2 and s.target_unit.forward_sign_after_urgent
        try:
            with transaction.atomic():
                fr = ForwardRequest.objects.create(
                    submission=s,
                    unit=s.target_unit,
                    target_ids=[t.pk for t in targets],
                    comment=comment or "",
                    title=s.title,
                    body=s.body,
                    sign_after=sign_after,
                    chain=chain,
                    requested_by=by,
                )
        except IntegrityError as exc:
            raise ServiceError("该信息已提请转报签发，请等待签发。", "forward_pending", status=409) from exc
        _forward_step_reached(fr)
        fr.save()
        if not sign_after:
            Submission.objects.filter(pk=s.pk).update(forward_pending=True)
        record(
            wf.SIGNOFF_REQUESTED,
            by=by,
            obj=fr,
            unit_id=fr.unit_id,
            details={
                "submission_id": s.pk,
                "targets": fr.target_ids,
                "sign_after": sign_after,
                "comment": comment,
            },
            payload={
                "by": by.pk,
                "report_id": s.report_id,
                "submission_id": s.pk,
                "step": 0,
                "step_label": chain[0]["label"],
                "sign_after": sign_after,
                "targets": fr.target_ids,
            },
        )
        if sign_after:
            s = _forward_now(s, by=by, target_unit_ids=fr.target_ids, comment=comment, signoff=fr)
    return Submission.objects.get(pk=s.pk)


def _forward_now(
    s: Submission,
    *,
    by: User,
    target_unit_ids: list[int] | None,
    comment: str,
    signoff: ForwardRequest | None = None,
    actor_checked: bool = False,
) -> Submission:
    def change(s: Submission, t: Transition) -> str:
        targets = _check_targets(s.target_unit, target_unit_ids)
        if not targets:
            raise ServiceError("本单位没有上级报送对象，不能转报。", "no_targets")
        now = timezone.now()
        if s.status != SubmissionStatus.ADOPTED:
            _decide(s, by, comment)
        s.forwarded_at = now
        for target in targets:
            try:
                with transaction.atomic():
                    Submission.objects.create(
                        report=s.report,
                        target_unit=target,
                        sender_unit=s.target_unit,
                        forwarded_from=s,
                        title=signoff.title if signoff is not None else s.title,
                        body=signoff.body if signoff is not None else s.body,
                        category=s.category,
                        urgency_rank=s.urgency_rank,
                        received_at=now,
                        due_at=s.due_at,
                        signoff=signoff,
                    )
            except IntegrityError as exc:
                raise ServiceError(
                    f"该信息已在“{target.name}”，不能重复转报。", "duplicate_submission", status=409
                ) from exc
        return t.edge.target or s.status

    details: dict[str, Any] = {"targets": target_unit_ids or [], "comment": comment}
    if signoff is not None:
        details |= {"signoff": signoff.pk, "sign_after": signoff.sign_after}
    return apply(wf.FORWARD, s, by, change=change, details=details, actor_checked=actor_checked)


def _forward_step_reached(fr: ForwardRequest) -> None:
    """Point the request's queue columns at its current step and send it to that step's signer."""
    step = fr.current_step
    if step is None:
        fr.step_unit_id, fr.step_role, fr.step_user_id = None, "", None
        return
    fr.step_user_id = step.get("user_id") or None
    fr.step_unit_id = None if fr.step_user_id else (step.get("unit_id") or fr.unit_id)
    fr.step_role = "" if fr.step_user_id else step.get("role", "")
    review_grant(object_type="forward_request", object_id=fr.pk, step=step, home_unit_id=fr.unit_id)


def _trail(fr: ForwardRequest, by: User, action: str, comment: str) -> None:
    step = fr.current_step or {}
    fr.trail = [
        *(fr.trail or []),
        {
            "step": fr.step,
            "label": step.get("label", ""),
            "action": action,
            "by": by.pk,
            "name": by.full_name,
            "comment": comment,
            "at": timezone.now().isoformat(),
        },
    ]


def forward_sign(*, request: ForwardRequest, by: User, comment: str = "") -> ForwardRequest:
    """签发: the current step signs; after the last step the copy goes up (or, 先报后签, is marked signed)."""
    comment = (comment or "").strip()

    def change(fr: ForwardRequest, t: Transition) -> str:
        t.details["step_label"] = (fr.current_step or {}).get("label", "")
        _trail(fr, by, "sign", comment)
        fr.step += 1
        if fr.step < len(fr.chain):
            _forward_step_reached(fr)
            return ForwardStatus.PENDING
        _forward_step_reached(fr)
        fr.decided_at = timezone.now()
        fr.decision_comment = comment
        fr.status = ForwardStatus.SIGNED
        fr.save()
        if not fr.sign_after:
            sub = (
                Submission.objects.select_for_update()
                .select_related("target_unit", "report")
                .get(pk=fr.submission_id)
            )
            if not sub.is_active or sub.report.status != ReportStatus.SENT:
                raise ServiceError("该信息已被作者撤回，不能再签发转报。", "withdrawn", status=409)
            Submission.objects.filter(pk=sub.pk).update(forward_pending=False)
            sub.forward_pending = False
            # The editor's forward, taken now that the chain has signed it.
            _forward_now(
                sub,
                by=fr.requested_by,
                target_unit_ids=fr.target_ids,
                comment=fr.comment,
                signoff=fr,
                actor_checked=True,
            )
        return ForwardStatus.SIGNED

    return apply(wf.SIGN, request, by, change=change, details={"comment": comment})


def forward_refuse(*, request: ForwardRequest, by: User, comment: str) -> ForwardRequest:
    """不同意: the forward goes back to the editor with the signer's comment (the copy stays with them)."""
    comment = (comment or "").strip()
    if not comment:
        raise ServiceError("不同意转报时请填写意见。", "comment_required")

    def change(fr: ForwardRequest, t: Transition) -> None:
        t.details["step_label"] = (fr.current_step or {}).get("label", "")
        _trail(fr, by, "refuse", comment)
        fr.decided_at = timezone.now()
        fr.decision_comment = comment
        fr.step_unit_id, fr.step_role, fr.step_user_id = None, "", None
        Submission.objects.filter(pk=fr.submission_id).update(forward_pending=False)

    return apply(wf.REFUSE, request, by, change=change, details={"comment": comment})


def forward_cancel(*, request: ForwardRequest, by: User) -> ForwardRequest:
    def change(fr: ForwardRequest, t: Transition) -> None:
        fr.decided_at = timezone.now()
        fr.step_unit_id, fr.step_role, fr.step_user_id = None, "", None
        Submission.objects.filter(pk=fr.submission_id).update(forward_pending=False)

    return apply(wf.CANCEL, request, by, change=change)


def report_set_negative(*, report: Report, by: User, negative: bool) -> Report:
    """Mark an item 负面/重大 (or clear the mark): its author's unit while it is editable, or an editor of
    a unit it reached. Conditional review steps (宣传部审核) read the mark from then on."""
    with transaction.atomic():
        r = Report.objects.select_for_update().get(pk=report.pk)
        own = Role.REPORTER in roles_in_unit(by, r.source_unit_id) or r.author_id == by.pk
        editable = r.status in (ReportStatus.DRAFT, ReportStatus.RETURNED, ReportStatus.WITHDRAWN)
        reached = Submission.objects.filter(
            report=r, target_unit__in=units_acting_for(by, Role.EDITOR), is_active=True
        ).exists()
        if not ((own and editable) or reached):
            raise Forbidden("您不能修改此信息的负面/重大标记。")
        # An upper editor may raise the mark, not drop it: dropping would let the item skip the
        # 宣传部门 step the author's unit asked for.
        if not negative and r.negative and not (own and editable):
            raise ServiceError(
                "负面/重大标记只能由作者单位在修改信息时取消。", "negative_mark_kept", status=409
            )
        if r.negative == negative:
            return r
        r.negative = negative
        r.save(update_fields=["negative"])
        record(
            wf.NEGATIVE,
            by=by,
            obj=r,
            unit_id=r.source_unit_id,
            details={"negative": negative},
            payload={"by": by.pk, "report_id": r.pk},
        )
    return r


def submission_edit(*, submission: Submission, by: User, title: str, body: str) -> Submission:
    """The editor edits the working copy; the author's text stays intact, every version is a revision."""
    title = (title or "").strip()
    if not title:
        raise ServiceError("标题不能为空。", "title_required")
    with transaction.atomic():
        s = Submission.objects.select_for_update().get(pk=submission.pk)
        if Role.EDITOR not in roles_in_unit(by, s.target_unit):
            raise Forbidden("只有接收单位的采编人员可以编辑。")
        if s.status not in {SubmissionStatus.RECEIVED, SubmissionStatus.CLAIMED, SubmissionStatus.ADOPTED}:
            raise ServiceError("该信息已处理完毕，不能再编辑。", "not_editable", status=409)
        if (s.title, s.body) == (title, body):
            return s
        s.title, s.body = title, body
        s.save(update_fields=["title", "body"])
        Revision.objects.create(
            report=s.report, submission=s, title=title, body=body, by=by, unit=s.target_unit
        )
        # No status change, but the working copy's text changed: search re-indexes the item.
        record(
            wf.EDIT, by=by, obj=s, unit_id=s.target_unit_id, payload={"report_id": s.report_id, "by": by.pk}
        )
    return s


def submission_resubmit(*, submission: Submission, by: User, title: str, body: str) -> Submission:
    """The author revises a returned item; the same submission goes back to the same editor."""
    title = (title or "").strip()
    if not title:
        raise ServiceError("标题不能为空。", "title_required")
    # The revised text leaves the unit again: the same checks as at first submission (a marking or an ID
    # number typed into the revision must not get through).
    probe = Report.objects.get(pk=submission.report_id)
    probe.title, probe.body = title, body
    result = checks.run_checks(probe)
    if result["blocking"]:
        raise ChecksFailed(result)

    def change(s: Submission, t: Transition) -> str:
        s.title, s.body = title, body
        Report.objects.filter(pk=s.report_id).update(title=title, body=body, updated_at=timezone.now())
        Revision.objects.create(
            report=s.report, submission=s, title=title, body=body, by=by, unit=s.report.source_unit
        )
        s.decided_at, s.decided_by = None, None
        s.received_at = timezone.now()
        return SubmissionStatus.CLAIMED

    return apply(wf.RESUBMIT, submission, by, change=change)


def external_adoption_record(
    *,
    report: Report,
    by: User,
    unit: Unit,
    publication_name: str,
    level: str,
    date: dt.date,
    evidence_name: str = "",
    evidence: bytes | None = None,
) -> ExternalAdoption:
    if Role.EDITOR not in roles_in_unit(by, unit):
        raise Forbidden("只有采编人员可以补录外部采用。")
    if not report.submissions.filter(Q(target_unit=unit) | Q(sender_unit=unit)).exists():
        raise NotFound()
    if not (publication_name or "").strip():
        raise ServiceError("请填写刊物名称。", "publication_required")
    if level not in ExternalAdoption.Level.values:
        raise ServiceError("采用级别无效。", "invalid_level")
    if date > timezone.localdate():
        raise ServiceError("采用日期不能晚于今天。", "future_date")
    stored, content_type = "", ""
    if evidence:
        from baosong.reports import files

        kind = files.check_upload(size=len(evidence), data=evidence)
        stored, content_type = files.store_encrypted(evidence), kind.content_type
    with transaction.atomic():
        adoption = ExternalAdoption.objects.create(
            evidence_stored=stored,
            evidence_type=content_type,
            report=report,
            publication_name=publication_name.strip(),
            level=level,
            date=date,
            unit=unit,
            recorded_by=by,
            evidence_name=evidence_name,
        )
        audit_record(
            wf.EXTERNAL_ADOPTION.code,
            user=by,
            unit_id=unit.pk,
            object_type="external_adoption",
            object_id=adoption.pk,
            details={"report_id": report.pk, "level": level},
        )
        event_emit(
            str(wf.EXTERNAL_ADOPTION.event),
            object_type="report",
            object_id=report.pk,
            unit_id=unit.pk,
            payload={
                "level": level,
                "publication_name": adoption.publication_name,
                "date": date.isoformat(),
                "adoption_id": adoption.pk,
            },
        )
    return adoption


# ---- configuration by the system administrator ----------------------------------------------------


def _check_deadline(kind: str, amount: int) -> int:
    if kind not in DeadlineRule.Kind.values:
        raise ServiceError("时限方式无效。", "invalid_kind")
    bounds = AMOUNT_RANGE[kind]
    if bounds is None:
        return 0
    low, high = bounds
    if not low <= amount <= high:
        unit = AMOUNT_UNIT[kind]
        raise ServiceError(f"时限须为 {low} 到 {high} 之间的整数（{unit}）。", "invalid_amount")
    return amount


def deadline_rule_set(*, by: User, category: str, urgency: str, kind: str, amount: int) -> DeadlineRule:
    if category and category not in selectors.category_by_code():
        raise ServiceError("信息类别无效。", "invalid_category")
    if urgency and urgency not in Urgency.values:
        raise ServiceError("紧急程度无效。", "invalid_urgency")
    amount = _check_deadline(kind, amount)
    with transaction.atomic():
        rule, _ = DeadlineRule.objects.update_or_create(
            category=category, urgency=urgency, defaults={"kind": kind, "amount": amount}
        )
        audit_record(
            "config.deadline_rule",
            user=by,
            object_type="deadline_rule",
            object_id=rule.pk,
            details={"category": category, "urgency": urgency, "kind": kind, "amount": amount},
        )
    forget_memo(selectors.DEADLINE_RULES_MEMO)
    return rule


def deadline_rule_remove(*, by: User, rule: DeadlineRule) -> None:
    if not rule.category and not rule.urgency:
        raise ServiceError("默认时限规则不能删除，只能修改。", "default_rule")
    with transaction.atomic():
        audit_record(
            "config.deadline_rule",
            user=by,
            object_type="deadline_rule",
            object_id=rule.pk,
            details={"removed": True},
        )
        rule.delete()
    forget_memo(selectors.DEADLINE_RULES_MEMO)


# ---- categories (信息类别) -----------------------------------------------------------------------------

CATEGORY_LABEL_MAX = 20
ELEMENT_LABEL_MAX = 20
TEMPLATE_MAX = 5000


def _check_template(template: str) -> str:
    template = clean_text(template or "")
    if len(template) > TEMPLATE_MAX:
        raise ServiceError(f"写作模板不能超过 {TEMPLATE_MAX} 字。", "template_too_long")
    return template


def _check_label(label: str, *, other_than: int | None = None) -> str:
    label = (label or "").strip()
    if not label or len(label) > CATEGORY_LABEL_MAX:
        raise ServiceError(f"类别名称须为 1 到 {CATEGORY_LABEL_MAX} 个字。", "invalid_label")
    same = ItemCategory.objects.filter(label=label)
    if (same.exclude(pk=other_than) if other_than is not None else same).exists():
        raise ServiceError(f"已有名为“{label}”的类别。", "duplicate_label")
    return label


def _check_elements(code: str, elements: Any) -> list[dict[str, str]]:
    """The 要素 as (key, label) pairs in order; a pair without a key is a new 要素. Its key: 时间 and 地点
    are the item's own fields; a label another category already asks for shares that 要素 (an item keeps
    what it wrote when its category changes); else ``<code>_<n>``."""
    known: dict[str, str] = {label: key for key, label in OWN_FIELD_ELEMENTS.items()}
    for other in ItemCategory.objects.exclude(code=code):
        for key, label in other.element_pairs:
            known.setdefault(label, key)
    pairs = [(str(k or "").strip(), str(label or "").strip()) for k, label in elements]
    pairs = [(k, label) for k, label in pairs if label]
    if len(pairs) > MAX_ELEMENTS:
        raise ServiceError(f"必备要素最多 {MAX_ELEMENTS} 项。", "too_many_elements")
    used = {k for k, _ in pairs if k}
    out: list[dict[str, str]] = []
    seen_labels: set[str] = set()
    n = 1
    for key, label in pairs:
        if len(label) > ELEMENT_LABEL_MAX:
            raise ServiceError(f"要素名称“{label[:10]}…”超过 {ELEMENT_LABEL_MAX} 个字。", "invalid_element")
        if label in seen_labels:
            raise ServiceError(f"要素“{label}”重复。", "duplicate_element")
        seen_labels.add(label)
        if not key:
            key = known.get(label, "")
            while not key or key in used:
                key, n = f"{code}_{n}", n + 1
        if not re.match(ELEMENT_KEY_RE, key):
            raise ServiceError("要素代码无效。", "invalid_element")
        if key in {e["key"] for e in out}:
            raise ServiceError(f"要素“{label}”重复。", "duplicate_element")
        used.add(key)
        out.append({"key": key, "label": label})
    return out


def _category_changed(by: User, category: ItemCategory, details: dict[str, Any]) -> None:
    record(
        wf.CATEGORY_SET,
        by=by,
        object_type="category",
        object_id=category.pk,
        details={"code": category.code, "label": category.label, **details},
    )
    forget_memo(selectors.CATEGORIES_MEMO)


def category_create(
    *,
    by: User,
    code: str,
    label: str,
    elements: list[tuple[str, str]] | None = None,
    template: str = "",
    deadline_kind: str | None = None,
    deadline_amount: int = 0,
) -> ItemCategory:
    """A new category, last in the lists, with its 要素, writing template and (optionally) its 时限."""
    code = (code or "").strip()
    if not re.match(CATEGORY_CODE_RE, code):
        raise ServiceError(
            "类别代码须为 2 到 20 位小写英文字母、数字或下划线，以字母开头（如 meeting）。", "invalid_code"
        )
    if ItemCategory.objects.filter(code=code).exists():
        raise ServiceError(
            f"类别代码“{code}”已被使用（代码不能重复，停用的类别也占用代码）。", "duplicate_code"
        )
    try:
        with transaction.atomic():
            last = ItemCategory.objects.aggregate(m=Max("sort_order"))["m"]
            category = ItemCategory.objects.create(
                code=code,
                label=_check_label(label),
                sort_order=0 if last is None else last + 1,
                elements=_check_elements(code, elements or []),
                template=_check_template(template),
            )
            _category_changed(
                by,
                category,
                {"elements": [e["label"] for e in category.elements], "template": bool(category.template)},
            )
            if deadline_kind:
                deadline_rule_set(
                    by=by, category=code, urgency="", kind=deadline_kind, amount=deadline_amount
                )
    except IntegrityError as exc:  # another administrator took the code or the name at the same moment
        raise ServiceError("类别代码或名称刚被他人使用，请换一个。", "conflict", status=409) from exc
    return category


def category_update(
    *,
    by: User,
    category: ItemCategory,
    label: str,
    elements: list[tuple[str, str]],
    template: str,
    deadline_kind: str | None = None,
    deadline_amount: int = 0,
) -> ItemCategory:
    """Rename a category, set its 要素, writing template and 时限 (``deadline_kind`` None: the rule stays;
    "" : the category follows the general rule). The code never changes: items and the API keep it."""
    with transaction.atomic():
        category = ItemCategory.objects.select_for_update().get(pk=category.pk)
        before = (category.label, category.elements, category.template)
        category.label = _check_label(label, other_than=category.pk)
        category.elements = _check_elements(category.code, elements)
        category.template = _check_template(template)
        changed = [
            name
            for name, old, new in zip(
                ("label", "elements", "template"),
                before,
                (category.label, category.elements, category.template),
                strict=True,
            )
            if old != new
        ]
        if changed:
            category.updated_at = timezone.now()
            category.save()
            _category_changed(
                by,
                category,
                {
                    "fields": changed,
                    "elements": [e["label"] for e in category.elements],
                    "template": bool(category.template),
                },
            )
        rule = DeadlineRule.objects.filter(category=category.code, urgency="").first()
        if deadline_kind and (rule is None or (rule.kind, rule.amount) != (deadline_kind, deadline_amount)):
            deadline_rule_set(
                by=by, category=category.code, urgency="", kind=deadline_kind, amount=deadline_amount
            )
        elif deadline_kind == "" and rule is not None:
            deadline_rule_remove(by=by, rule=rule)
    return category


def category_retire(*, by: User, category: ItemCategory, retired: bool = True) -> ItemCategory:
    """停用 (new items can no longer choose it; old items keep it) or 恢复 a category."""
    with transaction.atomic():
        category = ItemCategory.objects.select_for_update().get(pk=category.pk)
        if category.retired == retired:
            return category
        if retired and not ItemCategory.objects.filter(retired=False).exclude(pk=category.pk).exists():
            raise ServiceError("至少要保留一个可用的类别。", "last_category")
        category.retired = retired
        category.updated_at = timezone.now()
        category.save(update_fields=["retired", "updated_at"])
        _category_changed(by, category, {"retired": retired})
    return category


def category_move(*, by: User, category: ItemCategory, direction: str) -> ItemCategory:
    """Move a category one place up or down in the lists (the writing page, filters, statistics)."""
    if direction not in ("up", "down"):
        raise ServiceError("调整方向无效。", "invalid_direction")
    with transaction.atomic():
        ordered = list(ItemCategory.objects.select_for_update().order_by("sort_order", "id"))
        i = next(i for i, c in enumerate(ordered) if c.pk == category.pk)
        j = i - 1 if direction == "up" else i + 1
        if not 0 <= j < len(ordered):
            return ordered[i]
        ordered[i], ordered[j] = ordered[j], ordered[i]
        for n, c in enumerate(ordered):
            if c.sort_order != n:
                c.sort_order = n
                c.save(update_fields=["sort_order"])
        _category_changed(by, ordered[j], {"moved": direction})
    return ordered[j]


def sensitive_word_add(*, by: User, word: str, blocking: bool = False) -> SensitiveWord:
    word = (word or "").strip()
    if not word or len(word) > 50:
        raise ServiceError("敏感词须为 1 到 50 个字。", "invalid_word")
    with transaction.atomic():
        item, _ = SensitiveWord.objects.update_or_create(word=word, defaults={"blocking": blocking})
        audit_record(
            "config.sensitive_word",
            user=by,
            object_type="sensitive_word",
            object_id=item.pk,
            details={"word": word, "blocking": blocking},
        )
    return item


def sensitive_word_remove(*, by: User, item: SensitiveWord) -> None:
    with transaction.atomic():
        audit_record(
            "config.sensitive_word",
            user=by,
            object_type="sensitive_word",
            object_id=item.pk,
            details={"word": item.word, "removed": True},
        )
        item.delete()


# ---- 核实 (verification requests) -------------------------------------------------------------------

VERIFY_TEXT_MAX = 2000


def _verify_text(value: str, *, label: str, code: str, required: bool) -> str:
    text = clean_text(value or "").strip()
    if required and not text:
        raise ServiceError(f"请填写{label}。", code)
    if len(text) > VERIFY_TEXT_MAX:
        raise ServiceError(f"{label}不能超过 {VERIFY_TEXT_MAX} 字。", f"{code.split('_')[0]}_too_long")
    return text


def verification_ask(
    *,
    submission: Submission,
    by: User,
    question: str,
    passage: str = "",
    due_at: dt.datetime | None = None,
) -> VerificationRequest:
    """An editor asks the item's source unit to verify a point. The submission keeps its status: it is not
    returned, only marked 待核实 until the answer comes."""
    if not wf.VERIFY_ASKER(by, submission):
        raise Forbidden("只有接收单位的采编人员可以请求核实。")
    if not submission.is_active or submission.status not in wf.VERIFIABLE:
        label = SubmissionStatus(submission.status).label
        raise ServiceError(f"该信息当前状态为“{label}”，不能请求核实。", "not_verifiable", status=409)
    question = _verify_text(question, label="需要核实的事项", code="question_required", required=True)
    passage = _verify_text(passage, label="相关原文", code="passage_required", required=False)
    if due_at is not None and timezone.is_naive(due_at):
        due_at = timezone.make_aware(due_at)  # a time without an offset is the office's local time
    if due_at is not None and due_at <= timezone.now():
        raise ServiceError("答复时限应晚于现在。", "due_in_past")
    report = submission.report
    with transaction.atomic():
        verification = VerificationRequest.objects.create(
            submission=submission,
            report=report,
            asking_unit_id=submission.target_unit_id,
            source_unit_id=report.source_unit_id,
            question=question,
            passage=passage,
            due_at=due_at,
            asked_by=by,
        )
        details = {
            "report_id": report.pk,
            "submission_id": submission.pk,
            "asking_unit": submission.target_unit_id,
            "source_unit": report.source_unit_id,
            "due_at": due_at.isoformat() if due_at else None,
        }
        record(
            wf.VERIFY_ASK,
            by=by,
            obj=verification,
            unit_id=submission.target_unit_id,
            details=details,
            payload={**details, "by": by.pk, "at": verification.asked_at.isoformat()},
        )
    return verification


def verification_answer(
    *,
    verification: VerificationRequest,
    by: User,
    answer: str,
    file_name: str = "",
    file_data: bytes | None = None,
) -> VerificationRequest:
    """The source unit answers (text, optionally a file). The answer attaches to the submission."""
    answer = _verify_text(answer, label="核实情况", code="answer_required", required=True)
    stored, kind = "", None
    if file_data:
        from baosong.reports import files

        kind = files.check_upload(size=len(file_data), data=file_data)
        stored = files.store_encrypted(file_data)

    def change(v: VerificationRequest, t: Transition) -> None:
        now = timezone.now()
        v.answer, v.answered_by, v.answered_at = answer, by, now
        if kind is not None and file_data:
            from baosong.core.crypto import sm3_hex

            v.file_name = (clean_text(file_name).replace("\n", " ") or "核实材料")[:255]
            v.file_stored, v.file_type = stored, kind.content_type
            v.file_size, v.file_digest = len(file_data), sm3_hex(file_data)
        t.details.update(seconds=int((now - v.asked_at).total_seconds()), has_file=bool(stored))

    try:
        return apply(wf.VERIFY_ANSWER, verification, by, change=change)
    except Exception:
        if stored:
            from baosong.reports import files

            files.discard(stored)  # no orphan ciphertext when the answer was not written
        raise


def _close_verifications(where: Q, *, by: User, reason: str) -> None:
    """The item left the desk that asked (不采用, 退回, 撤回): its open 核实 requests are withdrawn with
    it, each audited, so the source unit is not left answering a question nobody waits for."""
    for v in VerificationRequest.objects.filter(where, status=VerificationStatus.OPEN):

        def change(v: VerificationRequest, t: Transition) -> None:
            v.withdrawn_by, v.withdrawn_at = by, timezone.now()

        apply(wf.VERIFY_WITHDRAW, v, by, change=change, details={"reason": reason}, actor_checked=True)


def verification_withdraw(*, verification: VerificationRequest, by: User) -> VerificationRequest:
    """The asking unit takes its question back (answered elsewhere, no longer needed)."""

    def change(v: VerificationRequest, t: Transition) -> None:
        v.withdrawn_by, v.withdrawn_at = by, timezone.now()

    return apply(wf.VERIFY_WITHDRAW, verification, by, change=change)
