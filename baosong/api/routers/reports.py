"""/reports, /inbox, /submissions, /external-adoptions — interfaces over reports services and selectors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from baosong.api.pagination import PageQuery, paginate
from baosong.api.schemas import (
    ALLOWED,
    CATEGORY_CODES,
    BodySchema,
    CategoryCode,
    ElementText,
    ErrorOut,
    Id,
    IsoDate,
    IsoDateTime,
    Tag,
)
from baosong.core.actions import allowed_actions
from baosong.core.errors import NotFound, ServiceError
from baosong.editorial import selectors as editorial_selectors
from baosong.editorial import services as editorial_services
from baosong.orgs.models import Level, User
from baosong.orgs.selectors import roles_memo
from baosong.reports import files, selectors, services
from baosong.reports.models import (
    MAX_ELEMENTS,
    Attachment,
    ExternalAdoption,
    ForwardRequest,
    PublicScope,
    Report,
    ReportStatus,
    Submission,
    SubmissionStatus,
    Urgency,
    Usage,
)  # fmt: skip

router = Router(tags=["信息报送"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
UPLOAD_ERRORS: dict[int, Any] = {**ERRORS, 413: ErrorOut, 415: ErrorOut}
FILE_LIMIT = "文件大小上限由 `BAOSONG_ATTACHMENT_MAX_MB` 设定（默认 20 MB），超出答复 413 `file_too_large`"


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


ELEMENTS = (
    "要素：要素代码 → 内容。各类别的必备要素由系统管理员设定（突发事件：time 时间、place 地点、"
    "nature 事件性质、scope 影响范围、casualties 伤亡和损失、measures 已采取措施、next_steps 下步打算；"
    "时间、地点也可填在 event_time、place 中）"
)


class ReportIn(BodySchema):
    title: str = Field(..., max_length=200)
    body: str = Field("", max_length=50_000)
    category: CategoryCode | None = Field(
        None, description=CATEGORY_CODES + "。不填为 work_update（停用时为第一个在用的类别）"
    )
    urgency: Urgency = Urgency.NORMAL
    event_time: IsoDateTime | None = None
    place: str = Field("", max_length=200)
    public_scope: PublicScope = PublicScope.INTERNAL
    target_unit_ids: list[Id] | None = None
    co_unit_ids: list[Id] | None = None
    follow_up_of: int | None = None
    is_final: bool = False
    solicitation_id: Id | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=10)
    elements: dict[str, ElementText] = Field(
        default_factory=dict, max_length=MAX_ELEMENTS, description=ELEMENTS
    )
    sensitive: bool = False
    negative: bool = Field(
        False,
        description="负面/重大信息：本单位或上级单位流程中“仅限负面/重大信息”的审核步骤（如县委宣传部审核）据此生效",
    )
    unit_id: Id | None = None


class ReportPatch(BodySchema):
    title: str | None = Field(None, max_length=200)
    body: str | None = Field(None, max_length=50_000)
    category: CategoryCode | None = Field(None, description=CATEGORY_CODES)
    urgency: Urgency | None = None
    event_time: IsoDateTime | None = None
    place: str | None = Field(None, max_length=200)
    public_scope: PublicScope | None = None
    target_unit_ids: list[Id] | None = None
    co_unit_ids: list[Id] | None = None
    tags: list[Tag] | None = Field(None, max_length=10)
    elements: dict[str, ElementText] | None = Field(None, max_length=MAX_ELEMENTS, description=ELEMENTS)
    sensitive: bool | None = None
    negative: bool | None = None


class DecisionOut(Schema):
    submission_id: int
    unit_id: int
    unit_name: str
    level: str
    from_unit_id: int
    from_unit_name: str
    status: str
    status_label: str
    active: bool
    usage: str | None
    comment: str
    received_at: dt.datetime
    claimed_at: dt.datetime | None
    decided_at: dt.datetime | None
    forwarded_at: dt.datetime | None
    actor: str | None


class ReportOut(Schema):
    id: int
    status: ReportStatus
    title: str
    body: str
    category: str
    urgency: str
    event_time: dt.datetime | None
    place: str
    public_scope: str
    source_unit_id: int
    source_unit_name: str
    author_id: int
    author_name: str
    target_unit_ids: list[int]
    co_unit_ids: list[int]
    tags: list[str]
    elements: dict[str, str]
    sensitive: bool
    negative: bool
    follow_up_of: int | None
    follow_up_no: int
    follow_up_label: str
    is_final: bool
    solicitation_id: int | None
    review_chain: list[dict[str, Any]]
    review_step: int
    created_at: dt.datetime
    updated_at: dt.datetime
    sent_at: dt.datetime | None
    due_at: dt.datetime | None
    late: bool
    decisions: list[DecisionOut] = Field(default_factory=list)
    allowed_actions: list[str] = Field(default_factory=list, description=ALLOWED)
    import_notes: list[str] = Field(
        default_factory=list, description="仅“从 Word 导入”答复：表格、图片、脚注等如何导入、哪些未能导入"
    )


class ReportListItem(Schema):
    id: int
    status: str
    title: str
    category: str
    urgency: str
    source_unit_id: int
    author_name: str
    updated_at: dt.datetime
    sent_at: dt.datetime | None
    due_at: dt.datetime | None
    late: bool
    allowed_actions: list[str] = Field(default_factory=list, description=ALLOWED)


class ReportPage(Schema):
    items: list[ReportListItem]
    count: int


def _out(report: Report, *, user: User, with_trail: bool = True) -> ReportOut:
    return ReportOut(
        id=report.pk,
        status=ReportStatus(report.status),
        title=report.title,
        body=report.body,
        category=report.category,
        urgency=report.urgency,
        event_time=report.event_time,
        place=report.place,
        public_scope=report.public_scope,
        source_unit_id=report.source_unit_id,
        source_unit_name=report.source_unit.name,
        author_id=report.author_id,
        author_name=report.author.full_name,
        target_unit_ids=list(report.targets.values_list("pk", flat=True)),
        co_unit_ids=list(report.co_units.values_list("pk", flat=True)),
        tags=report.tags,
        elements=report.elements,
        sensitive=report.sensitive,
        negative=report.negative,
        follow_up_of=report.follow_up_of_id,
        follow_up_no=report.follow_up_no,
        follow_up_label=report.follow_up_label,
        is_final=report.is_final,
        solicitation_id=report.solicitation_id,
        review_chain=report.review_chain,
        review_step=report.review_step,
        created_at=report.created_at,
        updated_at=report.updated_at,
        sent_at=report.sent_at,
        due_at=report.due_at,
        late=report.late,
        decisions=[DecisionOut(**d) for d in selectors.report_trail(report)] if with_trail else [],
        allowed_actions=allowed_actions(report, user),
    )


class ReportFilter(PageQuery):
    mine: bool = False
    status: ReportStatus | None = None
    q: str | None = Field(None, max_length=100)


class CommentIn(BodySchema):
    comment: str = Field(default="", max_length=2000)


class ChecksOut(Schema):
    blocking: list[dict[str, Any]]
    warnings: list[dict[str, Any]]


@router.post("/reports", response={201: ReportOut, **ERRORS})
def report_create(request: HttpRequest, body: ReportIn) -> Status[ReportOut]:
    data = body.dict()
    report = services.report_create(by=_user(request), **data)
    return Status(201, _out(selectors.report_for(_user(request), report.pk), user=_user(request)))


@router.get("/reports", response=ReportPage)
def report_list(request: HttpRequest, filters: Query[ReportFilter]) -> ReportPage:
    qs = selectors.my_reports(_user(request), mine=filters.mine, status=filters.status, q=filters.q)
    items, count = paginate(selectors.with_targets_acted(qs), filters)
    user = _user(request)
    with roles_memo():
        return ReportPage(
            items=[
                ReportListItem(
                    id=r.pk,
                    status=r.status,
                    title=r.title,
                    category=r.category,
                    urgency=r.urgency,
                    source_unit_id=r.source_unit_id,
                    author_name=r.author.full_name,
                    updated_at=r.updated_at,
                    sent_at=r.sent_at,
                    due_at=r.due_at,
                    late=r.late,
                    allowed_actions=allowed_actions(r, user),
                )
                for r in items
            ],
            count=count,
        )


class LedgerQuery(Schema):
    date_from: IsoDate | None = Field(None, description="报送日期起（含）")
    date_to: IsoDate | None = Field(None, description="报送日期止（含）")
    category: CategoryCode | None = Field(None, description="信息类别代码")
    urgency: Urgency | None = None
    status: ReportStatus | None = None
    source: Id | None = Field(None, ge=1, le=2**62, description="报送单位编号，含其下级单位")
    adopted_level: Level | None = Field(None, description="在该层级被采用（含补录的外部采用）")
    q: str | None = Field(None, max_length=100, description="标题包含")


@router.get(
    "/reports/export.{fmt}",
    response={200: None, 400: ErrorOut, 404: ErrorOut},
    summary="导出信息台账（xlsx 或 csv）",
    description=(
        "可见范围内的信息，每条一行，含各级处理（单位、结果、用途、编辑、时间）、外部采用、迟报标记。"
        "CSV 为带 BOM 的 UTF-8。每次导出记入审计日志（`export.ledger`，含筛选条件和行数）。"
    ),
)
def ledger_export(request: HttpRequest, fmt: str, filters: Query[LedgerQuery]) -> HttpResponse:
    from django.http import FileResponse, StreamingHttpResponse
    from django.utils.http import content_disposition_header

    from baosong.reports import ledger

    if fmt not in ("xlsx", "csv"):
        raise NotFound("只提供 xlsx 和 csv 两种格式。")
    values = {k: (v.value if hasattr(v, "value") else v) for k, v in filters.dict().items()}
    f = ledger.LedgerFilters(**values)
    f.q = (f.q or "").strip() or None
    f.check()
    qs = ledger.ledger_queryset(_user(request), f)
    ledger.ledger_export_audit(user=_user(request), filters=f, rows=qs.count(), fmt=fmt, via="api")
    name = ledger.export_filename(fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(ledger.ledger_csv_stream(qs), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, name) or ""
        return response  # type: ignore[return-value]
    return FileResponse(  # type: ignore[return-value]
        ledger.ledger_xlsx_file(qs),
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# Before /reports/{report_id}: the route is tried in order.
@router.post(
    "/reports/import-docx",
    response={201: ReportOut, **UPLOAD_ERRORS},
    summary="从 Word 文件生成草稿",
    description=(
        "multipart/form-data，字段 `file`（.docx）。与网页“从 Word 导入”相同："
        "第一个标题段（没有则第一段）为标题，"
        "其余段落为正文（表格按行转为文字，脚注附在末尾，PNG/JPEG 图片作为附件）；"
        "`import_notes` 逐条说明转换与未能导入的内容。生成本人的信息草稿，请核对后再提交。"
        "非 .docx 答复 415 `not_docx`，"
        f"无法读取答复 400 `bad_docx`；{FILE_LIMIT}。"
    ),
)
def report_import_docx(request: HttpRequest, file: File[UploadedFile]) -> Status[ReportOut]:
    user = _user(request)
    report, notes = services.report_import_docx(by=user, data=files.upload_bytes(file))
    out = _out(selectors.report_for(user, report.pk), user=user)
    out.import_notes = notes
    return Status(201, out)


@router.get("/reports/{report_id}", response={200: ReportOut, 404: ErrorOut})
def report_read(request: HttpRequest, report_id: Id) -> ReportOut:
    return _out(selectors.report_for(_user(request), report_id), user=_user(request))


@router.patch("/reports/{report_id}", response={200: ReportOut, **ERRORS})
def report_patch(request: HttpRequest, report_id: Id, body: ReportPatch) -> ReportOut:
    report = selectors.report_for(_user(request), report_id)
    services.report_update(report=report, by=_user(request), **body.dict(exclude_unset=True))
    return _out(selectors.report_for(_user(request), report_id), user=_user(request))


@router.post("/reports/{report_id}/checks", response={200: ChecksOut, 404: ErrorOut})
def report_checks(request: HttpRequest, report_id: Id) -> dict[str, Any]:
    return services.report_checks(report=selectors.report_for(_user(request), report_id))


@router.post("/reports/{report_id}/submit", response={200: ReportOut, **ERRORS})
def report_submit(request: HttpRequest, report_id: Id) -> ReportOut:
    report = selectors.report_for(_user(request), report_id)
    return _out(
        selectors.report_for(_user(request), services.report_submit(report=report, by=_user(request)).pk),
        user=_user(request),
    )


@router.post("/reports/{report_id}/approve", response={200: ReportOut, **ERRORS})
def report_approve(request: HttpRequest, report_id: Id, body: CommentIn | None = None) -> ReportOut:
    body = body or CommentIn()
    report = selectors.report_for(_user(request), report_id)
    services.report_approve(report=report, by=_user(request), comment=body.comment)
    return _out(selectors.report_for(_user(request), report_id), user=_user(request))


@router.post("/reports/{report_id}/return", response={200: ReportOut, **ERRORS})
def report_return(request: HttpRequest, report_id: Id, body: CommentIn | None = None) -> ReportOut:
    body = body or CommentIn()
    report = selectors.report_for(_user(request), report_id)
    services.report_return(report=report, by=_user(request), comment=body.comment)
    return _out(selectors.report_for(_user(request), report_id), user=_user(request))


@router.post(
    "/reports/{report_id}/reopen",
    response={200: ReportOut, **ERRORS},
    summary="撤回的信息恢复为草稿",
    description="已撤回（`withdrawn`）的信息恢复为草稿（`draft`），可修改后重新提交；被审核退回的信息无须恢复，直接修改后提交。",
)
def report_reopen(request: HttpRequest, report_id: Id) -> ReportOut:
    report = selectors.report_for(_user(request), report_id)
    services.report_reopen(report=report, by=_user(request))
    return _out(selectors.report_for(_user(request), report_id), user=_user(request))


@router.post("/reports/{report_id}/withdraw", response={200: ReportOut, **ERRORS})
def report_withdraw(request: HttpRequest, report_id: Id) -> ReportOut:
    report = selectors.report_for(_user(request), report_id)
    services.report_withdraw(report=report, by=_user(request))
    return _out(selectors.report_for(_user(request), report_id), user=_user(request))


class NegativeIn(BodySchema):
    negative: bool


@router.post("/reports/{report_id}/negative", response={200: ReportOut, **ERRORS})
def report_negative(request: HttpRequest, report_id: Id, body: NegativeIn) -> ReportOut:
    report = selectors.report_for(_user(request), report_id)
    services.report_set_negative(report=report, by=_user(request), negative=body.negative)
    return _out(selectors.report_for(_user(request), report_id), user=_user(request))


# ---- attachments and Word import --------------------------------------------------------------------


class AttachmentOut(Schema):
    id: int
    report_id: int
    name: str
    kind: str = Field(description="按文件内容识别的类型：pdf、docx、xlsx、pptx、ofd、ole、png、jpg、gif")
    content_type: str
    size: int
    digest: str = Field(description="文件内容的 SM3 摘要（十六进制）")
    uploaded_by: str
    created_at: dt.datetime


class AttachmentPage(Schema):
    items: list[AttachmentOut]
    count: int


def _attachment_out(a: Attachment) -> AttachmentOut:
    return AttachmentOut(
        id=a.pk,
        report_id=a.report_id,
        name=a.original_name,
        kind=a.kind,
        content_type=a.content_type,
        size=a.size,
        digest=a.digest,
        uploaded_by=a.uploaded_by.full_name,
        created_at=a.created_at,
    )


@router.get(
    "/reports/{report_id}/attachments",
    response={200: AttachmentPage, 404: ErrorOut},
    summary="信息的附件",
)
def attachment_list(request: HttpRequest, report_id: Id, page: Query[PageQuery]) -> AttachmentPage:
    report = selectors.report_for(_user(request), report_id)
    items, count = paginate(selectors.report_attachments(report), page)
    return AttachmentPage(items=[_attachment_out(a) for a in items], count=count)


@router.post(
    "/reports/{report_id}/attachments",
    response={201: AttachmentOut, **UPLOAD_ERRORS},
    summary="上传附件",
    description=(
        "multipart/form-data，字段 `file`。草稿或被退回的信息，由作者或本单位信息员上传。文件类型按内容识别"
        f"（允许 {files.ALLOWED_LABELS}），不符答复 415 `file_type_refused`；{FILE_LIMIT}。"
        "文件加密保存，上传记入审计日志（“上传附件”）。"
    ),
)
def attachment_upload(request: HttpRequest, report_id: Id, file: File[UploadedFile]) -> Status[AttachmentOut]:
    user = _user(request)
    report = selectors.report_for(user, report_id)
    attachment = files.attachment_add(
        report=report, by=user, name=file.name or "", size=file.size or 0, data=files.upload_bytes(file)
    )
    return Status(201, _attachment_out(selectors.report_attachments(report).get(pk=attachment.pk)))


FILE_TYPES = sorted({k.content_type for k in files.KINDS.values()})


@router.get(
    "/reports/{report_id}/attachments/{attachment_id}",
    response={200: None, 404: ErrorOut},
    summary="下载附件",
    description="返回附件文件本身（作为下载，不在浏览器中打开）。每次下载记入审计日志（“下载附件”）。",
    openapi_extra={
        "responses": {
            "200": {
                "description": "附件文件",
                "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in FILE_TYPES},
            }
        }
    },
)
def attachment_download(request: HttpRequest, report_id: Id, attachment_id: Id) -> HttpResponse:
    user = _user(request)
    report = selectors.report_for(user, report_id)
    attachment = selectors.attachment_for(user, attachment_id, report=report)
    data = files.attachment_read(attachment=attachment, by=user)
    return files.download_response(data, attachment.content_type, attachment.original_name)


@router.delete(
    "/reports/{report_id}/attachments/{attachment_id}",
    response={204: None, **ERRORS},
    summary="删除附件",
    description="草稿或被退回的信息，由作者或本单位信息员删除；记入审计日志（“删除附件”）。",
)
def attachment_remove(request: HttpRequest, report_id: Id, attachment_id: Id) -> Status[None]:
    user = _user(request)
    report = selectors.report_for(user, report_id)
    files.attachment_remove(attachment=selectors.attachment_for(user, attachment_id, report=report), by=user)
    return Status(204, None)


class ExternalAdoptionIn(BodySchema):
    publication_name: str = Field(..., min_length=1, max_length=100)
    level: ExternalAdoption.Level
    date: IsoDate
    unit_id: Id | None = None


class ExternalAdoptionOut(Schema):
    id: int
    report_id: int
    publication_name: str
    level: str
    date: dt.date


@router.post("/reports/{report_id}/external-adoptions", response={201: ExternalAdoptionOut, **ERRORS})
def external_adoption(
    request: HttpRequest, report_id: Id, body: ExternalAdoptionIn
) -> Status[ExternalAdoptionOut]:
    user = _user(request)
    report = selectors.report_for(user, report_id)
    from baosong.orgs.models import Role
    from baosong.orgs.selectors import units_acting_for

    units = units_acting_for(user, Role.EDITOR)
    unit = units.filter(pk=body.unit_id).first() if body.unit_id else units.order_by("-path").first()
    if unit is None:
        from baosong.core.errors import Forbidden

        raise Forbidden("只有采编人员可以补录外部采用。")
    adoption = services.external_adoption_record(
        report=report,
        by=user,
        unit=unit,
        publication_name=body.publication_name,
        level=body.level,
        date=body.date,
    )
    return Status(
        201,
        ExternalAdoptionOut(
            id=adoption.pk,
            report_id=report.pk,
            publication_name=adoption.publication_name,
            level=adoption.level,
            date=adoption.date,
        ),
    )


# ---- inbox and submissions ------------------------------------------------------------------------


class InboxFilter(PageQuery):
    status: SubmissionStatus | None = None
    category: CategoryCode | None = Field(None, description="信息类别代码")
    urgency: Urgency | None = None
    source_unit: int | None = None
    late: bool | None = None
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None
    q: str | None = Field(None, max_length=100)
    sort: str = Field("default", pattern="^(default|due|oldest)$")
    verifying: bool = Field(False, description="只看待核实的信息（有未答复的核实请求）")


class InboxItem(Schema):
    id: int
    report_id: int
    title: str
    source_unit: str
    source_unit_id: int
    sender_unit: str
    status: SubmissionStatus
    category: str
    urgent: bool
    urgency: str
    received_at: dt.datetime
    due_at: dt.datetime | None
    late: bool
    follow_up_label: str
    allowed_actions: list[str] = Field(default_factory=list, description=ALLOWED)


class InboxPage(Schema):
    items: list[InboxItem]
    count: int


RANK_TO_URGENCY = {0: "very_urgent", 1: "urgent", 2: "normal"}


def _inbox_item(s: Submission, *, user: User) -> InboxItem:
    open_ = s.status in {SubmissionStatus.RECEIVED, SubmissionStatus.CLAIMED}
    from django.utils import timezone

    return InboxItem(
        id=s.pk,
        report_id=s.report_id,
        title=s.title,
        source_unit=s.report.source_unit.name,
        source_unit_id=s.report.source_unit_id,
        sender_unit=s.sender_unit.name,
        status=SubmissionStatus(s.status),
        category=s.category,
        urgent=s.urgency_rank < 2,
        urgency=RANK_TO_URGENCY[s.urgency_rank],
        received_at=s.received_at,
        due_at=s.due_at,
        late=bool(s.report.late or (open_ and s.due_at and s.due_at < timezone.now())),
        follow_up_label=s.report.follow_up_label,
        allowed_actions=allowed_actions(s, user),
    )


@router.get("/inbox", response=InboxPage)
def inbox(request: HttpRequest, filters: Query[InboxFilter]) -> InboxPage:
    if filters.category and filters.category not in selectors.category_labels():
        raise ServiceError("信息类别取值无效。", "invalid_filter", status=422)
    f = selectors.InboxFilters(**filters.dict(exclude={"page", "page_size"}))
    items, count = paginate(selectors.inbox(_user(request), f), filters)
    with roles_memo():
        return InboxPage(items=[_inbox_item(s, user=_user(request)) for s in items], count=count)


class SubmissionOut(InboxItem):
    body: str
    target_unit_id: int
    claimed_by: str | None
    usage: str | None
    issue_id: int | None
    comment: str
    forwarded_from: int | None
    forward_request_id: int | None = Field(
        None, description="本单位最近一次转报签发申请（本单位设有转报签发流程时）"
    )
    forward_request_status: str | None = Field(
        None, description="pending 待签发 / signed 已签发 / refused 未同意 / cancelled 已撤回"
    )
    signoff_id: int | None = Field(None, description="本条由下级经转报签发报来时，其签发申请")
    sign_after: bool = Field(False, description="先报后签：下级紧急信息先行报出、事后补签")


def _submission_out(s: Submission, *, user: User) -> SubmissionOut:
    item = _inbox_item(s, user=user)
    latest = s.forward_requests.order_by("-created_at", "-id").first()
    return SubmissionOut(
        **item.dict(),
        body=s.body,
        target_unit_id=s.target_unit_id,
        claimed_by=s.claimed_by.full_name if s.claimed_by else None,
        usage=s.usage or None,
        issue_id=s.issue_id,
        comment=s.comment,
        forwarded_from=s.forwarded_from_id,
        forward_request_id=latest.pk if latest else None,
        forward_request_status=latest.status if latest else None,
        signoff_id=s.signoff_id,
        sign_after=bool(s.signoff_id and s.signoff and s.signoff.sign_after),
    )


class AdoptIn(BodySchema):
    usage: Usage = Usage.ISSUE
    issue_id: Id | None = None
    comment: str = Field(default="", max_length=2000)


class ForwardIn(BodySchema):
    target_unit_ids: list[Id] | None = None
    comment: str = Field(default="", max_length=2000)


class EditIn(BodySchema):
    title: str = Field(..., min_length=1, max_length=200)
    body: str = Field("", max_length=50_000)


def _reload(request: HttpRequest, pk: Id) -> SubmissionOut:
    return _submission_out(selectors.submission_for_editor(_user(request), pk), user=_user(request))


@router.get("/submissions/{submission_id}", response={200: SubmissionOut, 404: ErrorOut})
def submission_read(request: HttpRequest, submission_id: Id) -> SubmissionOut:
    return _reload(request, submission_id)


@router.patch("/submissions/{submission_id}", response={200: SubmissionOut, **ERRORS})
def submission_edit(request: HttpRequest, submission_id: Id, body: EditIn) -> SubmissionOut:
    sub = selectors.submission_for_editor(_user(request), submission_id)
    services.submission_edit(submission=sub, by=_user(request), title=body.title, body=body.body)
    return _reload(request, submission_id)


@router.post("/submissions/{submission_id}/claim", response={200: SubmissionOut, **ERRORS})
def submission_claim(request: HttpRequest, submission_id: Id) -> SubmissionOut:
    sub = selectors.submission_for_editor(_user(request), submission_id)
    services.submission_claim(submission=sub, by=_user(request))
    return _reload(request, submission_id)


@router.post("/submissions/{submission_id}/adopt", response={200: SubmissionOut, **ERRORS})
def submission_adopt(request: HttpRequest, submission_id: Id, body: AdoptIn | None = None) -> SubmissionOut:
    body = body or AdoptIn()
    user = _user(request)
    sub = selectors.submission_for_editor(user, submission_id)
    if body.issue_id is not None:
        # With issue_id the item joins that issue in the same transaction (editorial adopts it there).
        issue = editorial_selectors.issue_for(user, body.issue_id)
        if sub.status not in {SubmissionStatus.RECEIVED, SubmissionStatus.CLAIMED}:
            services.submission_adopt(submission=sub, by=user, usage=body.usage, comment=body.comment)
        editorial_services.issue_item_add(issue=issue, by=user, submission_ids=[sub.pk])
        return _reload(request, submission_id)
    services.submission_adopt(submission=sub, by=user, usage=body.usage, comment=body.comment)
    return _reload(request, submission_id)


@router.post("/submissions/{submission_id}/decline", response={200: SubmissionOut, **ERRORS})
def submission_decline(
    request: HttpRequest, submission_id: Id, body: CommentIn | None = None
) -> SubmissionOut:
    body = body or CommentIn()
    sub = selectors.submission_for_editor(_user(request), submission_id)
    services.submission_decline(submission=sub, by=_user(request), comment=body.comment)
    return _reload(request, submission_id)


@router.post("/submissions/{submission_id}/return", response={200: SubmissionOut, **ERRORS})
def submission_return(
    request: HttpRequest, submission_id: Id, body: CommentIn | None = None
) -> SubmissionOut:
    body = body or CommentIn()
    sub = selectors.submission_for_editor(_user(request), submission_id)
    services.submission_return(submission=sub, by=_user(request), comment=body.comment)
    return _reload(request, submission_id)


@router.post("/submissions/{submission_id}/forward", response={200: SubmissionOut, **ERRORS})
def submission_forward(
    request: HttpRequest, submission_id: Id, body: ForwardIn | None = None
) -> SubmissionOut:
    body = body or ForwardIn()
    sub = selectors.submission_for_editor(_user(request), submission_id)
    services.submission_forward(
        submission=sub, by=_user(request), target_unit_ids=body.target_unit_ids, comment=body.comment
    )
    return _reload(request, submission_id)


# ---- 转报签发 ----------------------------------------------------------------------------------------


class ForwardStepOut(Schema):
    label: str
    role: str | None = None
    user_id: int | None = None
    unit_id: int | None = Field(None, description="签发角色所在单位（本单位以外的审核人）；空为转报单位")


class ForwardRequestOut(Schema):
    id: int
    status: str
    status_label: str
    submission_id: int
    report_id: int
    unit_id: int
    unit_name: str
    title: str
    body: str
    comment: str
    target_unit_ids: list[int]
    sign_after: bool = Field(description="先报后签：紧急信息已先行报出，本签发为补签")
    chain: list[ForwardStepOut]
    step: int
    trail: list[dict[str, Any]]
    requested_by: str
    created_at: dt.datetime
    decided_at: dt.datetime | None
    decision_comment: str
    allowed_actions: list[str] = Field(default_factory=list, description=ALLOWED)


class ForwardSignIn(BodySchema):
    comment: str = Field(default="", max_length=2000)


def _forward_out(fr: ForwardRequest, *, user: User) -> ForwardRequestOut:
    return ForwardRequestOut(
        id=fr.pk,
        status=fr.status,
        status_label=fr.get_status_display(),
        submission_id=fr.submission_id,
        report_id=fr.submission.report_id,
        unit_id=fr.unit_id,
        unit_name=fr.unit.name,
        title=fr.title,
        body=fr.body,
        comment=fr.comment,
        target_unit_ids=fr.target_ids,
        sign_after=fr.sign_after,
        chain=[ForwardStepOut(**step) for step in fr.chain],
        step=fr.step,
        trail=fr.trail,
        requested_by=fr.requested_by.full_name,
        created_at=fr.created_at,
        decided_at=fr.decided_at,
        decision_comment=fr.decision_comment,
        allowed_actions=allowed_actions(fr, user),
    )


def _forward_reload(request: HttpRequest, pk: Id) -> ForwardRequestOut:
    return _forward_out(selectors.forward_request_for(_user(request), pk), user=_user(request))


@router.get("/forward-requests", response=list[ForwardRequestOut])
def forward_requests_waiting(request: HttpRequest) -> list[ForwardRequestOut]:
    user = _user(request)
    with roles_memo():
        return [_forward_out(fr, user=user) for fr in selectors.forward_queue(user)[:200]]


@router.get("/forward-requests/{request_id}", response={200: ForwardRequestOut, 404: ErrorOut})
def forward_request_read(request: HttpRequest, request_id: Id) -> ForwardRequestOut:
    return _forward_reload(request, request_id)


@router.post("/forward-requests/{request_id}/sign", response={200: ForwardRequestOut, **ERRORS})
def forward_request_sign(
    request: HttpRequest, request_id: Id, body: ForwardSignIn | None = None
) -> ForwardRequestOut:
    fr = selectors.forward_request_for(_user(request), request_id)
    services.forward_sign(request=fr, by=_user(request), comment=(body or ForwardSignIn()).comment)
    return _forward_reload(request, request_id)


@router.post("/forward-requests/{request_id}/refuse", response={200: ForwardRequestOut, **ERRORS})
def forward_request_refuse(request: HttpRequest, request_id: Id, body: ForwardSignIn) -> ForwardRequestOut:
    fr = selectors.forward_request_for(_user(request), request_id)
    services.forward_refuse(request=fr, by=_user(request), comment=body.comment)
    return _forward_reload(request, request_id)


@router.post("/forward-requests/{request_id}/cancel", response={200: ForwardRequestOut, **ERRORS})
def forward_request_cancel(request: HttpRequest, request_id: Id) -> ForwardRequestOut:
    fr = selectors.forward_request_for(_user(request), request_id)
    services.forward_cancel(request=fr, by=_user(request))
    return _forward_reload(request, request_id)


@router.post("/submissions/{submission_id}/resubmit", response={200: ReportOut, **ERRORS})
def submission_resubmit(request: HttpRequest, submission_id: Id, body: EditIn) -> ReportOut:
    sub = selectors.submission_for_author(_user(request), submission_id)
    services.submission_resubmit(submission=sub, by=_user(request), title=body.title, body=body.body)
    return _out(selectors.report_for(_user(request), sub.report_id), user=_user(request))
