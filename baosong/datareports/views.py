"""Pages of structured reports (数据报表): tasks, the status of the level below, filling and reviewing a
return, versions and their diff, form definitions and the archive policy."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from baosong.core.actions import allowed_actions
from baosong.core.errors import ServiceError
from baosong.core.params import form_date, parse_count, parse_id
from baosong.datareports import periods, schema, selectors, services
from baosong.datareports.forms import data_from_post, rules_to_text, schema_from_post
from baosong.datareports.models import ArchivePolicy, Collection, Form, PeriodKind, Return, ReturnStatus
from baosong.orgs.models import Role, Unit
from baosong.orgs.permissions import AuthedRequest, business_required, may_use_business, role_required
from baosong.orgs.selectors import acting_unit_ids, roles_in_unit, roles_memo, units_acting_for, user_has_role
from baosong.reports import files


@business_required
def dr_index(request: AuthedRequest) -> HttpResponse:
    tasks = selectors.tasks_for(acting_unit_ids(request.user))
    tasks.sort(key=lambda t: (-t.collection.period_start.toordinal(), t.due))  # newest period first
    return render(
        request,
        "datareports/index.html",
        {
            "rows": tasks,
            "can_issue": bool(acting_unit_ids(request.user, Role.EDITOR)),
            "now": timezone.now(),
        },
    )


@role_required(Role.EDITOR)
def dr_collection_new(request: AuthedRequest) -> HttpResponse:
    units = list(units_acting_for(request.user, Role.EDITOR).order_by("path"))
    forms = list(selectors.forms_visible_to(request.user).filter(retired=False).order_by("name"))
    form = next(
        (f for f in forms if f.pk == parse_id(request.POST.get("form") or request.GET.get("form"))), None
    )
    form = form or (forms[0] if forms else None)
    defaults = services.version_on(form, timezone.localdate()).schema.get("defaults", {}) if form else {}
    values: dict[str, Any] = {
        "period_kind": "monthly",
        "period": timezone.localdate().strftime("%Y-%m"),
        "levels": defaults.get("levels") or [{"due": {"kind": "next_month_day", "n": 10}}],
        "recipients": defaults.get("recipients") or [],
    }
    if request.method == "POST" and request.POST.get("go"):
        unit = next((u for u in units if u.pk == parse_id(request.POST.get("unit"))), None)
        levels = [
            {"due": {"kind": k, "n": parse_count(n) or 0}}
            for k, n in zip(request.POST.getlist("level_kind"), request.POST.getlist("level_n"), strict=False)
        ]
        recipients = [
            {"name": name, "due": {"kind": k, "n": parse_count(n) or 0}}
            for name, k, n in zip(
                request.POST.getlist("recipient_name"),
                request.POST.getlist("recipient_kind"),
                request.POST.getlist("recipient_n"),
                strict=False,
            )
            if name.strip()
        ]
        values = {
            "period_kind": request.POST.get("period_kind", ""),
            "period": request.POST.get("period", ""),
            "levels": levels,
            "recipients": recipients,
            "title": request.POST.get("title", ""),
        }
        try:
            if unit is None or form is None:
                raise ServiceError("请选择报表和汇总单位。", "required")
            coll = services.collection_create(
                by=request.user,
                form=form,
                root_unit=unit,
                period_kind=values["period_kind"],
                period=values["period"],
                levels=levels,
                recipients=recipients,
                title=values["title"],
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "报表任务已发布，下级单位可以开始填报。")
            return redirect("dr_collection", coll.pk)
    return render(
        request,
        "datareports/collection_new.html",
        {
            "units": units,
            "forms": forms,
            "form": form,
            "values": values,
            "period_kinds": PeriodKind.choices,
            "due_kinds": periods.DUE_KINDS,
        },
        status=400 if request.method == "POST" and request.POST.get("go") else 200,
    )


def _unit_view(request: AuthedRequest, coll: Collection, mine: list[Unit]) -> Unit:
    wanted = parse_id(request.GET.get("unit"))
    if wanted is None:
        return mine[0]
    return selectors.unit_in_collection(request.user, coll, wanted)


@business_required
def dr_collection(request: AuthedRequest, pk: int) -> HttpResponse:
    coll, mine = selectors.collection_for(request.user, pk)
    unit = _unit_view(request, coll, mine)
    with roles_memo():
        status = selectors.children_status(coll, unit)
        ret = Return.objects.filter(collection=coll, unit=unit).first()
        level = status.level
        due = ret.due_at if ret else services.due_for(coll, level, unit)
        totals = selectors.current_totals(ret) if ret else {}
        version = ret.form_version if ret else services.version_on(coll.form, coll.period_start)
        may_fill = bool(roles_in_unit(request.user, unit) & {Role.REPORTER, Role.EDITOR, Role.CHIEF})
    rollup = [(f"{s}.{f['key']}", f) for s, f in schema.rollup_fields(version.schema)]
    ancestors = (
        []
        if unit.pk == coll.root_unit_id
        else list(Unit.objects.filter(pk__in=unit.ancestor_ids()[coll.root_unit.depth :]).order_by("depth"))
    )
    return render(
        request,
        "datareports/collection.html",
        {
            "coll": coll,
            "unit": unit,
            "status": status,
            "ret": ret,
            "due": due,
            "level": level,
            "levels": [{"text": periods.due_text(lv["due"]), "n": i} for i, lv in enumerate(coll.levels)],
            "recipients": [{"name": r["name"], "due": periods.due_text(r["due"])} for r in coll.recipients],
            "totals": [(f["label"], schema.total_display(f, totals.get(k))) for k, f in rollup],
            "child_totals": [
                (c, [schema.total_display(f, (c.ret.totals if c.ret else {}).get(k)) for k, f in rollup])
                for c in status.children
            ],
            "rollup_labels": [f["label"] for _, f in rollup],
            "may_fill": may_fill,
            "ancestors": ancestors,
            "now": timezone.now(),
            "is_root": unit.pk == coll.root_unit_id,
            "deeper": level + 2 < len(coll.levels),
        },
    )


def _row_cells(s: dict[str, Any], i: int | str, row: dict[str, Any]) -> dict[str, Any]:
    prefix = f"{s['key']}.{i}."
    return {
        "i": i,
        "prefix": prefix,
        "id": row.get("_id", ""),
        "late": row.get("_late"),
        "cells": [
            {
                "f": f,
                "value": row.get(f["key"]),
                "text": schema.display(f, row.get(f["key"])),
                "name": prefix + f["key"],
            }
            for f in schema.fields_of(s)
        ],
    }


def _return_context(request: AuthedRequest, coll: Collection, unit: Unit) -> dict[str, Any]:
    ret = services.return_get_or_start(collection=coll, unit=unit)
    sch = ret.form_version.schema
    versions = selectors.versions_of(ret)
    with roles_memo():
        actions = allowed_actions(ret, request.user)
    editable = "submit" in actions and ret.status != ReturnStatus.SUBMITTED
    latest = versions[-1] if versions else None
    shown = ret.data if editable or not latest else latest.own
    sections = []
    for s in schema.sections(sch):
        rows = shown.get(s["key"]) or []
        if not s.get("repeating"):
            rows = rows[:1] if isinstance(rows, list) else [rows]
            rows = rows or [{}]
        sections.append(
            {
                "s": s,
                "fields": schema.fields_of(s),
                "rows": [_row_cells(s, i, r) for i, r in enumerate(rows)],
                "blank": _row_cells(s, "__i__", {}),
            }
        )
    return {
        "coll": coll,
        "unit": unit,
        "ret": ret,
        "sections": sections,
        "versions": versions,
        "latest": latest,
        "actions": actions,
        "editable": editable,
        "field_types": schema.FIELD_TYPES,
        "person_parts": schema.PERSON_PARTS,
        "file_keys": ("stored", "name", "type", "size"),
        "level_due": periods.due_text(coll.levels[ret.level]["due"]),
        "problems": [p.as_dict() for p in services.return_validate(ret=ret, data=ret.data)]
        if editable
        else [],
        "rules": json.dumps(sch.get("rules") or [], ensure_ascii=False),
        "children": selectors.children_status(coll, unit) if ret.level + 1 < len(coll.levels) else None,
        "form_description": coll.form.description,
    }


@business_required
def dr_return(request: AuthedRequest, pk: int, unit_id: int) -> HttpResponse:
    coll, _ = selectors.collection_for(request.user, pk)
    unit = selectors.unit_in_collection(request.user, coll, unit_id)
    return render(request, "datareports/return.html", _return_context(request, coll, unit))


def _load(request: AuthedRequest, pk: int, unit_id: int) -> tuple[Collection, Unit, Return]:
    coll, _ = selectors.collection_for(request.user, pk)
    unit = selectors.unit_in_collection(request.user, coll, unit_id)
    return coll, unit, services.return_get_or_start(collection=coll, unit=unit)


@require_POST
@business_required
def dr_return_save(request: AuthedRequest, pk: int, unit_id: int) -> HttpResponse:
    """Autosave and 保存草稿: keep what can be kept, answer with the problems still to fix."""
    _, _, ret = _load(request, pk, unit_id)
    autosave = request.headers.get("X-Autosave") == "1"
    data = data_from_post(ret.form_version.schema, request.POST)
    try:
        problems = services.return_save(ret=ret, by=request.user, data=data, autosave=autosave)
    except ServiceError as exc:
        if autosave or request.headers.get("Accept") == "application/json":
            return JsonResponse({"detail": exc.message, "code": exc.code}, status=exc.status)
        raise
    if autosave or request.headers.get("Accept") == "application/json":
        return JsonResponse(
            {
                "saved_at": timezone.localtime().strftime("%H:%M:%S"),
                "problems": [p.as_dict() for p in problems],
                "ids": _row_ids(ret),
            }
        )
    messages.success(request, "草稿已保存。" + (f"还有 {len(problems)} 处需要修改。" if problems else ""))
    return redirect("dr_return", pk, unit_id)


def _row_ids(ret: Return) -> dict[str, list[str]]:
    return {k: [r.get("_id", "") for r in v] for k, v in ret.data.items() if isinstance(v, list)}


@require_POST
@business_required
def dr_return_validate(request: AuthedRequest, pk: int, unit_id: int) -> HttpResponse:
    """Validation as the user types: nothing is written."""
    _, _, ret = _load(request, pk, unit_id)
    data = data_from_post(ret.form_version.schema, request.POST)
    return JsonResponse({"problems": [p.as_dict() for p in services.return_validate(ret=ret, data=data)]})


@require_POST
@business_required
def dr_return_action(request: AuthedRequest, pk: int, unit_id: int, action: str) -> HttpResponse:
    coll, unit, ret = _load(request, pk, unit_id)
    if action == "submit":
        if request.POST.get("with_data"):
            services.return_save(
                ret=ret, by=request.user, data=data_from_post(ret.form_version.schema, request.POST)
            )
            ret.refresh_from_db()
        try:
            ret = services.return_submit(ret=ret, by=request.user)
        except ServiceError as exc:
            problems = exc.extra.get("problems") or []
            messages.error(request, exc.message)
            if problems:
                return redirect("dr_return", pk, unit_id)
            raise
        text = f"已上报（第 {ret.version_count} 版）。"
        if ret.late:
            text += f"按工作日计迟报 {ret.late_workdays} 个工作日。" if ret.late_workdays else "已超过时限。"
        messages.success(request, text)
    elif action == "send_back":
        services.return_send_back(ret=ret, by=request.user, comment=request.POST.get("comment", ""))
        messages.success(request, f"已将{unit.name}的报表退回修改。")
        return redirect(f"{_collection_url(coll)}?unit={ret.parent_unit_id}")
    elif action == "reopen":
        services.return_reopen(ret=ret, by=request.user, note=request.POST.get("note", ""))
        messages.success(request, "报表已转为更正中，修改后请重新上报；上级将看到两版之间的差异。")
    else:
        raise Http404
    return redirect("dr_return", pk, unit_id)


def _collection_url(coll: Collection) -> str:
    from django.urls import reverse

    return reverse("dr_collection", args=[coll.pk])


@business_required
def dr_diff(request: AuthedRequest, pk: int, unit_id: int) -> HttpResponse:
    coll, unit, ret = _load(request, pk, unit_id)
    versions = {v.number: v for v in selectors.versions_of(ret)}
    new_n = parse_id(request.GET.get("to")) or ret.version_count
    old_n = parse_id(request.GET.get("from")) or max(new_n - 1, 1)
    if old_n not in versions or new_n not in versions:
        raise Http404
    changes = selectors.version_diff(versions[old_n], versions[new_n], ret.form_version.schema)
    return render(
        request,
        "datareports/diff.html",
        {
            "coll": coll,
            "unit": unit,
            "ret": ret,
            "old": versions[old_n],
            "new": versions[new_n],
            "changes": changes,
            "numbers": sorted(versions),
        },
    )


@require_POST
@business_required
def dr_upload(request: AuthedRequest, pk: int, unit_id: int) -> HttpResponse:
    """A file field's upload: stored encrypted like attachments; the row keeps its name and key."""
    _, _, ret = _load(request, pk, unit_id)
    if "submit" not in allowed_actions(ret, request.user):
        raise ServiceError("您不能为该报表上传附件。", "forbidden", status=403)
    upload = request.FILES.get("file")
    if upload is None:
        raise ServiceError("请选择文件。", "file_required")
    data = upload.read()
    kind = files.check_upload(size=len(data), data=data)
    stored = files.store_encrypted(data)
    return JsonResponse(
        {
            "name": (upload.name or "附件")[:200],
            "stored": stored,
            "type": kind.content_type,
            "size": len(data),
        }
    )


