"""/submissions/{id}/verifications, /verifications — 核实 requests: interfaces over reports services and
selectors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baosong.api.pagination import PageQuery, paginate
from baosong.api.schemas import ALLOWED, BodySchema, ErrorOut, Id, IsoDateTime
from baosong.core.actions import allowed_actions
from baosong.orgs.models import User
from baosong.orgs.selectors import roles_memo
from baosong.reports import selectors, services
from baosong.reports.models import VerificationRequest, VerificationStatus

router = Router(tags=["信息核实"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


class VerificationAskIn(BodySchema):
    question: str = Field(..., max_length=2000, description="需要核实的事项（必填）")
    passage: str = Field("", max_length=2000, description="相关原文（可选）")
    due_at: IsoDateTime | None = Field(None, description="答复时限（可选，须晚于现在）")


class VerificationAnswerIn(BodySchema):
    answer: str = Field(..., max_length=2000, description="核实情况（必填）")


class VerificationOut(Schema):
    id: int
    submission_id: int
    report_id: int
    title: str
    asking_unit_id: int
    asking_unit_name: str
    source_unit_id: int
    source_unit_name: str
    question: str
    passage: str
    due_at: dt.datetime | None
    status: VerificationStatus = Field(description="open 核实中、answered 已答复、withdrawn 已撤回")
    asked_by: str
    asked_at: dt.datetime
    answer: str
    answered_by: str | None
    answered_at: dt.datetime | None
    wait_seconds: int = Field(
        description="已等待（核实中）或答复用时（已答复）的秒数；已撤回为提出到撤回的秒数"
    )
    file_name: str | None = Field(None, description="答复所附核实材料的文件名（在页面上传和下载）")
    allowed_actions: list[str] = Field(default_factory=list, description=ALLOWED)


class VerificationPage(Schema):
    items: list[VerificationOut]
    count: int


class VerificationFilter(PageQuery):
    status: VerificationStatus | None = None
    asked: bool | None = Field(
        None, description="true：本单位提出的核实请求；false：请本单位核实的请求；不填：两者"
    )


def _out(v: VerificationRequest, *, user: User) -> VerificationOut:
    from django.utils import timezone

    end = v.answered_at or v.withdrawn_at or timezone.now()
    return VerificationOut(
        id=v.pk,
        submission_id=v.submission_id,
        report_id=v.report_id,
        title=v.report.title,
        asking_unit_id=v.asking_unit_id,
        asking_unit_name=v.asking_unit.name,
        source_unit_id=v.source_unit_id,
        source_unit_name=v.source_unit.name,
        question=v.question,
        passage=v.passage,
        due_at=v.due_at,
        status=VerificationStatus(v.status),
        asked_by=v.asked_by.full_name,
        asked_at=v.asked_at,
        answer=v.answer,
        answered_by=v.answered_by.full_name if v.answered_by else None,
        answered_at=v.answered_at,
        wait_seconds=max(0, int((end - v.asked_at).total_seconds())),
        file_name=v.file_name or None,
        allowed_actions=allowed_actions(v, user),
    )


@router.get("/submissions/{submission_id}/verifications", response={200: VerificationPage, 404: ErrorOut})
def verification_list_of_submission(request: HttpRequest, submission_id: Id) -> VerificationPage:
    user = _user(request)
    sub = selectors.submission_for_editor(user, submission_id)
    items = selectors.verifications_of_submission(sub)
    with roles_memo():
        return VerificationPage(items=[_out(v, user=user) for v in items], count=len(items))


@router.post("/submissions/{submission_id}/verifications", response={201: VerificationOut, **ERRORS})
def verification_ask(
    request: HttpRequest, submission_id: Id, body: VerificationAskIn
) -> Status[VerificationOut]:
    user = _user(request)
    sub = selectors.submission_for_editor(user, submission_id)
    v = services.verification_ask(
        submission=sub, by=user, question=body.question, passage=body.passage, due_at=body.due_at
    )
    return Status(201, _out(selectors.verification_for(user, v.pk), user=user))


@router.get("/verifications", response=VerificationPage)
def verification_list(request: HttpRequest, filters: Query[VerificationFilter]) -> VerificationPage:
    user = _user(request)
    qs = selectors.verifications_list(user, status=filters.status, asked=filters.asked)
    items, count = paginate(qs, filters)
    with roles_memo():
        return VerificationPage(items=[_out(v, user=user) for v in items], count=count)


@router.get("/verifications/{verification_id}", response={200: VerificationOut, 404: ErrorOut})
def verification_read(request: HttpRequest, verification_id: Id) -> VerificationOut:
    user = _user(request)
    return _out(selectors.verification_for(user, verification_id), user=user)


@router.post("/verifications/{verification_id}/answer", response={200: VerificationOut, **ERRORS})
def verification_answer(
    request: HttpRequest, verification_id: Id, body: VerificationAnswerIn
) -> VerificationOut:
    user = _user(request)
    v = selectors.verification_for(user, verification_id)
    services.verification_answer(verification=v, by=user, answer=body.answer)
    return _out(selectors.verification_for(user, verification_id), user=user)


@router.post("/verifications/{verification_id}/withdraw", response={200: VerificationOut, **ERRORS})
def verification_withdraw(request: HttpRequest, verification_id: Id) -> VerificationOut:
    user = _user(request)
    v = selectors.verification_for(user, verification_id)
    services.verification_withdraw(verification=v, by=user)
    return _out(selectors.verification_for(user, verification_id), user=user)
