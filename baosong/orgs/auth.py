"""Authentication services shared by the login page and the API (the API is no side door)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from baosong.core.audit import audit_record
from baosong.core.crypto import sm3_hex
from baosong.core.models import AuditEvent
from baosong.orgs.models import ApiToken, LoginState, PasswordHistory, User, UserSession
from baosong.orgs.selectors import user_admin_role

GENERIC_FAILURE = "用户名或密码错误。"
LOCKED_MESSAGE = "该账户因连续登录失败已被锁定，请联系安全管理员解锁。"


class AuthError(Exception):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class LoginResult:
    user: User
    otp_required: bool
    password_change_required: bool


def _normalise(username: str) -> str:
    return (username or "").strip()[:64]


def _lock_expired(state: LoginState, now: dt.datetime) -> bool:
    minutes = int(settings.LOCKOUT_MINUTES)
    return bool(state.locked_at and minutes > 0 and now - state.locked_at >= dt.timedelta(minutes=minutes))


def login_check_password(*, username: str, password: str, ip: str | None = None) -> LoginResult:
    """First factor. Counts failures per login name (known or not), locks at the threshold, audits."""
    name = _normalise(username)
    now = timezone.now()
    failure: AuthError | None = None
    # The failure counter must be committed even though the login fails, so the error is raised
    # only after the transaction has closed.
    with transaction.atomic():
        state, _ = LoginState.objects.select_for_update().get_or_create(username=name)
        if state.locked_at and _lock_expired(state, now):
            state.locked_at = None
            state.failures = 0
            state.save(update_fields=["locked_at", "failures"])
        user = None
        if state.locked_at:
            audit_record(
                "login.failure",
                user_name=name,
                outcome=AuditEvent.Outcome.DENIED,
                details={"reason": "locked"},
                ip=ip,
            )
            failure = AuthError(LOCKED_MESSAGE, "account_locked")
        else:
            user = authenticate(username=name, password=password) if name and password else None
            if user is None:
                state.failures += 1
                state.last_failure_at = now
                known = User.objects.filter(username=name).values_list("pk", flat=True).first()
                audit_record(
                    "login.failure",
                    user_name=name,
                    outcome=AuditEvent.Outcome.FAILURE,
                    details={"failures": state.failures, "known_user": bool(known)},
                    ip=ip,
                )
                if state.failures >= int(settings.LOCKOUT_THRESHOLD):
                    state.locked_at = now
                    audit_record(
                        "login.locked",
                        user_name=name,
                        outcome=AuditEvent.Outcome.DENIED,
                        object_type="user",
                        object_id=known or "",
                        details={"failures": state.failures},
                        ip=ip,
                    )
                state.save()
                failure = (
                    AuthError(LOCKED_MESSAGE, "account_locked")
                    if state.locked_at
                    else AuthError(GENERIC_FAILURE, "invalid_credentials")
                )
            elif state.failures:
                state.failures = 0
                state.save(update_fields=["failures"])
    if failure is not None:
        raise failure
    assert isinstance(user, User)
    return LoginResult(
        user=user,
        otp_required=user_admin_role(user) is not None,
        password_change_required=password_change_required(user),
    )


def password_change_required(user: User) -> bool:
    if user.is_demo and settings.DEMO_SKIP_PASSWORD_CHANGE:
        return False
    if user.must_change_password or user.password_changed_at is None:
        return True
    max_age = int(settings.PASSWORD_MAX_AGE_DAYS)
    return max_age > 0 and timezone.now() - user.password_changed_at > dt.timedelta(days=max_age)


def otp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def otp_verify(*, user: User, token: str, ip: str | None = None) -> TOTPDevice:
    device = otp_device(user)
    if device is None or not token or not device.verify_token(token.strip()):
        with transaction.atomic():  # committed before the error is raised
            audit_record("login.otp_failure", user=user, outcome=AuditEvent.Outcome.FAILURE, ip=ip)
            state, _ = LoginState.objects.select_for_update().get_or_create(username=user.username)
            state.failures += 1
            if state.failures >= int(settings.LOCKOUT_THRESHOLD):
                state.locked_at = timezone.now()
                audit_record(
                    "login.locked",
                    user=user,
                    outcome=AuditEvent.Outcome.DENIED,
                    object_type="user",
                    object_id=user.pk,
                    details={"after": "otp"},
                    ip=ip,
                )
            state.save()
        raise AuthError("动态口令错误或已过期。", "invalid_otp")
    return device


def otp_enroll_start(*, user: User) -> TOTPDevice:
    """An unconfirmed device the user confirms by typing one code from the authenticator app."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="动态口令", confirmed=False)


