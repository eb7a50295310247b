"""Reads of structured reports, scoped by what the user may see.

A unit's return is seen by those who fill it (its 信息员 and editors) and by the editors, chiefs and leaders
of every unit above it up to the collection's root; anyone else gets a 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from baosong.core.errors import NotFound
from baosong.datareports import periods, schema
from baosong.datareports.models import (
    RETURN_STATE_LABELS,
    Collection,
    Form,
    Return,
    ReturnStatus,
    ReturnVersion,
)
from baosong.datareports.services import level_of
from baosong.datareports.workflow import FILL_ROLES
from baosong.orgs.models import Role, Unit, User
from baosong.orgs.selectors import acting_unit_ids, memberships_of, roles_in_unit
from baosong.workdays.calendar import calendar_for, end_of_day

OVERSEE_ROLES = (Role.EDITOR, Role.CHIEF, Role.LEADER)


def forms_visible_to(user: User) -> QuerySet[Form]:
    """System forms, and forms of units the user acts for or lies below."""
    units = Unit.objects.filter(pk__in=[u for u, _, active in memberships_of(user) if active])
    ancestor_ids = {a for unit in units for a in [*unit.ancestor_ids(), unit.pk]}
    return Form.objects.filter(owner_unit__isnull=True) | Form.objects.filter(owner_unit_id__in=ancestor_ids)


def form_for(user: User, pk: int) -> Form:
    form = forms_visible_to(user).filter(pk=pk).first()
    if form is None:
        raise NotFound()
    return form


def _my_units(user: User) -> list[Unit]:
    ids = [u for u, _, active in memberships_of(user) if active]
    return list(Unit.objects.filter(pk__in=ids))


def collections_for(user: User) -> list[tuple[Collection, Unit]]:
    """Collections the user takes part in, newest period first, each with the user's highest unit in it."""
    highest: dict[int, Task] = {}
    for t in tasks_for(acting_unit_ids(user)):
        known = highest.get(t.collection.pk)
        if known is None or t.unit.depth < known.unit.depth:
            highest[t.collection.pk] = t
    ordered = sorted(
        highest.values(), key=lambda t: (t.collection.period_start, t.collection.pk), reverse=True
    )
    return [(t.collection, t.unit) for t in ordered]


@dataclass
class Task:
    """One unit's part in one collection: its return (None until opened) and its due day."""

    collection: Collection
    unit: Unit
    ret: Return | None
    due: dt.datetime

    @property
    def owed(self) -> bool:
        return self.ret is None or self.ret.status != ReturnStatus.SUBMITTED or self.ret.stale

    @property
    def state_label(self) -> str:
        """For the unit itself: 未填报 / 填报中 before the first submission, else the return's state."""
        ret = self.ret
        if ret is None or (ret.state == "missing" and ret.updated_by_id is None):
            return "未填报"
        if ret.state == "missing":
            return "填报中"
        return "待重新汇总" if ret.stale else ret.state_label


def tasks_for(unit_ids: list[int], *, today: dt.date | None = None) -> list[Task]:
    """Every (collection, unit) the units take part in, nearest due day first — the 数据报表 page and the
    工作台 alike, in four queries whatever the number of tasks. ``today``: only open collections whose
    period has begun (the 工作台's "still to do")."""
    units = list(Unit.objects.filter(pk__in=unit_ids, is_active=True))
    lineage = {a for u in units for a in [*u.ancestor_ids(), u.pk]}
    collections = Collection.objects.filter(root_unit_id__in=lineage).select_related("form", "root_unit")
    if today is not None:
        collections = collections.filter(status=Collection.Status.OPEN, period_start__lte=today)
    colls = list(collections)
    if not colls:
        return []
    returns = {
        (r.collection_id, r.unit_id): r
        for r in Return.objects.filter(collection__in=colls, unit_id__in=[u.pk for u in units])
    }
    national = calendar_for(None)  # a return not yet opened: its due day on the national calendar
    tasks = []
    for coll in colls:
        for unit in units:
            level = level_of(coll, unit)
            if level is None:
                continue
            ret = returns.get((coll.pk, unit.pk))
            due = ret.due_at if ret and ret.due_at else None
            if due is None:
                due = end_of_day(periods.due_date(coll.levels[level]["due"], coll.period_end, national))
            tasks.append(Task(coll, unit, ret, due))
    tasks.sort(key=lambda t: (t.due, t.collection.pk, t.unit.path))
    return tasks


