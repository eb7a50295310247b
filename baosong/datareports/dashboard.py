"""The dashboard of one form for a unit's subtree: for each collection (month, quarter or year) how many of
the unit's children returned on time, late or not at all, and their totals by unit and period, with a
drill-down into a child. DHIS2's reporting-rate view, over the returns' copied totals: it reads
``Return.totals`` (the latest fixed version of each child), never a row. The number of queries is fixed,
whatever the number of children or collections."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from baosong.core.errors import NotFound
from baosong.datareports import periods, schema, selectors
from baosong.datareports.exports import period_label
from baosong.datareports.models import Collection, Form, Return, ReturnStatus
from baosong.datareports.services import level_of, version_on
from baosong.orgs.models import Unit, User
from baosong.orgs.selectors import memberships_of
from baosong.workdays.calendar import calendar_for, end_of_day


@dataclass
class Period:
    """One collection seen from the unit: its children's reporting and the unit's own return."""

    collection: Collection
    label: str
    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    overdue: int = 0  # missing and past their due day
    own_state: str = ""  # the unit's own return: 已上报 / 迟报 / 填报中 / 未上报
    own_versions: int = 0

    @property
    def submitted(self) -> int:
        return self.on_time + self.late

    @property
    def rate(self) -> int | None:
        return round(100 * self.submitted / self.expected) if self.expected else None


@dataclass
class Cell:
    value: str = ""
    state: str = "missing"  # on_time, late, missing, none (the unit takes no part)


@dataclass
class Line:
    unit_id: int
    name: str
    drill: bool
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Dashboard:
    form: Form
    unit: Unit
    crumbs: list[Unit]
    years: list[int]
    year: int | None
    periods: list[Period]
    measures: list[tuple[str, str]]  # (totals key, label) of the roll-up figures
    measure: str
    measure_label: str
    lines: list[Line]
    children_total: list[str]
    own_total: list[str]


def _oversee_units(user: User) -> list[Unit]:
    ids = [u for u, role, active in memberships_of(user) if active and role in selectors.OVERSEE_ROLES]
    return sorted(Unit.objects.filter(pk__in=ids), key=lambda u: u.depth)


def _measures(sch: dict[str, Any]) -> list[tuple[str, str]]:
    """The figures a table of totals can show: each repeating section's row count and its numeric sums."""
    out = []
    for s in schema.sections(sch):
        if not s.get("repeating"):
            continue
        out.append((f"{s['key']}.__rows", f"{s['title']}（条）"))
        for f in schema.fields_of(s):
            if f.get("rollup") in ("sum", "count"):
                out.append((f"{s['key']}.{f['key']}", str(f["label"])))
    return out


