"""Reads of the intake mailbox, scoped: a message is seen by the editors of its mailbox's unit and the
system administrators whose scope holds that unit; to anyone else it does not exist (404)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from baosong.core.errors import NotFound
from baosong.intake.models import IntakeMessage, IntakeStatus
from baosong.orgs.models import Role, Unit, User
from baosong.orgs.selectors import acting_unit_ids, subtree_q, units_acting_for


def messages_visible_to(user: User) -> QuerySet[IntakeMessage]:
    editor_units = acting_unit_ids(user, Role.EDITOR)
    admin_paths = list(units_acting_for(user, Role.SYSADMIN).values_list("path", flat=True))
    scope = Q(mailbox_unit_id__in=editor_units)
    if admin_paths:
        scope |= Q(mailbox_unit__in=Unit.objects.filter(subtree_q(admin_paths)))
    return IntakeMessage.objects.filter(scope)


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
