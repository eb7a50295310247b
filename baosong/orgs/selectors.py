"""Reads about units and people, and the access helpers every other app relies on."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models import Q, QuerySet

from baosong.orgs.models import (
    ADMIN_ROLES,
    BUSINESS_ROLES,
    Membership,
    ReviewGrant,
    ReviewStep,
    Role,
    Unit,
    User,
)


def memberships_of(user: User) -> list[tuple[int, str, bool]]:
    """(unit id, role, unit active) of every membership of the user, in the unit tree's order: read once
    per request and kept on the user object, so the menu's roles, the acting units and the roles in one
    unit (three to six questions a page) cost one query between them."""
    cached: list[tuple[int, str, bool]] | None = getattr(user, "_baosong_memberships", None)
    if cached is None:
        cached = (
            list(
                Membership.objects.filter(user=user)
                .order_by("unit__path", "role")
                .values_list("unit_id", "role", "unit__is_active")
            )
            if user.pk
            else []
        )
        user._baosong_memberships = cached  # type: ignore[attr-defined]
    return cached


def user_roles(user: User) -> set[str]:
    """All role codes the user holds (any unit). Cached on the user object for the request."""
    return {role for _, role, _ in memberships_of(user)}


def user_has_role(user: User, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def user_admin_role(user: User) -> str | None:
    found = user_roles(user) & set(ADMIN_ROLES)
    return next(iter(found)) if found else None


def user_is_business(user: User) -> bool:
    return bool(user_roles(user) & set(BUSINESS_ROLES))


def acting_unit_ids(user: User, *roles: str) -> list[int]:
    """Ids of the active units in which the user holds one of ``roles`` (any role when none given), in
    the unit tree's order (from ``memberships_of``: no query of its own)."""
    found = (u for u, role, active in memberships_of(user) if active and (not roles or role in roles))
    return list(dict.fromkeys(found))


def acting_memberships(user: User) -> list[Membership]:
    """The user's memberships of active units with their units, in the unit tree's order (the 工作台's
    "my units")."""
    return list(
        Membership.objects.filter(user=user, unit__is_active=True)
        .select_related("unit")
        .order_by("unit__path", "role")
    )


def units_acting_for(user: User, *roles: str) -> QuerySet[Unit]:
    """Units in which the user holds one of ``roles`` (any role when none given)."""
    return Unit.objects.filter(pk__in=acting_unit_ids(user, *roles))


def subtree_q(paths: Iterable[str], prefix: str = "") -> Q:
    q = Q(pk__in=[])
    for p in _outermost(paths):
        q |= Q(**{f"{prefix}path__startswith": p})
    return q


def _outermost(paths: Iterable[str]) -> list[str]:
    """Drop paths inside another path of the list, so subtree filters do not repeat work."""
    result: list[str] = []
    for p in sorted(set(paths), key=len):
        if not any(p.startswith(r) for r in result):
            result.append(p)
    return result


def unit_subtree(unit: Unit, *, include_inactive: bool = True) -> QuerySet[Unit]:
    qs = Unit.objects.filter(path__startswith=unit.path)
    return qs if include_inactive else qs.filter(is_active=True)


def units_visible_to(user: User, *roles: str) -> QuerySet[Unit]:
    """Every unit in the subtrees of the units the user acts for."""
    paths = list(units_acting_for(user, *roles).values_list("path", flat=True))
    if not paths:
        return Unit.objects.none()
    return Unit.objects.filter(subtree_q(paths))


def unit_is_visible_to(user: User, unit: Unit, *roles: str) -> bool:
    paths = units_acting_for(user, *roles).values_list("path", flat=True)
    return any(unit.path.startswith(p) for p in paths)


def admin_scope_units(user: User, role: str = Role.SYSADMIN) -> QuerySet[Unit]:
    """The subtree a system/security administrator manages."""
    return units_visible_to(user, role)


def users_visible_to(user: User, role: str = Role.SYSADMIN) -> QuerySet[User]:
    paths = list(units_acting_for(user, role).values_list("path", flat=True))
    if not paths:
        return User.objects.none()
    return User.objects.filter(subtree_q(paths, prefix="primary_unit__"))


def unit_children(unit: Unit | None, *, scope: QuerySet[Unit]) -> QuerySet[Unit]:
    qs = scope.filter(parent=unit) if unit else scope.filter(parent__isnull=True)
    return qs.order_by("sort_order", "code")


