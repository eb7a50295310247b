"""Pages for reporters, reviewers and editors. Interfaces only: parse, call a service or selector, render."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.timesince import timeuntil
from django.views.decorators.http import require_POST

from baosong.core.actions import allowed_actions, record
from baosong.core.dbrouter import replica_ok
from baosong.core.errors import NotFound, ServiceError
from baosong.core.models import DomainEvent
from baosong.core.params import form_datetime, parse_count, parse_id, parse_ids
from baosong.core.refusals import return_to as refusals_return_to
from baosong.core.workbench import remaining, waited
from baosong.orgs.models import BUSINESS_ROLES, Role, Unit
from baosong.orgs.permissions import AuthedRequest, business_required, role_required
from baosong.orgs.selectors import acting_unit_ids, unit_reporting_targets, units_acting_for
from baosong.reports import files, selectors, services, timeliness
from baosong.reports import workflow as reports_wf
from baosong.reports.behalf import behalf_channels
from baosong.reports.checks import element_value
from baosong.reports.diff import diff_html
from baosong.reports.forms import AdoptForm, CommentForm, ExternalAdoptionForm, ReportForm, WorkingCopyForm
from baosong.reports.models import (
    Attachment,
    DeadlineRule,
    ExternalAdoption,
    ForwardRequest,
    ForwardStatus,
    ItemCategory,
    Report,
    ReportStatus,
    ReviewAction,
    Revision,
    SensitiveWord,
    Submission,
    SubmissionStatus,
    Urgency,
    VerificationRequest,
)  # fmt: skip
from baosong.reports.workflow import REPORT


def _report(request: AuthedRequest, pk: int) -> Report:
    try:
        return selectors.report_for(request.user, pk)
    except NotFound as exc:
        raise Http404 from exc


def _co_units(report_or_unit: Any) -> list[tuple[int, str]]:
    unit = report_or_unit.source_unit if isinstance(report_or_unit, Report) else report_or_unit
    return [(u.pk, u.name) for u in selectors.co_unit_candidates(unit)]


def _targets(report_or_unit: Any) -> list[tuple[int, str]]:
    unit = report_or_unit.source_unit if isinstance(report_or_unit, Report) else report_or_unit
    return [(u.pk, u.name) for u in unit_reporting_targets(unit)]


# The columns the list pages show: a row of a wide select_related costs more to build than to read (the
# inbox's 30 rows: 5.2 ms with every column, 3.0 ms with these).
REPORT_LIST_FIELDS = (
    *("id", "title", "category", "urgency", "status", "sent_at", "due_at", "late", "follow_up_no"),
    *("is_final", "updated_at", "source_unit_id", "author_id", "author__full_name", "source_unit__name"),
)
INBOX_LIST_FIELDS = (
    *("id", "title", "status", "category", "urgency_rank", "received_at", "due_at", "target_unit_id"),
    *("sender_unit_id", "sender_unit__name", "sender_unit__short_name", "claimed_by_id"),
    *("claimed_by__full_name", "target_unit__name", "target_unit__short_name", "report_id"),
    *("report__source_unit_id", "report__late", "report__is_final", "report__follow_up_no"),
    *("report__source_unit__name", "report__source_unit__short_name"),
)


def _report_lines(reports: Any) -> list[dict[str, Any]]:
    """本单位信息's rows as the strings the table shows, built in Python (as the inbox's)."""
    categories, urgencies, statuses = (
        selectors.category_labels(),
        dict(Urgency.choices),
        dict(ReportStatus.choices),
    )
    detail_url = reverse("report_detail", args=[0])[:-2]
    return [
        {
            "url": f"{detail_url}{r.pk}/",
            "title": r.title or "（无标题草稿）",
            "follow_up": r.follow_up_label if r.follow_up_no or r.is_final else "",
            "category": categories.get(r.category, r.category),
            "urgency": urgencies.get(r.urgency, r.urgency) if r.urgency != Urgency.NORMAL else "",
            "author": r.author.full_name,
            "status": r.status,
            "status_label": statuses.get(r.status, r.status),
            "sent": _short_time(r.sent_at) if r.sent_at else "—",
            "late": r.late,
            "due": _short_time(r.due_at) if r.due_at else "—",
        }
        for r in reports
    ]


@business_required
@replica_ok
def report_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    if status not in ReportStatus.values:
        status = None
    qs = selectors.my_reports(
        request.user,
        mine=request.GET.get("mine") == "1",
        status=status,
        q=request.GET.get("q", "").strip() or None,
    )
    page = Paginator(qs.only(*REPORT_LIST_FIELDS), 30).get_page(request.GET.get("page"))
    page.object_list = _report_lines(page.object_list)  # type: ignore[assignment]
    query = request.GET.copy()
    query.pop("page", None)
    can_write = bool(acting_unit_ids(request.user, Role.REPORTER))
    return render(
        request,
        "reports/report_list.html",
        {
            "page": page,
            "statuses": ReportStatus.choices,
            "f": request.GET,
            "query": query.urlencode(),
            "can_write": can_write,
        },
    )


def _form_categories(current: str | None = None) -> list[ItemCategory]:
    """The categories the writing page offers: the office's current ones, and the item's own if it has
    been retired since (an old draft keeps it)."""
    return [c for c in selectors.item_categories() if not c.retired or c.code == current]


def _report_form(
    data: Any, *, unit: Unit, current: str | None = None, initial: dict[str, Any] | None = None
) -> ReportForm:
    return ReportForm(
        data,
        initial=initial,
        categories=_form_categories(current),
        target_choices=_targets(unit),
        co_unit_choices=_co_units(unit),
    )


@role_required(Role.REPORTER)
def report_new(request: AuthedRequest) -> HttpResponse:
    unit = services.reporting_unit_for(request.user)
    initial = {
        "category": selectors.default_category(),
        "urgency": Urgency.NORMAL,
        "public_scope": "internal",
        "targets": [str(pk) for pk, _ in _targets(unit)],
        "solicitation": parse_id(request.GET.get("solicitation")),
    }
    form = _report_form(request.POST or None, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_create(by=request.user, **form.service_fields())
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            if "submit" not in request.POST:
                messages.success(request, "草稿已保存。")
                return redirect("report_edit", pk=report.pk)
            # Write and submit in one go (one tap on a phone); a refusal leaves the saved draft to fix.
            try:
                report = services.report_submit(report=report, by=request.user)
            except ServiceError as exc:
                messages.error(request, f"草稿已保存，但未能提交：{exc.message}")
                return redirect("report_edit", pk=report.pk)
            messages.success(
                request, "已提交审核。" if report.status == ReportStatus.IN_REVIEW else "已报出。"
            )
            return redirect("report_detail", pk=report.pk)
    return render(
        request,
        "reports/report_form.html",
        {"form": form, "unit": unit, "report": None},
        status=400 if form.errors else 200,
    )


def _report_initial(report: Report) -> dict[str, Any]:
    initial: dict[str, Any] = {
        f: getattr(report, f)
        for f in ("title", "body", "category", "urgency", "place", "public_scope", "sensitive", "negative")
    }
    initial["event_time"] = timezone.localtime(report.event_time) if report.event_time else None
    # Older items and API clients keep 时间/地点 in ``elements``: show them in the form's own fields.
    legacy = report.elements or {}
    if initial["event_time"] is None:
        initial["event_time"] = _parse_legacy_time(str(legacy.get("time", "")))
    if not (initial["place"] or "").strip():
        initial["place"] = str(legacy.get("place", ""))
    initial["tags"] = "，".join(report.tags)
    initial["targets"] = [str(pk) for pk in report.targets.values_list("pk", flat=True)]
    initial["co_units"] = [str(pk) for pk in report.co_units.values_list("pk", flat=True)]
    initial["solicitation"] = report.solicitation_id
    for key, value in (report.elements or {}).items():
        initial[f"el_{key}"] = value
    return initial


def _parse_legacy_time(text: str) -> Any:
    for fmt in ("%Y年%m月%d日%H时%M分", "%Y年%m月%d日 %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"):
        try:
            return timezone.make_aware(dt.datetime.strptime(text.strip(), fmt))
        except ValueError:
            continue
    return None


def _fields_keeping_legacy(report: Report, form: ReportForm) -> dict[str, Any]:
    """What the form saves, plus a 时间/地点 kept in ``elements`` that the form could not show (free text
    such as “6月3日凌晨”): saving the form must not drop what the author wrote."""
    fields = form.service_fields()
    legacy = report.elements or {}
    for key, field in (("time", "event_time"), ("place", "place")):
        if legacy.get(key) and not fields[field]:
            fields["elements"][key] = legacy[key]
    return fields


@business_required
def report_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    form = _report_form(
        request.POST or None,
        unit=report.source_unit,
        current=report.category,
        initial=_report_initial(report),
    )
    findings = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.report_update(report=report, by=request.user, **_fields_keeping_legacy(report, form))
            if "submit" in request.POST:
                report = services.report_submit(report=report, by=request.user)
                messages.success(
                    request, "已提交审核。" if report.status == ReportStatus.IN_REVIEW else "已报出。"
                )
                return redirect("report_detail", pk=report.pk)
            messages.success(request, "已保存。")
            return redirect("report_edit", pk=report.pk)
        except services.ChecksFailed as exc:
            findings = exc.result
            form.add_error(None, exc.message)
            status = 422
        except ServiceError as exc:
            form.add_error(None, exc.message)
            status = exc.status
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "reports/report_form.html",
        {
            "form": form,
            "report": report,
            "unit": report.source_unit,
            "findings": findings,
            "review_return": _review_return(report),
            "attachments": selectors.report_attachments(report),
            "max_bytes": files.max_bytes(),
            "max_mb": files.settings.ATTACHMENT_MAX_MB,
        },
        status=status,
    )


@require_POST
@business_required
def report_autosave(request: AuthedRequest, pk: int) -> HttpResponse:
    """htmx: save the draft while typing. A failed save keeps everything in the browser and says why."""
    report = _report(request, pk)
    form = _report_form(request.POST, unit=report.source_unit, current=report.category)
    if not form.is_valid():
        return render(
            request, "reports/partials/autosave.html", {"error": "内容格式有误，未能自动保存。"}, status=400
        )
    try:
        services.report_update(report=report, by=request.user, **_fields_keeping_legacy(report, form))
    except ServiceError as exc:
        return render(request, "reports/partials/autosave.html", {"error": exc.message}, status=exc.status)
    return render(request, "reports/partials/autosave.html", {"saved_at": timezone.localtime()})


def _live_checks(
    request: AuthedRequest, *, unit: Unit, author: Any, created_at: Any, report: Report | None = None
) -> HttpResponse:
    form = _report_form(request.POST, unit=unit, current=report.category if report else None)
    form.is_valid()
    data = {}
    if not form.errors:
        data = _fields_keeping_legacy(report, form) if report else form.service_fields()
        if not (data["title"] or "").strip() and not (data["body"] or "").strip():
            # A blank form: nothing to check yet (a red "不能提交" before one has typed only alarms).
            return render(request, "reports/partials/checks.html", {"idle": True})
    probe = Report(
        source_unit=unit,
        author=author,
        created_at=created_at,
        **{k: v for k, v in data.items() if k not in {"target_unit_ids", "co_unit_ids"}},
    )
    return render(request, "reports/partials/checks.html", {"findings": services.checks.run_checks(probe)})


@require_POST
@business_required
def report_live_checks(request: AuthedRequest, pk: int) -> HttpResponse:
    """htmx: run the checks on what is in the form now (not saved), so the author sees problems early."""
    report = _report(request, pk)
    return _live_checks(
        request, unit=report.source_unit, author=report.author, created_at=report.created_at, report=report
    )


@require_POST
@role_required(Role.REPORTER)
def report_new_checks(request: AuthedRequest) -> HttpResponse:
    """htmx: the same checks while the first draft is still being written (nothing saved yet)."""
    unit = services.reporting_unit_for(request.user)
    return _live_checks(request, unit=unit, author=request.user, created_at=timezone.now())


def _review_return(report: Report) -> ReviewAction | None:
    """Why the unit's reviewer sent the item back, shown where the author revises it."""
    if report.status != ReportStatus.RETURNED:
        return None
    return (
        report.review_actions.filter(action=ReviewAction.Action.RETURN)
        .select_related("actor")
        .order_by("-id")
        .first()
    )


