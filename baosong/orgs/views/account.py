"""Signing in and out, the second factor, one's own password, profile and API tokens."""

from __future__ import annotations

import base64
import io

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from baosong.core.audit import audit_record
from baosong.core.errors import ServiceError
from baosong.core.middleware import client_ip
from baosong.orgs import auth, forms, services
from baosong.orgs.middleware import LOGIN_AT, SEEN_AT
from baosong.orgs.models import LoginState, Membership, User
from baosong.orgs.permissions import AuthedRequest

PENDING_OTP = "_bs_pending_otp_user"


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
