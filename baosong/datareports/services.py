"""Structured reports (数据报表): the only writers.

Forms and their versions, collections, and returns: save a draft, submit (fixing a version with the
children's latest versions and the totals the system computes), send back for correction, reopen to
correct. Lateness counts working days on the unit's calendar."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from baosong.core.actions import Transition, apply, record
from baosong.core.errors import Forbidden, NotFound, ServiceError
from baosong.datareports import periods, schema
from baosong.datareports import workflow as wf
from baosong.datareports.models import (
    ArchivePolicy,
    Collection,
    Form,
    FormVersion,
    PeriodKind,
    Return,
    ReturnStatus,
    ReturnVersion,
)
from baosong.orgs.models import Role, Unit, User
from baosong.orgs.selectors import roles_in_unit, user_has_role
from baosong.workdays.calendar import calendar_for, end_of_day

BUILTIN_FILE = Path(__file__).parent / "data" / "builtin_forms.json"


# ---- forms ---------------------------------------------------------------------------------------------


def may_define_forms(user: User, unit: Unit | None) -> bool:
    """The system administrator defines forms for everyone; an editor for their own subtree, when the
    administrator allows it."""
    if unit is None:
        return user_has_role(user, Role.SYSADMIN)
    return ArchivePolicy.current().allow_editor_forms and Role.EDITOR in roles_in_unit(user, unit)


def _check_schema(value: Any) -> dict[str, Any]:
    errors = schema.check_schema(value)
    if errors:
        raise ServiceError(errors[0], "invalid_schema", extra={"errors": errors})
    return dict(value)


def form_create(
    *,
    by: User | None,
    code: str,
    name: str,
    form_schema: Any,
    description: str = "",
    owner_unit: Unit | None = None,
    valid_from: dt.date | None = None,
    builtin: bool = False,
    defaults: dict[str, Any] | None = None,
) -> Form:
    if by is not None and not may_define_forms(by, owner_unit):
        raise Forbidden("您不能定义报表。")
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not code.replace("_", "").replace("-", "").isalnum() or not code.isascii():
        raise ServiceError("报表代码只能由字母、数字、下划线组成。", "invalid_code")
    if not name:
        raise ServiceError("请填写报表名称。", "name_required")
    cleaned = _check_schema(form_schema)
    if defaults:
        cleaned = {**cleaned, "defaults": defaults}
    with transaction.atomic():
        if Form.objects.filter(code=code).exists():
            raise ServiceError("报表代码已被使用。", "duplicate_code", status=409)
        form = Form.objects.create(
            code=code,
            name=name[:100],
            description=description or "",
            owner_unit=owner_unit,
            builtin=builtin,
            created_by=by,
        )
        FormVersion.objects.create(
            form=form, number=1, valid_from=valid_from or dt.date(2000, 1, 1), schema=cleaned, created_by=by
        )
        record(
            wf.FORM_CREATE,
            by=by,
            object_type="datareport_form",
            object_id=form.pk,
            unit_id=owner_unit.pk if owner_unit else None,
            details={"name": form.name},
        )
    return form


def form_revise(
    *, form: Form, by: User, form_schema: Any, valid_from: dt.date, note: str = ""
) -> FormVersion:
    """A change applies from ``valid_from``; returns already begun keep the version they began with."""
    owner = form.owner_unit
    if not may_define_forms(by, owner):
        raise Forbidden("您不能修订该报表。")
    cleaned = _check_schema(form_schema)
    with transaction.atomic():
        last = FormVersion.objects.select_for_update().filter(form=form).order_by("-number").first()
        if last is not None and "defaults" in last.schema and "defaults" not in cleaned:
            cleaned["defaults"] = last.schema["defaults"]
        version = FormVersion.objects.create(
            form=form,
            number=(last.number + 1) if last else 1,
            valid_from=valid_from,
            schema=cleaned,
            note=(note or "")[:200],
            created_by=by,
        )
        record(
            wf.FORM_REVISE,
            by=by,
            object_type="datareport_form",
            object_id=form.pk,
            unit_id=owner.pk if owner else None,
            details={"version": version.number, "valid_from": valid_from.isoformat()},
        )
    return version


def form_set_retired(*, form: Form, by: User, retired: bool) -> Form:
    if not may_define_forms(by, form.owner_unit):
        raise Forbidden("您不能停用该报表。")
    with transaction.atomic():
        form.retired = retired
        form.save(update_fields=["retired"])
        record(
            wf.FORM_RETIRE,
            by=by,
            object_type="datareport_form",
            object_id=form.pk,
            details={"status": "已停用" if retired else "已启用"},
        )
    return form


def version_on(form: Form, day: dt.date) -> FormVersion:
    """The version in force on ``day`` (the earliest one for a day before all of them)."""
    versions = list(FormVersion.objects.filter(form=form).order_by("valid_from", "number"))
    current = versions[0]
    for v in versions:
        if v.valid_from <= day:
            current = v
    return current


def install_builtin_forms() -> list[Form]:
    """The 政务接待信息报告表 and the 自建政务信息系统基本情况表, built from the seed's text (idempotent)."""
    out = []
    for spec in json.loads(BUILTIN_FILE.read_text(encoding="utf-8")):
        form = Form.objects.filter(code=spec["code"]).first()
        if form is None:
            form = form_create(
                by=None,
                code=spec["code"],
                name=spec["name"],
                description=spec["description"],
                form_schema=spec["schema"],
                builtin=True,
                defaults={"levels": spec["default_levels"], "recipients": spec["default_recipients"]},
            )
        out.append(form)
    return out


