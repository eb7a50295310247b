"""Pages of the 信息员 register: the units a person keeps, one unit's 登记表 and history, the entry form,
registration rounds and the export. Interfaces only: services write, selectors read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from baosong.core.actions import record
from baosong.core.errors import ServiceError
from baosong.core.exports import table_response
from baosong.core.params import form_count, form_datetime, parse_id
from baosong.orgs.models import Membership, Role, Unit, User
from baosong.orgs.permissions import AuthedRequest, role_required
from baosong.orgs.selectors import acting_unit_ids, units_acting_for
from baosong.roster import selectors, services
from baosong.roster import workflow as wf
from baosong.roster.models import (
    ENTRY_FIELDS,
    RETURN_STATES,
    Duty,
    EntryStatus,
    Gender,
    RosterEntry,
    RosterReturn,
    RosterRound,
    field_label,
)

keeper_required = role_required(Role.REPORTER, Role.EDITOR)
PAGE_SIZE = 50


def _by_unit(unit_ids: list[int]) -> tuple[dict[int, list[RosterEntry]], dict[int, int]]:
    """Active entries and 信息员 accounts of a page of units: two queries, whatever the page size."""
    entries: dict[int, list[RosterEntry]] = {}
    for e in RosterEntry.objects.filter(unit_id__in=unit_ids, status=EntryStatus.ACTIVE).order_by("id"):
        entries.setdefault(e.unit_id, []).append(e)
    accounts: dict[int, int] = {}
    for unit_id in Membership.objects.filter(
        unit_id__in=unit_ids, role=Role.REPORTER, user__is_active=True
    ).values_list("unit_id", flat=True):
        accounts[unit_id] = accounts.get(unit_id, 0) + 1
    return entries, accounts


@keeper_required
def roster_home(request: AuthedRequest) -> HttpResponse:
    """The units whose register the user keeps, each with its 信息员 (50 units a page)."""
    q = (request.GET.get("q") or "").strip()[:50]
    units = selectors.managed_units(request.user).filter(is_active=True).order_by("path")
    if q:
        units = units.filter(Q(name__contains=q) | Q(short_name__contains=q))
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    entries, accounts = _by_unit([u.pk for u in page.object_list])
    rows = [
        {"unit": u, "entries": entries.get(u.pk, []), "accounts": accounts.get(u.pk, 0)}
        for u in page.object_list
    ]
    editor = bool(acting_unit_ids(request.user, Role.EDITOR))
    return render(
        request,
        "roster/roster_home.html",
        {"page": page, "rows": rows, "q": q, "editor": editor},
    )


@keeper_required
def roster_missing(request: AuthedRequest) -> HttpResponse:
    """Units below the user's 采编 units without a 信息员."""
    page = Paginator(selectors.units_without_reporter(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "roster/roster_missing.html", {"page": page})


@keeper_required
def roster_unit(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_for(request.user, pk)
    entries = selectors.unit_entries(unit)
    registered = {e.user_id for e in entries if e.user_id}
    accounts = [u for u in selectors.unit_reporter_accounts(unit) if u.pk not in registered]
    now = timezone.now()
    returns = list(
        RosterReturn.objects.filter(unit=unit)
        .select_related("round__unit")
        .order_by("-round__created_at")[:10]
    )
    for r in returns:
        r.state_code = r.state(r.round.deadline, now)  # type: ignore[attr-defined]
        r.state_label = RETURN_STATES[r.state_code]  # type: ignore[attr-defined]
    return render(
        request,
        "roster/roster_unit.html",
        {
            "unit": unit,
            "entries": entries,
            "accounts": accounts,
            "returns": returns,
            "history": selectors.unit_history(unit, limit=50),
            "field_labels": _labels(),
        },
    )


def _labels() -> dict[str, str]:
    return {f: field_label(f) for f in ENTRY_FIELDS} | {"user": "平台账号"}


def _unit_accounts(unit: Unit) -> list[User]:
    members = Membership.objects.filter(unit=unit).values("user_id")
    return list(
        User.objects.filter(Q(primary_unit=unit) | Q(pk__in=members), is_active=True).order_by("full_name")[
            :300
        ]
    )


def _form(request: AuthedRequest, unit: Unit, entry: RosterEntry | None, status: int = 200) -> HttpResponse:
    values: dict[str, Any] = (
        {f: request.POST.get(f, "") for f in [*ENTRY_FIELDS, "user", "reason"]}
        if request.method == "POST"
        else {f: getattr(entry, f) for f in ENTRY_FIELDS} | {"user": entry.user_id or ""}
        if entry
        else {"duty": Duty.PART_TIME}
    )
    return render(
        request,
        "roster/entry_form.html",
        {
            "unit": unit,
            "entry": entry,
            "v": values,
            "genders": Gender.choices,
            "duties": Duty.choices,
            "accounts": _unit_accounts(unit),
        },
        status=status,
    )


@keeper_required
def roster_entry_new(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_for(request.user, pk)
    if request.method == "POST":
        try:
            services.entry_add(
                unit=unit, values=request.POST, by=request.user, user_id=parse_id(request.POST.get("user"))
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
            return _form(request, unit, None, status=400)
        messages.success(request, "已新增信息员。")
        return redirect("roster_unit", unit.pk)
    return _form(request, unit, None)


@keeper_required
def roster_entry_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = selectors.entry_for(request.user, pk)
    if entry.status != EntryStatus.ACTIVE:
        messages.error(request, "该信息员已撤销，不能修改。")
        return redirect("roster_unit", entry.unit_id)
    if request.method == "POST":
        try:
            services.entry_change(
                entry=entry, values=request.POST, by=request.user, reason=request.POST.get("reason", ""),
                user_id=parse_id(request.POST.get("user")), set_user=True,
            )  # fmt: skip
        except ServiceError as exc:
            messages.error(request, exc.message)
            return _form(request, entry.unit, entry, status=400)
        messages.success(request, "已保存变更。")
        return redirect("roster_unit", entry.unit_id)
    return _form(request, entry.unit, entry)


@require_POST
@keeper_required
def roster_entry_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = selectors.entry_for(request.user, pk)
    try:
        services.entry_revoke(entry=entry, by=request.user, reason=request.POST.get("reason", ""))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已撤销信息员 {entry.name}。")
    return redirect("roster_unit", entry.unit_id)


# ---- rounds -----------------------------------------------------------------------------------------------


@keeper_required
def roster_rounds(request: AuthedRequest) -> HttpResponse:
    page = Paginator(selectors.round_list(request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "roster/round_list.html",
        {"page": page, "can_open": bool(acting_unit_ids(request.user, Role.EDITOR)), "now": timezone.now()},
    )


@role_required(Role.EDITOR)
def roster_round_new(request: AuthedRequest) -> HttpResponse:
    units = list(units_acting_for(request.user, Role.EDITOR).order_by("path"))
    chosen = request.POST.get("unit", request.GET.get("unit", ""))
    unit = next((u for u in units if str(u.pk) == chosen), units[0])
    if request.method == "POST":
        p = request.POST
        try:
            rnd = services.round_open(
                by=request.user,
                unit=unit,
                title=p.get("title", ""),
                note=p.get("note", ""),
                scope=p.get("scope", RosterRound.Scope.SUBTREE),
                deadline=form_datetime(p.get("deadline", "")),
                deadline_workdays=form_count(p.get("deadline_workdays", ""), "工作日数"),
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已发起，{rnd.returns.count()} 个单位将收到通知。")
            return redirect("roster_round", rnd.pk)
    return render(
        request,
        "roster/round_form.html",
        {"units": units, "unit": unit, "post": request.POST, "scopes": RosterRound.Scope.choices},
        status=400 if request.method == "POST" else 200,
    )


@keeper_required
def roster_round(request: AuthedRequest, pk: int) -> HttpResponse:
    rnd = selectors.round_for(request.user, pk)
    state = request.GET.get("state", "")
    status = selectors.round_status(request.user, rnd, state=state)
    return render(
        request,
        "roster/round_detail.html",
        {
            "rnd": rnd,
            "status": status,
            "state": state if state in RETURN_STATES else "",
            "labels": RETURN_STATES,
            "issuer": selectors.is_issuer(request.user, rnd),
        },
    )


@require_POST
@keeper_required
def roster_round_submit(request: AuthedRequest, pk: int, unit_id: int) -> HttpResponse:
    rnd = selectors.round_for(request.user, pk)
    ret = selectors.return_for(request.user, rnd, unit_id)
    try:
        services.round_submit(rnd=rnd, unit=ret.unit, by=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已报送{ret.unit.name}的信息员登记表。")
    return redirect("roster_unit", ret.unit_id)


@require_POST
@role_required(Role.EDITOR)
def roster_round_remind(request: AuthedRequest, pk: int) -> HttpResponse:
    rnd = selectors.round_for(request.user, pk)
    try:
        count = services.round_remind(rnd=rnd, by=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已提醒 {count} 个未报送的单位。")
    return redirect("roster_round", rnd.pk)


# ---- export -----------------------------------------------------------------------------------------------

EXPORT_HEAD = [
    "序号",
    "单位",
    "姓名",
    "性别",
    "科室",
    "职务",
    "专兼职",
    "办公电话",
    "手机",
    "传真",
    "电子邮箱",
    "备注",
]


@keeper_required
def roster_export(request: AuthedRequest, fmt: str) -> HttpResponseBase:
    """信息员登记表 of the units the user keeps (or one unit's subtree, ?unit=), one row per 信息员."""
    if fmt not in ("xlsx", "csv"):
        raise Http404
    entries = selectors.entry_list(request.user)
    unit_id = parse_id(request.GET.get("unit"))
    if unit_id is not None:
        root = selectors.unit_for(request.user, unit_id)
        entries = entries.filter(unit__path__startswith=root.path)
    genders, duties = dict(Gender.choices), dict(Duty.choices)

    def rows() -> Any:
        yield EXPORT_HEAD
        for i, e in enumerate(entries.iterator(chunk_size=2000), start=1):
            yield [i, e.unit.name, e.name, genders.get(e.gender, ""), e.department, e.job_title,
                   duties.get(e.duty, ""), e.office_phone, e.mobile, e.fax, e.email, e.note]  # fmt: skip

    with transaction.atomic():
        record(wf.EXPORT, by=request.user, unit_id=unit_id, object_type="", details={"format": fmt})
    return table_response(
        rows(), fmt=fmt, filename=f"信息员登记表-{timezone.localdate():%Y%m%d}", sheet="信息员登记表",
        freeze="A2", widths=[6, 28, 10, 6, 14, 14, 8, 16, 14, 16, 24, 20],
    )  # fmt: skip