def _detail(
    request: AuthedRequest,
    report: Report,
    *,
    typed: dict[int, dict[str, Any]] | None = None,
    status: int = 200,
    verify_posted: dict[str, Any] | None = None,
) -> HttpResponse:
    """The item page; ``typed`` carries what the author wrote into a 退回 form that was refused, so it
    is shown again rather than lost."""
    trail = selectors.report_trail(report)
    revisions = list(Revision.objects.filter(report=report).select_related("by", "unit"))
    diffs = []
    for prev, cur in itertools.pairwise(revisions):
        diffs.append(
            {"rev": cur, "title": diff_html(prev.title, cur.title), "body": diff_html(prev.body, cur.body)}
        )
    user = request.user
    allowed = allowed_actions(report, user)
    actions = {a: a in allowed for a in REPORT.actions}
    returned = list(
        Submission.objects.filter(
            report=report, is_active=True, status=SubmissionStatus.RETURNED
        ).select_related("target_unit")
    )
    for sub in returned:
        sub.typed = (typed or {}).get(sub.pk, {"title": sub.title, "body": sub.body})  # type: ignore[attr-defined]
    chain_steps = report.review_chain or []
    step = chain_steps[report.review_step] if report.review_step < len(chain_steps) else {}
    category = selectors.category_by_code().get(report.category)
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "trail": trail,
            "diffs": diffs,
            "actions": actions,
            "review_actions": report.review_actions.select_related("actor"),
            "chain": selectors.follow_up_chain(report, request.user).select_related("author"),
            "returned": returned,
            "comment_form": CommentForm(),
            "is_author_side": report.source_unit_id in set(acting_unit_ids(user)),
            "external": report.external_adoptions.select_related("unit"),
            "attachments": selectors.report_attachments(report),
            "co_units": report.co_units.all(),
            "category": category,
            "elements": [(label, element_value(report, key)) for key, label in category.element_pairs]
            if category
            else [],
            "review_return": _review_return(report),
            # The reviewer decides with what the author was warned about (a mobile number, a long title).
            "review_findings": services.checks.run_checks(report) if actions["approve"] else None,
            "review_step": {
                "label": step.get("label") or "审核",
                "number": report.review_step + 1,
                "count": len(chain_steps),
            },
            **_verification_context(
                request, selectors.verifications_of_report(user, report), posted=verify_posted
            ),
        },
        status=status,
    )


