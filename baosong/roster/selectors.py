"""Reads of the 信息员 register, scoped to what the user may see.

Who may see and edit a unit's register: its own 信息员 and 采编人员, and the 采编人员 of any unit above it.
Everything else answers 404, like another unit's items."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from baosong.core.errors import NotFound
from baosong.orgs.models import Membership, Role, Unit, User
from baosong.orgs.selectors import acting_unit_ids, subtree_q
from baosong.roster.models import (
    RETURN_STATES,
    EntryStatus,
    RosterChange,
    RosterEntry,
    RosterReturn,
    RosterRound,
)

MEMBER_ROLES = (Role.REPORTER, Role.EDITOR)


def _editor_paths(user: User) -> list[str]:
    ids = acting_unit_ids(user, Role.EDITOR)
    return list(Unit.objects.filter(pk__in=ids).values_list("path", flat=True)) if ids else []


def managed_units_q(user: User, paths: list[str] | None = None) -> Q:
    """The units whose register the user keeps: their own (as 信息员 or 采编人员) and every unit below a unit
    where they are 采编人员. ``paths``: the user's editor units' paths, when the caller has them."""
    own = acting_unit_ids(user, *MEMBER_ROLES)
    paths = _editor_paths(user) if paths is None else paths
    return Q(pk__in=own) | subtree_q(paths)


def managed_units(user: User) -> QuerySet[Unit]:
    return Unit.objects.filter(managed_units_q(user))


def may_manage(user: User, unit: Unit) -> bool:
    if unit.pk in acting_unit_ids(user, *MEMBER_ROLES):
        return True
    ancestors = set(unit.ancestor_ids()) | {unit.pk}
    return bool(ancestors & set(acting_unit_ids(user, Role.EDITOR)))


def unit_for(user: User, pk: int) -> Unit:
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None or not may_manage(user, unit):
        raise NotFound()
    return unit


def entries_visible_to(user: User) -> QuerySet[RosterEntry]:
    return RosterEntry.objects.filter(unit__in=managed_units(user))


def entry_for(user: User, pk: int) -> RosterEntry:
    entry = RosterEntry.objects.select_related("unit", "user").filter(pk=pk).first()
    if entry is None or not may_manage(user, entry.unit):
        raise NotFound()
    return entry


def entry_list(
    user: User, *, unit: Unit | None = None, status: str | None = EntryStatus.ACTIVE, q: str = ""
) -> QuerySet[RosterEntry]:
    qs = entries_visible_to(user) if unit is None else RosterEntry.objects.filter(unit=unit)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(unit__name__contains=q))
    return qs.select_related("unit", "user").order_by("unit__path", "id")


def unit_entries(unit: Unit) -> list[RosterEntry]:
    return list(
        RosterEntry.objects.filter(unit=unit, status=EntryStatus.ACTIVE).select_related("user").order_by("id")
    )


def unit_history(unit: Unit, *, limit: int = 100) -> list[RosterChange]:
    return list(
        RosterChange.objects.filter(unit=unit).select_related("entry", "by").order_by("-at", "-id")[:limit]
    )


def unit_reporter_accounts(unit: Unit) -> list[User]:
    """Accounts holding the 信息员 role in the unit (they count as its 信息员 whether registered or not)."""
    ids = Membership.objects.filter(unit=unit, role=Role.REPORTER).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("full_name"))


# ---- units without a 信息员 -----------------------------------------------------------------------------


def _has_reporter() -> Q:
    entry = RosterEntry.objects.filter(unit=OuterRef("pk"), status=EntryStatus.ACTIVE)
    account = Membership.objects.filter(unit=OuterRef("pk"), role=Role.REPORTER, user__is_active=True)
    return Q(Exists(entry)) | Q(Exists(account))


def units_without_reporter(user: User, *, editor_paths: list[str] | None = None) -> QuerySet[Unit]:
    """Active units below the user's 采编 units with no active register entry and no active account holding
    the 信息员 role: «至少配备1名…信息员» is not met there. Two subqueries, whatever the number of units."""
    paths = _editor_paths(user) if editor_paths is None else editor_paths
    if not paths:
        return Unit.objects.none()
    below = Q(pk__in=[])
    for p in paths:
        below |= Q(path__startswith=p) & ~Q(path=p)
    return Unit.objects.filter(below, is_active=True).exclude(_has_reporter()).order_by("path")


# ---- rounds -----------------------------------------------------------------------------------------------


def rounds_visible_to(user: User) -> QuerySet[RosterRound]:
    """Rounds opened by a unit where the user is 采编人员, or asking a unit whose register the user keeps."""
    desk = acting_unit_ids(user, Role.EDITOR)
    asked = RosterReturn.objects.filter(round=OuterRef("pk"), unit__in=managed_units(user))
    return RosterRound.objects.filter(Q(unit_id__in=desk) | Exists(asked))


def round_for(user: User, pk: int) -> RosterRound:
    found = rounds_visible_to(user).select_related("unit", "created_by").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def round_list(user: User) -> QuerySet[RosterRound]:
    return (
        rounds_visible_to(user)
        .select_related("unit")
        .annotate(
            asked=Count("returns", distinct=True),
            answered=Count("returns", filter=Q(returns__submitted_at__isnull=False), distinct=True),
        )
        .order_by("-created_at", "-id")
    )


def is_issuer(user: User, rnd: RosterRound) -> bool:
    return rnd.unit_id in acting_unit_ids(user, Role.EDITOR)


def round_returns(user: User, rnd: RosterRound) -> QuerySet[RosterReturn]:
    """The issuer sees every unit's answer; a unit asked sees the answers of the units it keeps."""
    qs = rnd.returns.select_related("unit", "submitted_by")
    if not is_issuer(user, rnd):
        qs = qs.filter(unit__in=managed_units(user))
    return qs.order_by("unit__path")


def return_for(user: User, rnd: RosterRound, unit_id: int) -> RosterReturn:
    found = round_returns(user, rnd).filter(unit_id=unit_id).first()
    if found is None or not may_manage(user, found.unit):
        raise NotFound()
    return found


def round_status(user: User, rnd: RosterRound, *, state: str = "") -> dict[str, Any]:
    """Per unit: submitted / late / missing / pending, with the totals (two queries)."""
    now = timezone.now()
    rows = [{"ret": r, "state": r.state(rnd.deadline, now)} for r in round_returns(user, rnd)]
    totals = {s: sum(1 for r in rows if r["state"] == s) for s in RETURN_STATES}
    totals["all"] = len(rows)
    if state in RETURN_STATES:
        rows = [r for r in rows if r["state"] == state]
    return {"rows": rows, "totals": totals}


def pending_returns(user: User) -> QuerySet[RosterReturn]:
    """Rounds the user's own units have not answered yet (the 工作台 of a 信息员 or 采编人员)."""
    own = acting_unit_ids(user, *MEMBER_ROLES)
    return RosterReturn.objects.filter(unit_id__in=own, submitted_at__isnull=True).select_related(
        "round__unit", "unit"
    )
