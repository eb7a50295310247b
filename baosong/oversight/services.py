"""督查's writers: the thresholds, the periodic scan (silent units, 疑似漏报) and handling an alert.

The 疑似漏报 rule (documented for the help page and docs/architecture.md):

1. Events are the same-event groups of each unit's inbox (``grouping.services.group_submissions``), over
   the submissions of items sent in the last ``LOOKBACK``.
2. The event's place is what grouping read from each item (its 地点 field, title and first sentence:
   ``neardup.place_of``). Unit X is "named" by an item when one of the place's names (城关镇, 东湖区…) ends
   with one of X's names: its name, short name, or its name without its parent's name in front (东湖区城关镇
   → 城关镇). The candidates are the neighbourhood of the reporters: the children of the inbox's unit and
   the siblings of the reporting units (active units only). The event is located in the candidate named by
   the most items; a tie names no one (no alert on an ambiguous place).
3. At least ``min_reporters`` units other than X (the setting of the inbox's unit, default 2) reported it.
4. The event's deadline is the one the category's deadline rule gives for the group's earliest item
   (``reports.timeliness.due_at_for``: from its event time). Once it has passed, X is alerted unless an item
   of X in the group was sent by the deadline.
5. One alert per event and unit: a later scan that finds a group sharing any item with an alert of X raises
   nothing (the group may grow, its first item may change, the city's inbox may group the forwarded ones).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from baosong.core.actions import apply, record
from baosong.core.errors import Forbidden, ServiceError
from baosong.grouping.models import EventSignature
from baosong.grouping.neardup import place_parts
from baosong.grouping.services import SIGNATURE_FIELDS, EventGroup, group_submissions
from baosong.orgs.models import Role, Unit, User
from baosong.orgs.selectors import roles_in_unit, user_has_role
from baosong.oversight import workflow as wf
from baosong.oversight.models import OmissionAlert, OversightSetting, SilentSpell
from baosong.oversight.selectors import last_sent_by_unit, thresholds_by_unit
from baosong.reports.models import Submission
from baosong.reports.selectors import deadline_rules
from baosong.reports.timeliness import due_at_for

# Items sent within these days are grouped by the scan: a group spans at most 48 hours, and the default
# deadline (5 days) ends inside; an event whose deadline is later than that is not followed up.
LOOKBACK = dt.timedelta(days=8)
WEEK = dt.timedelta(days=7)
SILENT_WEEKS_RANGE = (1, 52)
MIN_REPORTERS_RANGE = (2, 20)
NOTE_MAX = 500


# ---- thresholds -----------------------------------------------------------------------------------------


def _number(value: Any, label: str, bounds: tuple[int, int]) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ServiceError(f"{label}须为整数。", "invalid_number") from None
    if not bounds[0] <= number <= bounds[1]:
        raise ServiceError(f"{label}须在 {bounds[0]} 到 {bounds[1]} 之间。", "out_of_range")
    return number


def setting_update(*, by: User, unit: Unit | None, silent_weeks: Any, min_reporters: Any) -> OversightSetting:
    """The thresholds for the units reporting to ``unit`` (its 采编人员), or system-wide (``unit`` None: the
    系统管理员)."""
    if unit is None and not user_has_role(by, Role.SYSADMIN):
        raise Forbidden("只有系统管理员可以修改全局督查设置。")
    if unit is not None and Role.EDITOR not in roles_in_unit(by, unit):
        raise Forbidden("只有本单位的采编人员可以修改本单位的督查设置。")
    weeks = _number(silent_weeks, "连续未报送周数", SILENT_WEEKS_RANGE)
    reporters = _number(min_reporters, "疑似漏报的报送单位数", MIN_REPORTERS_RANGE)
    with transaction.atomic():
        rows = OversightSetting.objects.select_for_update()
        row = (rows.filter(is_global=True) if unit is None else rows.filter(unit=unit)).first()
        if row is None:
            row = OversightSetting(unit=unit, is_global=unit is None)
        row.silent_weeks, row.min_reporters = weeks, reporters
        row.updated_by, row.updated_at = by, timezone.now()
        row.save()
        record(
            wf.SETTING_CHANGE,
            by=by,
            unit_id=unit.pk if unit else None,
            object_type="unit" if unit else "",
            object_id=unit.pk if unit else "",
            details={"silent_weeks": weeks, "min_reporters": reporters},
        )
    return row


# ---- silent units ---------------------------------------------------------------------------------------


def silence_scan(now: dt.datetime | None = None) -> dict[str, int]:
    """Open a spell (and announce it, once) for each active unit silent for its upper unit's threshold;
    close the spells of units that sent again or were disabled. Four queries plus the writes, whatever the
    number of units."""
    now = now or timezone.now()
    default, own = thresholds_by_unit()
    longest = max([default.silent_weeks, *(t.silent_weeks for t in own.values())])
    units = list(
        Unit.objects.filter(is_active=True, parent__isnull=False).values_list("pk", "parent_id", "created_at")
    )
    last = last_sent_by_unit(Unit.objects.filter(is_active=True), now - longest * WEEK)
    open_spells = dict(SilentSpell.objects.filter(ended_at__isnull=True).values_list("unit_id", "pk"))
    silent: dict[int, int] = {}
    for pk, parent_id, created_at in units:
        weeks = own.get(parent_id, default).silent_weeks
        if max(last.get(pk, created_at), created_at) <= now - weeks * WEEK:
            silent[pk] = weeks
    ended = [spell for unit_id, spell in open_spells.items() if unit_id not in silent]
    parents = {pk: parent_id for pk, parent_id, _ in units}
    by_upper: dict[int, list[int]] = defaultdict(list)
    with transaction.atomic():
        if ended:
            SilentSpell.objects.filter(pk__in=ended, ended_at__isnull=True).update(ended_at=now)
        for unit_id, weeks in silent.items():
            if unit_id in open_spells:
                continue
            try:
                with transaction.atomic():
                    spell = SilentSpell.objects.create(
                        unit_id=unit_id, weeks=weeks, last_sent_at=last.get(unit_id), detected_at=now
                    )
            except IntegrityError:
                continue  # another scan opened it at the same moment
            record(
                wf.SILENT,
                obj=spell,
                unit_id=unit_id,
                object_type="silentspell",
                payload={
                    "unit_id": unit_id,
                    "weeks": weeks,
                    "last_sent_at": spell.last_sent_at.isoformat() if spell.last_sent_at else None,
                },
            )
            by_upper[parents[unit_id]].append(unit_id)
        for upper_id, unit_ids in by_upper.items():
            record(
                wf.SILENT_SUMMARY,
                unit_id=upper_id,
                object_type="unit",
                object_id=upper_id,
                payload={"upper_unit_id": upper_id, "units": len(unit_ids), "unit_ids": unit_ids[:50]},
            )
    return {"opened": sum(map(len, by_upper.values())), "closed": len(ended)}


def silence_end(*, unit_id: int, at: dt.datetime) -> int:
    """The unit sent an item: its open spell ends (the outbox consumer, on ``report.sent``)."""
    return SilentSpell.objects.filter(unit_id=unit_id, ended_at__isnull=True).update(ended_at=at)


# ---- 疑似漏报 ----------------------------------------------------------------------------------------------

_SUFFIXES = ("人民政府办公室", "人民政府办公厅", "人民政府", "办公室", "办事处")


def unit_names(unit: Unit, parent: Unit | None) -> set[str]:
    """The names an item may call a unit by: 东湖区城关镇 → {东湖区城关镇, 城关镇}."""
    names = {unit.name, unit.short_name}
    if parent is not None:
        for prefix in (parent.short_name, parent.name):
            if prefix and unit.name.startswith(prefix):
                names.add(unit.name[len(prefix) :])
    for name in list(names):
        for suffix in _SUFFIXES:
            if name.endswith(suffix):
                names.add(name[: -len(suffix)])
    return {n for n in names if len(n) >= 2}


def located_in(places: list[str], candidates: list[Unit], names: dict[int, set[str]]) -> Unit | None:
    """The candidate the most places name (see the module's rule); None when none or a tie."""
    counts: Counter[int] = Counter()
    for place in places:
        parts = list(place_parts(place).values())
        for u in candidates:
            if any(p.endswith(n) for p in parts for n in names[u.pk]):
                counts[u.pk] += 1
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return next(u for u in candidates if u.pk == ranked[0][0])


def _event_start(s: Submission) -> dt.datetime:
    return s.report.event_time or s.report.sent_at or s.received_at


def omission_scan(now: dt.datetime | None = None) -> int:
    """Raise the 疑似漏报 alerts whose event deadline has passed (see the module's rule). Idempotent.
    A fixed number of queries for the reading, whatever the number of groups; one insert per alert."""
    now = now or timezone.now()
    since = now - LOOKBACK
    subs = list(
        Submission.objects.filter(is_active=True, report__sent_at__gte=since)
        .select_related("report__source_unit", "target_unit")
        # What grouping, the place rule and the deadline read: not the texts (signatures stand for them).
        .only(
            *("id", "report_id", "target_unit_id", "received_at", "target_unit__name", "target_unit__path"),
            *("report__title", "report__place", "report__category", "report__urgency", "report__event_time"),
            *("report__created_at", "report__sent_at", "report__source_unit_id", "report__source_unit__name"),
            *(
                "report__source_unit__short_name",
                "report__source_unit__parent_id",
                "report__source_unit__path",
            ),
        )
        .order_by("received_at", "pk")
    )
    if not subs:
        return 0
    signatures = {
        row[0]: row
        for row in EventSignature.objects.filter(report__sent_at__gte=since).values_list(*SIGNATURE_FIELDS)
    }
    default, own = thresholds_by_unit()
    groups = [
        g
        for g in group_submissions(subs, signatures)
        if len({m.report.source_unit_id for m in g.members}) >= 2
    ]
    if not groups:
        return 0
    parents = {m.report.source_unit.parent_id for g in groups for m in g.members} | {
        g.unit.pk for g in groups
    }
    parents.discard(None)
    neighbours: dict[int, list[Unit]] = defaultdict(list)
    candidates = list(Unit.objects.filter(parent_id__in=parents, is_active=True).select_related("parent"))
    for u in candidates:
        neighbours[u.parent_id or 0].append(u)
    names = {u.pk: unit_names(u, u.parent) for u in candidates}
    rules = deadline_rules()
    findings: list[tuple[EventGroup, Unit, dt.datetime, Submission]] = []
    for g in groups:
        near = {u.pk: u for p in _parents_of(g) for u in neighbours.get(p, [])}
        near.pop(g.unit.pk, None)
        places = [signatures[m.report_id][3] for m in g.members]
        x = located_in(places, list(near.values()), names)
        if x is None or x.parent_id is None:
            continue
        others = {m.report.source_unit_id for m in g.members} - {x.pk}
        if len(others) < own.get(g.unit.pk, default).min_reporters:
            continue
        first = min(g.members, key=_event_start)
        r = first.report
        rule = (
            rules.get((r.category, r.urgency))
            or rules.get((r.category, ""))
            or rules.get(("", r.urgency))
            or rules.get(("", ""))
        )
        due = due_at_for(r, rule, with_rule=True)
        if now < due:
            continue
        in_time = any(
            m.report.source_unit_id == x.pk and m.report.sent_at and m.report.sent_at <= due
            for m in g.members
        )
        if not in_time:
            findings.append((g, x, due, first))
    return _raise(findings, now)


def _parents_of(g: EventGroup) -> set[int]:
    return {g.unit.pk} | {m.report.source_unit.parent_id or 0 for m in g.members}


def _raise(findings: list[tuple[EventGroup, Unit, dt.datetime, Submission]], now: dt.datetime) -> int:
    if not findings:
        return 0
    known: dict[int, list[set[int]]] = defaultdict(list)
    rows = OmissionAlert.objects.filter(
        unit_id__in={x.pk for _, x, _, _ in findings}, created_at__gte=now - 2 * LOOKBACK
    ).values_list("unit_id", "report_ids", "anchor_report_id")
    for unit_id, report_ids, anchor in rows:
        known[unit_id].append({*report_ids, anchor})
    raised = 0
    for g, x, due, first in findings:
        assert x.parent_id is not None  # omission_scan keeps only units with an upper unit
        report_ids = sorted({m.report_id for m in g.members})
        if any(seen & set(report_ids) for seen in known[x.pk]):
            continue
        reporters = list(
            dict.fromkeys(
                m.report.source_unit.display_name for m in g.members if m.report.source_unit_id != x.pk
            )
        )
        try:
            with transaction.atomic():
                alert = OmissionAlert.objects.create(
                    unit=x,
                    upper_unit_id=x.parent_id,
                    target_unit=g.unit,
                    anchor_report_id=first.report_id,
                    report_ids=report_ids,
                    title=first.report.title[:200],
                    place=(first.report.place or "")[:200],
                    category=first.report.category,
                    event_time=_event_start(first),
                    due_at=due,
                    reporter_count=len(reporters),
                    reporter_names=reporters,
                    created_at=now,
                )
                record(
                    wf.RAISE,
                    obj=alert,
                    unit_id=x.pk,
                    payload={
                        "unit_id": x.pk,
                        "upper_unit_id": x.parent_id,
                        "due_at": due.isoformat(),
                        "reporters": len(reporters),
                    },
                )
        except IntegrityError:
            continue  # the same event's alert, raised by a scan running at the same moment
        known[x.pk].append(set(report_ids))
        raised += 1
    return raised


def alert_handle(*, alert: OmissionAlert, by: User, note: str = "") -> OmissionAlert:
    """The upper unit's 采编人员 marks the alert handled (核实后已补报、确无此事…), with an optional note."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ServiceError(f"处理说明不能超过 {NOTE_MAX} 字。", "note_too_long")

    def change(a: OmissionAlert, t: Any) -> None:
        a.handled_by, a.handled_at, a.note = by, timezone.now(), note

    return apply(wf.HANDLE, alert, by, change=change, details={"note": note} if note else None)


# ---- the periodic job -------------------------------------------------------------------------------------


def scan(now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic job ``oversight.scan``."""
    now = now or timezone.now()
    counts = silence_scan(now)
    counts["omissions"] = omission_scan(now)
    return counts
