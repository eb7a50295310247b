"""The 信息员 register: the only writers. Each change writes its history row and its audit record in the
same transaction."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from baosong.core.actions import record
from baosong.core.errors import Forbidden, NotFound, ServiceError
from baosong.core.events import event_emit
from baosong.orgs.models import Membership, Role, Unit, User
from baosong.orgs.selectors import roles_in_unit
from baosong.roster import selectors
from baosong.roster import workflow as wf
from baosong.roster.models import (
    ENTRY_FIELDS,
    Duty,
    EntryStatus,
    Gender,
    RosterChange,
    RosterEntry,
    RosterReturn,
    RosterRound,
    field_label,
)
from baosong.workdays.calendar import due_in_workdays, end_of_day

MOBILE = re.compile(r"^1\d{10}$")
PHONE = re.compile(r"^[0-9+()（）\-— 转]{5,32}$")
LIMITS = {"name": 32, "department": 64, "job_title": 64, "office_phone": 32, "mobile": 32, "fax": 32,
          "email": 128, "note": 200}  # fmt: skip


def _clean(values: Mapping[str, Any], *, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The 登记表 fields, trimmed and checked; ``base``: the values the fields not given keep."""
    out = {f: str((base or {}).get(f, "") or "") for f in ENTRY_FIELDS}
    for f in ENTRY_FIELDS:
        if f in values and values[f] is not None:
            out[f] = str(values[f]).strip()
    if not out["duty"]:
        out["duty"] = Duty.PART_TIME
    if not out["name"]:
        raise ServiceError("请填写信息员姓名。", "name_required")
    for f, limit in LIMITS.items():
        if len(out[f]) > limit:
            label = field_label(f)
            raise ServiceError(f"{label}不能超过 {limit} 个字。", "too_long")
    if out["gender"] not in ("", *Gender.values):
        raise ServiceError("性别无效。", "invalid_gender")
    if out["duty"] not in Duty.values:
        raise ServiceError("专兼职无效。", "invalid_duty")
    out["mobile"] = out["mobile"].replace(" ", "").replace("-", "")
    if out["mobile"] and not MOBILE.match(out["mobile"]):
        raise ServiceError("手机号码应为 11 位数字。", "invalid_mobile")
    for f in ("office_phone", "fax"):
        if out[f] and not PHONE.match(out[f]):
            label = field_label(f)
            raise ServiceError(f"{label}只能包含数字、空格和 - ( ) +。", "invalid_phone")
    if not out["mobile"] and not out["office_phone"]:
        raise ServiceError("请至少填写手机或办公电话，以便联系。", "contact_required")
    if out["email"]:
        try:
            validate_email(out["email"])
        except ValidationError as exc:
            raise ServiceError("电子邮箱格式不正确。", "invalid_email") from exc
    return out


def _check_manager(by: User, unit: Unit) -> None:
    if not selectors.may_manage(by, unit):
        raise NotFound()


def _account(unit: Unit, user_id: int | None) -> User | None:
    """The account an entry names: an active account of the unit (its staff or a member)."""
    if not user_id:
        return None
    member = Membership.objects.filter(unit=unit, user_id=user_id).exists()
    found = User.objects.filter(pk=user_id, is_active=True).first()
    if found is None or not (member or found.primary_unit_id == unit.pk):
        raise ServiceError("所选账号不是本单位的在用账号。", "invalid_user")
    return found


def _history(entry: RosterEntry, kind: str, *, by: User, changes: dict[str, Any], reason: str = "") -> None:
    RosterChange.objects.create(
        unit_id=entry.unit_id, entry=entry, kind=kind, changes=changes, reason=reason[:200], by=by
    )
    action = {
        RosterChange.Kind.ADDED: wf.ENTRY_ADD,
        RosterChange.Kind.CHANGED: wf.ENTRY_CHANGE,
        RosterChange.Kind.REVOKED: wf.ENTRY_REVOKE,
    }[RosterChange.Kind(kind)]
    details: dict[str, Any] = {"entry": entry.name, "unit": entry.unit_id}
    if kind == RosterChange.Kind.CHANGED:
        details["fields"] = sorted(changes)
    if reason:
        details["reason"] = reason[:200]
    record(action, by=by, unit_id=entry.unit_id, object_type="roster_entry", object_id=entry.pk,
           details=details)  # fmt: skip