def otp_enroll_confirm(*, user: User, token: str) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None or not device.verify_token((token or "").strip()):
        raise AuthError("动态口令不正确，请核对手机上的验证器后重新输入。", "invalid_otp")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save()
        audit_record("otp.enrolled", user=user, object_type="user", object_id=user.pk)
    return device


def otp_reset(*, user: User, by: User) -> None:
    """A lost phone: remove the user's devices; the next login enrols a new one."""
    with transaction.atomic():
        count, _ = TOTPDevice.objects.filter(user=user).delete()
        audit_record("otp.reset", user=by, object_type="user", object_id=user.pk, details={"devices": count})


def login_succeeded(
    *, user: User, session_key: str | None, ip: str | None, user_agent: str = "", via: str = "page"
) -> None:
    with transaction.atomic():
        if session_key:
            UserSession.objects.update_or_create(
                session_key=session_key,
                defaults={"user": user, "ip": ip or "", "user_agent": user_agent[:255]},
            )
        audit_record(
            "login.success",
            user=user,
            unit_id=user.primary_unit_id,
            object_type="user",
            object_id=user.pk,
            details={"via": via},
            ip=ip,
        )


def password_change(
    *, user: User, new_password: str, by: User | None = None, old_password: str | None = None
) -> None:
    """Change a password under the full policy; the old hash joins the history."""
    from django.core.exceptions import ValidationError

    if old_password is not None and not user.check_password(old_password):
        raise ValidationError("原密码不正确。", code="wrong_password")
    validate_password(new_password, user)
    with transaction.atomic():
        if user.password:
            PasswordHistory.objects.create(user=user, password=user.password)
        user.set_password(new_password)
        by_admin = by is not None and by.pk != user.pk
        user.must_change_password = by_admin
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        audit_record(
            "password.reset" if by_admin else "password.change",
            user=by or user,
            object_type="user",
            object_id=user.pk,
        )


def sessions_end_for_user(
    *, user: User, reason: str, by: User | None = None, except_key: str | None = None
) -> int:
    """Delete every session the user holds (disable, password reset, security administrator)."""
    with transaction.atomic():
        keys = list(
            UserSession.objects.filter(user=user)
            .exclude(session_key=except_key or "")
            .values_list("session_key", flat=True)
        )
        Session.objects.filter(session_key__in=keys).delete()
        UserSession.objects.filter(session_key__in=keys).delete()
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if keys and by is not None:
            audit_record(
                "session.terminated",
                user=by,
                object_type="user",
                object_id=user.pk,
                details={"sessions": len(keys), "reason": reason},
            )
    return len(keys)


def session_forget(session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def account_unlock(*, username: str, by: User) -> None:
    with transaction.atomic():
        updated = LoginState.objects.filter(username=username).update(failures=0, locked_at=None)
        target = User.objects.filter(username=username).first()
        audit_record(
            "login.unlock",
            user=by,
            object_type="user",
            object_id=target.pk if target else "",
            details={"username": username, "was_locked": bool(updated)},
        )


def token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    raw = "bs_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:64],
            prefix=raw[:10],
            digest=sm3_hex(raw.encode()),
            expires_at=timezone.now() + dt.timedelta(hours=int(settings.API_TOKEN_HOURS)),
        )
        audit_record("token.create", user=user, object_type="api_token", object_id=token.pk)
    return token, raw


def token_authenticate(raw: str) -> User | None:
    if not raw or not raw.startswith("bs_"):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=sm3_hex(raw.encode()), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def locked_usernames() -> list[LoginState]:
    return list(LoginState.objects.filter(locked_at__isnull=False).order_by("-locked_at"))