@business_required
def report_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, _report(request, pk))


@require_POST
@business_required
def report_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    report = _report(request, pk)
    refusals_return_to(request, reverse("report_detail", args=[report.pk]))
    comment = request.POST.get("comment", "")
    try:
        if action == "submit":
            services.report_submit(report=report, by=request.user)
        elif action == "approve":
            services.report_approve(report=report, by=request.user, comment=comment)
        elif action == "return":
            services.report_return(report=report, by=request.user, comment=comment)
        elif action == "withdraw":
            services.report_withdraw(report=report, by=request.user)
        elif action == "reopen":
            services.report_reopen(report=report, by=request.user)
        else:
            raise Http404
        messages.success(
            request,
            {
                "submit": "已提交。",
                "approve": "已审核通过。",
                "return": "已退回修改。",
                "withdraw": "已撤回。",
                "reopen": "已恢复为草稿。",
            }[action],
        )
    except services.ChecksFailed as exc:
        # Where the findings are shown next to the text to fix, not back to the page of the button.
        messages.error(request, exc.message)
        return redirect("report_edit", pk=report.pk)
    back = request.POST.get("back", "")
    return redirect(back if back.startswith("/reports/") else f"/reports/{report.pk}/")


@require_POST
@role_required(Role.REPORTER)
def report_follow_up(request: AuthedRequest, pk: int) -> HttpResponse:
    root = _report(request, pk)
    final = request.POST.get("final") == "1"
    # A second tap (or a second person) must not start a duplicate: continue the unsent one.
    pending = (
        selectors.follow_up_chain(root)
        .filter(status=ReportStatus.DRAFT, follow_up_of__isnull=False, is_final=final)
        .first()
    )
    if pending is not None:
        messages.info(request, f"已有未报出的{pending.follow_up_label}草稿，请在此继续编辑。")
        return redirect("report_edit", pk=pending.pk)
    refusals_return_to(request, reverse("report_detail", args=[root.pk]))
    report = services.report_create(
        by=request.user,
        unit_id=root.source_unit_id,
        follow_up_of=root.pk,
        title=root.title,
        body="",
        category=root.category,
        urgency=root.urgency,
        event_time=root.event_time,
        place=root.place,
        # A 续报 starts from what the item before it said about the event (要素), to be updated.
        elements=dict(root.elements or {}),
        is_final=final,
    )
    return redirect("report_edit", pk=report.pk)


@require_POST
@role_required(Role.REPORTER)
def report_resubmit(request: AuthedRequest, pk: int, submission_pk: int) -> HttpResponse:
    title, body = request.POST.get("title", ""), request.POST.get("body", "")
    try:
        sub = selectors.submission_for_author(request.user, submission_pk)
    except NotFound as exc:
        raise Http404 from exc
    if sub.report_id != pk:
        raise Http404
    try:
        services.submission_resubmit(submission=sub, by=request.user, title=title, body=body)
        messages.success(request, f"已修改并重新报送至{sub.target_unit.name}。")
    except ServiceError as exc:
        # Refused (empty title, a blocking check): the page again with the revision as typed.
        messages.error(request, exc.message)
        return _detail(
            request,
            _report(request, pk),
            typed={sub.pk: {"title": title, "body": body, "findings": getattr(exc, "result", None)}},
            status=exc.status,
        )
    return redirect("report_detail", pk=pk)


