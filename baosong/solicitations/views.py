from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from baosong.core.actions import record
from baosong.core.errors import NotFound, ServiceError
from baosong.core.params import form_count, form_date, form_datetime, parse_ids
from baosong.orgs.models import Role, Unit
from baosong.orgs.permissions import AuthedRequest, business_required, role_required
from baosong.orgs.selectors import acting_unit_ids, units_acting_for
from baosong.reports import files
from baosong.reports.selectors import submission_for_editor
from baosong.solicitations import selectors, services
from baosong.solicitations import workflow as solicitations_wf
from baosong.solicitations.models import SOLICITATION_STATES, Solicitation


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
        "solicitations/solicitation_list.html",
        {
            "page": page,
            "rows": rows,
            "kind": kind or "",
            "kinds": Solicitation.Kind.choices,
            "can_issue": bool(acting_unit_ids(request.user, Role.EDITOR)),
            "now": timezone.now(),
        },
    )


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
                deadline=form_datetime(p.get("deadline", "")),
                deadline_workdays=form_count(p.get("deadline_workdays", ""), "工作日数"),
                period_start=form_date(p.get("period_start", "")),
                period_end=form_date(p.get("period_end", "")),
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
        "solicitations/solicitation_form.html",
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
    issuer = selectors.oversees(request.user, sol)
    mine = selectors.my_targets(request.user, [sol.pk]).get(sol.pk)
    relay_units = selectors.relaying_units(request.user, sol) if mine is not None else []
    return render(
        request,
        "solicitations/solicitation_detail.html",
        {
            "sol": sol,
            "issuer": issuer,
            "mine": mine,
            "status": selectors.solicitation_status(sol) if issuer else None,
            "chain": selectors.relay_chain(sol) if issuer else [],
            "at_issuer": sol.unit_id in acting_unit_ids(request.user, Role.EDITOR),
            "my_relay": selectors.relay_of(sol, mine.unit_id) if mine is not None else None,
            "can_relay": bool(relay_units) and sol.is_open,
            "labels": SOLICITATION_STATES,
            "can_answer": mine is not None
            and units_acting_for(request.user, Role.REPORTER).filter(pk=mine.unit_id).exists(),
        },
    )


@business_required
def solicitation_relay(request: AuthedRequest, pk: int) -> HttpResponse:
    """转发约稿: the form, and the relay it creates."""
    parent = selectors.solicitation_for(request.user, pk)
    units = selectors.relaying_units(request.user, parent)
    if not units:
        raise PermissionDenied("role")
    chosen = request.POST.get("unit", request.GET.get("unit", ""))
    unit = next((u for u in units if str(u.pk) == chosen), units[0])
    if request.method == "POST":
        p = request.POST
        try:
            relay = services.solicitation_relay(
                by=request.user,
                parent=parent,
                unit=unit,
                title=p.get("title", ""),
                added_requirements=p.get("added_requirements", ""),
                deadline=form_datetime(p.get("deadline", "")),
                deadline_workdays=form_count(p.get("deadline_workdays", ""), "工作日数"),
                unit_ids=parse_ids(p.getlist("units")),
                subtree_of=parse_ids(p.getlist("subtree")),
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已转发，{relay.targets.count()} 个单位将收到通知。")
            return redirect("solicitation_detail", relay.pk)
    return render(
        request,
        "solicitations/solicitation_relay.html",
        {
            "parent": parent,
            "units": units,
            "unit": unit,
            "children": selectors.relay_choices(unit),
            "existing": selectors.relay_of(parent, unit.pk),
            "post": request.POST,
            "chosen_units": set(parse_ids(request.POST.getlist("units"))),
            "chosen_subtree": set(parse_ids(request.POST.getlist("subtree"))),
        },
        status=400 if request.method == "POST" else 200,
    )


@business_required
def solicitation_attachment(request: AuthedRequest, pk: int) -> HttpResponse:
    sol = selectors.solicitation_for(request.user, pk)
    if not sol.attachment_stored:
        raise Http404
    with transaction.atomic():
        record(
            solicitations_wf.SOLICITATION_ATTACHMENT,
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
        "solicitations/partials/solicitation_options.html",
        {"items": selectors.open_solicitations_for_reporter(request.user), "selected": selected},
    )


@role_required(Role.EDITOR)
def solicitation_answered_by(request: AuthedRequest, submission: int) -> HttpResponse:
    """The line on an inbox item naming the 约稿 it answers (an htmx fragment of the submission page)."""
    try:
        sub = submission_for_editor(request.user, submission)
    except NotFound as exc:
        raise Http404 from exc
    return render(
        request,
        "solicitations/partials/answered_by.html",
        {"sub": sub, "answered": selectors.notice_answered_by(sub)},
    )
