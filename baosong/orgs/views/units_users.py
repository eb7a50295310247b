"""The system administrator's units, review chains, reporting targets, users, memberships, imports
and exports; and the business users' list of their units' staff."""

from __future__ import annotations

import csv
import io
from typing import Any

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from baosong.core.actions import record
from baosong.core.errors import ServiceError
from baosong.core.params import parse_id
from baosong.core.vocabularies import REPORT_CATEGORY, vocabulary
from baosong.orgs import forms, services
from baosong.orgs import workflow as orgs_wf
from baosong.orgs.exports import users_xlsx
from baosong.orgs.imports import ImportRefused, import_units, import_users, read_upload
from baosong.orgs.models import BUSINESS_ROLES, Membership, ReviewStep, Role, Unit, User
from baosong.orgs.permissions import AuthedRequest, business_required, role_required
from baosong.orgs.selectors import (
    admin_scope_units,
    unit_children,
    unit_reporting_targets,
    units_acting_for,
    users_visible_to,
)  # fmt: skip

# Labels for review-step conditions; the codes are those of the reporting workflow (DESIGN.md). The
# categories are the office's own (信息类别 on the rules page), registered by the reports app.
URGENCY_CHOICES = [("normal", "普通"), ("urgent", "紧急"), ("very_urgent", "特急")]


def _choice_field(form: django_forms.Form, name: str) -> django_forms.ModelChoiceField:
    field = form.fields[name]
    assert isinstance(field, django_forms.ModelChoiceField)
    return field


# ---- system administrator: units -------------------------------------------------------------


def _scoped_unit(request: AuthedRequest, pk: int) -> Unit:
    unit = admin_scope_units(request.user).filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


@role_required(Role.SYSADMIN)
def unit_list(request: AuthedRequest) -> HttpResponse:
    scope = admin_scope_units(request.user)
    q = request.GET.get("q", "").strip()
    results = None
    if q:
        results = (
            scope.filter(Q(name__contains=q) | Q(code=q) | Q(short_name__contains=q))
            .select_related("parent")
            .order_by("path")[:100]
        )
    acting = list(units_acting_for(request.user, Role.SYSADMIN).order_by("path"))
    roots = [u for u in acting if not any(u.path.startswith(o.path) and u.pk != o.pk for o in acting)]
    return render(
        request, "orgs/unit_list.html", {"roots": _with_child_flags(roots), "q": q, "results": results}
    )


def _with_child_flags(units: list[Unit]) -> list[Unit]:
    ids = {u.pk for u in units}
    with_children = set(Unit.objects.filter(parent_id__in=ids).values_list("parent_id", flat=True).distinct())
    for u in units:
        setattr(u, "has_children", u.pk in with_children)  # noqa: B010 (template-only flag)
    return units


