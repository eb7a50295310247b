"""Reads of the intake mailbox, scoped: a message the mailbox could not place is seen by the editors of
its mailbox's unit; to anyone else it does not exist (404)."""

from __future__ import annotations

from django.db.models import QuerySet

from baosong.core.errors import NotFound
from baosong.intake.models import IntakeMessage, IntakeStatus
from baosong.orgs.models import Role, Unit, User
from baosong.orgs.selectors import acting_unit_ids


def messages_visible_to(user: User) -> QuerySet[IntakeMessage]:
    """The mailbox unit's editors see what the mailbox could not place (quarantined, then released or
    discarded). A message that became a 信息员's draft is that unit's draft, not theirs; and the system
    administrator does not read or route business mail (三员分立)."""
    editor_units = acting_unit_ids(user, Role.EDITOR)
    return IntakeMessage.objects.filter(mailbox_unit_id__in=editor_units).exclude(status=IntakeStatus.DRAFTED)


def quarantine(user: User, *, status: str | None = IntakeStatus.QUARANTINED) -> QuerySet[IntakeMessage]:
    qs = messages_visible_to(user).select_related("unit", "report", "decided_by", "mailbox_unit")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-received_at", "-id")


def message_for(user: User, pk: int) -> IntakeMessage:
    found = quarantine(user, status=None).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def release_units(message: IntakeMessage) -> QuerySet[Unit]:
    if message.mailbox_unit is None:
        return Unit.objects.none()
    return Unit.objects.filter(path__startswith=message.mailbox_unit.path, is_active=True).order_by("path")


def release_authors(unit: Unit) -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, memberships__unit=unit, memberships__role=Role.REPORTER)
        .distinct()
        .order_by("full_name", "id")
    )