def collection_for(user: User, pk: int) -> tuple[Collection, list[Unit]]:
    """The collection and the user's units that take part in it; 404 for anyone else."""
    coll = Collection.objects.select_related("form", "root_unit").filter(pk=pk).first()
    if coll is None:
        raise NotFound()
    mine = sorted((u for u in _my_units(user) if level_of(coll, u) is not None), key=lambda u: u.depth)
    if not mine:
        raise NotFound()
    return coll, mine


def may_see_return(user: User, coll: Collection, unit: Unit) -> bool:
    if level_of(coll, unit) is None:
        return False
    if roles_in_unit(user, unit) & set(FILL_ROLES + OVERSEE_ROLES):
        return True
    # The units above it that take part: from the collection's root (depth root.depth) down.
    above = unit.ancestor_ids()[coll.root_unit.depth :]
    return any(roles_in_unit(user, a) & set(OVERSEE_ROLES) for a in above)


def unit_in_collection(user: User, coll: Collection, unit_id: int) -> Unit:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or not may_see_return(user, coll, unit):
        raise NotFound()
    return unit


# ---- status of the children ----------------------------------------------------------------------------


@dataclass
class ChildStatus:
    unit: Unit
    ret: Return | None
    due_at: dt.datetime | None

    @property
    def state(self) -> str:
        return self.ret.state if self.ret is not None else "missing"

    @property
    def state_label(self) -> str:
        return RETURN_STATE_LABELS[self.state]

    @property
    def late(self) -> bool:
        if self.ret is not None and self.ret.version_count:
            return self.ret.late
        return bool(self.due_at and timezone.now() > self.due_at)


@dataclass
class Status:
    collection: Collection
    unit: Unit
    level: int
    children: list[ChildStatus] = field(default_factory=list)

    @property
    def expected(self) -> int:
        return len(self.children)

    @property
    def submitted(self) -> int:
        return sum(1 for c in self.children if c.ret is not None and c.ret.version_count > 0)

    @property
    def on_time(self) -> int:
        return sum(1 for c in self.children if c.ret is not None and c.ret.version_count and not c.ret.late)

    @property
    def late_count(self) -> int:
        return sum(1 for c in self.children if c.late)

    @property
    def missing(self) -> int:
        return self.expected - self.submitted


def children_status(coll: Collection, unit: Unit) -> Status:
    """Expected vs actual for one unit's children (DHIS2's reporting rate): two queries whatever the number
    of children. Inactive units are not expected."""
    level = level_of(coll, unit)
    if level is None:
        raise NotFound()
    status = Status(coll, unit, level)
    if level + 1 >= len(coll.levels):
        return status
    children = list(Unit.objects.filter(parent=unit, is_active=True).order_by("sort_order", "code"))
    returns = {r.unit_id: r for r in Return.objects.filter(collection=coll, parent_unit=unit)}
    rule = coll.levels[level + 1]["due"]
    due = end_of_day(periods.due_date(rule, coll.period_end, calendar_for(unit)))
    status.children = [
        ChildStatus(c, returns.get(c.pk), returns[c.pk].due_at if c.pk in returns else due) for c in children
    ]
    return status


def current_totals(ret: Return) -> dict[str, Any]:
    """What the unit's roll-up would total now: its own draft rows and its children's latest versions."""
    sch = ret.form_version.schema
    own = schema.totals_of_rows(sch, ret.data)
    children = (
        Return.objects.filter(
            collection_id=ret.collection_id, parent_unit_id=ret.unit_id, version_count__gt=0
        )
        .order_by("unit_id")
        .values_list("totals", flat=True)
    )
    return schema.combine(sch, [own, *children])


# ---- versions, expansion and diff ----------------------------------------------------------------------


def versions_of(ret: Return) -> list[ReturnVersion]:
    return list(ReturnVersion.objects.filter(ret=ret).select_related("submitted_by").order_by("number"))


@dataclass
class UnitRows:
    unit_id: int
    unit_name: str
    depth: int
    path: str
    own: dict[str, list[dict[str, Any]]]


def expand(version: ReturnVersion) -> list[UnitRows]:
    """Every unit's own rows under a fixed version, in the unit tree's order: one query per level."""
    out: list[UnitRows] = []
    frontier = [version.pk]
    while frontier:
        rows = ReturnVersion.objects.filter(pk__in=frontier).values_list(
            "own", "children", "ret__unit_id", "ret__unit__name", "ret__unit__depth", "ret__unit__path"
        )
        frontier = []
        for own, children, unit_id, name, depth, path in rows.iterator(chunk_size=2000):
            out.append(UnitRows(unit_id, name, depth, path, own))
            frontier.extend(children.values())
    out.sort(key=lambda u: u.path)
    return out


