"""Reads of solicitations (约稿) and 报送要点, scoped by what the user may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from baosong.core.errors import NotFound
from baosong.orgs.models import BUSINESS_ROLES, Role, Unit, User
from baosong.orgs.selectors import acting_unit_ids
from baosong.reports.models import Report, ReportStatus, Submission
from baosong.solicitations.models import SOLICITATION_STATES, RelayedAnswer, Solicitation, SolicitationTarget

DESK = (Role.EDITOR, Role.CHIEF, Role.LEADER)


def _unit_ids(user: User, *roles: str) -> list[int]:
    return acting_unit_ids(user, *roles)


def solicitations_visible_to(user: User) -> QuerySet[Solicitation]:
    """Issued by a unit where the user edits, signs or leads, or sent to a unit the user belongs to."""
    desk = _unit_ids(user, Role.EDITOR, Role.CHIEF, Role.LEADER)
    member = _unit_ids(user, *BUSINESS_ROLES)
    targeted = SolicitationTarget.objects.filter(solicitation=OuterRef("pk"), unit_id__in=member)
    return Solicitation.objects.filter(Q(unit_id__in=desk) | Exists(targeted))


def _upper_units(solicitation: Solicitation) -> list[int]:
    """The issuing units of the notices a relay was relayed from, nearest first (one query per level, and
    a chain has one step per level of the tree)."""
    units: list[int] = []
    current = solicitation.relayed_from_id
    while current is not None and len(units) < 12:
        row = Solicitation.objects.filter(pk=current).values("unit_id", "relayed_from_id").first()
        if row is None:
            break
        units.append(row["unit_id"])
        current = row["relayed_from_id"]
    return units


def solicitation_for(user: User, pk: int) -> Solicitation:
    """A notice the user may see: their unit's, one sent to their unit, or a relay further down the chain
    of a notice their unit issued (the city sees how its 约稿 went on below each county)."""
    found = solicitations_visible_to(user).select_related("unit", "created_by").filter(pk=pk).first()
    if found is None:
        relay = (
            Solicitation.objects.select_related("unit", "created_by")
            .filter(pk=pk, relayed_from__isnull=False)
            .first()
        )
        if relay is not None and set(_upper_units(relay)) & set(_unit_ids(user, *DESK)):
            return relay
        raise NotFound()
    return found


def oversees(user: User, solicitation: Solicitation) -> bool:
    """Whether the user sees who answered: a desk member of the issuing unit, or of a unit up the relay
    chain."""
    desk = set(_unit_ids(user, *DESK))
    if solicitation.unit_id in desk:
        return True
    return solicitation.relayed_from_id is not None and bool(desk & set(_upper_units(solicitation)))


def relay_of(solicitation: Solicitation, unit_id: int) -> Solicitation | None:
    """The unit's relay of this notice, if it made one."""
    return Solicitation.objects.filter(relayed_from=solicitation, unit_id=unit_id).first()


def relay_chain(solicitation: Solicitation) -> list[dict[str, Any]]:
    """Per relaying unit (each county): its relay (added requirements, deadline, units asked) and per unit
    asked (each township): its state against the relay's deadline, its answers with the relaying unit's
    decision, whether that decision counted for this notice (采用 or 转报) and the copy that arrived here.
    A fixed number of queries, whatever the number of relays, units and answers."""
    relays = list(
        Solicitation.objects.filter(relayed_from=solicitation)
        .select_related("unit", "created_by")
        .order_by("unit__path")
    )
    if not relays:
        return []
    ids = [r.pk for r in relays]
    targets = list(
        SolicitationTarget.objects.filter(solicitation_id__in=ids)
        .select_related("unit")
        .order_by("unit__path")
    )
    reports = list(
        Report.objects.filter(solicitation_id__in=ids)
        .exclude(status=ReportStatus.DRAFT)
        .only("pk", "title", "status", "sent_at", "source_unit_id", "solicitation_id")
        .order_by("sent_at", "id")
    )
    relay_units = {r.unit_id for r in relays}
    subs = list(
        Submission.objects.filter(
            report_id__in=[r.pk for r in reports],
            target_unit_id__in=relay_units | {solicitation.unit_id},
            is_active=True,
        ).only("pk", "report_id", "target_unit_id", "forwarded_from_id", "status", "decided_at")
    )
    counted = {a.report_id: a for a in RelayedAnswer.objects.filter(solicitation=solicitation)}
    deeper: dict[tuple[int, int], int] = {
        (parent, unit): pk
        for pk, parent, unit in Solicitation.objects.filter(relayed_from_id__in=ids).values_list(
            "pk", "relayed_from_id", "unit_id"
        )
    }
    at_relay = {(s.report_id, s.target_unit_id): s for s in subs if s.target_unit_id in relay_units}
    here = {s.forwarded_from_id: s for s in subs if s.target_unit_id == solicitation.unit_id}
    by_target: dict[tuple[int, int], list[dict[str, Any]]] = {}
    unit_of = {r.pk: r.unit_id for r in relays}
    for report in reports:
        assert report.solicitation_id is not None
        mine = at_relay.get((report.pk, unit_of[report.solicitation_id]))
        answer = counted.get(report.pk)
        copy = here.get(mine.pk) if mine is not None else None
        by_target.setdefault((report.solicitation_id, report.source_unit_id), []).append(
            {"report": report, "decision": mine, "counted": answer, "copy": copy}
        )
    now = timezone.now()
    rows: dict[int, list[dict[str, Any]]] = {}
    deadlines = {r.pk: r.deadline for r in relays}
    for t in targets:
        rows.setdefault(t.solicitation_id, []).append(
            {
                "target": t,
                "state": t.state(deadlines[t.solicitation_id], now),
                "answers": by_target.get((t.solicitation_id, t.unit_id), []),
                "relayed_on": deeper.get((t.solicitation_id, t.unit_id)),
            }
        )
    chain = []
    for relay in relays:
        units = rows.get(relay.pk, [])
        chain.append(
            {
                "relay": relay,
                "rows": units,
                "answered": sum(1 for u in units if u["state"] in ("answered", "late")),
                "counted": sum(1 for a in counted.values() if a.relay_id == relay.pk),
            }
        )
    return chain