# ---- forms and policy ----------------------------------------------------------------------------------


@login_required
def dr_forms(request: AuthedRequest) -> HttpResponse:
    is_admin = user_has_role(request.user, Role.SYSADMIN)
    if not is_admin and not may_use_business(request.user):
        raise PermissionDenied("role")
    forms = (Form.objects.all() if is_admin else selectors.forms_visible_to(request.user)).order_by(
        "retired", "name"
    )
    return render(
        request,
        "datareports/forms.html",
        {
            "forms": forms.select_related("owner_unit"),
            "may_define": is_admin or bool(_editor_units(request)),
            "is_admin": is_admin,
        },
    )


def dr_form(request: AuthedRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login?next={request.path}")
    form = _form_for_reader(request, pk)
    versions = list(form.versions.order_by("-valid_from", "-number"))
    current = services.version_on(form, timezone.localdate())
    sections = [{"s": s, "fields": schema.fields_of(s)} for s in schema.sections(current.schema)]
    return render(
        request,
        "datareports/form_detail.html",
        {
            "form": form,
            "versions": versions,
            "current": current,
            "sections": sections,
            "field_types": schema.FIELD_TYPES,
            "rollups": schema.ROLLUPS,
            "rules": _rules_text(current.schema),
            "may_edit": services.may_define_forms(request.user, form.owner_unit),
            "defaults": [
                periods.due_text(lv["due"]) for lv in current.schema.get("defaults", {}).get("levels", [])
            ],
        },
    )


def _form_for_reader(request: AuthedRequest, pk: int) -> Form:
    if user_has_role(request.user, Role.SYSADMIN):
        form = Form.objects.filter(pk=pk).first()
        if form is None:
            raise Http404
        return form
    return selectors.form_for(request.user, pk)


def _rules_text(sch: dict[str, Any]) -> list[str]:
    fmap = schema.field_map(sch)
    out = []
    for rule in sch.get("rules") or []:
        sec = rule.get("section")
        if rule.get("kind") == "le":
            out.append(f"“{fmap[(sec, rule['a'])]['label']}”不大于“{fmap[(sec, rule['b'])]['label']}”")
        elif rule.get("kind") == "sum":
            parts = "＋".join(fmap[(sec, p)]["label"] for p in rule.get("parts") or [])
            out.append(f"“{fmap[(sec, rule['total'])]['label']}”＝{parts}")
    return out


@role_required(Role.SYSADMIN)
def dr_policy(request: AuthedRequest) -> HttpResponse:
    policy = ArchivePolicy.current()
    if request.method == "POST":
        years = parse_count(request.POST.get("retention_years"))
        try:
            services.policy_set(
                by=request.user,
                retention_years=years or 0,
                allow_editor_forms=bool(request.POST.get("allow_editor_forms")),
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
            return render(
                request, "datareports/policy.html", {"policy": policy, "typed": request.POST}, status=400
            )
        messages.success(request, "已保存。")
        return redirect("dr_policy")
    return render(request, "datareports/policy.html", {"policy": policy})


# ---- the form editor -----------------------------------------------------------------------------------


def _editor_context(
    request: AuthedRequest, sch: dict[str, Any], rules_text: str | None = None, **extra: Any
) -> dict[str, Any]:
    sections = [
        {"i": i, "s": s, "fields": [{"j": j, "f": f} for j, f in enumerate([*schema.fields_of(s), {}, {}])]}
        for i, s in enumerate(schema.sections(sch) or [{"title": "", "fields": []}])
    ]
    return {
        "sections": sections,
        "field_types": schema.FIELD_TYPES,
        "rollups": schema.ROLLUPS,
        "rules_text": rules_text if rules_text is not None else rules_to_text(sch),
        **extra,
    }


def _refused(request: AuthedRequest, exc: ServiceError) -> None:
    """A schema refused for several reasons: the first and the next few, as page messages."""
    errors = exc.extra.get("errors")
    for message in [exc.message, *([str(e) for e in errors[1:5]] if isinstance(errors, list) else [])]:
        messages.error(request, message)


def _editor_page(request: AuthedRequest, sch: dict[str, Any], status: int, **extra: Any) -> HttpResponse:
    typed = request.POST.get("rules", "") if request.method == "POST" else None
    context = _editor_context(request, sch, rules_text=typed, **extra)
    return render(request, "datareports/form_edit.html", context, status=status)


def _editor_units(request: AuthedRequest) -> list[Unit]:
    """Where the user may define a form: everyone (system administrator), or their own subtree (an editor,
    if the administrator allows it)."""
    if ArchivePolicy.current().allow_editor_forms:
        return list(units_acting_for(request.user, Role.EDITOR).order_by("path"))
    return []


@login_required
def dr_form_new(request: AuthedRequest) -> HttpResponse:
    is_admin = user_has_role(request.user, Role.SYSADMIN)
    units = _editor_units(request)
    if not is_admin and not units:
        raise Http404
    template_id = parse_id(request.GET.get("from") or "")
    template_form = Form.objects.filter(pk=template_id).first() if template_id else None
    sch = services.version_on(template_form, timezone.localdate()).schema if template_form else {}
    values = {"name": "", "code": "", "description": "", "unit": ""}
    status = 200
    if request.method == "POST":
        sch, problems = schema_from_post(request.POST)
        values = {k: request.POST.get(k, "") for k in values}
        owner = next((u for u in units if u.pk == parse_id(values["unit"])), None)
        try:
            if problems:
                raise ServiceError(problems[0], "invalid_schema")
            if owner is None and not is_admin:
                raise ServiceError("请选择报表适用的单位。", "unit_required")
            form = services.form_create(
                by=request.user,
                code=values["code"],
                name=values["name"],
                description=values["description"],
                form_schema=sch,
                owner_unit=owner,
            )
        except ServiceError as exc:
            _refused(request, exc)
            status = 400
        else:
            messages.success(request, "报表已建立，可以发布报表任务了。")
            return redirect("dr_form", form.pk)
    return _editor_page(request, sch, status, values=values, units=units, is_admin=is_admin, new=True)


@login_required
def dr_form_revise(request: AuthedRequest, pk: int) -> HttpResponse:
    form = Form.objects.filter(pk=pk).first()
    if form is None or not services.may_define_forms(request.user, form.owner_unit):
        raise Http404
    current = services.version_on(form, timezone.localdate())
    sch = current.schema
    values = {"valid_from": (timezone.localdate() + dt.timedelta(days=1)).isoformat(), "note": ""}
    status = 200
    if request.method == "POST" and request.POST.get("retire") is not None:
        services.form_set_retired(form=form, by=request.user, retired=not form.retired)
        messages.success(request, "报表已停用，不能再发布新的任务。" if form.retired else "报表已重新启用。")
        return redirect("dr_form", form.pk)
    if request.method == "POST":
        sch, problems = schema_from_post(request.POST)
        values = {k: request.POST.get(k, "") for k in values}
        try:
            if problems:
                raise ServiceError(problems[0], "invalid_schema")
            valid_from = form_date(values["valid_from"])
            if valid_from is None:
                raise ServiceError("请填写生效日期。", "date_required")
            services.form_revise(
                form=form, by=request.user, form_schema=sch, valid_from=valid_from, note=values["note"]
            )
        except ServiceError as exc:
            _refused(request, exc)
            status = 400
        else:
            messages.success(request, f"已修订，{valid_from:%Y-%m-%d} 起施行；此前开始填报的报表仍用原版本。")
            return redirect("dr_form", form.pk)
    return _editor_page(request, sch, status, values=values, form=form, current=current, new=False)
