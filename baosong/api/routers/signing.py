"""文件核验: anyone holding a released issue or 通报 checks it — no account needed, like the /verify/ page."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Router, Schema, UploadedFile
from pydantic import Field

from baosong.api.schemas import ErrorOut
from baosong.core.errors import ServiceError
from baosong.signing import selectors, services
from baosong.signing.views import rate_limited, read_upload

router = Router(tags=["文件核验"])


class VerifyVerdictOut(Schema):
    status: str = Field(
        description="valid 有效 / altered 已被改动 / unknown_issuer 签发单位未知 / unknown 未知"
    )
    label: str
    message: str
    issuer: str
    title: str
    signed_at: str | None
    format: str
    sm3: str = Field(description="所核验内容（文件去掉签名信息后）的 SM3 摘要")
    key_id: str
    key_status: str
    signed: bool
    revoked: str = Field(description="该期签发后被撤回时的说明")


class SignedFormatOut(Schema):
    format: str
    sm3: str
    signed: bool


class SignedReleaseOut(Schema):
    kind: str
    title: str
    issuer: str
    signed_at: str
    revoked: str
    formats: list[SignedFormatOut]


class SignedReleasesOut(Schema):
    items: list[SignedReleaseOut]
    count: int


class RateLimited(ServiceError):
    retry_after = 60

    def __init__(self) -> None:
        super().__init__("核验过于频繁，请一分钟后再试。", "rate_limited", status=429)


ERRORS = {400: ErrorOut, 413: ErrorOut, 422: ErrorOut, 429: ErrorOut}


@router.post(
    "/verify",
    response={200: VerifyVerdictOut, **ERRORS},
    auth=None,
    summary="核验文件",
    description=(
        "multipart/form-data，字段 `file`：本系统签发的刊物或发布的通报文件（PDF、DOCX、OFD、XLSX）。"
        "不需要登录。`status`：`valid` 有效（与签发时一致）、`altered` 已被改动、"
        "`unknown_issuer` 带有签名但密钥不在本系统公钥列表中、`unknown` 既无签名也无发布记录。"
    ),
)
def verify_file(request: HttpRequest, file: File[UploadedFile]) -> VerifyVerdictOut:
    if rate_limited(request):
        raise RateLimited()
    verdict = services.verify_bytes(read_upload(file))
    return VerifyVerdictOut(**verdict.as_dict())


@router.get(
    "/verify",
    response={200: SignedReleasesOut, **ERRORS},
    auth=None,
    summary="按期号查询发布记录",
    description="`number`：期号或文件名称的一部分（如“2026年第3期”），至少 2 个字；最多 30 个文件。",
)
def verify_number(request: HttpRequest, number: str = "") -> SignedReleasesOut:
    if rate_limited(request):
        raise RateLimited()
    groups = selectors.release_groups(services.lookup_number(number))
    items = [
        SignedReleaseOut(
            kind=g.formats[0].kind,
            title=g.title,
            issuer=g.issuer,
            signed_at=g.signed_at.isoformat(),
            revoked=g.revoked,
            formats=[SignedFormatOut(format=d.fmt, sm3=d.sm3, signed=bool(d.signature)) for d in g.formats],
        )
        for g in groups
    ]
    return SignedReleasesOut(items=items, count=len(items))
