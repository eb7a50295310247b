from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from baosong.api.schemas import BodySchema, ErrorOut, Id
from baosong.core.errors import ServiceError
from baosong.core.middleware import client_ip
from baosong.orgs import auth
from baosong.orgs.models import ApiToken, User

router = Router(tags=["认证"])


class TokenIn(BodySchema):
    username: str = Field(..., min_length=1, max_length=64)
    password: str = Field(..., min_length=1, max_length=128)
    otp: str | None = Field(None, max_length=8)
    name: str = Field("", max_length=64)


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    expires_at: dt.datetime


class PasswordIn(BodySchema):
    username: str = Field(..., min_length=1, max_length=64)
    old_password: str = Field(..., min_length=1, max_length=128)
    new_password: str = Field(..., min_length=1, max_length=128)
    otp: str | None = Field(None, max_length=8)


def _first_factor_and_otp(
    request: HttpRequest, username: str, password: str, otp: str | None
) -> auth.LoginResult:
    """The same checks as the login page: lockout, failures counted and audited, 2FA for admins."""
    ip = client_ip(request)
    result = auth.login_check_password(username=username, password=password, ip=ip)
    if result.otp_required:
        if auth.otp_device(result.user) is None:
            raise ServiceError(
                "管理员账户须先在网页登录并绑定动态口令。", "otp_enrolment_required", status=403
            )
        if not otp:
            raise ServiceError("管理员账户须提供动态口令（otp）。", "otp_required", status=401)
        auth.otp_verify(user=result.user, token=otp, ip=ip)
    return result


@router.post(
    "/token",
    auth=None,
    response={200: TokenOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="用用户名和密码换取令牌",
    description=(
        "与登录页相同的检查（连续失败锁定、管理员须动态口令、首次登录须先改密码）。令牌有效期见 "
        "`BAOSONG_API_TOKEN_HOURS`；长期令牌请在网页“个人信息”页创建。创建令牌按用户和 IP 限流，"
        "超出时答复 429（`rate_limited`，带 `Retry-After` 头）。"
    ),
)
def token_create(request: HttpRequest, body: TokenIn) -> TokenOut:
    ip = client_ip(request)
    auth.token_rate_check(ip=ip)  # before the password is even checked
    result = _first_factor_and_otp(request, body.username, body.password, body.otp)
    if result.password_change_required:
        raise ServiceError(
            "密码须先修改（首次登录或已过期），请调用 /auth/password 或在网页修改。",
            "password_change_required",
            status=403,
        )
    auth.login_succeeded(user=result.user, session_key=None, ip=client_ip(request), via="api")
    token, raw = auth.token_create(user=result.user, name=body.name, ip=ip, via="api")
    return TokenOut(token=raw, expires_at=token.expires_at)


class TokenInfoOut(Schema):
    id: int
    name: str
    prefix: str = Field(..., description="令牌开头几位，用于辨认；完整令牌只在创建时显示一次")
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    active: bool


def _token_info(t: ApiToken) -> TokenInfoOut:
    return TokenInfoOut(
        id=t.pk,
        name=t.name,
        prefix=t.prefix,
        created_at=t.created_at,
        expires_at=t.expires_at,
        last_used_at=t.last_used_at,
        revoked_at=t.revoked_at,
        active=t.revoked_at is None and t.expires_at > timezone.now(),
    )


@router.get("/tokens", response={200: list[TokenInfoOut]}, summary="我的令牌")
def token_list(request: HttpRequest) -> list[TokenInfoOut]:
    return [_token_info(t) for t in auth.tokens_of(request.auth)]  # type: ignore[attr-defined]


@router.delete("/tokens/{token_id}", response={200: TokenInfoOut, 404: ErrorOut}, summary="吊销我的令牌")
def token_revoke(request: HttpRequest, token_id: Id) -> TokenInfoOut:
    return _token_info(auth.token_revoke(token_id=token_id, by=request.auth))  # type: ignore[attr-defined]


@router.post("/password", auth=None, response={204: None, 401: ErrorOut, 422: ErrorOut})
def password_change(request: HttpRequest, body: PasswordIn) -> Status[None]:
    result = _first_factor_and_otp(request, body.username, body.old_password, body.otp)
    user: User = result.user
    try:
        with transaction.atomic():
            auth.password_change(user=user, new_password=body.new_password)
            # as on the page: a new password ends the other sessions and revokes every token
            auth.sessions_end_for_user(user=user, reason="password_change")
    except ValidationError as exc:
        raise ServiceError(
            "新密码不符合密码策略：" + "；".join(exc.messages), "weak_password", status=422
        ) from exc
    return Status(204, None)