def entry_add(*, unit: Unit, values: Mapping[str, Any], by: User, user_id: int | None = None) -> RosterEntry:
    """新增信息员: one row of the unit's 登记表. With an account, its name and numbers fill the fields left
    empty."""
    _check_manager(by, unit)
    if not unit.is_active:
        raise ServiceError("该单位已停用。", "unit_inactive")
    account = _account(unit, user_id)
    given = {f: values.get(f) for f in ENTRY_FIELDS}  # a QueryDict's dict() holds lists
    if account is not None:
        for f, source in (("name", "full_name"), ("job_title", "job_title"), ("office_phone", "office_phone"),
                          ("mobile", "mobile"), ("email", "email")):  # fmt: skip
            if not str(given.get(f) or "").strip():
                given[f] = getattr(account, source)
    clean = _clean(given)
    try:
        with transaction.atomic():
            entry = RosterEntry.objects.create(unit=unit, user=account, **clean)
            _history(
                entry, RosterChange.Kind.ADDED, by=by, changes={f: ["", v] for f, v in clean.items() if v}
            )
    except IntegrityError as exc:
        raise ServiceError("该账号已登记为本单位的信息员。", "duplicate_entry", status=409) from exc
    return entry


def entry_change(
    *, entry: RosterEntry, values: Mapping[str, Any], by: User, reason: str = "",
    user_id: int | None = None, set_user: bool = False,
) -> RosterEntry:  # fmt: skip
    """变更信息员: the fields given change; the history keeps each old and new value."""
    _check_manager(by, entry.unit)
    with transaction.atomic():
        locked = RosterEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.status != EntryStatus.ACTIVE:
            raise ServiceError("该信息员已撤销，不能修改。", "revoked", status=409)
        before = {f: str(getattr(locked, f) or "") for f in ENTRY_FIELDS}
        clean = _clean(values, base=before)
        changes: dict[str, Any] = {f: [before[f], clean[f]] for f in ENTRY_FIELDS if before[f] != clean[f]}
        if set_user:
            account = _account(locked.unit, user_id)
            if (account.pk if account else None) != locked.user_id:
                old = locked.user.full_name if locked.user else ""
                changes["user"] = [old, account.full_name if account else ""]
                locked.user = account
        if not changes:
            return locked
        for f, v in clean.items():
            setattr(locked, f, v)
        locked.updated_at = timezone.now()
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError as exc:
            raise ServiceError("该账号已登记为本单位的信息员。", "duplicate_entry", status=409) from exc
        _history(locked, RosterChange.Kind.CHANGED, by=by, changes=changes, reason=reason)
    return locked


def entry_revoke(*, entry: RosterEntry, by: User, reason: str = "") -> RosterEntry:
    """撤销信息员 (the person left the post): the row stays in the history, off the 登记表."""
    _check_manager(by, entry.unit)
    with transaction.atomic():
        locked = RosterEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.status != EntryStatus.ACTIVE:
            raise ServiceError("该信息员已撤销。", "revoked", status=409)
        locked.status = EntryStatus.REVOKED
        locked.revoked_at = locked.updated_at = timezone.now()
        locked.save(update_fields=["status", "revoked_at", "updated_at"])
        _history(locked, RosterChange.Kind.REVOKED, by=by, changes={}, reason=(reason or "").strip())
    return locked


# ---- rounds ---------------------------------------------------------------------------------------------


def round_open(
    *,
    by: User,
    unit: Unit,
    title: str,
    deadline: dt.datetime | None = None,
    deadline_workdays: int | None = None,
    scope: str = RosterRound.Scope.SUBTREE,
    note: str = "",
) -> RosterRound:
    """发起信息员登记: every active unit below ``unit`` (its children, or its whole subtree) is asked to
    confirm or update its register by the deadline — a time, or the end of the Nth working day on the
    issuing unit's calendar."""
    if Role.EDITOR not in roles_in_unit(by, unit):
        raise Forbidden("只有采编人员可以发起信息员登记。")
    title = (title or "").strip()
    if not title:
        raise ServiceError("请填写标题。", "title_required")
    if scope not in RosterRound.Scope.values:
        raise ServiceError("登记范围无效。", "invalid_scope")
    if deadline_workdays is not None:
        deadline = end_of_day(due_in_workdays(deadline_workdays, unit=unit))
    if deadline is None:
        raise ServiceError("请设定截止时间或工作日数。", "deadline_required")
    if deadline <= timezone.now():
        raise ServiceError("截止时间须晚于现在。", "deadline_in_past")
    below = Unit.objects.filter(is_active=True)
    below = (
        below.filter(parent=unit)
        if scope == RosterRound.Scope.CHILDREN
        else below.filter(path__startswith=unit.path).exclude(pk=unit.pk)
    )
    targets = list(below.values_list("pk", flat=True))
    if not targets:
        raise ServiceError("本单位没有启用的下级单位。", "no_units")
    with transaction.atomic():
        rnd = RosterRound.objects.create(
            unit=unit, title=title[:200], note=(note or "").strip()[:5000], scope=scope, deadline=deadline,
            created_by=by,
        )  # fmt: skip
        RosterReturn.objects.bulk_create(
            [RosterReturn(round=rnd, unit_id=pk) for pk in sorted(targets)], batch_size=2000
        )
        record(
            wf.ROUND_OPEN, by=by, unit_id=unit.pk, object_type="roster_round", object_id=rnd.pk,
            details={"units": len(targets), "deadline": deadline.isoformat()},
            payload={"units": len(targets), "deadline": deadline.isoformat(), "by": by.pk},
        )  # fmt: skip
    return rnd


