"""/forms, /collections — structured reports (数据报表): forms, collections, returns and roll-ups."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from baosong.api.pagination import PageQuery, paginate
from baosong.api.schemas import BodySchema, ErrorOut, Id
from baosong.core.actions import allowed_actions
from baosong.datareports import periods, schema, selectors, services
from baosong.datareports.models import Collection, Form, Return
from baosong.orgs.models import User
from baosong.orgs.selectors import roles_memo

router = Router(tags=["数据报表"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


class FormOut(Schema):
    id: int
    code: str
    name: str
    description: str
    builtin: bool
    retired: bool
    owner_unit_id: int | None
    version: int
    valid_from: dt.date


class FormDetailOut(FormOut):
    schema_: dict[str, Any] = Field(..., alias="schema")
    versions: list[dict[str, Any]]


class FormPage(Schema):
    items: list[FormOut]
    count: int


def _form_out(form: Form, *, detail: bool = False) -> dict[str, Any]:
    current = services.version_on(form, dt.date.today())
    out: dict[str, Any] = {
        "id": form.pk,
        "code": form.code,
        "name": form.name,
        "description": form.description,
        "builtin": form.builtin,
        "retired": form.retired,
        "owner_unit_id": form.owner_unit_id,
        "version": current.number,
        "valid_from": current.valid_from,
    }
    if detail:
        out["schema"] = {k: v for k, v in current.schema.items() if k != "defaults"}
        out["versions"] = [
            {"number": v.number, "valid_from": v.valid_from.isoformat(), "note": v.note}
            for v in form.versions.order_by("number")
        ]
    return out


@router.get("/forms", response={200: FormPage})
def form_list(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    rows, count = paginate(selectors.forms_visible_to(_user(request)).order_by("name", "pk"), page)
    return {"items": [_form_out(f) for f in rows], "count": count}


@router.get("/forms/{form_id}", response={200: FormDetailOut, 404: ErrorOut}, by_alias=True)
def form_read(request: HttpRequest, form_id: Id) -> dict[str, Any]:
    return _form_out(selectors.form_for(_user(request), form_id), detail=True)


class LevelOut(Schema):
    level: int
    due: dict[str, Any]
    text: str


class CollectionOut(Schema):
    id: int
    title: str
    form_id: int
    form_name: str
    root_unit_id: int
    period_kind: str
    period: str
    period_start: dt.date
    period_end: dt.date
    status: str
    levels: list[LevelOut]
    recipients: list[dict[str, Any]]
    my_unit_id: int


class CollectionPage(Schema):
    items: list[CollectionOut]
    count: int


class CollectionFilter(PageQuery):
    form: int | None = None
    period: str | None = Field(None, max_length=10)


def _collection_out(coll: Collection, unit_id: int) -> dict[str, Any]:
    return {
        "id": coll.pk,
        "title": coll.title,
        "form_id": coll.form_id,
        "form_name": coll.form.name,
        "root_unit_id": coll.root_unit_id,
        "period_kind": coll.period_kind,
        "period": coll.period,
        "period_start": coll.period_start,
        "period_end": coll.period_end,
        "status": coll.status,
        "levels": [
            {"level": i, "due": lv["due"], "text": periods.due_text(lv["due"])}
            for i, lv in enumerate(coll.levels)
        ],
        "recipients": [{**r, "text": periods.due_text(r["due"])} for r in coll.recipients],
        "my_unit_id": unit_id,
    }


@router.get("/collections", response={200: CollectionPage})
def collection_list(request: HttpRequest, filters: Query[CollectionFilter]) -> dict[str, Any]:
    rows = selectors.collections_for(_user(request))
    if filters.form is not None:
        rows = [r for r in rows if r[0].form_id == filters.form]
    if filters.period:
        rows = [r for r in rows if r[0].period == filters.period.strip().upper()]
    start = (filters.page - 1) * filters.page_size
    return {
        "items": [_collection_out(c, u.pk) for c, u in rows[start : start + filters.page_size]],
        "count": len(rows),
    }


class ReturnOut(Schema):
    collection_id: int
    unit_id: int
    unit_name: str
    level: int
    status: str
    form_version: int
    data: dict[str, Any]
    due_at: dt.datetime | None
    submitted_at: dt.datetime | None
    late: bool
    late_workdays: int
    version_count: int
    stale: bool
    comment: str
    totals: dict[str, Any]
    problems: list[dict[str, Any]]
    allowed_actions: list[str]


class ReturnIn(BodySchema):
    data: dict[str, Any]


class ReturnCommentIn(BodySchema):
    comment: str = Field(default="", max_length=1000)


def _load(request: HttpRequest, collection_id: int, unit_id: int) -> Return:
    coll, _ = selectors.collection_for(_user(request), collection_id)
    unit = selectors.unit_in_collection(_user(request), coll, unit_id)
    return services.return_get_or_start(collection=coll, unit=unit)


def _return_out(request: HttpRequest, ret: Return) -> dict[str, Any]:
    ret.refresh_from_db()
    with roles_memo():
        actions = allowed_actions(ret, _user(request))
    return {
        "collection_id": ret.collection_id,
        "unit_id": ret.unit_id,
        "unit_name": ret.unit.name,
        "level": ret.level,
        "status": ret.status,
        "form_version": ret.form_version.number,
        "data": ret.data,
        "due_at": ret.due_at,
        "submitted_at": ret.submitted_at,
        "late": ret.late,
        "late_workdays": ret.late_workdays,
        "version_count": ret.version_count,
        "stale": ret.stale,
        "comment": ret.comment,
        "totals": selectors.current_totals(ret),
        "problems": [p.as_dict() for p in services.return_validate(ret=ret, data=ret.data)],
        "allowed_actions": actions,
    }


@router.get("/collections/{collection_id}/returns/{unit_id}", response={200: ReturnOut, 404: ErrorOut})
def return_read(request: HttpRequest, collection_id: Id, unit_id: Id) -> dict[str, Any]:
    return _return_out(request, _load(request, collection_id, unit_id))


@router.put("/collections/{collection_id}/returns/{unit_id}", response={200: ReturnOut, **ERRORS})
def return_put(request: HttpRequest, collection_id: Id, unit_id: Id, body: ReturnIn) -> dict[str, Any]:
    """Save the draft (what can be kept); ``problems`` lists what is still to fix before submitting."""
    ret = _load(request, collection_id, unit_id)
    services.return_save(ret=ret, by=_user(request), data=body.data)
    return _return_out(request, ret)


@router.post("/collections/{collection_id}/returns/{unit_id}/submit", response={200: ReturnOut, **ERRORS})
def return_submit(request: HttpRequest, collection_id: Id, unit_id: Id) -> dict[str, Any]:
    ret = _load(request, collection_id, unit_id)
    return _return_out(request, services.return_submit(ret=ret, by=_user(request)))


@router.post("/collections/{collection_id}/returns/{unit_id}/return", response={200: ReturnOut, **ERRORS})
def return_send_back(
    request: HttpRequest, collection_id: Id, unit_id: Id, body: ReturnCommentIn
) -> dict[str, Any]:
    """The level above sends a submitted return back for correction, with a comment."""
    ret = _load(request, collection_id, unit_id)
    return _return_out(request, services.return_send_back(ret=ret, by=_user(request), comment=body.comment))


@router.post("/collections/{collection_id}/returns/{unit_id}/reopen", response={200: ReturnOut, **ERRORS})
def return_reopen(
    request: HttpRequest, collection_id: Id, unit_id: Id, body: ReturnCommentIn
) -> dict[str, Any]:
    """更正: the unit takes its submitted return back; the next submission is a new version."""
    ret = _load(request, collection_id, unit_id)
    return _return_out(request, services.return_reopen(ret=ret, by=_user(request), note=body.comment))


class ChildOut(Schema):
    unit_id: int
    unit_name: str
    state: str
    late: bool
    late_workdays: int
    due_at: dt.datetime | None
    submitted_at: dt.datetime | None
    version_count: int
    totals: dict[str, Any]


class RollupOut(Schema):
    collection_id: int
    unit_id: int
    totals: dict[str, Any]
    labels: dict[str, str]
    expected: int
    submitted: int
    on_time: int
    late: int
    missing: int
    children: list[ChildOut]


class RollupQuery(Schema):
    unit: Id | None = None


@router.get("/collections/{collection_id}/rollup", response={200: RollupOut, 404: ErrorOut})
def rollup(request: HttpRequest, collection_id: Id, q: Query[RollupQuery]) -> dict[str, Any]:
    """Totals (computed by the system) and each child's status — expected vs actual, inactive units not
    expected."""
    user = _user(request)
    coll, mine = selectors.collection_for(user, collection_id)
    unit = selectors.unit_in_collection(user, coll, q.unit) if q.unit else mine[0]
    status = selectors.children_status(coll, unit)
    ret = Return.objects.filter(collection=coll, unit=unit).first()
    version = ret.form_version if ret else services.version_on(coll.form, coll.period_start)
    return {
        "collection_id": coll.pk,
        "unit_id": unit.pk,
        "totals": selectors.current_totals(ret) if ret else {},
        "labels": {f"{s}.{f['key']}": f["label"] for s, f in schema.rollup_fields(version.schema)},
        "expected": status.expected,
        "submitted": status.submitted,
        "on_time": status.on_time,
        "late": status.late_count,
        "missing": status.missing,
        "children": [
            {
                "unit_id": c.unit.pk,
                "unit_name": c.unit.name,
                "state": c.state,
                "late": c.late,
                "late_workdays": c.ret.late_workdays if c.ret else 0,
                "due_at": c.due_at,
                "submitted_at": c.ret.submitted_at if c.ret else None,
                "version_count": c.ret.version_count if c.ret else 0,
                "totals": c.ret.totals if c.ret else {},
            }
            for c in status.children
        ],
    }