@business_required
def review_queue(request: AuthedRequest) -> HttpResponse:
    items = selectors.reviews_waiting_for(request.user)
    for r, findings in zip(items, services.checks.run_checks_many(items), strict=True):
        r.findings = findings  # type: ignore[attr-defined]
    forwards = list(selectors.forward_queue(request.user)[:100])
    return render(
        request, "reports/review_queue.html", {"items": items, "forwards": forwards, "now": timezone.now()}
    )


# ---- 转报签发 ----------------------------------------------------------------------------------------


def _forward_request(request: AuthedRequest, pk: int) -> ForwardRequest:
    try:
        return selectors.forward_request_for(request.user, pk)
    except NotFound as exc:
        raise Http404 from exc


def _forward_page(request: AuthedRequest, fr: ForwardRequest, *, status: int = 200) -> HttpResponse:
    targets = Unit.objects.in_bulk(fr.target_ids)
    return render(
        request,
        "reports/forward_detail.html",
        {
            "fr": fr,
            "report": fr.submission.report,
            "allowed": allowed_actions(fr, request.user),
            "targets": [targets[t] for t in fr.target_ids if t in targets],
            "steps": [
                {
                    **step,
                    "index": i,
                    "done": i < fr.step,
                    "current": fr.current_step is not None and i == fr.step,
                }
                for i, step in enumerate(fr.chain)
            ],
            "posted": request.POST if status != 200 else {},
        },
        status=status,
    )


@business_required
def forward_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _forward_page(request, _forward_request(request, pk))


@require_POST
@business_required
def forward_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    fr = _forward_request(request, pk)
    comment = request.POST.get("comment", "")
    try:
        if action == "sign":
            fr = services.forward_sign(request=fr, by=request.user, comment=comment)
            done = fr.status == ForwardStatus.SIGNED
            messages.success(
                request,
                ("已签发，信息已报送上级。" if not fr.sign_after else "已补签。")
                if done
                else "已签发，转至下一签发步骤。",
            )
        elif action == "refuse":
            services.forward_refuse(request=fr, by=request.user, comment=comment)
            messages.success(request, "已提出意见，转报退回采编人员。")
        elif action == "cancel":
            services.forward_cancel(request=fr, by=request.user)
            messages.success(request, "已撤回转报签发申请。")
        else:
            raise Http404
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _forward_page(request, _forward_request(request, pk), status=exc.status)
    return redirect("forward_detail", pk=pk)


@require_POST
@business_required
def report_negative(request: AuthedRequest, pk: int) -> HttpResponse:
    """Mark an item 负面/重大 (or clear it): its unit while editable, an editor it reached."""
    report = _report(request, pk)
    negative = request.POST.get("negative") == "1"
    try:
        services.report_set_negative(report=report, by=request.user, negative=negative)
        messages.success(request, "已标记为负面/重大信息。" if negative else "已取消负面/重大标记。")
    except ServiceError as exc:
        messages.error(request, exc.message)
    sub = parse_id(request.POST.get("submission", ""))
    return redirect("submission_detail", pk=sub) if sub else redirect("report_detail", pk=report.pk)


# ---- editors: inbox and submissions --------------------------------------------------------------


def _inbox_filters(request: AuthedRequest) -> selectors.InboxFilters:
    g = request.GET

    def date(v: str | None) -> dt.date | None:
        try:
            return dt.date.fromisoformat(v) if v else None
        except ValueError:
            return None

    return selectors.InboxFilters(
        status=g.get("status") if g.get("status") in SubmissionStatus.values else None,
        category=g.get("category") if g.get("category") in selectors.category_labels() else None,
        urgency=g.get("urgency") if g.get("urgency") in Urgency.values else None,
        source_unit=parse_id(g.get("source_unit")),
        late=True if g.get("late") == "1" else None,
        date_from=date(g.get("from")),
        date_to=date(g.get("to")),
        q=g.get("q", "").strip() or None,
        sort=g["sort"] if g.get("sort") in {"due", "oldest"} else "default",
        urgent=g.get("urgent") == "1",
        verifying=g.get("verifying") == "1",
    )


URGENCY_BADGES = {0: "特急", 1: "紧急"}
OPEN_STATUSES = {SubmissionStatus.RECEIVED, SubmissionStatus.CLAIMED}


def _inbox_lines(subs: Any, now: dt.datetime) -> list[dict[str, Any]]:
    """An inbox page's rows as the strings the table shows, built in Python: through template lookups,
    date/timeuntil filters and {% url %} the 30 rows were three quarters of the page's time."""
    categories, statuses = selectors.category_labels(), dict(SubmissionStatus.choices)
    detail_url = reverse("submission_detail", args=[0])[:-2]  # "/inbox/"; the id and "/" are appended
    subs = list(subs)
    behalf = behalf_channels([s.report_id for s in subs])  # 代为登记: one query for the page
    lines = []
    verifying = selectors.open_verifications_since([s.pk for s in subs])
    for s in subs:
        report, open_ = s.report, s.status in OPEN_STATUSES
        due, due_text = "", ""
        if s.due_at:
            due = (
                "overdue"
                if open_ and s.due_at < now
                else "countdown"
                if open_ and s.urgency_rank < 2
                else "date"
            )
            due_text = timeuntil(s.due_at, now) if due == "countdown" else _short_time(s.due_at)
        lines.append(
            {
                "pk": s.pk,
                "title": s.title,
                "url": f"{detail_url}{s.pk}/",
                "urgency": URGENCY_BADGES.get(s.urgency_rank, ""),
                "follow_up": report.follow_up_label if report.follow_up_no or report.is_final else "",
                "source": report.source_unit.name,
                "forwarded_by": s.sender_unit.name if s.sender_unit_id != report.source_unit_id else "",
                "category": categories.get(s.category, s.category),
                "received": _short_time(s.received_at),
                "due": due,
                "due_at": timezone.localtime(s.due_at).isoformat() if s.due_at else "",
                "due_text": due_text,
                "late": report.late,
                "status": s.status,
                "status_label": statuses.get(s.status, s.status),
                "claimed_by": s.claimed_by.full_name if s.claimed_by_id else "",
                "verifying_since": timezone.localtime(verifying[s.pk]).isoformat()
                if s.pk in verifying
                else "",
                "verifying_text": waited(verifying[s.pk], now) if s.pk in verifying else "",
                "behalf": behalf.get(s.report_id, ""),
            }
        )
    return lines


