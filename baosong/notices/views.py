from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from baosong.core.actions import record
from baosong.core.errors import NotFound, ServiceError
from baosong.core.params import parse_id, parse_ids
from baosong.core.refusals import return_to as refusals_return_to
from baosong.editorial.models import IssueItemSource, IssueStatus
from baosong.editorial.selectors import issue_for, issue_items, issues_of_report
from baosong.notices import selectors, services
from baosong.notices import workflow as notices_wf
from baosong.notices.models import (
    SOLICITATION_STATES,
    Instruction,
    InstructionLevel,
    Notification,
    Solicitation,
)
from baosong.notices.services import notifications_mark_read
from baosong.orgs.models import BUSINESS_ROLES, Role, Unit
from baosong.orgs.permissions import AuthedRequest, business_required, role_required
from baosong.orgs.selectors import roles_in_unit, units_acting_for
from baosong.reports import files
from baosong.reports.selectors import report_for


@business_required
def notification_list(request: AuthedRequest) -> HttpResponse:
    qs = Notification.objects.filter(user=request.user).order_by("-created_at", "-id")
    if request.GET.get("unread") == "1":
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request, "notices/list.html", {"page": page, "unread_only": request.GET.get("unread") == "1"}
    )


@business_required
def unread_count(request: AuthedRequest) -> HttpResponse:
    count = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
    return render(request, "notices/unread_badge.html", {"count": count})


@require_POST
@business_required
def mark_read(request: AuthedRequest) -> HttpResponse:
    ids = parse_ids(request.POST.getlist("ids"))
    count = notifications_mark_read(user=request.user, ids=ids or None)
    messages.success(request, f"已将 {count} 条通知标为已读。" if count else "没有未读通知。")
    return redirect("notification_list")


@business_required
def open_notification(request: AuthedRequest, pk: int) -> HttpResponse:
    note = Notification.objects.filter(user=request.user, pk=pk).first()
    if note is None:
        raise Http404
    notifications_mark_read(user=request.user, ids=[note.pk])
    return redirect(note.url or "notification_list")


# ---- instructions (批示) and follow-up (督办反馈) ---------------------------------------------------------


def _instruction(request: AuthedRequest, pk: int) -> Instruction:
    try:
        return selectors.instruction_for(request.user, pk)
    except NotFound as exc:
        raise Http404 from exc


def _assignable_units(instruction: Instruction) -> list[Unit]:
    """Units an editor typically assigns: the instructed item's source units, and the units below the
    following-up unit (limited: a province picks among its cities and departments)."""
    sources = Unit.objects.filter(
        pk__in=IssueItemSource.objects.filter(item_id=instruction.item_id).values(
            "submission__report__source_unit"
        )
    )
    children = Unit.objects.filter(parent_id=instruction.unit_id, is_active=True).order_by(
        "sort_order", "name"
    )[:200]
    return list(dict.fromkeys([*sources, *children]))


@business_required
def instruction_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    overdue = request.GET.get("overdue") == "1"
    qs = selectors.instruction_list(request.user, status=status, overdue=overdue)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "notices/instruction_list.html",
        {
            "page": page,
            "status": status or "",
            "overdue": overdue,
            "to_answer": selectors.assignments_to_answer(request.user)[:50],
            "statuses": Instruction.Status.choices,
            "today": today,
        },
    )


@business_required
def instruction_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    instruction = _instruction(request, pk)
    roles = roles_in_unit(request.user, instruction.unit)
    member_units = set(units_acting_for(request.user, *BUSINESS_ROLES).values_list("pk", flat=True))
    mine = [a for a in instruction.assignments.all() if a.unit_id in member_units]
    is_editor = Role.EDITOR in roles
    assigned = {a.unit_id: a.due_on for a in instruction.assignments.all()}
    return render(
        request,
        "notices/instruction_detail.html",
        {
            "ins": instruction,
            "is_editor": is_editor,
            "mine": mine,
            # Each unit with its current deadline when already assigned (ticking it again moves the deadline).
            "units": [(u, assigned.get(u.pk)) for u in _assignable_units(instruction)] if is_editor else [],
            "today": timezone.localdate(),
            "default_due": timezone.localdate() + dt.timedelta(days=7),
        },
    )


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError as exc:
        raise ServiceError("日期格式不正确。", "invalid_date") from exc


