"""Authentication services shared by the login page and the API (the API is no side door)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from baosong.core.audit import audit_record
from baosong.core.crypto import sm3_hex
from baosong.core.errors import NotFound, ServiceError
from baosong.core.models import AuditEvent, AuditHead
from baosong.orgs.models import ApiToken, LoginState, PasswordHistory, User, UserSession, login_name
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
    return login_name(username)


def _lock_expired(state: LoginState, now: dt.datetime) -> bool:
    minutes = int(settings.LOCKOUT_MINUTES)
    return bool(state.locked_at and minutes > 0 and now - state.locked_at >= dt.timedelta(minutes=minutes))


def login_check_password(*, username: str, password: str, ip: str | None = None) -> LoginResult:
    """First factor. Counts failures per login name (known or not), locks at the threshold, audits."""
    name = _normalise(username)
    now = timezone.now()
    failure: AuthError | None = None
    # The password hash (PBKDF2, a third of a second of CPU) is checked before the transaction, not
    # inside it: on SQLite a write transaction holds the database's one write lock, so every login and
    # every other write of the site queued behind each hash, and a burst of logins ran past the lock
    # timeout. The lock state is read again under the row lock below, so a password checked while the
    # account was being locked still fails, and every failure is still counted.
    state = LoginState.objects.filter(username=name).first()
    locked = bool(state and state.locked_at and not _lock_expired(state, now))
    user = None
    if not locked and name and password:
        user = authenticate(username=name, password=password)
    # The failure counter must be committed even though the login fails, so the error is raised
    # only after the transaction has closed.
    with transaction.atomic():
        state, _ = LoginState.objects.select_for_update().get_or_create(username=name)
        if state.locked_at and _lock_expired(state, now):
            state.locked_at = None
            state.failures = 0
            state.save(update_fields=["locked_at", "failures"])
        if state.locked_at:
            user = None
            audit_record(
                "login.failure",
                user_name=name,
                outcome=AuditEvent.Outcome.DENIED,
                details={"reason": "locked"},
                ip=ip,
            )
            failure = AuthError(LOCKED_MESSAGE, "account_locked")
        else:
            if locked and name and password:
                # Unlocked (by an administrator) since the read above: check the password now.
                user = authenticate(username=name, password=password)
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


class RateLimited(ServiceError):
    """Too many tokens created in the window: HTTP 429 with the seconds to wait (Retry-After)."""

    status = 429

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, (retry_after + 59) // 60)
        super().__init__(
            f"创建令牌过于频繁，请约 {minutes} 分钟后再试。",
            "rate_limited",
            extra={"retry_after": retry_after},
        )
        self.retry_after = retry_after


def _rate_window() -> dt.timedelta:
    return dt.timedelta(minutes=max(1, int(settings.API_TOKEN_RATE_WINDOW_MINUTES)))


def token_rate_check(*, user: User | None = None, ip: str | None = None) -> None:
    """Refuse when the user or the client IP created too many tokens in the window. Counted from the
    audit chain (token.create rows), so every worker process sees the same count."""
    now = timezone.now()
    since = now - _rate_window()
    recent = AuditEvent.objects.filter(event_type="token.create", created_at__gte=since)
    checks: list[tuple[int, Any]] = []
    if user is not None:
        checks.append((int(settings.API_TOKEN_RATE_PER_USER), recent.filter(user_id=user.pk)))
    if ip:
        checks.append((int(settings.API_TOKEN_RATE_PER_IP), recent.filter(ip=ip)))
    for limit, qs in checks:
        if limit <= 0:
            continue
        times = list(qs.order_by("-created_at").values_list("created_at", flat=True)[:limit])
        if len(times) >= limit:
            # the window frees a place when the oldest of the last `limit` creations leaves it
            wait = (times[-1] + _rate_window() - now).total_seconds()
            raise RateLimited(max(1, int(wait) + 1))


def token_create(
    *, user: User, name: str = "", days: int | None = None, ip: str | None = None, via: str = "api"
) -> tuple[ApiToken, str]:
    """A bearer token acting as the user. `days` (settings page) up to API_TOKEN_MAX_DAYS; without it
    the short API lifetime (API_TOKEN_HOURS). Rate limited per user and per IP; audited."""
    if days is not None and not 1 <= days <= int(settings.API_TOKEN_MAX_DAYS):
        raise ServiceError(
            f"有效期须在 1 至 {settings.API_TOKEN_MAX_DAYS} 天之间。", "invalid_lifetime", status=422
        )
    lifetime = (
        dt.timedelta(days=days) if days is not None else dt.timedelta(hours=int(settings.API_TOKEN_HOURS))
    )
    raw = "bs_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        # The audit head lock (taken again by audit_record) serialises token creations across processes,
        # so the count below cannot be raced past.
        AuditHead.objects.select_for_update().get_or_create(pk=1)
        token_rate_check(user=user, ip=ip)
        token = ApiToken.objects.create(
            user=user,
            name=(name or "").strip()[:64],
            prefix=raw[:10],
            digest=sm3_hex(raw.encode()),
            expires_at=timezone.now() + lifetime,
        )
        audit_record(
            "token.create",
            user=user,
            unit_id=user.primary_unit_id,
            object_type="api_token",
            object_id=token.pk,
            details={"name": token.name, "expires_at": token.expires_at.isoformat(), "via": via},
            ip=ip,
        )
    return token, raw


def tokens_of(user: User) -> list[ApiToken]:
    """The user's own tokens, newest first (the digest never leaves the database)."""
    return list(ApiToken.objects.filter(user=user).order_by("-created_at", "-pk"))


def token_revoke(*, token_id: int, by: User) -> ApiToken:
    """Revoke one of one's own tokens (another user's token id is 'not found')."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=by).first()
        if token is None:
            raise NotFound("令牌不存在。")
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(
                "token.revoke",
                user=by,
                unit_id=by.primary_unit_id,
                object_type="api_token",
                object_id=token.pk,
                details={"name": token.name, "prefix": token.prefix},
            )
    return token


def token_authenticate(raw: str) -> User | None:
    """The token's user, if the token is live and the user could log in now: an active account, not
    locked, no pending forced password change (a password change or reset revokes all tokens)."""
    if not raw or not raw.startswith("bs_") or len(raw) > 128:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=sm3_hex(raw.encode()), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    user = token.user
    state = LoginState.objects.filter(username=user.username, locked_at__isnull=False).first()
    if state is not None and not _lock_expired(state, now):
        return None
    if password_change_required(user):
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user


def locked_usernames() -> list[LoginState]:
    return list(LoginState.objects.filter(locked_at__isnull=False).order_by("-locked_at"))
