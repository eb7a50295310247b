"""Same-event grouping in the editor's inbox: signatures after sending, groups of the open inbox, and
starting a 综合 item from a group (through the editorial services)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from baosong.core.errors import NotFound, ServiceError
from baosong.core.models import DomainEvent
from baosong.editorial import services as editorial_services
from baosong.editorial.models import Issue, IssueItemSource, IssueStatus, Publication
from baosong.editorial.selectors import desk_issues, publications_for_desk
from baosong.grouping import neardup
from baosong.grouping.models import EventSignature
from baosong.orgs.models import Role, Unit, User
from baosong.reports.models import Report, Submission, SubmissionStatus
from baosong.reports.selectors import inbox

# The open inbox that is grouped: what is still to be decided or adopted and not yet printed, received
# within these days (a same-event group spans at most neardup.WINDOW, 48 hours, anyway).
OPEN_DAYS = 3
OPEN_STATUSES = [SubmissionStatus.RECEIVED, SubmissionStatus.CLAIMED, SubmissionStatus.ADOPTED]


# ---- signatures (written once per sending, by the outbox consumer) ------------------------------------


def _signature_row(report: Report) -> EventSignature:
    feature_set = neardup.features(report.title, report.body)
    place = report.place or str((report.elements or {}).get("place", ""))
    return EventSignature(
        report=report,
        minhash=neardup.pack(neardup.minhash(feature_set)),
        features=" ".join(sorted(feature_set)),
        place=neardup.place_of(place, report.title, report.body)[:200],
        event_time=report.event_time,
        sent_at=report.sent_at or timezone.now(),
        source_unit_id=report.source_unit_id,
        computed_at=timezone.now(),
    )


def signature_store(*, report: Report) -> EventSignature:
    """(Re)compute one item's signature from its text as sent."""
    row = _signature_row(report)
    EventSignature.objects.filter(report=report).delete()
    row.save(force_insert=True)
    return row


def on_event(event: DomainEvent) -> None:
    """Outbox consumer ``grouping``: a sent item gets its signature; a resubmitted one (new text) anew."""
    report: Report | None = None
    if event.event_type == "report.sent":
        report = Report.objects.filter(pk=event.object_id).first()
    elif event.event_type == "submission.resubmit":
        report = Report.objects.filter(submissions__pk=event.object_id).first()
    if report is not None and report.sent_at is not None:
        signature_store(report=report)


def signatures_rebuild(*, batch: int = 500) -> int:
    """Every sent item's signature again, from the items' text (``manage.py rebuild_signatures``)."""
    count = 0
    with transaction.atomic():
        EventSignature.objects.all().delete()
        reports = Report.objects.filter(sent_at__isnull=False).order_by("pk")
        rows: list[EventSignature] = []
        for report in reports.iterator(chunk_size=batch):
            rows.append(_signature_row(report))
            if len(rows) >= batch:
                EventSignature.objects.bulk_create(rows)
                count += len(rows)
                rows = []
        EventSignature.objects.bulk_create(rows)
        count += len(rows)
    return count


# ---- groups of the editor's open inbox --------------------------------------------------------------


@dataclass
class EventGroup:
    key: int  # the group's first submission id: /inbox/groups/<key>/
    unit: Unit
    members: list[Submission] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def title(self) -> str:
        return self.members[0].title

    @property
    def first_at(self) -> dt.datetime:
        return min(m.received_at for m in self.members)


def open_inbox(user: User) -> list[Submission]:
    """The submissions grouping looks at: the editor's inbox (its access rule, reports.selectors.inbox),
    still open, not printed in a live issue, received recently; oldest first."""
    printed = IssueItemSource.objects.filter(submission=OuterRef("pk"), active=True)
    return list(
        inbox(user)
        .filter(status__in=OPEN_STATUSES, received_at__gte=timezone.now() - dt.timedelta(days=OPEN_DAYS))
        .exclude(Exists(printed))
        # The lists show titles, units and times: a group's page reads its members' text itself (group_for).
        .only(
            *("id", "title", "status", "received_at", "report_id", "target_unit_id", "target_unit__name"),
            *("sender_unit_id", "sender_unit__name", "sender_unit__short_name", "report__source_unit_id"),
            *("report__source_unit__name", "report__event_time", "report__place", "claimed_by__full_name"),
        )
        .order_by("received_at", "pk")
    )