@business_required
@require_POST
def instruction_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    instruction = _instruction(request, pk)
    refusals_return_to(request, reverse("instruction_detail", args=[instruction.pk]))
    p = request.POST
    if action == "assign":
        services.instruction_assign(
            instruction=instruction,
            by=request.user,
            unit_ids=parse_ids(p.getlist("units")),
            due_on=_date(p.get("due_on", "")),
        )
        messages.success(request, "已交办，承办单位将收到通知。")
    elif action == "feedback":
        services.instruction_feedback(
            instruction=instruction,
            by=request.user,
            text=p.get("text", ""),
            unit_id=parse_id(p.get("unit")),
        )
        messages.success(request, "落实情况已反馈。")
    elif action == "close":
        services.instruction_close(instruction=instruction, by=request.user, comment=p.get("comment", ""))
        messages.success(request, "批示已办结。")
    else:
        raise Http404
    return redirect("instruction_detail", instruction.pk)


_DRAFT_KEY = "instruction_draft"


@business_required
def issue_instructions(request: AuthedRequest, issue_pk: int) -> HttpResponse:
    """The instructions on one issue, with the leader's form (批示) or the editor's (登记纸质批示)."""
    try:
        issue = issue_for(request.user, issue_pk)
    except NotFound as exc:
        raise Http404 from exc
    items = issue_items(issue)
    released = issue.status in {IssueStatus.SIGNED, IssueStatus.DISTRIBUTED, IssueStatus.PUBLISHED}
    is_leader = units_acting_for(request.user, Role.LEADER).exists()
    is_editor = Role.EDITOR in roles_in_unit(request.user, issue.publication.unit)
    if request.method == "POST":
        p = request.POST
        item = next((i for i in items if str(i.pk) == p.get("item")), None)
        scan = request.FILES.get("scan")
        try:
            if item is None:
                raise ServiceError("请选择批示针对的信息。", "item_required")
            instruction = services.instruction_create(
                by=request.user,
                item=item,
                text=p.get("text", ""),
                leader_name=p.get("leader_name", "") if is_editor else "",
                level=p.get("level", ""),
                instructed_on=_date(p.get("instructed_on", "")),
                scan_name=(scan.name or "") if scan else "",
                scan=scan.read(files.max_bytes() + 1) if scan else None,
            )
        except ServiceError as exc:
            messages.error(request, exc.message + ("请重新选择批示件扫描。" if scan else ""))
            # The form is loaded into its page by htmx: what was typed waits in the session for the
            # next load of this fragment, so a refused 批示 loses no words.
            request.session[_DRAFT_KEY] = {
                "issue": issue.pk,
                **{k: p.get(k, "") for k in ("item", "leader_name", "level", "instructed_on", "text")},
            }
            # Back to the page that holds the form (never to a URL taken from the request).
            return redirect("issue_detail" if is_editor else "reading_detail", issue.pk)
        messages.success(request, "批示已记录，刊物编辑部将交办落实。")
        return redirect("instruction_detail", instruction.pk)
    draft = request.session.get(_DRAFT_KEY) or {}
    if draft.get("issue") == issue.pk:
        del request.session[_DRAFT_KEY]
    else:
        draft = {}
    unit_level = issue.publication.unit.level
    draft.setdefault("level", unit_level if unit_level in InstructionLevel.values else "")
    draft.setdefault("instructed_on", timezone.localdate().isoformat())
    instructions = (
        selectors.instructions_visible_to(request.user)
        .filter(issue=issue)
        .select_related("item")
        .prefetch_related("assignments__unit")
        .order_by("created_at")
    )
    return render(
        request,
        "notices/partials/issue_instructions.html",
        {
            "issue": issue,
            "items": items,
            "instructions": instructions,
            "can_instruct": released and is_leader and not is_editor,
            "can_record": released and is_editor,
            "levels": InstructionLevel.choices,
            "today": timezone.localdate(),
            "draft": draft,
        },
    )


@business_required
def instruction_scan(request: AuthedRequest, pk: int) -> HttpResponse:
    instruction = _instruction(request, pk)
    if not instruction.scan_stored:
        raise Http404
    with transaction.atomic():
        record(
            notices_wf.SCAN_DOWNLOAD,
            by=request.user,
            unit_id=instruction.unit_id,
            object_type="instruction",
            object_id=instruction.pk,
        )
    response = HttpResponse(files.read_encrypted(instruction.scan_stored), content_type=instruction.scan_type)
    response["Content-Disposition"] = (
        content_disposition_header(True, instruction.scan_name or "批示扫描件") or ""
    )
    return response


@business_required
def report_editorial_trail(request: AuthedRequest, report_pk: int) -> HttpResponse:
    """For an item's page: the issues that printed it and the instructions on it."""
    report = report_for(request.user, report_pk)
    return render(
        request,
        "notices/partials/report_trail.html",
        {
            "issues": issues_of_report(report),
            "instructions": selectors.instructions_for_report(request.user, report).prefetch_related(
                "assignments__unit", "assignments__feedback"
            ),
        },
    )