@role_required(Role.SYSADMIN)
def unit_children_fragment(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _scoped_unit(request, pk)
    children = list(unit_children(unit, scope=admin_scope_units(request.user)))
    return render(request, "orgs/partials/unit_children.html", {"units": _with_child_flags(children)})


@role_required(Role.SYSADMIN)
def unit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _scoped_unit(request, pk)
    ancestors = Unit.objects.filter(pk__in=unit.ancestor_ids()).order_by("depth")
    memberships = (
        Membership.objects.filter(unit=unit).select_related("user").order_by("role", "user__username")
    )
    targets = unit_reporting_targets(unit)
    categories = vocabulary(REPORT_CATEGORY)
    return render(
        request,
        "orgs/unit_detail.html",
        {
            "unit": unit,
            "ancestors": ancestors,
            "memberships": memberships,
            "targets": targets,
            "children_count": Unit.objects.filter(parent=unit).count(),
            "staff_count": User.objects.filter(primary_unit=unit).count(),
            "chains": _chains(unit, dict(categories)),
            "roles": [(r.value, r.label) for r in Role if r in BUSINESS_ROLES],
            "categories": categories,
            "urgencies": URGENCY_CHOICES,
        },
    )


CHAIN_TEXTS = {
    ReviewStep.Chain.REPORT: (
        "审核流程（信息报出前的本单位审核）",
        "信息员提交的信息依次经以下步骤审核后报出。",
        "未设置审核步骤：本单位的信息提交后直接报出。",
    ),
    ReviewStep.Chain.FORWARD: (
        "转报签发（采编人员向上级转报前的签发）",
        "如“须经本级办公室领导审核、签发后上报”：设置后，采编人员转报的信息须依次签发，签发前上级看不到该信息；"
        "签发人不同意的，转报退回采编人员。",
        "未设置转报签发：采编人员转报后直接报送上级。",
    ),
    ReviewStep.Chain.PORTAL: (
        "上网发布审核流程（内容在门户网站公开前的审核）",
        "按《上网信息发布审核表》：单位负责人、审核处室、分管领导依次审核。设置后，本单位的刊物和信息须经此流程"
        "审核通过方可在门户公开；未设置则由采编人员直接发布。",
        "未设置上网发布审核：本单位的刊物和信息由采编人员直接公开发布。",
    ),
}


def _chains(unit: Unit, categories: dict[str, str]) -> list[dict[str, Any]]:
    steps = list(ReviewStep.objects.filter(unit=unit).select_related("user", "reviewer_unit"))
    return [
        {
            "code": code,
            "title": title,
            "help": help_text,
            "empty": empty,
            "steps": _with_conditions([st for st in steps if st.chain == code], categories),
        }
        for code, (title, help_text, empty) in CHAIN_TEXTS.items()
    ]


def _with_conditions(steps: Any, categories: dict[str, str]) -> list[ReviewStep]:
    """Each step with the text of when it applies (类别=突发事件 紧急程度=特急), names not codes."""
    urgencies = dict(URGENCY_CHOICES)
    out = []
    for step in steps:
        parts = []
        if step.only_category:
            parts.append(f"类别={categories.get(step.only_category, step.only_category)}")
        if step.only_urgency:
            parts.append(f"紧急程度={urgencies.get(step.only_urgency, step.only_urgency)}")
        if step.only_sensitive:
            parts.append("敏感信息")
        if step.only_negative:
            parts.append("负面/重大信息")
        step.condition = " ".join(parts) or "全部信息"
        out.append(step)
    return out


@role_required(Role.SYSADMIN)
def unit_create_view(request: AuthedRequest, parent_pk: int) -> HttpResponse:
    parent = _scoped_unit(request, parent_pk)
    form = forms.UnitForm(request.POST or None, initial={"level": parent.level, "kind": "government"})
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(
                by=request.user,
                parent=parent,
                **{**form.cleaned_data, "sort_order": form.cleaned_data["sort_order"] or 0},
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已创建单位“{unit.name}”。")
            return redirect("unit_detail", pk=unit.pk)
    return render(
        request,
        "orgs/unit_form.html",
        {"form": form, "parent": parent, "title": "新建下级单位"},
        status=400 if form.errors else 200,
    )


@role_required(Role.SYSADMIN)
def unit_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _scoped_unit(request, pk)
    initial = {f: getattr(unit, f) for f in forms.UnitForm.base_fields}
    form = forms.UnitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(
                by=request.user,
                unit=unit,
                **{**form.cleaned_data, "sort_order": form.cleaned_data["sort_order"] or 0},
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "单位信息已保存。")
            return redirect("unit_detail", pk=unit.pk)
    return render(
        request,
        "orgs/unit_form.html",
        {"form": form, "unit": unit, "title": f"修改单位：{unit.name}"},
        status=400 if form.errors else 200,
    )


@require_POST
@role_required(Role.SYSADMIN)
def unit_move_view(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _scoped_unit(request, pk)
    target_code = request.POST.get("parent_code", "").strip()
    new_parent = admin_scope_units(request.user).filter(code=target_code).first()
    if new_parent is None:
        messages.error(request, f"找不到单位代码为“{target_code}”的单位（须在您管理的范围内）。")
    else:
        try:
            services.unit_move(by=request.user, unit=unit, new_parent=new_parent)
            messages.success(request, f"已将“{unit.name}”移至“{new_parent.name}”之下。")
        except ServiceError as exc:
            messages.error(request, exc.message)
    return redirect("unit_detail", pk=unit.pk)


@require_POST
@role_required(Role.SYSADMIN)
def unit_active_view(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _scoped_unit(request, pk)
    active = request.POST.get("active") == "1"
    try:
        services.unit_set_active(by=request.user, unit=unit, active=active)
        messages.success(request, "已启用该单位。" if active else "已停用该单位及其全部下级单位。")
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("unit_detail", pk=unit.pk)


@require_POST
@role_required(Role.SYSADMIN)
def review_step_add_view(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _scoped_unit(request, pk)
    p = request.POST
    reviewer = None
    if p.get("username", "").strip():
        reviewer = User.objects.filter(username=p["username"].strip(), memberships__unit=unit).first()
        if reviewer is None:
            messages.error(request, f"本单位没有用户名为“{p['username'].strip()}”的人员。")
            return redirect("unit_detail", pk=unit.pk)
    reviewer_unit = None
    if p.get("reviewer_unit_code", "").strip() and reviewer is None:
        code = p["reviewer_unit_code"].strip()
        reviewer_unit = admin_scope_units(request.user).filter(code=code).first()
        if reviewer_unit is None:
            messages.error(request, f"您管理的范围内没有单位代码为“{code}”的单位。")
            return redirect("unit_detail", pk=unit.pk)
    try:
        services.review_step_add(
            by=request.user,
            unit=unit,
            role=p.get("role", "") if reviewer is None else "",
            user=reviewer,
            reviewer_unit=reviewer_unit,
            only_negative=p.get("only_negative") == "1",
            label=p.get("label", ""),
            only_category=p.get("only_category", ""),
            only_urgency=p.get("only_urgency", ""),
            only_sensitive=p.get("only_sensitive") == "1",
            chain=p.get("chain", ReviewStep.Chain.REPORT),
        )
        messages.success(request, "已添加审核步骤。")
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("unit_detail", pk=unit.pk)


@require_POST
@role_required(Role.SYSADMIN)
def unit_sign_after_view(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _scoped_unit(request, pk)
    value = request.POST.get("sign_after") == "1"
    services.unit_set_sign_after(by=request.user, unit=unit, value=value)
    messages.success(request, "紧急信息可先报后签。" if value else "紧急信息也须先签发后转报。")
    return redirect("unit_detail", pk=unit.pk)


@require_POST
@role_required(Role.SYSADMIN)
def review_step_remove_view(request: AuthedRequest, pk: int, step_pk: int) -> HttpResponse:
    unit = _scoped_unit(request, pk)
    step = get_object_or_404(ReviewStep, pk=step_pk, unit=unit)
    services.review_step_remove(by=request.user, step=step)
    messages.success(request, "已删除审核步骤。")
    return redirect("unit_detail", pk=unit.pk)


@require_POST
@role_required(Role.SYSADMIN)
def unit_targets_view(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _scoped_unit(request, pk)
    codes = [c.strip() for c in request.POST.get("codes", "").replace("，", ",").split(",") if c.strip()]
    targets = list(Unit.objects.filter(code__in=codes, is_active=True))
    missing = set(codes) - {t.code for t in targets}
    if missing:
        messages.error(request, f"找不到单位代码：{'、'.join(sorted(missing))}。")
    else:
        try:
            services.unit_set_extra_targets(by=request.user, unit=unit, targets=targets)
            messages.success(request, "报送对象已更新。")
        except ServiceError as exc:
            messages.error(request, exc.message)
    return redirect("unit_detail", pk=unit.pk)


# ---- system administrator: users and memberships -------------------------------------------


def _scoped_user(request: AuthedRequest, pk: int) -> User:
    user = users_visible_to(request.user).filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


def _filtered_users(request: AuthedRequest) -> tuple[QuerySet[User], dict[str, str]]:
    qs = users_visible_to(request.user).select_related("primary_unit")
    f = {k: request.GET.get(k, "").strip() for k in ("q", "unit", "status")}
    if f["q"]:
        qs = qs.filter(Q(full_name__contains=f["q"]) | Q(username__contains=f["q"]) | Q(mobile=f["q"]))
    if f["unit"]:
        root = admin_scope_units(request.user).filter(pk=parse_id(f["unit"]) or 0).first()
        qs = qs.filter(primary_unit__path__startswith=root.path) if root else qs.none()
    if f["status"] == "active":
        qs = qs.filter(is_active=True)
    elif f["status"] == "inactive":
        qs = qs.filter(is_active=False)
    elif f["status"] == "norole":
        qs = qs.filter(is_active=True).exclude(pk__in=Membership.objects.values("user_id"))
    return qs.order_by("primary_unit__path", "username"), f


@role_required(Role.SYSADMIN)
def user_list(request: AuthedRequest) -> HttpResponse:
    qs, f = _filtered_users(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "orgs/user_list.html", {"page": page, "f": f, "query": query.urlencode()})


@role_required(Role.SYSADMIN)
def user_export(request: AuthedRequest) -> HttpResponseBase:
    qs, f = _filtered_users(request)
    fmt = request.GET.get("format", "xlsx")
    with transaction.atomic():
        record(orgs_wf.EXPORT_USERS, by=request.user, details={"filters": f, "format": fmt})
    return users_xlsx(qs, fmt=fmt)


@role_required(Role.SYSADMIN)
def user_create_view(request: AuthedRequest) -> HttpResponse:
    form = forms.UserForm(
        request.POST or None, initial={"email_notifications": True, "primary_unit": request.GET.get("unit")}
    )
    _choice_field(form, "primary_unit").queryset = admin_scope_units(request.user).filter(is_active=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                user = services.user_create(
                    by=request.user,
                    username=data["username"],
                    full_name=data["full_name"],
                    primary_unit=data["primary_unit"],
                    password=data["password"],
                    job_title=data["job_title"],
                    office_phone=data["office_phone"],
                    mobile=data["mobile"],
                    email=data["email"],
                )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已创建用户“{user.full_name}”，请为其授予角色。")
            return redirect("user_detail", pk=user.pk)
    return render(
        request,
        "orgs/user_form.html",
        {"form": form, "title": "新建用户"},
        status=400 if form.errors else 200,
    )


@role_required(Role.SYSADMIN)
def user_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    target = _scoped_user(request, pk)
    initial = {f: getattr(target, f) for f in services.PROFILE_FIELDS}
    form = forms.ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.user_update(by=request.user, user=target, **form.cleaned_data)
        messages.success(request, "用户信息已保存。")
        return redirect("user_detail", pk=target.pk)
    membership_form = forms.MembershipForm()
    memberships = Membership.objects.filter(user=target).select_related("unit").order_by("unit__path", "role")
    return render(
        request,
        "orgs/user_detail.html",
        {
            "target": target,
            "form": form,
            "membership_form": membership_form,
            "memberships": memberships,
            "reset_form": forms.ResetPasswordForm(),
        },
    )


@require_POST
@role_required(Role.SYSADMIN)
def user_active_view(request: AuthedRequest, pk: int) -> HttpResponse:
    target = _scoped_user(request, pk)
    try:
        services.user_set_active(
            by=request.user,
            user=target,
            active=request.POST.get("active") == "1",
        )
        messages.success(
            request, "已启用该用户。" if target.is_active else "已停用该用户，其会话已全部结束。"
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("user_detail", pk=target.pk)


@require_POST
@role_required(Role.SYSADMIN)
def membership_add_view(request: AuthedRequest, pk: int) -> HttpResponse:
    target = _scoped_user(request, pk)
    form = forms.MembershipForm(request.POST)
    _choice_field(form, "unit").queryset = admin_scope_units(request.user)
    if not form.is_valid():
        messages.error(request, "请填写有效的单位编号和角色。")
    else:
        try:
            services.membership_add(
                by=request.user,
                user=target,
                unit=form.cleaned_data["unit"],
                role=form.cleaned_data["role"],
            )
            messages.success(request, "已授予角色。")
        except ServiceError as exc:
            messages.error(request, exc.message)
    return redirect("user_detail", pk=target.pk)


@require_POST
@role_required(Role.SYSADMIN)
def membership_remove_view(request: AuthedRequest, pk: int, membership_pk: int) -> HttpResponse:
    target = _scoped_user(request, pk)
    membership = get_object_or_404(Membership, pk=membership_pk, user=target)
    services.membership_remove(by=request.user, membership=membership)
    messages.success(request, "已撤销该角色。")
    return redirect("user_detail", pk=target.pk)


@role_required(Role.SYSADMIN)
def import_page(request: AuthedRequest) -> HttpResponse:
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    outcome_errors: list[dict[str, object]] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # Always scoped: an administrator of several units imports only inside those subtrees.
        scope = list(units_acting_for(request.user, Role.SYSADMIN).order_by("path"))
        try:
            data = read_upload(upload, settings.IMPORT_MAX_BYTES)
            if form.cleaned_data["kind"] == "units":
                outcome = import_units(by=request.user, data=data, filename=upload.name, scope=scope)
            else:
                outcome = import_users(
                    by=request.user,
                    data=data,
                    filename=upload.name,
                    scope=scope,
                    default_password=request.POST.get("default_password", ""),
                )
        except ImportRefused as exc:
            messages.error(request, exc.message)
            outcome_errors = exc.errors
            status = 400
        except ServiceError as exc:
            messages.error(request, exc.message)
            status = 400
        else:
            messages.success(request, f"导入成功：共 {outcome.rows} 条。")
            return redirect("import_page")
    elif request.method == "POST":
        status = 400
    from baosong.orgs.models import ImportJob

    jobs = ImportJob.objects.filter(by=request.user).order_by("-created_at")[:10]
    return render(
        request, "orgs/import.html", {"form": form, "errors": outcome_errors, "jobs": jobs}, status=status
    )


@role_required(Role.SYSADMIN)
def import_template(request: AuthedRequest, kind: str) -> HttpResponse:
    from baosong.orgs.imports import UNIT_COLUMNS, USER_COLUMNS

    columns = UNIT_COLUMNS if kind == "units" else USER_COLUMNS
    buf = io.StringIO()
    buf.write("\ufeff")
    csv.writer(buf).writerow([v[0] for v in columns.values()])
    response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.csv"'
    return response


# ---- business users: their unit's staff (信息员登记表) -------------------------------------------


@business_required
def staff_list(request: AuthedRequest) -> HttpResponseBase:
    units = units_acting_for(request.user)
    paths = list(units.values_list("path", flat=True))
    from baosong.orgs.selectors import subtree_q

    qs = (
        User.objects.filter(subtree_q(paths, prefix="primary_unit__"), is_active=True)
        .select_related("primary_unit")
        .order_by("primary_unit__path", "username")
    )
    if request.GET.get("format") in {"xlsx", "csv"}:
        with transaction.atomic():
            record(orgs_wf.EXPORT_USERS, by=request.user, details={"scope": "staff"})
        return users_xlsx(qs, fmt=request.GET["format"])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "orgs/staff_list.html", {"page": page})