@dataclass
class Change:
    unit_name: str
    kind: str  # added, removed, changed, totals
    section: str
    label: str
    before: str = ""
    after: str = ""


def version_diff(old: ReturnVersion, new: ReturnVersion, sch: dict[str, Any]) -> list[Change]:
    """What changed from one fixed version to the next: totals, and rows added, removed or changed in the
    unit's own rows and, following the child versions that differ, in every unit below."""
    fmap = schema.field_map(sch)
    titles = {s["key"]: s["title"] for s in schema.sections(sch)}
    changes: list[Change] = []
    for s_key, f in schema.rollup_fields(sch):
        key = f"{s_key}.{f['key']}"
        before, after = old.totals.get(key), new.totals.get(key)
        if before != after:
            changes.append(
                Change(
                    "合计",
                    "totals",
                    titles[s_key],
                    f["label"],
                    schema.total_display(f, before),
                    schema.total_display(f, after),
                )
            )
    pairs = [(old, new)]
    names = dict(Unit.objects.filter(pk__in=_unit_ids(old, new)).values_list("pk", "name"))
    while pairs:
        next_pairs: list[tuple[Any, Any]] = []
        for a, b in pairs:
            name = names.get(b.ret.unit_id if b else a.ret.unit_id, "")
            changes.extend(_row_changes(name, a.own if a else {}, b.own if b else {}, fmap, titles))
            a_children = a.children if a else {}
            b_children = b.children if b else {}
            differ = [u for u in {*a_children, *b_children} if a_children.get(u) != b_children.get(u)]
            if differ:
                ids = [v for u in differ for v in (a_children.get(u), b_children.get(u)) if v]
                loaded = {v.pk: v for v in ReturnVersion.objects.filter(pk__in=ids).select_related("ret")}
                names.update(Unit.objects.filter(pk__in=[int(u) for u in differ]).values_list("pk", "name"))
                next_pairs.extend(
                    (loaded.get(a_children.get(u, 0)), loaded.get(b_children.get(u, 0))) for u in differ
                )
        pairs = next_pairs
    return changes


def _unit_ids(*versions: ReturnVersion) -> list[int]:
    return [v.ret.unit_id for v in versions]


def _row_changes(
    unit_name: str,
    before: dict[str, Any],
    after: dict[str, Any],
    fmap: dict[tuple[str, str], dict[str, Any]],
    titles: dict[str, str],
) -> Iterable[Change]:
    for s_key, title in titles.items():
        old_rows = {r.get("_id") or str(i): r for i, r in enumerate(before.get(s_key) or [])}
        new_rows = {r.get("_id") or str(i): r for i, r in enumerate(after.get(s_key) or [])}
        for rid, row in new_rows.items():
            if rid not in old_rows:
                yield Change(
                    unit_name, "added", title, _row_label(s_key, row, fmap), "", _row_text(s_key, row, fmap)
                )
                continue
            for (sec, fkey), f in fmap.items():
                if sec != s_key:
                    continue
                a, b = old_rows[rid].get(fkey), row.get(fkey)
                if a != b:
                    yield Change(
                        unit_name,
                        "changed",
                        title,
                        f"{_row_label(s_key, row, fmap)}：{f['label']}",
                        schema.display(f, a),
                        schema.display(f, b),
                    )
        for rid, row in old_rows.items():
            if rid not in new_rows:
                yield Change(
                    unit_name, "removed", title, _row_label(s_key, row, fmap), _row_text(s_key, row, fmap)
                )


def _row_label(s_key: str, row: dict[str, Any], fmap: dict[tuple[str, str], dict[str, Any]]) -> str:
    """A row named by its first filled field (接待时间 2026-03-12 09:00)."""
    for (sec, fkey), f in fmap.items():
        if sec == s_key and not schema.is_empty(row.get(fkey)):
            return f"{f['label']} {schema.display(f, row[fkey])}"
    return "空行"


def _row_text(s_key: str, row: dict[str, Any], fmap: dict[tuple[str, str], dict[str, Any]]) -> str:
    parts = [
        f"{f['label']}：{schema.display(f, row.get(k))}"
        for (sec, k), f in fmap.items()
        if sec == s_key and not schema.is_empty(row.get(k))
    ]
    return "；".join(parts)[:300]
