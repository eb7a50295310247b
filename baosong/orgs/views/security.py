"""The security administrator's pages: accounts, locks, sessions, password and session policy."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from baosong.orgs import auth, forms
from baosong.orgs.models import LoginState, Role, UserSession
from baosong.orgs.permissions import AuthedRequest, role_required
from baosong.orgs.selectors import users_visible_to


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