# ---- collections ---------------------------------------------------------------------------------------


def collection_create(
    *,
    by: User,
    form: Form,
    root_unit: Unit,
    period_kind: str,
    period: str,
    levels: list[Any] | None = None,
    recipients: list[Any] | None = None,
    title: str = "",
) -> Collection:
    """An editor (or the system administrator) assigns a form to their unit's subtree for a period."""
    if Role.EDITOR not in roles_in_unit(by, root_unit) and not user_has_role(by, Role.SYSADMIN):
        raise Forbidden("只有本单位的采编人员可以发布报表任务。")
    if form.retired:
        raise ServiceError("该报表已停用。", "form_retired")
    if form.owner_unit is not None and not root_unit.path.startswith(form.owner_unit.path):
        raise Forbidden("该报表只能在其所属单位的辖区内使用。")
    if period_kind not in PeriodKind.values:
        raise ServiceError("报送周期无效。", "invalid_period_kind")
    start, end = periods.period_bounds(period_kind, period)
    version = version_on(form, start)
    defaults = version.schema.get("defaults") or {}
    raw_levels = levels if levels else defaults.get("levels") or []
    if not isinstance(raw_levels, list) or not 1 <= len(raw_levels) <= 6:
        raise ServiceError("请设置 1 到 6 级汇总层级及各自的时限。", "invalid_levels")
    clean_levels = [{"due": periods.check_due((lv or {}).get("due"))} for lv in raw_levels]
    for lv in clean_levels[:-1]:
        if lv["due"]["kind"] == "event_workdays":
            raise ServiceError("“事件发生后 N 个工作日内”只能用于最下一级填报单位。", "invalid_levels")
    raw_recipients = recipients if recipients is not None else defaults.get("recipients") or []
    clean_recipients = []
    for r in raw_recipients or []:
        name = str((r or {}).get("name") or "").strip()[:100]
        if name:
            clean_recipients.append(
                {"name": name, "due": periods.check_due(r.get("due") or {"kind": "period_end"})}
            )
    period_key = period.strip().upper()
    with transaction.atomic():
        if Collection.objects.filter(form=form, root_unit=root_unit, period=period_key).exists():
            raise ServiceError("本单位该统计期的报表任务已经发布。", "duplicate_collection", status=409)
        coll = Collection.objects.create(
            form=form,
            root_unit=root_unit,
            period_kind=period_kind,
            period=period_key,
            period_start=start,
            period_end=end,
            levels=clean_levels,
            recipients=clean_recipients,
            title=(title or f"{form.name}（{period_key}）").strip()[:200],
            created_by=by,
        )
        record(
            wf.COLLECTION_CREATE,
            by=by,
            object_type="datareport_collection",
            object_id=coll.pk,
            unit_id=root_unit.pk,
            details={"name": form.name, "period": period_key, "period_kind": period_kind},
        )
    return coll


