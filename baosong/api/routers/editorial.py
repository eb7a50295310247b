"""/publications, /issues — composing and releasing issues; /instructions — 批示 and 落实反馈."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from ninja import Field, Query, Router, Schema, Status

from baosong.api.pagination import PageQuery, paginate
from baosong.api.schemas import ALLOWED, BodySchema, ErrorOut, Id, IsoDate, ShortName
from baosong.core.actions import allowed_actions, record
from baosong.core.errors import NotFound, ServiceError
from baosong.editorial import documents, release, selectors, services
from baosong.editorial import workflow as issue_wf
from baosong.editorial.models import (
    Issue,
    IssueItem,
    IssueStatus,
    Publication,
    PublicationKind,
    RecipientGroup,
)
from baosong.instructions import selectors as instruction_selectors
from baosong.instructions import services as instruction_services
from baosong.instructions.models import Instruction, InstructionLevel
from baosong.orgs.models import Role, User
from baosong.orgs.selectors import admin_scope_units, roles_memo

router = Router(tags=["刊物与批示"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


class RecipientIn(BodySchema):
    up: list[ShortName] = Field(
        default_factory=list, max_length=200, description="报：单位名称/代码或领导姓名"
    )
    peer: list[ShortName] = Field(default_factory=list, max_length=200, description="送")
    down: list[ShortName] = Field(default_factory=list, max_length=200, description="发")


class PublicationIn(BodySchema):
    unit_id: Id
    name: str = Field(..., min_length=1, max_length=50)
    kind: PublicationKind = PublicationKind.REGULAR
    columns: list[ShortName] = Field(default_factory=list, max_length=20)
    print_count: int = Field(0, ge=0, le=100_000)
    signer_role: str = Role.CHIEF
    marking: str = Field("内部资料", max_length=20)
    total_base: int = Field(0, ge=0)
    base_year: int | None = None
    base_number: int = Field(0, ge=0)
    recipients: RecipientIn | None = None


class RecipientOut(Schema):
    group: str
    name: str
    unit_id: int | None
    user_id: int | None


class PublicationOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    name: str
    kind: str
    columns: list[str]
    print_count: int
    signer_role: str
    marking: str
    is_active: bool
    recipients: list[RecipientOut]


def _pub_out(p: Publication) -> PublicationOut:
    return PublicationOut(
        id=p.pk,
        unit_id=p.unit_id,
        unit_name=p.unit.name,
        name=p.name,
        kind=p.kind,
        columns=p.columns,
        print_count=p.print_count,
        signer_role=p.signer_role,
        marking=p.marking,
        is_active=p.is_active,
        recipients=[
            RecipientOut(group=r.group, name=r.name, unit_id=r.unit_id, user_id=r.user_id)
            for r in p.recipients.all()
        ],
    )


class PublicationPage(Schema):
    items: list[PublicationOut]
    count: int


@router.get("/publications", response={200: PublicationPage})
def publication_list(request: HttpRequest, page: Query[PageQuery]) -> PublicationPage:
    user = _user(request)
    admin = selectors.publications_admin(user)
    qs = admin if admin.exists() else selectors.publications_for_desk(user)
    items, count = paginate(qs.prefetch_related("recipients"), page)
    return PublicationPage(items=[_pub_out(p) for p in items], count=count)


@router.post("/publications", response={201: PublicationOut, **ERRORS})
def publication_create(request: HttpRequest, body: PublicationIn) -> Status[PublicationOut]:
    user = _user(request)
    unit = admin_scope_units(user).filter(pk=body.unit_id).first()
    if unit is None:
        raise NotFound("单位不存在或不在您的管理范围内。")
    recipients = None
    if body.recipients is not None:
        recipients = {g: "\n".join(getattr(body.recipients, g)) for g in RecipientGroup.values}
    pub = services.publication_save(
        by=user,
        unit=unit,
        name=body.name,
        kind=body.kind,
        columns=body.columns,
        print_count=body.print_count,
        signer_role=body.signer_role,
        marking=body.marking,
        total_base=body.total_base,
        base_year=body.base_year,
        base_number=body.base_number,
        recipients=recipients,
    )
    return Status(201, _pub_out(pub))


class IssueIn(BodySchema):
    publication_id: Id
    is_supplement: bool = False
    headline: str = Field("", max_length=100)


class ItemSourceOut(Schema):
    submission_id: int
    report_id: int
    source_unit_id: int
    source_unit_name: str


class IssueItemOut(Schema):
    id: int
    kind: str
    column: str
    position: int
    title: str
    body: str
    editor_note: str
    sources: list[ItemSourceOut]


class IssueOut(Schema):
    id: int
    publication_id: int
    publication_name: str
    is_supplement: bool
    status: IssueStatus
    status_label: str
    year: int | None
    number: int | None
    total_number: int | None
    number_text: str
    headline: str
    signed_by: str | None
    signed_at: dt.datetime | None
    distributed_at: dt.datetime | None
    published_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    withdraw_reason: str
    items: list[IssueItemOut]
    allowed_actions: list[str] = Field(default_factory=list, description=ALLOWED)


class IssueListItem(Schema):
    id: int
    publication_id: int
    publication_name: str
    status: IssueStatus
    number: int | None
    total_number: int | None
    number_text: str
    headline: str
    created_at: dt.datetime
    allowed_actions: list[str] = Field(default_factory=list, description=ALLOWED)


class IssuePage(Schema):
    items: list[IssueListItem]
    count: int


def _issue_out(issue: Issue, *, user: User) -> IssueOut:
    items = selectors.issue_items(issue)
    return IssueOut(
        id=issue.pk,
        publication_id=issue.publication_id,
        publication_name=issue.publication.name,
        is_supplement=issue.is_supplement,
        status=IssueStatus(issue.status),
        status_label=IssueStatus(issue.status).label,
        year=issue.year,
        number=issue.number,
        total_number=issue.total_number,
        number_text=issue.number_text,
        headline=issue.headline,
        signed_by=issue.signed_by.full_name if issue.signed_by else None,
        signed_at=issue.signed_at,
        distributed_at=issue.distributed_at,
        published_at=issue.published_at,
        withdrawn_at=issue.withdrawn_at,
        withdraw_reason=issue.withdraw_reason,
        allowed_actions=allowed_actions(issue, user),
        items=[
            IssueItemOut(
                id=i.pk,
                kind=i.kind,
                column=i.column,
                position=i.position,
                title=i.title,
                body=i.body,
                editor_note=i.editor_note,
                sources=[
                    ItemSourceOut(
                        submission_id=s.submission_id,
                        report_id=s.submission.report_id,
                        source_unit_id=s.submission.report.source_unit_id,
                        source_unit_name=s.submission.report.source_unit.name,
                    )
                    for s in i.sources.all()
                ],
            )
            for i in items
        ],
    )


def _reload(request: HttpRequest, issue_id: Id) -> IssueOut:
    return _issue_out(selectors.issue_for(_user(request), issue_id), user=_user(request))


def _desk(request: HttpRequest, issue_id: Id) -> Issue:
    issue = selectors.issue_for(_user(request), issue_id)
    if not selectors.is_desk(_user(request), issue):
        raise NotFound()
    return issue


class IssueFilter(PageQuery):
    status: IssueStatus | None = None
    publication_id: Id | None = None


@router.get("/issues", response={200: IssuePage})
def issue_list(request: HttpRequest, filters: Query[IssueFilter]) -> IssuePage:
    qs = selectors.desk_issues(_user(request), status=filters.status, publication=filters.publication_id)
    items, count = paginate(qs, filters)
    user = _user(request)
    with roles_memo():
        rows = [
            IssueListItem(
                id=i.pk,
                publication_id=i.publication_id,
                publication_name=i.publication.name,
                status=IssueStatus(i.status),
                number=i.number,
                total_number=i.total_number,
                number_text=i.number_text,
                headline=i.headline,
                created_at=i.created_at,
                allowed_actions=allowed_actions(i, user),
            )
            for i in items
        ]
    return IssuePage(items=rows, count=count)


@router.post("/issues", response={201: IssueOut, **ERRORS})
def issue_create(request: HttpRequest, body: IssueIn) -> Status[IssueOut]:
    user = _user(request)
    pub = selectors.publications_for_desk(user, Role.EDITOR).filter(pk=body.publication_id).first()
    if pub is None:
        raise NotFound("刊物不存在或您不是其采编人员。")
    issue = services.issue_create(
        by=user, publication=pub, is_supplement=body.is_supplement, headline=body.headline
    )
    return Status(201, _reload(request, issue.pk))


@router.get("/issues/{issue_id}", response={200: IssueOut, 404: ErrorOut})
def issue_read(request: HttpRequest, issue_id: Id) -> IssueOut:
    issue = selectors.issue_for(_user(request), issue_id)
    if issue.status in {IssueStatus.EDITING, IssueStatus.PENDING_SIGNATURE} and not selectors.is_desk(
        _user(request), issue
    ):
        raise NotFound()
    if not selectors.is_desk(_user(request), issue):
        services.issue_mark_read(issue=issue, user=_user(request))
    return _issue_out(issue, user=_user(request))


class ItemAddIn(BodySchema):
    submission_id: Id | None = None
    submission_ids: list[Id] | None = Field(None, max_length=200)
    column: str = Field("", max_length=30)
    kind: IssueItem.Kind = IssueItem.Kind.ARTICLE


@router.post("/issues/{issue_id}/items", response={201: IssueOut, **ERRORS})
def issue_item_add(request: HttpRequest, issue_id: Id, body: ItemAddIn) -> Status[IssueOut]:
    ids = list(body.submission_ids or []) + ([body.submission_id] if body.submission_id else [])
    services.issue_item_add(
        issue=_desk(request, issue_id),
        by=_user(request),
        submission_ids=ids,
        column=body.column,
        kind=body.kind,
    )
    return Status(201, _reload(request, issue_id))


class ItemPatch(BodySchema):
    title: str | None = Field(None, max_length=200)
    body: str | None = Field(None, max_length=50_000)
    editor_note: str | None = Field(None, max_length=5_000)
    column: str | None = Field(None, max_length=30)
    kind: IssueItem.Kind | None = None


@router.patch("/issues/{issue_id}/items/{item_id}", response={200: IssueOut, **ERRORS})
def issue_item_edit(request: HttpRequest, issue_id: Id, item_id: Id, body: ItemPatch) -> IssueOut:
    issue = _desk(request, issue_id)
    item = issue.items.filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    services.issue_item_edit(item=item, by=_user(request), **body.dict(exclude_unset=True))
    return _reload(request, issue_id)


@router.delete("/issues/{issue_id}/items/{item_id}", response={200: IssueOut, **ERRORS})
def issue_item_remove(request: HttpRequest, issue_id: Id, item_id: Id) -> IssueOut:
    issue = _desk(request, issue_id)
    item = issue.items.filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    services.issue_item_remove(item=item, by=_user(request))
    return _reload(request, issue_id)


class OrderIn(BodySchema):
    item_ids: list[Id] = Field(..., max_length=500)


@router.post("/issues/{issue_id}/order", response={200: IssueOut, **ERRORS})
def issue_reorder(request: HttpRequest, issue_id: Id, body: OrderIn) -> IssueOut:
    services.issue_items_reorder(issue=_desk(request, issue_id), by=_user(request), item_ids=body.item_ids)
    return _reload(request, issue_id)


class MergeIn(BodySchema):
    item_ids: list[Id] = Field(..., max_length=50)
    title: str = Field("", max_length=200)


@router.post("/issues/{issue_id}/merge", response={200: IssueOut, **ERRORS})
def issue_merge(request: HttpRequest, issue_id: Id, body: MergeIn) -> IssueOut:
    services.issue_items_merge(
        issue=_desk(request, issue_id), by=_user(request), item_ids=body.item_ids, title=body.title
    )
    return _reload(request, issue_id)


class CommentIn(BodySchema):
    comment: str = Field(default="", max_length=2000)


class ReasonIn(BodySchema):
    reason: str = Field(default="", max_length=2000)


@router.post("/issues/{issue_id}/submit", response={200: IssueOut, **ERRORS})
def issue_submit(request: HttpRequest, issue_id: Id) -> IssueOut:
    services.issue_submit(issue=_desk(request, issue_id), by=_user(request))
    return _reload(request, issue_id)


@router.post("/issues/{issue_id}/recall", response={200: IssueOut, **ERRORS})
def issue_recall(request: HttpRequest, issue_id: Id) -> IssueOut:
    services.issue_recall(issue=_desk(request, issue_id), by=_user(request))
    return _reload(request, issue_id)


@router.post("/issues/{issue_id}/return", response={200: IssueOut, **ERRORS})
def issue_return(request: HttpRequest, issue_id: Id, body: CommentIn | None = None) -> IssueOut:
    services.issue_return(
        issue=_desk(request, issue_id), by=_user(request), comment=(body or CommentIn()).comment
    )
    return _reload(request, issue_id)


@router.post("/issues/{issue_id}/sign", response={200: IssueOut, **ERRORS})
def issue_sign(request: HttpRequest, issue_id: Id) -> IssueOut:
    services.issue_sign(issue=_desk(request, issue_id), by=_user(request))
    return _reload(request, issue_id)


@router.post("/issues/{issue_id}/distribute", response={200: IssueOut, **ERRORS})
def issue_distribute(request: HttpRequest, issue_id: Id) -> IssueOut:
    services.issue_distribute(issue=_desk(request, issue_id), by=_user(request))
    return _reload(request, issue_id)


@router.post("/issues/{issue_id}/publish", response={200: IssueOut, **ERRORS})
def issue_publish(request: HttpRequest, issue_id: Id) -> IssueOut:
    services.issue_publish(issue=_desk(request, issue_id), by=_user(request))
    return _reload(request, issue_id)


@router.post("/issues/{issue_id}/withdraw", response={200: IssueOut, **ERRORS})
def issue_withdraw(request: HttpRequest, issue_id: Id, body: ReasonIn | None = None) -> IssueOut:
    services.issue_withdraw(
        issue=_desk(request, issue_id), by=_user(request), reason=(body or ReasonIn()).reason
    )
    return _reload(request, issue_id)


class ReaderOut(Schema):
    group: str
    name: str
    unit_id: int | None
    user_id: int | None
    delivered_at: dt.datetime | None
    read_at: dt.datetime | None
    read_by: str | None


@router.get("/issues/{issue_id}/readers", response={200: list[ReaderOut], 404: ErrorOut})
def issue_readers(request: HttpRequest, issue_id: Id) -> list[ReaderOut]:
    return [
        ReaderOut(
            group=r.group,
            name=r.name,
            unit_id=r.unit_id,
            user_id=r.user_id,
            delivered_at=r.delivered_at,
            read_at=r.read_at,
            read_by=r.read_by.full_name if r.read_by else None,
        )
        for r in selectors.issue_readers(_desk(request, issue_id))
    ]


@router.get(
    "/issues/{issue_id}/document.{fmt}", response={200: None, 404: ErrorOut}, url_name="issue_document_api"
)
def issue_document(request: HttpRequest, issue_id: Id, fmt: str) -> HttpResponse:
    if fmt not in documents.RENDERERS:
        raise NotFound("只提供 docx、pdf 和 ofd 三种格式。")
    issue = selectors.issue_for(_user(request), issue_id)
    record(
        issue_wf.DOWNLOAD,
        by=_user(request),
        obj=issue,
        unit_id=issue.publication.unit_id,
        details={"format": fmt, "via": "api"},
    )
    name = f"{issue.publication.name}{issue.number_text}.{fmt}"
    response = HttpResponse(
        release.issue_file(issue, fmt, by=_user(request)), content_type=documents.CONTENT_TYPES[fmt]
    )
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    return response


# ---- instructions ---------------------------------------------------------------------------------------


class InstructionIn(BodySchema):
    issue_id: Id
    item_id: Id | None = None
    submission_id: Id | None = Field(None, description="代替 item_id：所批信息的报送记录")
    text: str = Field(..., min_length=1, max_length=5000)
    leader_name: str = Field("", max_length=50, description="登记系统外或纸质批示时填写")
    level: InstructionLevel | None = None
    date: IsoDate | None = None
    unit_ids: list[Id] | None = None
    due_on: IsoDate | None = None


class FeedbackOut(Schema):
    id: int
    text: str
    by: str
    created_at: dt.datetime


class AssignmentOut(Schema):
    unit_id: int
    unit_name: str
    due_on: dt.date
    overdue: bool
    late: bool
    feedback: list[FeedbackOut]


class InstructionOut(Schema):
    id: int
    issue_id: int
    item_id: int | None
    leader_name: str
    level: str
    date: dt.date
    text: str
    status: str
    assignments: list[AssignmentOut]
    allowed_actions: list[str] = Field(default_factory=list, description=ALLOWED)


def _instruction_out(ins: Instruction, *, user: User) -> InstructionOut:
    today = timezone.localdate()
    return InstructionOut(
        id=ins.pk,
        issue_id=ins.issue_id,
        item_id=ins.item_id,
        leader_name=ins.leader_name,
        level=ins.level,
        date=ins.instructed_on,
        text=ins.text,
        status=ins.status,
        allowed_actions=allowed_actions(ins, user),
        assignments=[
            AssignmentOut(
                unit_id=a.unit_id,
                unit_name=a.unit.name,
                due_on=a.due_on,
                overdue=ins.status == Instruction.Status.OPEN and a.is_overdue(today),
                late=a.late,
                feedback=[
                    FeedbackOut(id=f.pk, text=f.text, by=f.by.full_name, created_at=f.created_at)
                    for f in a.feedback.all()
                ],
            )
            for a in ins.assignments.all()
        ],
    )


class InstructionPage(Schema):
    items: list[InstructionOut]
    count: int


class InstructionFilter(PageQuery):
    status: Instruction.Status | None = None
    overdue: bool = False


@router.get("/instructions", response={200: InstructionPage})
def instruction_list(request: HttpRequest, filters: Query[InstructionFilter]) -> InstructionPage:
    qs = instruction_selectors.instruction_list(
        _user(request), status=filters.status, overdue=filters.overdue
    )
    items, count = paginate(qs.prefetch_related("assignments__feedback__by"), filters)
    with roles_memo():
        rows = [_instruction_out(i, user=_user(request)) for i in items]
    return InstructionPage(items=rows, count=count)


@router.post("/instructions", response={201: InstructionOut, **ERRORS})
def instruction_create(request: HttpRequest, body: InstructionIn) -> Status[InstructionOut]:
    user = _user(request)
    issue = selectors.issue_for(user, body.issue_id)
    items = issue.items.all()
    if body.item_id is not None:
        item = items.filter(pk=body.item_id).first()
    elif body.submission_id is not None:
        item = items.filter(sources__submission_id=body.submission_id).first()
    else:
        item = items.order_by("position", "id").first() if items.count() == 1 else None
    if item is None:
        raise ServiceError("请指明批示针对本期的哪一条信息（item_id）。", "item_required", status=422)
    ins = instruction_services.instruction_create(
        by=user,
        item=item,
        text=body.text,
        leader_name=body.leader_name,
        level=body.level or "",
        instructed_on=body.date,
        unit_ids=body.unit_ids,
        due_on=body.due_on,
    )
    return Status(
        201, _instruction_out(instruction_selectors.instruction_for(user, ins.pk), user=_user(request))
    )


@router.get("/instructions/{instruction_id}", response={200: InstructionOut, 404: ErrorOut})
def instruction_read(request: HttpRequest, instruction_id: Id) -> InstructionOut:
    return _instruction_out(
        instruction_selectors.instruction_for(_user(request), instruction_id), user=_user(request)
    )


class AssignIn(BodySchema):
    unit_ids: list[Id] = Field(..., min_length=1, max_length=200)
    due_on: IsoDate | None = Field(None, description="反馈时限（日期）；与 due_workdays 至少填一项")
    due_workdays: int | None = Field(
        None, ge=1, le=250, description="或：几个工作日内（按批示所属单位的工作日历；填写时以它为准）"
    )


@router.post("/instructions/{instruction_id}/assign", response={200: InstructionOut, **ERRORS})
def instruction_assign(request: HttpRequest, instruction_id: Id, body: AssignIn) -> InstructionOut:
    user = _user(request)
    ins = instruction_selectors.instruction_for(user, instruction_id)
    instruction_services.instruction_assign(
        instruction=ins, by=user, unit_ids=body.unit_ids, due_on=body.due_on, due_workdays=body.due_workdays
    )
    return _instruction_out(instruction_selectors.instruction_for(user, instruction_id), user=_user(request))


class FeedbackIn(BodySchema):
    text: str = Field(..., min_length=1, max_length=10_000)
    unit_id: Id | None = None


@router.post("/instructions/{instruction_id}/feedback", response={201: InstructionOut, **ERRORS})
def instruction_feedback(
    request: HttpRequest, instruction_id: Id, body: FeedbackIn
) -> Status[InstructionOut]:
    user = _user(request)
    ins = instruction_selectors.instruction_for(user, instruction_id)
    instruction_services.instruction_feedback(instruction=ins, by=user, text=body.text, unit_id=body.unit_id)
    return Status(
        201,
        _instruction_out(instruction_selectors.instruction_for(user, instruction_id), user=_user(request)),
    )


@router.post("/instructions/{instruction_id}/close", response={200: InstructionOut, **ERRORS})
def instruction_close(
    request: HttpRequest, instruction_id: Id, body: CommentIn | None = None
) -> InstructionOut:
    user = _user(request)
    ins = instruction_selectors.instruction_for(user, instruction_id)
    instruction_services.instruction_close(instruction=ins, by=user, comment=(body or CommentIn()).comment)
    return _instruction_out(instruction_selectors.instruction_for(user, instruction_id), user=_user(request))
