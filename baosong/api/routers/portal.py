"""/portal — 上网发布: release requests for the public portal and their review along the unit's chain."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baosong.api.pagination import PageQuery, paginate
from baosong.api.schemas import ALLOWED, BodySchema, ErrorOut, Id
from baosong.core.errors import NotFound, ServiceError
from baosong.editorial import selectors as editorial_selectors
from baosong.orgs.models import User
from baosong.orgs.selectors import roles_memo
from baosong.portal import selectors, services
from baosong.portal.models import PortalColumn, PortalRelease, ReleaseKind, ReleaseStatus
from baosong.portal.workflow import allowed_actions
from baosong.reports import selectors as report_selectors

router = Router(tags=["上网发布"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


class ColumnOut(Schema):
    id: int
    name: str
    slug: str
    description: str


class StepOut(Schema):
    label: str
    role: str | None = None
    user_id: int | None = None
    unit_id: int | None = Field(
        None, description="审核角色所在的单位（本单位以外的审核人，如县委宣传部）；空为本单位"
    )


class TrailOut(Schema):
    action: str
    label: str
    step: int | None
    by: str
    opinion: str
    at: dt.datetime


class ReleaseListItem(Schema):
    id: int
    kind: ReleaseKind
    status: ReleaseStatus
    status_label: str
    unit_id: int
    unit_name: str
    title: str
    issue_id: int | None
    report_id: int | None
    submission_id: int | None
    column_id: int | None
    column_name: str | None
    requested_by: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    published_at: dt.datetime | None
    current_step: StepOut | None = Field(None, description="审核中时，等待审核的步骤")
    allowed_actions: list[str] = Field(default_factory=list, description=ALLOWED)


class ReleaseOut(ReleaseListItem):
    body: str
    provider: str
    contact: str
    review_chain: list[StepOut] = Field(
        description="提交时固定的上网发布审核流程（未提交时为本单位当前流程）"
    )
    review_step: int
    withdrawn_at: dt.datetime | None
    withdraw_reason: str
    trail: list[TrailOut] = Field(description="审核记录（上网信息发布审核表）")


class ReleasePage(Schema):
    items: list[ReleaseListItem]
    count: int


def _item_fields(r: PortalRelease, user: User) -> dict[str, Any]:
    step = r.current_step
    return {
        "id": r.pk,
        "kind": ReleaseKind(r.kind),
        "status": ReleaseStatus(r.status),
        "status_label": r.get_status_display(),
        "unit_id": r.unit_id,
        "unit_name": r.unit.name,
        "title": r.title,
        "issue_id": r.issue_id,
        "report_id": r.report_id,
        "submission_id": r.submission_id,
        "column_id": r.column_id,
        "column_name": r.column.name if r.column else None,
        "requested_by": r.requested_by.full_name,
        "created_at": r.created_at,
        "submitted_at": r.submitted_at,
        "published_at": r.published_at,
        "current_step": StepOut.model_validate(step) if step else None,
        "allowed_actions": allowed_actions(r, user),
    }


def _release(request: HttpRequest, release_id: int) -> PortalRelease:
    release = selectors.releases_visible_to(_user(request)).filter(pk=release_id).first()
    if release is None:
        raise NotFound()
    return release


def _out(request: HttpRequest, release_id: int) -> ReleaseOut:
    user = _user(request)
    r = _release(request, release_id)
    return ReleaseOut(
        **_item_fields(r, user),
        body=r.body,
        provider=r.provider,
        contact=r.contact,
        review_chain=[StepOut(**s) for s in (r.review_chain or services.portal_chain_for(r.unit, r))],
        review_step=r.review_step,
        withdrawn_at=r.withdrawn_at,
        withdraw_reason=r.withdraw_reason,
        trail=[
            TrailOut(
                action=a.action, label=a.label, step=a.step, by=a.by.full_name, opinion=a.opinion, at=a.at
            )
            for a in r.actions.select_related("by").order_by("at", "id")
        ],
    )


class ReleaseFilter(PageQuery):
    status: ReleaseStatus | None = None
    queue: bool = Field(False, description="只列等待本人审核的申请")


@router.get("/portal/releases", response={200: ReleasePage}, summary="上网发布申请列表")
def release_list(request: HttpRequest, filters: Query[ReleaseFilter]) -> ReleasePage:
    user = _user(request)
    qs = selectors.releases_visible_to(user).order_by("-created_at", "-id")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.queue:
        qs = qs.filter(pk__in=[r.pk for r in selectors.release_review_queue(user)])
    items, count = paginate(qs, filters)
    with roles_memo():
        return ReleasePage(items=[ReleaseListItem(**_item_fields(r, user)) for r in items], count=count)


@router.get("/portal/columns", response={200: list[ColumnOut]}, summary="门户栏目（发布信息时选择）")
def column_list(request: HttpRequest) -> list[ColumnOut]:
    return [
        ColumnOut(id=c.pk, name=c.name, slug=c.slug, description=c.description)
        for c in selectors.public_columns()
    ]


class CandidateOut(Schema):
    kind: str = Field(description="`issue` 刊物、`submission` 本单位采用的信息、`report` 本单位报出的信息")
    id: int
    title: str


@router.get(
    "/portal/candidates",
    response={200: list[CandidateOut]},
    summary="可申请上网发布的刊物和信息",
    description="与网页“申请上网发布”表单可选的内容相同：本人任采编人员的单位已分发的刊物、已采用或本单位报出的主动公开信息。",
)
def candidate_list(request: HttpRequest) -> list[CandidateOut]:
    found = selectors.portal_candidates(_user(request))
    return [
        *(CandidateOut(kind="issue", id=i.pk, title=i.label) for i in found["issues"]),
        *(
            CandidateOut(kind="submission", id=s.pk, title=s.title or s.report.title)
            for s in found["submissions"]
        ),
        *(CandidateOut(kind="report", id=r.pk, title=r.title) for r in found["own"]),
    ]


class ReleaseIn(BodySchema):
    issue_id: Id | None = Field(None, description="申请发布的一期刊物（三者填一）")
    submission_id: Id | None = Field(None, description="本单位采用的一条信息的报送记录")
    report_id: Id | None = Field(None, description="本单位报出的一条信息")
    column_id: Id | None = Field(None, description="门户栏目；发布信息时必填")
    contact: str = Field("", max_length=40, description="联系电话")
    submit: bool = Field(False, description="同时提交审核（本单位未设审核流程时即刻发布）")


class ReleasePatch(BodySchema):
    """Only the fields given change."""

    column_id: Id | None = Field(None, description="门户栏目（null：不选栏目，仅刊物可以）")
    contact: str = Field("", max_length=40, description="联系电话")


class OpinionIn(BodySchema):
    opinion: str = Field(default="", max_length=500)


class ReasonIn(BodySchema):
    reason: str = Field(..., max_length=200)


def _column(column_id: int | None) -> PortalColumn | None:
    if column_id is None:
        return None
    column = PortalColumn.objects.filter(pk=column_id).first()
    if column is None:
        raise ServiceError("栏目不存在。", "invalid_column")
    return column


@router.post(
    "/portal/releases",
    response={201: ReleaseOut, **ERRORS},
    summary="申请上网发布",
    description=(
        "本单位采编人员为已分发的刊物、本单位采用或报出的“主动公开”信息申请上网发布（可选内容见 "
        "`GET /portal/candidates`）。`submit` 为 true 时同时提交审核。"
    ),
)
def release_create(request: HttpRequest, body: ReleaseIn) -> Status[ReleaseOut]:
    user = _user(request)
    target: dict[str, Any] = {}
    # Each target is looked up among what the user may see: another unit's object is not found (404).
    if body.issue_id is not None:
        target["issue"] = editorial_selectors.issue_for(user, body.issue_id)
    if body.submission_id is not None:
        target["submission"] = report_selectors.submission_for_editor(user, body.submission_id)
    if body.report_id is not None:
        target["report"] = report_selectors.report_for(user, body.report_id)
    release = services.release_create(by=user, column=_column(body.column_id), contact=body.contact, **target)
    if body.submit:
        release = services.release_submit(release=release, by=user)
    return Status(201, _out(request, release.pk))


@router.get(
    "/portal/releases/{release_id}", response={200: ReleaseOut, 404: ErrorOut}, summary="查看上网发布申请"
)
def release_read(request: HttpRequest, release_id: Id) -> ReleaseOut:
    return _out(request, release_id)


@router.patch(
    "/portal/releases/{release_id}",
    response={200: ReleaseOut, **ERRORS},
    summary="修改发布申请（栏目、联系电话）",
)
def release_update(request: HttpRequest, release_id: Id, body: ReleasePatch | None = None) -> ReleaseOut:
    release = _release(request, release_id)
    given = body.model_fields_set if body is not None else set()
    services.release_update(
        release=release,
        by=_user(request),
        column=_column(body.column_id) if body is not None and "column_id" in given else release.column,
        contact=body.contact if body is not None and "contact" in given else release.contact,
    )
    return _out(request, release_id)


@router.post(
    "/portal/releases/{release_id}/submit", response={200: ReleaseOut, **ERRORS}, summary="提交上网发布审核"
)
def release_submit(request: HttpRequest, release_id: Id) -> ReleaseOut:
    services.release_submit(release=_release(request, release_id), by=_user(request))
    return _out(request, release_id)


@router.post(
    "/portal/releases/{release_id}/approve",
    response={200: ReleaseOut, **ERRORS},
    summary="上网发布审核通过",
    description="当前审核步骤指定的审核人；最后一步通过即在门户发布。意见不填时记为“同意。”",
)
def release_approve(request: HttpRequest, release_id: Id, body: OpinionIn | None = None) -> ReleaseOut:
    body = body or OpinionIn()
    services.release_approve(release=_release(request, release_id), by=_user(request), opinion=body.opinion)
    return _out(request, release_id)


@router.post(
    "/portal/releases/{release_id}/return",
    response={200: ReleaseOut, **ERRORS},
    summary="上网发布审核退回",
    description="当前审核步骤指定的审核人退回申请，须填写意见（`opinion`），"
    "否则答复 400 `opinion_required`。",
)
def release_return(request: HttpRequest, release_id: Id, body: OpinionIn) -> ReleaseOut:
    services.release_return(release=_release(request, release_id), by=_user(request), opinion=body.opinion)
    return _out(request, release_id)


@router.post(
    "/portal/releases/{release_id}/recall", response={200: ReleaseOut, **ERRORS}, summary="撤回上网发布申请"
)
def release_recall(request: HttpRequest, release_id: Id) -> ReleaseOut:
    services.release_recall(release=_release(request, release_id), by=_user(request))
    return _out(request, release_id)


@router.post(
    "/portal/releases/{release_id}/cancel", response={200: ReleaseOut, **ERRORS}, summary="作废上网发布申请"
)
def release_cancel(request: HttpRequest, release_id: Id) -> ReleaseOut:
    services.release_cancel(release=_release(request, release_id), by=_user(request))
    return _out(request, release_id)


@router.post(
    "/portal/releases/{release_id}/withdraw",
    response={200: ReleaseOut, **ERRORS},
    summary="从门户撤下",
    description="已发布的内容由发布单位的采编人员、主编或领导撤下，须填写原因（`reason`）。",
)
def release_withdraw(request: HttpRequest, release_id: Id, body: ReasonIn) -> ReleaseOut:
    services.release_withdraw(release=_release(request, release_id), by=_user(request), reason=body.reason)
    return _out(request, release_id)