def dashboard_for(
    user: User, form_id: int, *, unit_id: int | None = None, year: int | None = None, measure: str = ""
) -> Dashboard:
    """The form's dashboard for the user's highest unit it oversees (editor, chief, leader), or for
    ``unit_id`` when it lies in one of those units' subtrees; NotFound otherwise."""
    form = selectors.form_for(user, form_id)
    mine = _oversee_units(user)
    if not mine:
        raise NotFound()
    if unit_id is None:
        unit = mine[0]
    else:
        found = Unit.objects.filter(pk=unit_id).first()
        if found is None or not any(found.path.startswith(u.path) for u in mine):
            raise NotFound()
        unit = found
    top = next(u for u in mine if unit.path.startswith(u.path))
    lineage = [*unit.ancestor_ids(), unit.pk]
    crumbs_by_id = {u.pk: u for u in Unit.objects.filter(pk__in=lineage) if u.path.startswith(top.path)}
    crumbs = [crumbs_by_id[pk] for pk in lineage if pk in crumbs_by_id]

    # Every collection of the form the unit has children in: a handful a year, so read them all and pick
    # the year here.
    colls_all: list[Collection] = []
    levels: dict[int, int] = {}
    for c in Collection.objects.filter(form=form, root_unit_id__in=lineage).select_related("root_unit"):
        lv = level_of(c, unit)
        if lv is not None and lv + 1 < len(c.levels):
            levels[c.pk] = lv
            colls_all.append(c)
    colls_all.sort(key=lambda c: (c.period_start, c.pk))
    colls = colls_all
    years = sorted({c.period_start.year for c in colls}, reverse=True)
    chosen = year if year in years else (years[0] if years else None)
    colls = [c for c in colls if c.period_start.year == chosen]

    sch = version_on(form, dt.date(chosen, 1, 1) if chosen else timezone.localdate()).schema
    measures = _measures(sch)
    keys = dict(measures)
    measure = measure if measure in keys else (measures[1][0] if len(measures) > 1 else measures[0][0])
    section_key, _, field_key = measure.partition(".")
    measure_field = schema.field_map(sch).get((section_key, field_key))

    children = list(Unit.objects.filter(parent=unit, is_active=True).order_by("sort_order", "code"))
    returns: dict[tuple[int, int], Any] = {}
    if colls:
        for got in Return.objects.filter(
            Q(parent_unit=unit) | Q(unit=unit), collection_id__in=[c.pk for c in colls]
        ).values("collection_id", "unit_id", "status", "version_count", "late", "totals"):
            returns[(got["collection_id"], got["unit_id"])] = got
    cal = (
        calendar_for(unit, start=colls[0].period_end, end=colls[-1].period_end + dt.timedelta(days=400))
        if colls
        else None
    )
    now = timezone.now()

    periods_out = []
    # A child can be drilled into when it has children of its own and a collection goes that deep.
    deep = any(levels[c.pk] + 2 < len(c.levels) for c in colls)
    parents = (
        set(Unit.objects.filter(parent__in=children, is_active=True).values_list("parent_id", flat=True))
        if deep and children
        else set()
    )
    lines = [Line(c.pk, c.name, c.pk in parents) for c in children]
    children_total: list[str] = []
    own_total: list[str] = []
    for coll in colls:
        assert cal is not None
        due = end_of_day(periods.due_date(coll.levels[levels[coll.pk] + 1]["due"], coll.period_end, cal))
        p = Period(coll, period_label(coll), expected=len(children))
        parts = []
        for line in lines:
            r = returns.get((coll.pk, line.unit_id))
            if r is None or not r["version_count"]:
                p.missing += 1
                p.overdue += now > due
                line.cells.append(Cell("", "missing"))
                continue
            parts.append(r["totals"])
            if r["late"]:
                p.late += 1
            else:
                p.on_time += 1
            line.cells.append(
                Cell(_show(measure_field, r["totals"].get(measure)), "late" if r["late"] else "on_time")
            )
        own = returns.get((coll.pk, unit.pk))
        if own is not None and own["version_count"]:
            p.own_state = {ReturnStatus.DRAFT: "更正中", ReturnStatus.RETURNED: "退回修改"}.get(
                own["status"], "迟报" if own["late"] else "已上报"
            )
            p.own_versions = own["version_count"]
            own_total.append(_show(measure_field, own["totals"].get(measure)))
        else:
            p.own_state = "未上报"
            own_total.append("")
        children_total.append(_show(measure_field, schema.combine(sch, parts).get(measure)) if parts else "")
        periods_out.append(p)
    return Dashboard(
        form=form,
        unit=unit,
        crumbs=crumbs,
        years=years,
        year=chosen,
        periods=periods_out,
        measures=measures,
        measure=measure,
        measure_label=keys[measure],
        lines=lines,
        children_total=children_total,
        own_total=own_total,
    )


def _show(f: dict[str, Any] | None, value: Any) -> str:
    if value is None:
        return ""
    if f is not None and f.get("type") == "money":
        number = schema.to_decimal(value) or Decimal(0)
        return f"{number:,.2f}"
    return str(value)
