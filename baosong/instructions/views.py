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

from baosong.core.actions import allowed_actions, record
from baosong.core.errors import NotFound, ServiceError
from baosong.core.params import form_count, form_date, parse_id, parse_ids
from baosong.core.refusals import return_to as refusals_return_to
from baosong.editorial.models import IssueItemSource, IssueStatus
from baosong.editorial.selectors import issue_for, issue_items, issues_of_report
from baosong.instructions import selectors, services
from baosong.instructions import workflow as instructions_wf
from baosong.instructions.models import Instruction, InstructionLevel
from baosong.orgs.models import BUSINESS_ROLES, Role, Unit
from baosong.orgs.permissions import AuthedRequest, business_required
from baosong.orgs.selectors import acting_unit_ids, roles_in_unit
from baosong.reports import files
from baosong.reports.selectors import report_for


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
        "instructions/instruction_list.html",
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
    member_units = set(acting_unit_ids(request.user, *BUSINESS_ROLES))
    mine = [a for a in instruction.assignments.all() if a.unit_id in member_units]
    is_editor = Role.EDITOR in roles
    assigned = {a.unit_id: a.due_on for a in instruction.assignments.all()}
    return render(
        request,
        "instructions/instruction_detail.html",
        {
            "ins": instruction,
            "allowed": allowed_actions(instruction, request.user),
            "is_editor": is_editor,
            "mine": mine,
            # Each unit with its current deadline when already assigned (ticking it again moves the deadline).
            "units": [(u, assigned.get(u.pk)) for u in _assignable_units(instruction)] if is_editor else [],
            "today": timezone.localdate(),
            "default_due": timezone.localdate() + dt.timedelta(days=7),
        },
    )


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
            due_on=form_date(p.get("due_on", "")),
            due_workdays=form_count(p.get("due_workdays", ""), "工作日数"),
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
    is_leader = bool(acting_unit_ids(request.user, Role.LEADER))
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
                instructed_on=form_date(p.get("instructed_on", "")),
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
        "instructions/partials/issue_instructions.html",
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
            instructions_wf.SCAN_DOWNLOAD,
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
        "instructions/partials/report_trail.html",
        {
            "issues": issues_of_report(report),
            "instructions": selectors.instructions_for_report(request.user, report).prefetch_related(
                "assignments__unit", "assignments__feedback"
            ),
        },
    )