def round_submit(*, rnd: RosterRound, unit: Unit, by: User) -> RosterReturn:
    """The unit confirms its register as it stands now: the entries are kept with the answer. A unit may
    submit again after a change; whether it was on time counts from its first submission."""
    _check_manager(by, unit)
    with transaction.atomic():
        ret = RosterReturn.objects.select_for_update().filter(round=rnd, unit=unit).first()
        if ret is None:
            raise NotFound()
        entries = selectors.unit_entries(unit)
        if not entries:
            raise ServiceError(
                "本单位尚未登记信息员。请先新增信息员，再报送登记表。", "no_entries", status=409
            )
        now = timezone.now()
        again = ret.submitted_at is not None
        if again:
            ret.resubmitted_at = now
        else:
            ret.submitted_at, ret.submitted_by = now, by
        ret.entry_count = len(entries)
        ret.snapshot = [{"id": e.pk, **{f: str(getattr(e, f) or "") for f in ENTRY_FIELDS}} for e in entries]
        ret.save()
        record(
            wf.ROUND_SUBMIT, by=by, unit_id=unit.pk, object_type="roster_round", object_id=rnd.pk,
            details={"unit": unit.name, "entries": len(entries), "resubmitted": again},
        )  # fmt: skip
    return ret


def round_remind(*, rnd: RosterRound, by: User) -> int:
    """催报: every unit that has not submitted yet gets a reminder (a notification to its 信息员 and 采编)."""
    if not selectors.is_issuer(by, rnd):
        raise Forbidden("只有发起单位的采编人员可以催报。")
    with transaction.atomic():
        pending = list(
            RosterReturn.objects.filter(round=rnd, submitted_at__isnull=True).values_list(
                "unit_id", flat=True
            )
        )
        if not pending:
            raise ServiceError("各单位均已报送，无需催报。", "nothing_pending", status=409)
        for unit_id in pending:
            event_emit(
                str(wf.REMINDER.event), object_type="roster_round", object_id=rnd.pk, unit_id=unit_id,
                payload={"reason": "manual", "deadline": rnd.deadline.isoformat(), "by": by.pk},
            )  # fmt: skip
        record(wf.ROUND_REMIND, by=by, unit_id=rnd.unit_id, object_type="roster_round", object_id=rnd.pk,
               details={"units": len(pending)})  # fmt: skip
    return len(pending)


def roster_tick(now: dt.datetime | None = None) -> dict[str, int]:
    """A reminder a day before the deadline to each unit that has not submitted; after it, one
    ``roster.missed`` per unit still silent."""
    now = now or timezone.now()
    counts = {"reminders": 0, "missed": 0}
    open_ = RosterReturn.objects.filter(submitted_at__isnull=True)
    due_soon = open_.filter(
        reminded_at__isnull=True, round__deadline__gt=now, round__deadline__lte=now + dt.timedelta(hours=24)
    )
    missed = open_.filter(missed_at__isnull=True, round__deadline__lt=now)
    for qs, stamp, event, key in (
        (due_soon, "reminded_at", wf.REMINDER, "reminders"),
        (missed, "missed_at", wf.MISSED, "missed"),
    ):
        for ret in qs.select_related("round")[:5000]:
            with transaction.atomic():
                if not RosterReturn.objects.filter(pk=ret.pk, **{f"{stamp}__isnull": True}).update(
                    **{stamp: now}
                ):
                    continue  # another worker took it
                event_emit(
                    str(event.event), object_type="roster_round", object_id=ret.round_id, unit_id=ret.unit_id,
                    payload={"reason": "due_soon", "deadline": ret.round.deadline.isoformat()}
                    if key == "reminders" else {"deadline": ret.round.deadline.isoformat()},
                )  # fmt: skip
                counts[key] += 1
    return counts
