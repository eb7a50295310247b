from __future__ import annotations

import base64
import csv
import datetime as dt
import io

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from baosong.core.actions import audit_choices, audit_label, registry
from baosong.core.audit import audit_record, audit_verify
from baosong.core.errors import ServiceError
from baosong.core.middleware import client_ip
from baosong.core.models import AuditEvent
from baosong.core.params import local_day_bounds, parse_id
from baosong.core.workbench import Viewer, build_workbench
from baosong.orgs import auth, forms, services
from baosong.orgs.exports import users_xlsx
from baosong.orgs.imports import ImportRefused, import_units, import_users, read_upload
from baosong.orgs.middleware import LOGIN_AT, SEEN_AT
from baosong.orgs.models import (
    BUSINESS_ROLES,
    LoginState,
    Membership,
    ReviewStep,
    Role,
    Unit,
    User,
    UserSession,
)
from baosong.orgs.permissions import AuthedRequest, business_required, role_required
from baosong.orgs.selectors import (
    admin_scope_units,
    unit_children,
    unit_reporting_targets,
    units_acting_for,
    users_visible_to,
)  # fmt: skip

PENDING_OTP = "_bs_pending_otp_user"
# Labels for review-step conditions; the codes are those of the reporting workflow (DESIGN.md).
CATEGORY_CHOICES = [
    ("work_update", "工作动态"),
    ("experience", "经验做法"),
    ("problem", "问题建议"),
    ("policy", "政策落实"),
    ("emergency", "突发事件"),
    ("research", "调研信息"),
    ("public_opinion", "社情民意"),
]
URGENCY_CHOICES = [("normal", "普通"), ("urgent", "紧急"), ("very_urgent", "特急")]


def _choice_field(form: django_forms.Form, name: str) -> django_forms.ModelChoiceField:
    field = form.fields[name]
    assert isinstance(field, django_forms.ModelChoiceField)
    return field


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


def _finish_login(request: HttpRequest, user: User, device: TOTPDevice | None = None) -> HttpResponse:
    login(request, user, backend="baosong.orgs.backends.UnitUserBackend")
    if device is not None:
        otp_login(request, device)
    now = timezone.now().timestamp()
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    request.session.save()
    auth.login_succeeded(
        user=user,
        session_key=request.session.session_key,
        ip=client_ip(request),
        user_agent=request.headers.get("User-Agent", ""),
    )
    return redirect(_safe_next(request))


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = forms.LoginForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            result = auth.login_check_password(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                ip=client_ip(request),
            )
        except auth.AuthError as exc:
            error = exc.message
        else:
            if result.otp_required:
                request.session.cycle_key()
                request.session[PENDING_OTP] = result.user.pk
                return redirect(f"/accounts/otp?next={_safe_next(request)}")
            return _finish_login(request, result.user)
    elif request.method == "POST":
        error = "请输入用户名和密码。"
    return render(
        request,
        "orgs/login.html",
        {"form": form, "error": error, "next": _safe_next(request), "lockout": settings.LOCKOUT_THRESHOLD},
        status=401 if error else 200,
    )