def solicitation_list(user: User, *, kind: str | None = None) -> QuerySet[Solicitation]:
    qs = solicitations_visible_to(user).select_related("unit")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


def my_targets(user: User, solicitation_ids: list[int]) -> dict[int, SolicitationTarget]:
    """The user's own unit rows of these notices (read and answered state for the list page)."""
    member = _unit_ids(user, *BUSINESS_ROLES)
    rows = SolicitationTarget.objects.filter(solicitation_id__in=solicitation_ids, unit_id__in=member)
    return {t.solicitation_id: t for t in rows}


def open_solicitations_for_reporter(user: User) -> QuerySet[Solicitation]:
    """Notices a reporter's unit was asked and can still answer (the writing page's choices)."""
    units = _unit_ids(user, Role.REPORTER)
    now = timezone.now()
    today = timezone.localdate()
    return (
        Solicitation.objects.filter(targets__unit_id__in=units)
        .filter(
            Q(kind=Solicitation.Kind.SOLICITATION, deadline__gte=now - dt.timedelta(days=30))
            | Q(kind=Solicitation.Kind.PRIORITY) & (Q(period_end__isnull=True) | Q(period_end__gte=today))
        )
        .distinct()
        .order_by("-created_at")[:50]
    )


def solicitation_status(solicitation: Solicitation) -> dict[str, Any]:
    """Per unit: read, answered (with items and their fate), late, missing — and the totals."""
    now = timezone.now()
    targets = list(solicitation.targets.select_related("unit", "read_by").order_by("unit__path"))
    answers: dict[int, list[Report]] = {}
    reports = (
        Report.objects.filter(
            solicitation_id=solicitation.pk, source_unit_id__in=[t.unit_id for t in targets]
        )
        .exclude(status="draft")
        .prefetch_related(Prefetch("submissions", queryset=Submission.objects.select_related("target_unit")))
        .order_by("sent_at", "id")
    )
    for report in reports:
        answers.setdefault(report.source_unit_id, []).append(report)
    # Answers the unit's relay gathered below it and the unit adopted or forwarded (转发约稿).
    relayed: dict[int, list[RelayedAnswer]] = {}
    for answer in (
        RelayedAnswer.objects.filter(solicitation=solicitation)
        .select_related("report__source_unit", "forwarded")
        .order_by("counted_at", "pk")
    ):
        relayed.setdefault(answer.unit_id, []).append(answer)
    rows = [
        {
            "target": t,
            "state": t.state(solicitation.deadline, now),
            "reports": answers.get(t.unit_id, []),
            "relayed": relayed.get(t.unit_id, []),
        }
        for t in targets
    ]
    totals = {s: sum(1 for r in rows if r["state"] == s) for s in SOLICITATION_STATES}
    totals["read"] = sum(1 for t in targets if t.read_at)
    totals["all"] = len(targets)
    return {"rows": rows, "totals": totals}


def relaying_units(user: User, solicitation: Solicitation) -> list[Unit]:
    """The units for which the user may relay this notice: asked by it, and the user edits there."""
    return list(
        Unit.objects.filter(
            pk__in=_unit_ids(user, Role.EDITOR), solicitation_targets__solicitation=solicitation
        ).order_by("path")
    )


def relay_choices(unit: Unit) -> list[Unit]:
    """The units a relay may ask, as the form lists them: the unit's children, then the units reporting
    to it directly (直报点)."""
    children = list(Unit.objects.filter(parent=unit, is_active=True).order_by("sort_order", "name")[:500])
    direct = list(
        Unit.objects.filter(extra_target_lines__target=unit, is_active=True)
        .exclude(pk__in=[c.pk for c in children])
        .order_by("path")[:200]
    )
    return children + direct


def notice_of_unit(solicitation_id: int, unit_id: int) -> Solicitation | None:
    """The notice of the chain ``solicitation_id`` belongs to that ``unit_id`` issued (its own notice or
    one of its relays up the chain), if any. The chain is short: one step per level of the tree."""
    seen: set[int] = set()
    current: int | None = solicitation_id
    while current is not None and current not in seen and len(seen) < 12:
        seen.add(current)
        sol = Solicitation.objects.filter(pk=current).only("pk", "unit_id", "relayed_from_id").first()
        if sol is None:
            return None
        if sol.unit_id == unit_id:
            return sol
        current = sol.relayed_from_id
    return None


def notice_answered_by(submission: Submission) -> dict[str, Any] | None:
    """Which 约稿 an item in an editor's inbox answers there: the unit's own notice (asked directly, or
    through its relay), one it was forwarded for by a unit below that relayed it (tagged on the forwarded
    copy), or another unit's notice (named only)."""
    report_notice = submission.report.solicitation_id
    if report_notice is None:
        return None
    tagged = RelayedAnswer.objects.filter(forwarded=submission).select_related("solicitation", "unit").first()
    if tagged is not None:
        return {"notice": tagged.solicitation, "own": True, "via": tagged.unit}
    own = notice_of_unit(report_notice, submission.target_unit_id)
    if own is not None:
        notice = Solicitation.objects.select_related("relayed_from__unit").get(pk=own.pk)
        return {"notice": notice, "own": True, "via": None}
    other = Solicitation.objects.select_related("unit").filter(pk=report_notice).first()
    return {"notice": other, "own": False, "via": None} if other is not None else None
