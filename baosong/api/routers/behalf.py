"""/registrations — 代为登记: interfaces over reports.behalf."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from baosong.api.pagination import PageQuery, paginate
from baosong.api.schemas import CATEGORY_CODES, BodySchema, CategoryCode, ErrorOut, Id
from baosong.orgs.models import User
from baosong.reports import behalf, files
from baosong.reports.models import BehalfRegistration, Channel, Submission, Urgency

router = Router(tags=["代为登记"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


class RegistrationIn(BodySchema):
    unit_id: Id = Field(..., description="报送单位：向登记单位报送信息的下级单位（或直报单位）")
    channel: Channel = Field(
        ..., description="报送渠道：paper 纸质、usb U盘、fax 传真、phone 电话、email 邮件"
    )
    author_id: Id = Field(..., description="署名作者：报送单位的在用人员，信息和个人积分计在其名下")
    writer_name: str = Field("", max_length=64, description="执笔人姓名（执笔人没有账号时填写）")
    title: str = Field(..., min_length=1, max_length=200)
    body: str = Field("", max_length=50_000)
    category: CategoryCode | None = Field(None, description=CATEGORY_CODES)
    urgency: Urgency = Urgency.NORMAL
    desk_id: Id | None = Field(None, description="登记到本人任采编人员的哪个单位；不填为第一个")


class RegistrationOut(Schema):
    report_id: int
    title: str
    status: str
    source_unit_id: int
    source_unit_name: str
    author_id: int
    author_name: str
    writer_name: str
    channel: str
    channel_label: str
    desk_id: int
    desk_name: str
    registered_by: int
    registered_by_name: str
    submission_id: int | None
    created_at: dt.datetime


class RegistrationCreated(RegistrationOut):
    id: int
    registration: dict[str, str]


class RegistrationPage(Schema):
    items: list[RegistrationOut]
    count: int


class RegistrationFileOut(Schema):
    id: int
    name: str
    kind: str
    size: int


def _out(reg: BehalfRegistration) -> RegistrationOut:
    report = reg.report
    sub = (
        Submission.objects.filter(report_id=reg.report_id, target_unit_id=reg.unit_id, is_active=True)
        .values_list("pk", flat=True)
        .first()
    )
    return RegistrationOut(
        report_id=report.pk,
        title=report.title,
        status=report.status,
        source_unit_id=report.source_unit_id,
        source_unit_name=report.source_unit.name,
        author_id=report.author_id,
        author_name=report.author.full_name,
        writer_name=reg.writer_name,
        channel=reg.channel,
        channel_label=reg.get_channel_display(),
        desk_id=reg.unit_id,
        desk_name=reg.unit.name,
        registered_by=reg.registered_by_id,
        registered_by_name=reg.registered_by.full_name,
        submission_id=sub,
        created_at=reg.created_at,
    )


@router.post(
    "/registrations",
    response={201: RegistrationCreated, **ERRORS},
    summary="代为登记下级单位报送的信息",
    description=(
        "采编人员登记下级单位以纸质、U盘、传真、电话或邮件报送的信息：信息属报送单位、署名作者，"
        "直接进入本单位收件箱（`submission_id`），与系统内报送一样计入统计和积分，并标明由谁代为登记、渠道。"
        "报送单位不向本单位报送（含其他县区的单位）答复 404；"
        "扫描件用 `POST /registrations/{report_id}/attachments` 上传。"
    ),
)
def registration_create(request: HttpRequest, body: RegistrationIn) -> Status[RegistrationCreated]:
    user = _user(request)
    report, _notes = behalf.report_register_on_behalf(by=user, **body.dict())
    out = _out(behalf.registration_for(user, report.pk))
    created = RegistrationCreated(
        **out.dict(), id=report.pk, registration={"channel": out.channel, "label": out.channel_label}
    )
    return Status(201, created)


@router.get("/registrations", response=RegistrationPage, summary="本单位代为登记的信息")
def registration_list(request: HttpRequest, params: Query[PageQuery]) -> RegistrationPage:
    items, count = paginate(behalf.registrations_by(_user(request)), params)
    return RegistrationPage(items=[_out(r) for r in items], count=count)


@router.get(
    "/registrations/{report_id}",
    response={200: RegistrationOut, 404: ErrorOut},
    summary="一条代为登记的记录",
)
def registration_read(request: HttpRequest, report_id: Id) -> RegistrationOut:
    return _out(behalf.registration_for(_user(request), report_id))


@router.post(
    "/registrations/{report_id}/attachments",
    response={201: RegistrationFileOut, **ERRORS, 413: ErrorOut, 415: ErrorOut},
    summary="为代为登记的信息上传扫描件或附件",
    description=(
        "multipart/form-data，字段 `file`。登记单位的采编人员上传纸质稿扫描件、U盘文件等；类型按内容识别，"
        "加密保存，记入审计日志。"
    ),
)
def registration_attach(
    request: HttpRequest, report_id: Id, file: File[UploadedFile]
) -> Status[RegistrationFileOut]:
    user = _user(request)
    attachment = behalf.registration_attach(
        registration=behalf.registration_for(user, report_id),
        by=user,
        name=file.name or "",
        data=files.upload_bytes(file),
    )
    return Status(
        201,
        RegistrationFileOut(
            id=attachment.pk, name=attachment.original_name, kind=attachment.kind, size=attachment.size
        ),
    )