# ---- solicitations (约稿) and 报送要点 -------------------------------------------------------------------


@business_required
def solicitation_list(request: AuthedRequest) -> HttpResponse:
    kind = request.GET.get("kind") or None
    page = Paginator(selectors.solicitation_list(request.user, kind=kind), 30).get_page(
        request.GET.get("page")
    )
    mine = selectors.my_targets(request.user, [s.pk for s in page.object_list])
    rows = [(s, mine.get(s.pk)) for s in page.object_list]
    return render(
        request,
        "notices/solicitation_list.html",
        {
            "page": page,
            "rows": rows,
            "kind": kind or "",
            "kinds": Solicitation.Kind.choices,
            "can_issue": units_acting_for(request.user, Role.EDITOR).exists(),
            "now": timezone.now(),
        },
    )


def _parse_deadline(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        naive = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise ServiceError("截止时间格式不正确。", "invalid_date") from exc
    return timezone.make_aware(naive) if timezone.is_naive(naive) else naive


@role_required(Role.EDITOR)
def solicitation_new(request: AuthedRequest) -> HttpResponse:
    units = list(units_acting_for(request.user, Role.EDITOR).order_by("path"))
    unit = next(
        (u for u in units if str(u.pk) == request.POST.get("unit", request.GET.get("unit", ""))), units[0]
    )
    children = list(Unit.objects.filter(parent=unit, is_active=True).order_by("sort_order", "name")[:500])
    if request.method == "POST":
        p = request.POST
        attachment = request.FILES.get("attachment")
        try:
            sol = services.solicitation_create(
                by=request.user,
                unit=unit,
                kind=p.get("kind", Solicitation.Kind.SOLICITATION),
                title=p.get("title", ""),
                topic=p.get("topic", ""),
                requirements=p.get("requirements", ""),
                deadline=_parse_deadline(p.get("deadline", "")),
                period_start=_date(p.get("period_start", "")),
                period_end=_date(p.get("period_end", "")),
                unit_ids=parse_ids(p.getlist("units")),
                subtree_of=parse_ids(p.getlist("subtree")),
                attachment_name=(attachment.name or "") if attachment else "",
                attachment=attachment.read(files.max_bytes() + 1) if attachment else None,
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已发布，{sol.targets.count()} 个单位将收到通知。")
            return redirect("solicitation_detail", sol.pk)
    return render(
        request,
        "notices/solicitation_form.html",
        {
            "units": units,
            "unit": unit,
            "children": children,
            "kinds": Solicitation.Kind.choices,
            "post": request.POST,
            # A refused form comes back with the units ticked as they were.
            "chosen_units": set(parse_ids(request.POST.getlist("units"))),
            "chosen_subtree": set(parse_ids(request.POST.getlist("subtree"))),
        },
        status=400 if request.method == "POST" else 200,
    )


@business_required
def solicitation_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    sol = selectors.solicitation_for(request.user, pk)
    services.solicitation_mark_read(solicitation=sol, user=request.user)
    issuer = bool({Role.EDITOR, Role.CHIEF, Role.LEADER} & roles_in_unit(request.user, sol.unit))
    mine = selectors.my_targets(request.user, [sol.pk]).get(sol.pk)
    return render(
        request,
        "notices/solicitation_detail.html",
        {
            "sol": sol,
            "issuer": issuer,
            "mine": mine,
            "status": selectors.solicitation_status(sol) if issuer else None,
            "labels": SOLICITATION_STATES,
            "can_answer": mine is not None
            and units_acting_for(request.user, Role.REPORTER).filter(pk=mine.unit_id).exists(),
        },
    )


@business_required
def solicitation_attachment(request: AuthedRequest, pk: int) -> HttpResponse:
    sol = selectors.solicitation_for(request.user, pk)
    if not sol.attachment_stored:
        raise Http404
    with transaction.atomic():
        record(
            notices_wf.SOLICITATION_ATTACHMENT,
            by=request.user,
            unit_id=sol.unit_id,
            object_type="solicitation",
            object_id=sol.pk,
        )
    response = HttpResponse(files.read_encrypted(sol.attachment_stored), content_type=sol.attachment_type)
    response["Content-Disposition"] = content_disposition_header(True, sol.attachment_name or "附件") or ""
    return response


@business_required
def solicitation_options(request: AuthedRequest) -> HttpResponse:
    """<option>s for the writing page: the notices the reporter's unit may answer."""
    selected = request.GET.get("selected", "")
    return render(
        request,
        "notices/partials/solicitation_options.html",
        {"items": selectors.open_solicitations_for_reporter(request.user), "selected": selected},
    )
