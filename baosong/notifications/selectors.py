"""Reads of the notification centre: a user sees only their own notifications."""

from __future__ import annotations

from django.db.models import QuerySet

from baosong.core.errors import NotFound
from baosong.notifications.models import Notification
from baosong.orgs.models import User


def notifications_for(user: User, *, unread: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first (only the unread ones with ``unread``)."""
    qs = Notification.objects.filter(user=user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def notification_for(user: User, pk: int) -> Notification:
    note = Notification.objects.filter(user=user, pk=pk).first()
    if note is None:
        raise NotFound()
    return note


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