def collection_set_closed(*, collection: Collection, by: User, closed: bool) -> Collection:
    if Role.EDITOR not in roles_in_unit(by, collection.root_unit_id):
        raise Forbidden("只有汇总单位的采编人员可以结束报表任务。")
    with transaction.atomic():
        collection.status = Collection.Status.CLOSED if closed else Collection.Status.OPEN
        collection.save(update_fields=["status"])
        record(
            wf.COLLECTION_CLOSE,
            by=by,
            object_type="datareport_collection",
            object_id=collection.pk,
            unit_id=collection.root_unit_id,
            details={"status": collection.get_status_display()},
        )
    return collection


def level_of(collection: Collection, unit: Unit) -> int | None:
    """The unit's level in the collection (0 = root), or None when it takes no part."""
    root = collection.root_unit
    if unit.pk == root.pk:
        return 0
    if not unit.path.startswith(root.path):
        return None
    level = unit.depth - root.depth
    return level if 0 < level < len(collection.levels) else None


def due_for(collection: Collection, level: int, unit: Unit) -> dt.datetime:
    rule = collection.levels[level]["due"]
    return end_of_day(periods.due_date(rule, collection.period_end, calendar_for(unit)))


def return_get_or_start(*, collection: Collection, unit: Unit) -> Return:
    """The unit's return, started (empty draft) the first time anyone opens it."""
    level = level_of(collection, unit)
    if level is None or not unit.is_active:
        raise NotFound()
    ret = Return.objects.filter(collection=collection, unit=unit).first()
    if ret is not None:
        return ret
    with transaction.atomic():
        ret, _ = Return.objects.get_or_create(
            collection=collection,
            unit=unit,
            defaults={
                "parent_unit_id": unit.parent_id if level > 0 else None,
                "level": level,
                "form_version": version_on(collection.form, collection.period_start),
                "due_at": due_for(collection, level, unit),
            },
        )
    return ret


# ---- returns -------------------------------------------------------------------------------------------


def _editable(ret: Return, by: User) -> None:
    if not wf.FILLER(by, ret):
        raise Forbidden("只有本单位的信息员或采编人员可以填报。")
    if ret.status == ReturnStatus.SUBMITTED:
        raise ServiceError("报表已上报；如需修改，请先点“更正”。", "already_submitted", status=409)
    if ret.collection.status == Collection.Status.CLOSED:
        raise ServiceError("报表任务已结束。", "collection_closed", status=409)


def _with_row_ids(data: dict[str, Any], sch: dict[str, Any]) -> dict[str, Any]:
    """Every repeating row carries an id, so a correction's diff and each row's first report date follow
    the row, not its position."""
    for s in schema.sections(sch):
        if s.get("repeating"):
            for row in data.get(s["key"]) or []:
                row.setdefault("_id", uuid.uuid4().hex[:12])
    return data


def _keep_meta(raw: Any, cleaned: dict[str, Any], sch: dict[str, Any]) -> dict[str, Any]:
    """Row ids sent back by the page survive cleaning (they are not fields)."""
    if not isinstance(raw, dict):
        return cleaned
    for s in schema.sections(sch):
        if not s.get("repeating"):
            continue
        raw_rows = [r for r in raw.get(s["key"]) or [] if isinstance(r, dict)]
        kept = [r for r in raw_rows if any(not schema.is_empty(v) for k, v in r.items() if k != "_id")]
        for row, src in zip(cleaned.get(s["key"]) or [], kept, strict=False):
            rid = str(src.get("_id") or "")
            if rid.isalnum() and len(rid) <= 32:
                row["_id"] = rid
    return cleaned