def otp_view(request: HttpRequest) -> HttpResponse:
    pending_id = request.session.get(PENDING_OTP)
    user = User.objects.filter(pk=pending_id, is_active=True).first() if pending_id else None
    if user is None:
        return redirect("login")
    device = auth.otp_device(user)
    form = forms.OtpForm(request.POST or None)
    error = None
    enrol = device is None
    if request.method == "POST" and form.is_valid():
        try:
            if enrol:
                device = auth.otp_enroll_confirm(user=user, token=form.cleaned_data["token"])
            else:
                device = auth.otp_verify(user=user, token=form.cleaned_data["token"], ip=client_ip(request))
        except auth.AuthError as exc:
            error = exc.message
            if (
                exc.code == "invalid_otp"
                and LoginState.objects.filter(username=user.username, locked_at__isnull=False).exists()
            ):
                request.session.pop(PENDING_OTP, None)
                messages.error(request, auth.LOCKED_MESSAGE)
                return redirect("login")
        else:
            del request.session[PENDING_OTP]
            return _finish_login(request, user, device)
    context: dict[str, object] = {"form": form, "error": error, "enrol": enrol, "next": _safe_next(request)}
    if enrol:
        pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
        if pending is None or request.method == "GET":
            pending = auth.otp_enroll_start(user=user)
        import segno

        secret = base64.b32encode(pending.bin_key).decode()
        buf = io.BytesIO()
        segno.make(pending.config_url).save(buf, kind="svg", scale=4, border=2)
        context.update({"secret": secret, "qr_svg": buf.getvalue().decode()})
    return render(request, "orgs/otp.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        with transaction.atomic():
            audit_record("logout", user=request.user)
            auth.session_forget(request.session.session_key)
    logout(request)
    messages.info(request, "您已安全退出。")
    return redirect("login")


@login_required
def password_change_view(request: AuthedRequest) -> HttpResponse:
    form = forms.PasswordChangeForm(request.POST or None)
    user: User = request.user
    if request.method == "POST" and form.is_valid():
        try:
            auth.password_change(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("new_password" if "原密码" not in message else "old_password", message)
        else:
            from django.contrib.auth import update_session_auth_hash

            update_session_auth_hash(request, user)
            auth.sessions_end_for_user(
                user=user, reason="password_change", except_key=request.session.session_key
            )
            messages.success(request, "密码已修改。")
            return redirect("home")
    reason = None
    if auth.password_change_required(user):
        reason = (
            "首次登录或密码已过期，请先修改密码。"
            if user.password_changed_at
            else "首次登录，请先修改初始密码。"
        )
    return render(
        request,
        "orgs/password_change.html",
        {"form": form, "reason": reason, "min_length": settings.PASSWORD_MIN_LENGTH},
    )


@login_required
def profile_view(request: AuthedRequest) -> HttpResponse:
    user: User = request.user
    initial = {f: getattr(user, f) for f in services.PROFILE_FIELDS}
    form = forms.ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.user_update(by=user, user=user, **form.cleaned_data)
        messages.success(request, "个人信息已保存。")
        return redirect("profile")
    return _profile_page(request, form=form)


def _profile_page(
    request: AuthedRequest,
    *,
    form: django_forms.Form | None = None,
    token_form: django_forms.Form | None = None,
    new_token: str | None = None,
    status: int = 200,
) -> HttpResponse:
    user: User = request.user
    if form is None:
        form = forms.ProfileForm(initial={f: getattr(user, f) for f in services.PROFILE_FIELDS})
    memberships = Membership.objects.filter(user=user).select_related("unit").order_by("unit__path")
    context = {
        "form": form,
        "memberships": memberships,
        "token_form": token_form or forms.TokenForm(max_days=settings.API_TOKEN_MAX_DAYS),
        "tokens": auth.tokens_of(user),
        "new_token": new_token,
        "now": timezone.now(),
    }
    return render(request, "orgs/profile.html", context, status=status)


@login_required
@require_POST
def token_create_view(request: AuthedRequest) -> HttpResponse:
    """Create a long-lived API token; its value is shown on this response only, never again."""
    form = forms.TokenForm(request.POST, max_days=settings.API_TOKEN_MAX_DAYS)
    if not form.is_valid():
        return _profile_page(request, token_form=form, status=422)
    try:
        _token, raw = auth.token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            days=form.cleaned_data["days"],
            ip=client_ip(request),
            via="page",
        )
    except auth.RateLimited as exc:
        form.add_error(None, exc.message)
        response = _profile_page(request, token_form=form, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    response = _profile_page(request, new_token=raw)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke_view(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        token = auth.token_revoke(token_id=pk, by=request.user)
    except ServiceError as exc:
        raise Http404 from exc
    messages.success(request, f"令牌“{token.name or token.prefix}”已吊销。")
    return redirect("profile")


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
            "steps": ReviewStep.objects.filter(unit=unit, chain=ReviewStep.Chain.REPORT).select_related(
                "user"
            ),
            "portal_steps": ReviewStep.objects.filter(
                unit=unit, chain=ReviewStep.Chain.PORTAL
            ).select_related("user"),
            "roles": [(r.value, r.label) for r in Role if r in BUSINESS_ROLES],
            "categories": CATEGORY_CHOICES,
            "urgencies": URGENCY_CHOICES,
        },
    )


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
    try:
        services.review_step_add(
            by=request.user,
            unit=unit,
            role=p.get("role", "") if reviewer is None else "",
            user=reviewer,
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
def user_export(request: AuthedRequest) -> HttpResponse:
    qs, f = _filtered_users(request)
    fmt = request.GET.get("format", "xlsx")
    with transaction.atomic():
        audit_record("export.users", user=request.user, details={"filters": f, "format": fmt})
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


# ---- security administrator ------------------------------------------------------------------


@role_required(Role.SECADMIN)
def security_accounts(request: AuthedRequest) -> HttpResponse:
    """Find an account and act on its security: unlock, reset password, end sessions, reset TOTP."""
    q = request.GET.get("q", "").strip()
    scope = users_visible_to(request.user, Role.SECADMIN).select_related("primary_unit")
    found = list(scope.filter(Q(username=q) | Q(full_name=q))[:20]) if q else []
    states = {s.username: s for s in LoginState.objects.filter(username__in=[u.username for u in found])}
    sessions = dict(
        UserSession.objects.filter(user__in=found).values_list("user_id").annotate(n=Count("id")).order_by()
    )
    devices = set(TOTPDevice.objects.filter(user__in=found, confirmed=True).values_list("user_id", flat=True))
    rows = [
        {
            "user": u,
            "state": states.get(u.username),
            "sessions": sessions.get(u.pk, 0),
            "totp": u.pk in devices,
        }
        for u in found
    ]
    return render(
        request,
        "orgs/security_accounts.html",
        {"q": q, "rows": rows, "reset_form": forms.ResetPasswordForm()},
    )


@require_POST
@role_required(Role.SECADMIN)
def security_reset_otp(request: AuthedRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(users_visible_to(request.user, Role.SECADMIN), pk=pk)
    auth.otp_reset(user=target, by=request.user)
    messages.success(request, f"已重置“{target.full_name}”的动态口令，下次登录时须重新绑定。")
    return redirect(f"{reverse('security_accounts')}?q={target.username}")


@role_required(Role.SECADMIN)
def security_locked(request: AuthedRequest) -> HttpResponse:
    return render(request, "orgs/security_locked.html", {"locked": auth.locked_usernames()})


@require_POST
@role_required(Role.SECADMIN)
def security_unlock(request: AuthedRequest) -> HttpResponse:
    username = request.POST.get("username", "")
    auth.account_unlock(username=username, by=request.user)
    messages.success(request, f"已解除“{username}”的锁定。")
    return redirect("security_locked")


@role_required(Role.SECADMIN)
def security_sessions(request: AuthedRequest) -> HttpResponse:
    sessions = UserSession.objects.select_related("user").order_by("-created_at")[:500]
    return render(request, "orgs/security_sessions.html", {"sessions": sessions})


@require_POST
@role_required(Role.SECADMIN)
def security_end_sessions(request: AuthedRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(users_visible_to(request.user, Role.SECADMIN), pk=pk)
    count = auth.sessions_end_for_user(user=target, reason="secadmin", by=request.user)
    messages.success(request, f"已结束“{target.full_name}”的 {count} 个会话。")
    back = request.POST.get("back", "")
    return redirect(back if back.startswith("/security/") else reverse("security_sessions"))


@require_POST
@role_required(Role.SECADMIN)
def security_reset_password(request: AuthedRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(users_visible_to(request.user, Role.SECADMIN), pk=pk)
    form = forms.ResetPasswordForm(request.POST)
    if form.is_valid():
        try:
            auth.password_change(user=target, new_password=form.cleaned_data["password"], by=request.user)
            auth.sessions_end_for_user(user=target, reason="password_reset", by=request.user)
            messages.success(request, f"已重置“{target.full_name}”的密码，用户下次登录时须修改。")
        except ValidationError as exc:
            messages.error(request, "临时密码不符合密码策略：" + "；".join(exc.messages))
    return redirect(f"{reverse('security_accounts')}?q={target.username}")


@role_required(Role.SECADMIN)
def security_policy(request: AuthedRequest) -> HttpResponse:
    rows = [
        ("连续登录失败锁定次数", settings.LOCKOUT_THRESHOLD, "BAOSONG_LOCKOUT_THRESHOLD"),
        ("自动解锁时间（分钟，0 为须人工解锁）", settings.LOCKOUT_MINUTES, "BAOSONG_LOCKOUT_MINUTES"),
        ("密码最小长度", settings.PASSWORD_MIN_LENGTH, "BAOSONG_PASSWORD_MIN_LENGTH"),
        ("密码字符类别（四类中至少）", 3, "—"),
        ("不得重复使用最近密码次数", settings.PASSWORD_HISTORY, "BAOSONG_PASSWORD_HISTORY"),
        ("密码最长使用期（天）", settings.PASSWORD_MAX_AGE_DAYS, "BAOSONG_PASSWORD_MAX_AGE_DAYS"),
        ("会话空闲超时（分钟）", settings.SESSION_IDLE_MINUTES, "BAOSONG_SESSION_IDLE_MINUTES"),
        ("会话最长时限（小时）", settings.SESSION_MAX_HOURS, "BAOSONG_SESSION_MAX_HOURS"),
        ("口令散列算法", "PBKDF2-HMAC-SM3", "—"),
        ("散列迭代次数", settings.PASSWORD_ITERATIONS, "BAOSONG_PASSWORD_ITERATIONS"),
        ("接口令牌有效期（小时）", settings.API_TOKEN_HOURS, "BAOSONG_API_TOKEN_HOURS"),
        ("Cookie 仅限 HTTPS", "是" if settings.SESSION_COOKIE_SECURE else "否", "BAOSONG_SECURE_COOKIES"),
    ]
    return render(request, "orgs/security_policy.html", {"rows": rows})


# ---- business users: their unit's staff (信息员登记表) -------------------------------------------


@business_required
def staff_list(request: AuthedRequest) -> HttpResponse:
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
            audit_record("export.users", user=request.user, details={"scope": "staff"})
        return users_xlsx(qs, fmt=request.GET["format"])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "orgs/staff_list.html", {"page": page})


# ---- 工作台 (home) per role ---------------------------------------------------------------------


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """Each role's waiting work: the panels the apps registered (core.workbench), one Viewer for all."""
    user = request.user
    memberships = list(
        Membership.objects.filter(user=user, unit__is_active=True)
        .select_related("unit")
        .order_by("unit__path")
    )
    units_by_role: dict[str, list[int]] = {}
    roles_by_unit: dict[int, tuple[Unit, list[str]]] = {}
    for m in memberships:
        units_by_role.setdefault(m.role, []).append(m.unit_id)
        roles_by_unit.setdefault(m.unit_id, (m.unit, []))[1].append(Role(m.role).label)
    viewer = Viewer(user=user, now=timezone.now(), today=timezone.localdate(), units_by_role=units_by_role)
    return render(
        request,
        "orgs/home.html",
        {"panels": build_workbench(viewer), "my_units": list(roles_by_unit.values()), "now": viewer.now},
    )


# ---- audit administrator ----------------------------------------------------------------------


def _parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@role_required(Role.AUDITADMIN)
def audit_list(request: AuthedRequest) -> HttpResponse:
    qs = AuditEvent.objects.order_by("-seq")
    f = request.GET
    errors = []
    date_from, date_to = _parse_date(f.get("from")), _parse_date(f.get("to"))
    if (f.get("from") and not date_from) or (f.get("to") and not date_to):
        errors.append("日期格式应为 年-月-日，例如 2026-01-31。")
    start, end = local_day_bounds(date_from, date_to)
    if start:
        qs = qs.filter(created_at__gte=start)
    if end:
        qs = qs.filter(created_at__lt=end)
    if f.get("user"):
        term = f["user"].strip()
        user_id = parse_id(term)
        qs = qs.filter(user_id=user_id) if user_id else qs.filter(user_name__contains=term)
    if unit_id := parse_id(f.get("unit")):
        qs = qs.filter(unit_id=unit_id)
    if f.get("type") in registry.audit_types:
        qs = qs.filter(event_type=f["type"])
    if f.get("outcome") in AuditEvent.Outcome.values:
        qs = qs.filter(outcome=f["outcome"])
    page = Paginator(qs, 50).get_page(f.get("page"))
    for event in page.object_list:
        event.label = audit_label(event.event_type, event.details)
    query = f.copy()
    query.pop("page", None)
    return render(
        request,
        "orgs/audit_list.html",
        {
            "page": page,
            "event_labels": audit_choices(),
            "outcomes": AuditEvent.Outcome.choices,
            "f": f,
            "errors": errors,
            "query": query.urlencode(),
        },
    )


@require_POST
@role_required(Role.AUDITADMIN)
def audit_verify_view(request: AuthedRequest) -> HttpResponse:
    result = audit_verify()
    with transaction.atomic():
        audit_record(
            "audit.verify",
            user=request.user,
            outcome="success" if result.ok else "failure",
            details={"checked": result.checked, "first_bad_seq": result.first_bad_seq},
        )
    return render(request, "orgs/partials/verify_result.html", {"result": result})