def _short_time(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%m-%d %H:%M")


@role_required(Role.EDITOR)
@replica_ok
def inbox(request: AuthedRequest) -> HttpResponse:
    qs = selectors.inbox(request.user, _inbox_filters(request))
    page = Paginator(qs.only(*INBOX_LIST_FIELDS), 30).get_page(request.GET.get("page"))
    page.object_list = _inbox_lines(page.object_list, timezone.now())  # type: ignore[assignment]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/inbox.html",
        {
            "page": page,
            "f": request.GET,
            "query": query.urlencode(),
            "now": timezone.now(),
            "statuses": SubmissionStatus.choices,
            "categories": selectors.category_filter_choices(),
            "urgencies": Urgency.choices,
            "source_units": Unit.objects.filter(
                parent__in=units_acting_for(request.user, Role.EDITOR), is_active=True
            ).order_by("parent_id", "sort_order"),
        },
    )


@require_POST
@role_required(Role.EDITOR)
def inbox_bulk(request: AuthedRequest) -> HttpResponse:
    action = request.POST.get("action")
    ids = parse_ids(request.POST.getlist("ids"))
    done, failed = 0, []
    for sub in selectors.inbox(request.user).filter(pk__in=ids):
        try:
            if action == "claim":
                services.submission_claim(submission=sub, by=request.user)
            elif action == "adopt":
                services.submission_adopt(submission=sub, by=request.user, usage="issue")
            elif action == "decline":
                services.submission_decline(submission=sub, by=request.user)
            else:
                raise ServiceError("未知的批量操作。", "invalid_action")
            done += 1
        except ServiceError as exc:
            failed.append(f"《{sub.title}》：{exc.message}")
    verb = {"claim": "接收", "adopt": "采用", "decline": "标记为不采用"}.get(action or "", "处理")
    if not ids:
        messages.error(request, f"请先勾选要{verb}的信息。")
    elif done:
        messages.success(request, f"已{verb} {done} 条。")
    for line in failed:
        messages.error(request, line)
    # Back to the list as it was filtered: the query is parsed and re-encoded, never echoed raw.
    query = QueryDict(request.POST.get("query", "")).copy()
    query.pop("page", None)
    return redirect(f"{reverse('inbox')}?{query.urlencode()}" if query else "inbox")


def _sub(request: AuthedRequest, pk: int) -> Submission:
    try:
        return selectors.submission_for_editor(request.user, pk)
    except NotFound as exc:
        raise Http404 from exc