def return_validate(*, ret: Return, data: Any) -> list[schema.Problem]:
    """Validation as the user types: every problem of the rows as they stand."""
    return schema.clean_data(ret.form_version.schema, data, complete=True)[1]


def return_save(*, ret: Return, by: User, data: Any, autosave: bool = False) -> list[schema.Problem]:
    """Keep the draft as typed (what can be kept), returning the problems still to fix."""
    _editable(ret, by)
    sch = ret.form_version.schema
    cleaned, _ = schema.clean_data(sch, data, complete=False)
    cleaned = _with_row_ids(_keep_meta(data, cleaned, sch), sch)
    with transaction.atomic():
        locked = Return.objects.select_for_update().get(pk=ret.pk)
        if locked.status == ReturnStatus.SUBMITTED:
            raise ServiceError("报表已上报；如需修改，请先点“更正”。", "already_submitted", status=409)
        locked.data, locked.updated_at, locked.updated_by = cleaned, timezone.now(), by
        locked.save(update_fields=["data", "updated_at", "updated_by"])
        if not autosave:
            record(
                wf.SAVE,
                by=by,
                obj=locked,
                unit_id=locked.unit_id,
                details={"rows": sum(len(v) for v in cleaned.values())},
            )
    ret.data = cleaned
    return schema.clean_data(sch, cleaned, complete=True)[1]


def _children_versions(ret: Return) -> tuple[dict[str, int], list[dict[str, Any]], int]:
    """The latest fixed version of each child's return: {unit id: version id}, their totals, row count."""
    children = (
        Return.objects.filter(
            collection_id=ret.collection_id, parent_unit_id=ret.unit_id, version_count__gt=0
        )
        .order_by("unit_id")
        .values_list("pk", "unit_id", "version_count", "totals", "row_count")
    )
    by_ret = {pk: (unit_id, number, t, n) for pk, unit_id, number, t, n in children}
    if not by_ret:
        return {}, [], 0
    # The latest version of each: a child's versions are numbered 1…version_count.
    versions = ReturnVersion.objects.filter(ret_id__in=list(by_ret)).values_list("pk", "ret_id", "number")
    refs = {str(by_ret[ret_id][0]): vid for vid, ret_id, number in versions if number == by_ret[ret_id][1]}
    return refs, [v[2] for v in by_ret.values()], sum(v[3] for v in by_ret.values())


def _stamp_rows(ret: Return, own: dict[str, Any], now: dt.datetime) -> tuple[int, dt.date | None]:
    """Each event row keeps the day it was first reported; a row reported after its own due day (N
    working days after the event) is late. Returns (worst lateness in working days, its due day)."""
    rule = ret.collection.levels[ret.level]["due"]
    if rule.get("kind") != "event_workdays":
        return 0, None
    cal = calendar_for(ret.unit)
    previous: dict[str, str] = {}
    last = ReturnVersion.objects.filter(ret=ret).order_by("-number").first()
    if last is not None:
        for rows in last.own.values():
            for row in rows:
                if row.get("_id") and row.get("_reported"):
                    previous[row["_id"]] = row["_reported"]
    today = timezone.localtime(now).date()
    worst, worst_due = 0, None
    for s in schema.sections(ret.form_version.schema):
        event_field = s.get("event_field")
        if not s.get("repeating") or not event_field:
            continue
        for row in own.get(s["key"]) or []:
            reported = dt.date.fromisoformat(previous.get(row.get("_id", ""), today.isoformat()))
            row["_reported"] = reported.isoformat()
            due = periods.row_due(rule, row.get(event_field), cal)
            late = cal.workdays_between(due, reported) if due else 0
            row["_late"] = late
            if late > worst:
                worst, worst_due = late, due
    return worst, worst_due


def _repeating(sch: dict[str, Any], key: str) -> bool:
    return any(s["key"] == key and s.get("repeating") for s in schema.sections(sch))