def unit_reporting_targets(unit: Unit) -> list[Unit]:
    """Parent first (default target), then extra direct-reporting targets (直报点)."""
    targets: list[Unit] = []
    if unit.parent_id and unit.parent is not None:
        targets.append(unit.parent)
    extra = Unit.objects.filter(direct_reporter_lines__unit=unit, is_active=True).order_by("path")
    targets.extend(u for u in extra if u.pk != unit.parent_id)
    return targets


# Inside ``roles_memo()`` each user's memberships are read once, and whether a unit has a reporting target
# once per unit (pages and API lists that ask ``allowed_actions`` of many objects); outside it every call
# reads afresh (services checking an actor under a lock).
_memo: ContextVar[dict[Any, Any] | None] = ContextVar("roles_memo", default=None)


def unit_has_targets(unit_id: int) -> bool:
    """Whether a unit has anywhere to forward to (a parent or a direct-reporting line)."""
    memo = _memo.get()
    key = ("targets", unit_id)
    if memo is not None and key in memo:
        return bool(memo[key])
    found = (
        Unit.objects.filter(pk=unit_id, parent__isnull=False).exists()
        or Unit.objects.filter(direct_reporter_lines__unit_id=unit_id, is_active=True).exists()
    )
    if memo is not None:
        memo[key] = found
    return found


@contextmanager
def roles_memo() -> Iterator[None]:
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def roles_in_unit(user: User, unit: Unit | int) -> set[str]:
    """The user's roles in one unit (given as the unit or its id)."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    memo = _memo.get()
    if memo is None:
        return {role for u, role, _ in memberships_of(user) if u == unit_id}
    if user.pk not in memo:
        by_unit: dict[int, set[str]] = {}
        for unit_id, role in Membership.objects.filter(user=user).values_list("unit_id", "role"):
            by_unit.setdefault(unit_id, set()).add(role)
        memo[user.pk] = by_unit
    return set(memo[user.pk].get(unit_id, ()))


def units_listable_by(user: User) -> QuerySet[Unit]:
    """Units a user may look up: the subtrees they act for plus the chain above them (their targets)."""
    acting = list(units_acting_for(user).values_list("path", flat=True))
    if not acting:
        return Unit.objects.none()
    ancestor_ids = {int(p) for path in acting for p in path.strip("/").split("/") if p}
    return Unit.objects.filter(subtree_q(acting) | Q(pk__in=ancestor_ids))


# ---- review chains and what they send to reviewers ------------------------------------------------------


def chain_for(
    unit_id: int,
    chain: str,
    *,
    category: str = "",
    urgency: str = "",
    sensitive: bool = False,
    negative: bool = False,
) -> list[dict[str, Any]]:
    """A unit's configured steps of ``chain`` that apply to content with these marks (conditional steps by
    category, urgency, 敏感, 负面/重大), frozen as dicts ``{"role", "user_id", "unit_id", "label"}``."""
    steps = (
        ReviewStep.objects.filter(unit_id=unit_id, chain=chain)
        .select_related("user", "reviewer_unit")
        .order_by("order", "id")
    )
    return [
        step.frozen()
        for step in steps
        if step.applies(category=category, urgency=urgency, sensitive=sensitive, negative=negative)
    ]


def step_names_user(step: dict[str, Any] | None, user: User, *, home_unit_id: int) -> bool:
    """Whether a frozen chain step names this user: the named person, or the role in the step's unit
    (``unit_id``, a reviewer outside) or else in the chain's own unit."""
    if step is None:
        return False
    if step.get("user_id"):
        return bool(step["user_id"] == user.pk)
    return step.get("role") in roles_in_unit(user, step.get("unit_id") or home_unit_id)


def review_grant(*, object_type: str, object_id: int, step: dict[str, Any], home_unit_id: int) -> None:
    """Send an object to a reached step's reviewer (idempotent)."""
    who: dict[str, Any] = (
        {"user_id": step["user_id"], "unit_id": None, "role": ""}
        if step.get("user_id")
        else {"user_id": None, "unit_id": step.get("unit_id") or home_unit_id, "role": step.get("role", "")}
    )
    # get_or_create: a grant made at the same moment (the unique keys) is read back, not duplicated.
    ReviewGrant.objects.get_or_create(object_type=object_type, object_id=object_id, **who)


def granted_ids(user: User, object_type: str) -> QuerySet[Any]:
    """Ids of the objects of ``object_type`` sent to this user's review (as a subquery)."""
    who = Q(user=user)
    for unit_id, role, active in memberships_of(user):
        if active:
            who |= Q(unit_id=unit_id, role=role)
    return ReviewGrant.objects.filter(who, object_type=object_type).values("object_id")