@role_required(Role.EDITOR)
def submission_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    sub = _sub(request, pk)
    form = WorkingCopyForm(request.POST or None, initial={"title": sub.title, "body": sub.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.submission_edit(
                submission=sub,
                by=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
            messages.success(request, "工作稿已保存（原稿保留，修改记入修改痕迹）。")
            return redirect("submission_detail", pk=sub.pk)
        except ServiceError as exc:
            form.add_error(None, exc.message)
    return _submission_page(request, sub, form=form, status=400 if request.method == "POST" else 200)


def _submission_page(
    request: AuthedRequest,
    sub: Submission,
    *,
    form: WorkingCopyForm | None = None,
    action: str = "",
    status: int = 200,
) -> HttpResponse:
    """The editor's page of one submission. After a refused decision (``action``) it comes back with what
    the editor typed in that decision's form, so no comment or adoption record is lost."""
    original = Revision.objects.filter(report=sub.report, submission__isnull=True).order_by("id").first()
    changed = original is not None and (original.title, original.body) != (sub.title, sub.body)
    posted = request.POST if action else {}
    targets = unit_reporting_targets(sub.target_unit)
    allowed = allowed_actions(sub, request.user)
    # When the refusal came because someone else decided first, that form is gone from the page: what
    # this editor typed is shown to copy rather than dropped.
    decisions = ("adopt", "decline", "return", "forward")
    unsent = posted.get("comment", "").strip() if action in decisions and action not in allowed else ""
    flagged = (
        DomainEvent.objects.filter(
            event_type="score.nonconforming", object_type="submission", object_id=sub.pk
        )
        .only("payload", "created_at")
        .first()
    )
    return render(
        request,
        "reports/submission_detail.html",
        {
            "sub": sub,
            "allowed": allowed,
            "report": sub.report,
            "form": form or WorkingCopyForm(initial={"title": sub.title, "body": sub.body}),
            "adopt_form": AdoptForm(posted if action == "adopt" else None),
            "comment_form": CommentForm(),
            "targets": targets,
            "trail": selectors.report_trail(sub.report),
            "external_form": ExternalAdoptionForm(posted if action == "external" else None),
            "unsent": unsent,
            "external": sub.report.external_adoptions.select_related("unit").order_by("date", "id"),
            "now": timezone.now(),
            "original": original,
            # The working copy against the author's original: what this desk has changed so far.
            "diff": {
                "title": diff_html(original.title, sub.title),
                "body": diff_html(original.body, sub.body),
            }
            if changed and original is not None
            else None,
            "posted_action": action,
            "posted": posted,
            "flagged": flagged,
            **_signoff_context(sub),
            **_verification_context(
                request,
                selectors.verifications_of_submission(sub),
                submission=sub,
                posted=posted if action.startswith("verif") else None,
            ),
        },
        status=status,
    )


def _signoff_context(sub: Submission) -> dict[str, Any]:
    """转报签发 on the submission page: this unit's chain (the forward button says it waits), the latest
    request of this copy, and how the copy itself came up (signed, or 先报后签)."""
    latest = sub.forward_requests.order_by("-created_at", "-id").first()
    return {
        "forward_chain": services.forward_chain_for(sub),
        "forward_request": latest,
        "signoff": sub.signoff if sub.signoff_id else None,
    }


@require_POST
@role_required(Role.EDITOR)
def submission_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    sub = _sub(request, pk)
    p = request.POST
    try:
        if action == "claim":
            services.submission_claim(submission=sub, by=request.user)
        elif action == "adopt":
            issue_id = p.get("issue_id", "")
            services.submission_adopt(
                submission=sub,
                by=request.user,
                usage=p.get("usage", "issue"),
                comment=p.get("comment", ""),
                # The issue is editorial's: its consumer adds the item after this commits.
                issue_id=parse_id(issue_id),
            )
        elif action == "decline":
            services.submission_decline(submission=sub, by=request.user, comment=p.get("comment", ""))
        elif action == "return":
            services.submission_return(submission=sub, by=request.user, comment=p.get("comment", ""))
        elif action == "forward":
            ids = parse_ids(p.getlist("targets")) or None
            services.submission_forward(
                submission=sub, by=request.user, target_unit_ids=ids, comment=p.get("comment", "")
            )
        elif action == "external":
            form = ExternalAdoptionForm(p)
            if not form.is_valid():
                raise ServiceError("请完整填写刊物名称、级别和日期。", "invalid")
            evidence = request.FILES.get("evidence")
            services.external_adoption_record(
                report=sub.report,
                by=request.user,
                unit=sub.target_unit,
                evidence_name=(evidence.name or "") if evidence else "",
                evidence=evidence.read(files.max_bytes() + 1) if evidence else None,
                **form.cleaned_data,
            )
        else:
            raise Http404
        labels = {
            "claim": "已接收，开始处理。",
            "adopt": "已采用。",
            "decline": "已标记为不采用。",
            "return": "已退回作者修改。",
            "forward": "已转报。",
            "external": "已补录外部采用。",
        }
        if action == "forward":
            pending = sub.forward_requests.filter(status=ForwardStatus.PENDING).first()
            if pending is not None:
                labels["forward"] = (
                    "紧急信息已先行报出，签发单已送签（先报后签）。"
                    if pending.sign_after
                    else "已提请签发，签发后报送上级。"
                )
        if action == "adopt" and parse_id(p.get("issue_id", "")):
            labels["adopt"] = "已采用，并编入所选的一期刊物。"
        messages.success(request, labels[action])
    except ServiceError as exc:
        messages.error(request, exc.message)
        # The page again, not a redirect: the comment or the adoption record typed stays in its form.
        return _submission_page(request, _sub(request, sub.pk), action=action, status=exc.status)
    return redirect("submission_detail", pk=sub.pk)


# ---- attachments and Word import ------------------------------------------------------------------


@require_POST
@role_required(Role.REPORTER)
def attachment_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    refusals_return_to(request, reverse("report_edit", args=[report.pk]))
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要上传的文件。")
        return redirect("report_edit", pk=report.pk)
    files.attachment_add(
        report=report,
        by=request.user,
        name=upload.name or "",
        size=upload.size or 0,
        data=files.upload_bytes(upload),
    )
    messages.success(request, f"已上传附件“{upload.name}”。")
    return redirect("report_edit", pk=report.pk)


@require_POST
@role_required(Role.REPORTER)
def attachment_remove(request: AuthedRequest, pk: int, attachment_pk: int) -> HttpResponse:
    report = _report(request, pk)
    attachment = _attachment(request, attachment_pk, report=report)
    refusals_return_to(request, reverse("report_edit", args=[report.pk]))
    files.attachment_remove(attachment=attachment, by=request.user)
    messages.success(request, "已删除附件。")
    return redirect("report_edit", pk=report.pk)


@business_required
def attachment_download(request: AuthedRequest, attachment_pk: int) -> HttpResponse:
    attachment = _attachment(request, attachment_pk)
    data = files.attachment_read(attachment=attachment, by=request.user)
    return files.download_response(data, attachment.content_type, attachment.original_name)


def _attachment(request: AuthedRequest, pk: int, *, report: Report | None = None) -> Attachment:
    try:
        return selectors.attachment_for(request.user, pk, report=report)
    except NotFound as exc:
        raise Http404 from exc


@require_POST
@role_required(Role.REPORTER)
def report_import_docx(request: AuthedRequest) -> HttpResponse:
    refusals_return_to(request, reverse("report_new"))
    upload = request.FILES.get("file")
    if upload is None:
        raise ServiceError("请选择 Word 文件（.docx）。", "file_required")
    report, notes = services.report_import_docx(by=request.user, data=files.upload_bytes(upload))
    messages.success(request, "已从 Word 文件生成草稿，请核对标题和正文。")
    for note in notes:
        messages.info(request, note)
    return redirect("report_edit", pk=report.pk)


# ---- system administrator: deadline rules and sensitive words -------------------------------------


def _category_rows() -> list[dict[str, Any]]:
    rules = selectors.deadline_rules()
    general = timeliness.rule_text(rules.get(("", "")))
    return [
        {
            "category": c,
            "rule": timeliness.rule_text(rules[(c.code, "")]) if (c.code, "") in rules else "",
            "general": general,
            "elements": "、".join(label for _, label in c.element_pairs),
        }
        for c in selectors.item_categories()
    ]


@role_required(Role.SYSADMIN)
def rules_page(request: AuthedRequest) -> HttpResponse:
    labels = selectors.category_labels()
    rules = [
        (r, labels.get(r.category, r.category) if r.category else "全部", timeliness.rule_text(r))
        for r in DeadlineRule.objects.order_by("category", "urgency")
    ]
    return render(
        request,
        "reports/rules.html",
        {
            "category_rows": _category_rows(),
            "rules": rules,
            "kinds": DeadlineRule.Kind.choices,
            "categories": selectors.category_filter_choices(),
            "urgencies": Urgency.choices,
            "words": SensitiveWord.objects.order_by("word"),
        },
    )


EXTRA_ELEMENT_ROWS = 3


def _element_rows(request: AuthedRequest, category: ItemCategory | None) -> list[tuple[str, str]]:
    """The 要素 rows of the category form: as posted (a refused form keeps what was typed), else the
    category's; then a few empty rows for new ones."""
    if request.method == "POST":
        keys, labels = request.POST.getlist("element_key"), request.POST.getlist("element_label")
        rows = list(itertools.zip_longest(keys, labels, fillvalue=""))
        rows = [(k, label) for k, label in rows if k or label.strip()]
    else:
        rows = category.element_pairs if category else []
    return [*rows, *[("", "")] * EXTRA_ELEMENT_ROWS]


def _category_page(
    request: AuthedRequest, category: ItemCategory | None, *, error: str = "", status: int = 200
) -> HttpResponse:
    rule = selectors.deadline_rules().get((category.code, "")) if category is not None else None
    p = request.POST
    posted = request.method == "POST"
    return render(
        request,
        "reports/category_form.html",
        {
            "category": category,
            "error": error,
            "code": p.get("code", "") if posted else "",
            "label": p.get("label", "") if posted else (category.label if category else ""),
            "template": p.get("template", "") if posted else (category.template if category else ""),
            "deadline_kind": p.get("deadline_kind", "") if posted else (rule.kind if rule else ""),
            "deadline_amount": p.get("deadline_amount", "") if posted else (rule.amount if rule else ""),
            "general": timeliness.rule_text(selectors.deadline_rules().get(("", ""))),
            "element_rows": _element_rows(request, category),
            "kinds": DeadlineRule.Kind.choices,
            "amount_kinds": [k for k, bounds in timeliness.AMOUNT_RANGE.items() if bounds],
        },
        status=status,
    )


def _category_fields(request: AuthedRequest) -> dict[str, Any]:
    p = request.POST
    amount = p.get("deadline_amount", "").strip()
    count = parse_count(amount)
    return {
        "label": p.get("label", ""),
        "template": p.get("template", ""),
        "elements": [
            (k, label)
            for k, label in itertools.zip_longest(
                p.getlist("element_key"), p.getlist("element_label"), fillvalue=""
            )
        ],
        "deadline_kind": p.get("deadline_kind", ""),
        # A blank amount with a kind that takes none is 0; anything unreadable is refused by the service.
        "deadline_amount": 0 if not amount else -1 if count is None else count,
    }


@role_required(Role.SYSADMIN)
def category_new(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            category = services.category_create(
                by=request.user, code=request.POST.get("code", ""), **_category_fields(request)
            )
        except ServiceError as exc:
            return _category_page(request, None, error=exc.message, status=exc.status)
        messages.success(request, f"已新增类别“{category.label}”。")
        return redirect("rules_page")
    return _category_page(request, None)


def _category(pk: int) -> ItemCategory:
    category = ItemCategory.objects.filter(pk=pk).first()
    if category is None:
        raise Http404
    return category


@role_required(Role.SYSADMIN)
def category_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    category = _category(pk)
    if request.method == "POST":
        try:
            category = services.category_update(
                by=request.user, category=category, **_category_fields(request)
            )
        except ServiceError as exc:
            return _category_page(request, category, error=exc.message, status=exc.status)
        messages.success(request, f"已保存类别“{category.label}”。")
        return redirect("rules_page")
    return _category_page(request, category)


@require_POST
@role_required(Role.SYSADMIN)
def category_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    category = _category(pk)
    refusals_return_to(request, reverse("rules_page"))
    if action in ("retire", "restore"):
        category = services.category_retire(by=request.user, category=category, retired=action == "retire")
        messages.success(
            request,
            f"已停用类别“{category.label}”：新写的信息不能再选它，已有的信息保留。"
            if category.retired
            else f"已恢复类别“{category.label}”。",
        )
    elif action in ("up", "down"):
        services.category_move(by=request.user, category=category, direction=action)
    else:
        raise Http404
    return redirect(f"{reverse('rules_page')}#categories")


@require_POST
@role_required(Role.SYSADMIN)
def rules_action(request: AuthedRequest, action: str) -> HttpResponse:
    p = request.POST
    refusals_return_to(request, reverse("rules_page"))
    if action == "deadline":
        amount = p.get("amount", "0").strip()
        services.deadline_rule_set(
            by=request.user,
            category=p.get("category", ""),
            urgency=p.get("urgency", ""),
            kind=p.get("kind", ""),
            amount=-1 if (count := parse_count(amount)) is None else count,
        )
    elif action == "deadline-remove":
        rule = DeadlineRule.objects.filter(pk=parse_id(p.get("id")) or 0).first()
        if rule is None:
            raise Http404
        services.deadline_rule_remove(by=request.user, rule=rule)
    elif action == "word":
        services.sensitive_word_add(
            by=request.user, word=p.get("word", ""), blocking=p.get("blocking") == "1"
        )
    elif action == "word-remove":
        word = SensitiveWord.objects.filter(pk=parse_id(p.get("id")) or 0).first()
        if word is None:
            raise Http404
        services.sensitive_word_remove(by=request.user, item=word)
    else:
        raise Http404
    messages.success(request, "已保存。")
    return redirect("rules_page")


@business_required
def external_evidence_download(request: AuthedRequest, adoption_pk: int) -> HttpResponse:
    adoption = ExternalAdoption.objects.filter(pk=adoption_pk).exclude(evidence_stored="").first()
    if adoption is None:
        raise Http404
    _report(request, adoption.report_id)  # 404 unless the user may see the item
    data = files.read_encrypted(adoption.evidence_stored)
    with transaction.atomic():
        record(
            reports_wf.ATTACHMENT_DOWNLOAD,
            by=request.user,
            unit_id=adoption.unit_id,
            object_type="external_adoption",
            object_id=adoption.pk,
        )
    return files.download_response(data, adoption.evidence_type, adoption.evidence_name or "证明材料")


# ---- 信息台账 (ledger) -----------------------------------------------------------------------


def _ledger_context(request: AuthedRequest) -> dict[str, Any]:
    from baosong.orgs.models import Level

    return {
        "f": request.GET,
        "categories": selectors.category_filter_choices(),
        "urgencies": Urgency.choices,
        "statuses": ReportStatus.choices,
        "levels": [(v, label) for v, label in Level.choices if v != Level.VILLAGE],
        "sources": _ledger_sources(request),
    }


def _ledger_sources(request: AuthedRequest) -> list[Unit]:
    """The user's units and the units directly below them (a township, a department) for the filter."""
    from django.db.models import Q

    own = acting_unit_ids(request.user, *BUSINESS_ROLES)
    return list(
        Unit.objects.filter(Q(pk__in=own) | Q(parent_id__in=own, is_active=True)).order_by("path")[:300]
    )


@business_required
def ledger_page(request: AuthedRequest) -> HttpResponse:
    """The items the user may see, filtered, each with its trail; exported as XLSX or CSV."""
    from baosong.reports import ledger

    context = _ledger_context(request)
    try:
        filters = ledger.LedgerFilters.from_params(request.GET)
    except ledger.LedgerError as exc:
        context.update(error=exc.message, rows=[], page=None)
        return render(request, "reports/ledger.html", context, status=400)
    qs = ledger.ledger_queryset(request.user, filters)
    page = Paginator(qs.values_list("pk", flat=True), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        page=page,
        rows=ledger.ledger_page_rows(list(page.object_list)),
        query=query.urlencode(),
    )
    return render(request, "reports/ledger.html", context)


@business_required
def ledger_export(request: AuthedRequest, fmt: str) -> HttpResponse:
    from django.http import FileResponse, StreamingHttpResponse

    from baosong.reports import ledger

    if fmt not in ("xlsx", "csv"):
        raise Http404
    filters = ledger.LedgerFilters.from_params(request.GET)
    qs = ledger.ledger_queryset(request.user, filters)
    ledger.ledger_export_audit(user=request.user, filters=filters, rows=qs.count(), fmt=fmt, via="page")
    name = ledger.export_filename(fmt)
    response: HttpResponse | StreamingHttpResponse | FileResponse
    if fmt == "csv":
        response = StreamingHttpResponse(ledger.ledger_csv_stream(qs), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, name) or ""
    else:
        response = FileResponse(
            ledger.ledger_xlsx_file(qs),
            as_attachment=True,
            filename=name,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return response  # type: ignore[return-value]


# ---- 核实 (verification requests) -------------------------------------------------------------------


def _verification_context(
    request: AuthedRequest,
    verifications: list[VerificationRequest],
    *,
    submission: Submission | None = None,
    posted: Any = None,
) -> dict[str, Any]:
    """What the verification partial shows: each request with its clock (核实中，已等待… / 用时…) and the
    actions this user may take on it; on the editor's page, whether a new request may be made here."""
    now, user = timezone.now(), request.user
    for v in verifications:
        v.allowed = allowed_actions(v, user)  # type: ignore[attr-defined]
        v.waited = waited(v.asked_at, now) if v.is_open else ""  # type: ignore[attr-defined]
        v.took = (  # type: ignore[attr-defined]
            waited(v.asked_at, v.answered_at).replace("已等待", "用时") if v.answered_at else ""
        )
        v.here = submission is None or v.submission_id == submission.pk  # type: ignore[attr-defined]
        v.due_text = remaining(v.due_at, now) if v.is_open and v.due_at else ""  # type: ignore[attr-defined]
    can_ask = (
        submission is not None
        and submission.is_active
        and submission.status in reports_wf.VERIFIABLE
        and reports_wf.VERIFY_ASKER(user, submission)
    )
    return {
        "verifications": verifications,
        "verifications_open": sum(1 for v in verifications if v.is_open),
        "verify_submission": submission,
        "can_verify": can_ask,
        "verify_posted": posted or {},
    }


def _verification(request: AuthedRequest, pk: int) -> VerificationRequest:
    try:
        return selectors.verification_for(request.user, pk)
    except NotFound as exc:
        raise Http404 from exc


@require_POST
@role_required(Role.EDITOR)
def verification_ask(request: AuthedRequest, pk: int) -> HttpResponse:
    sub = _sub(request, pk)
    p = request.POST
    try:
        services.verification_ask(
            submission=sub,
            by=request.user,
            question=p.get("question", ""),
            passage=p.get("passage", ""),
            due_at=form_datetime(p.get("due_at", ""), "答复时限"),
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        # The page again with what was typed, never lost behind a redirect.
        return _submission_page(request, _sub(request, sub.pk), action="verify", status=exc.status)
    messages.success(request, "已请求来源单位核实。该信息仍在收件箱中，标记为“待核实”。")
    return redirect(f"{reverse('submission_detail', args=[sub.pk])}#verify")


@require_POST
@business_required
def verification_answer(request: AuthedRequest, pk: int) -> HttpResponse:
    v = _verification(request, pk)
    upload = request.FILES.get("file")
    try:
        services.verification_answer(
            verification=v,
            by=request.user,
            answer=request.POST.get("answer", ""),
            file_name=(upload.name or "") if upload else "",
            file_data=files.upload_bytes(upload) if upload else None,
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        posted = {"pk": v.pk, "answer": request.POST.get("answer", "")}
        return _detail(request, _report(request, v.report_id), status=exc.status, verify_posted=posted)
    messages.success(request, f"已答复{v.asking_unit.name}的核实请求。")
    return redirect(f"{reverse('report_detail', args=[v.report_id])}#verify")


@require_POST
@role_required(Role.EDITOR)
def verification_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    v = _verification(request, pk)
    back = reverse("submission_detail", args=[v.submission_id])
    refusals_return_to(request, back)
    services.verification_withdraw(verification=v, by=request.user)
    messages.success(request, "已撤回核实请求。")
    return redirect(f"{back}#verify")


@business_required
def verification_file(request: AuthedRequest, pk: int) -> HttpResponse:
    v = _verification(request, pk)
    if not v.file_stored:
        raise Http404
    data = files.read_encrypted(v.file_stored)
    with transaction.atomic():
        record(
            reports_wf.VERIFY_FILE,
            by=request.user,
            unit_id=v.source_unit_id,
            object_type="verification",
            object_id=v.pk,
            details={"report_id": v.report_id},
        )
    return files.download_response(data, v.file_type, v.file_name or "核实材料")