def return_submit(*, ret: Return, by: User) -> Return:
    """Fix the unit's return as a new version: its own rows, its children's latest versions, the totals."""
    sch = ret.form_version.schema
    cleaned, problems = schema.clean_data(sch, ret.data, complete=True)
    if problems:
        raise schema.refuse(problems)
    if ret.collection.status == Collection.Status.CLOSED:
        raise ServiceError("报表任务已结束。", "collection_closed", status=409)
    own = _with_row_ids(_keep_meta(ret.data, cleaned, sch), sch)
    now = timezone.now()

    def change(locked: Return, t: Transition) -> None:
        refs, child_totals, child_rows = _children_versions(locked)
        row_late, _ = _stamp_rows(locked, own, now)
        due = locked.due_at
        cal = calendar_for(locked.unit)
        period_late = (
            cal.workdays_between(timezone.localtime(due).date(), timezone.localtime(now).date())
            if due and now > due
            else 0
        )
        late_days = max(row_late, period_late)
        number = locked.version_count + 1
        own_totals = schema.totals_of_rows(sch, own)
        totals = schema.combine(sch, [own_totals, *child_totals])
        row_count = sum(len(v) for k, v in own.items() if _repeating(sch, k)) + child_rows
        version = ReturnVersion.objects.create(
            ret=locked,
            number=number,
            own=own,
            children=refs,
            totals=totals,
            row_count=row_count,
            late=late_days > 0 or bool(due and now > due),
            late_workdays=late_days,
            submitted_by=by,
            submitted_at=now,
        )
        from baosong.datareports.exports import prerender_after_commit  # exports reads the services

        prerender_after_commit(version)
        locked.data = own
        locked.totals, locked.row_count = totals, row_count
        locked.version_count = number
        locked.submitted_at, locked.submitted_by = now, by
        locked.late = late_days > 0 or bool(due and now > due)
        locked.late_workdays = late_days
        locked.stale = False
        locked.comment = ""
        t.details.update({"version": number, "late": locked.late, "late_workdays": late_days})
        if number > 1 and locked.parent_unit_id:
            # The level above already fixed a roll-up with the previous version: it is now behind.
            Return.objects.filter(
                collection_id=locked.collection_id, unit_id=locked.parent_unit_id, version_count__gt=0
            ).update(stale=True)

    return apply(wf.SUBMIT, ret, by, change=change)


def return_send_back(*, ret: Return, by: User, comment: str) -> Return:
    comment = (comment or "").strip()
    if not comment:
        raise ServiceError("退回时请写明需要修改的内容。", "comment_required")

    def change(locked: Return, t: Transition) -> None:
        locked.comment = comment[:1000]
        t.details["comment"] = locked.comment

    return apply(wf.SEND_BACK, ret, by, change=change)


def return_reopen(*, ret: Return, by: User, note: str = "") -> Return:
    """更正: the unit takes its submitted return back into draft; the next submission is a new version."""

    def change(locked: Return, t: Transition) -> None:
        if note:
            t.details["comment"] = note[:200]

    return apply(wf.REOPEN, ret, by, change=change)


def policy_set(*, by: User, retention_years: int, allow_editor_forms: bool) -> ArchivePolicy:
    if not user_has_role(by, Role.SYSADMIN):
        raise Forbidden("只有系统管理员可以设置。")
    if not 1 <= retention_years <= 100:
        raise ServiceError("保存年限应在 1 到 100 年之间。", "invalid_retention")
    with transaction.atomic():
        policy = ArchivePolicy.objects.select_for_update().first() or ArchivePolicy()
        policy.retention_years, policy.allow_editor_forms = retention_years, allow_editor_forms
        policy.updated_at = timezone.now()
        policy.save()
        record(
            wf.POLICY_SET,
            by=by,
            object_type="datareport_policy",
            object_id=policy.pk,
            details={"retention_years": retention_years, "allow_editor_forms": allow_editor_forms},
        )
    return policy