SIGNATURE_FIELDS = ("report_id", "minhash", "features", "place", "event_time", "sent_at")


def _doc(key: int, row: tuple[Any, ...]) -> neardup.Doc:
    _, minhash, features, place, event_time, sent_at = row
    return neardup.Doc(
        key=key,
        signature=neardup.unpack(bytes(minhash)),
        features=frozenset(features.split()),
        place=place,
        when=event_time or sent_at,
    )


def group_submissions(subs: list[Submission], signatures: dict[int, tuple[Any, ...]]) -> list[EventGroup]:
    """Group each target unit's submissions (given oldest first) by their items' signatures
    (``SIGNATURE_FIELDS`` rows by report id); items without a signature are left out."""
    by_unit: dict[int, list[Submission]] = defaultdict(list)
    for s in subs:
        if s.report_id in signatures:
            by_unit[s.target_unit_id].append(s)
    groups: list[EventGroup] = []
    for members in by_unit.values():
        docs = [_doc(s.pk, signatures[s.report_id]) for s in members]
        by_pk = {s.pk: s for s in members}
        for keys in neardup.group(docs):
            group_members = [by_pk[k] for k in keys]
            groups.append(EventGroup(key=min(keys), unit=group_members[0].target_unit, members=group_members))
    groups.sort(key=lambda g: (-g.size, g.first_at))
    return groups


def inbox_groups(user: User) -> list[EventGroup]:
    """Groups (two or more items about the same event) in the editor's open inbox, largest first. Two
    queries whatever the inbox size: the submissions and their signatures."""
    subs = open_inbox(user)
    rows = EventSignature.objects.filter(report_id__in={x.report_id for x in subs}).values_list(
        *SIGNATURE_FIELDS
    )
    return group_submissions(subs, {row[0]: row for row in rows})


def group_for(user: User, key: int) -> EventGroup:
    """The group holding submission ``key`` in the user's open inbox, its members with their text (one
    more query); 404 when there is none."""
    for g in inbox_groups(user):
        if any(m.pk == key for m in g.members):
            full = inbox(user).filter(pk__in=[m.pk for m in g.members]).in_bulk()
            g.members = [full[m.pk] for m in g.members]
            return g
    raise NotFound()


def compose_targets(user: User, group: EventGroup) -> tuple[list[Issue], list[Publication]]:
    """Issues being edited at the group's unit, and its publications (for a new issue)."""
    issues = list(
        desk_issues(user, status=IssueStatus.EDITING).filter(publication__unit_id=group.unit.pk)[:50]
    )
    publications = list(publications_for_desk(user, Role.EDITOR).filter(unit_id=group.unit.pk))
    return issues, publications


# ---- 综合 from a group ----------------------------------------------------------------------------------


def group_compose(
    *,
    group: EventGroup,
    by: User,
    issue: Issue | None = None,
    publication: Publication | None = None,
    title: str = "",
) -> tuple[Issue, int]:
    """Every member into ``issue`` (or a new issue of ``publication``), merged into one 综合 item that
    credits every source. Returns the issue and the item id. The editorial services check the editor's
    rights and the issue's state, adopt undecided members and write the audit events."""
    if issue is None and publication is None:
        raise ServiceError("请选择刊物的一期，或新建一期。", "issue_required")
    with transaction.atomic():
        if issue is None:
            assert publication is not None
            if publication.unit_id != group.unit.pk:
                raise NotFound()
            issue = editorial_services.issue_create(by=by, publication=publication)
        elif issue.publication.unit_id != group.unit.pk:
            raise NotFound()
        items = editorial_services.issue_item_add(
            issue=issue, by=by, submission_ids=[m.pk for m in group.members]
        )
        merged = editorial_services.issue_items_merge(
            issue=issue, by=by, item_ids=[i.pk for i in items], title=title
        )
    return issue, merged.pk
