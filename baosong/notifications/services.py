"""Notifications: the in-app centre, plus email (per the user's preference) and SMS for urgent items."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from baosong.core.notify import email_after_commit, sms_after_commit
from baosong.notifications.models import Notification
from baosong.orgs.models import User


def notify(
    *,
    users: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    urgent: bool = False,
    event_id: int | None = None,
) -> list[Notification]:
    created = []
    for user in {u.pk: u for u in users if u.is_active}.values():
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    user=user,
                    kind=kind,
                    title=title[:200],
                    body=body,
                    url=url,
                    urgent=urgent,
                    source_event_id=event_id,
                )
        except IntegrityError:
            continue  # already told about this event
        created.append(note)
        if user.email and user.email_notifications:
            link = f"{settings.SITE_URL}{url}" if url else settings.SITE_URL
            email_after_commit(to=[user.email], subject=f"【政务信息报送】{title}", body=f"{body}\n\n{link}")
        if urgent and user.mobile:
            sms_after_commit(mobile=user.mobile, text=f"{title}。请及时登录报送平台处理。")
    return created


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
