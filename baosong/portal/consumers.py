"""Outbox consumer ``portal``: tells the people the current 上网发布审核 step names that a request waits
for them (待审核), and the requester when it is returned (被退回) or goes on the portal (处理结果).
Recipients are read when the event is delivered."""

from __future__ import annotations

from typing import Any

from baosong.core.models import DomainEvent
from baosong.notifications.models import Notification
from baosong.notifications.services import notify
from baosong.orgs.models import Membership, User
from baosong.portal.models import PortalRelease, ReleaseStatus


def _step_users(release: PortalRelease, step: dict[str, Any] | None) -> list[User]:
    if not step:
        return []
    if step.get("user_id"):
        return list(User.objects.filter(pk=step["user_id"]))
    ids = Membership.objects.filter(unit_id=release.unit_id, role=step.get("role")).values("user_id")
    return list(User.objects.filter(pk__in=ids))


def on_event(event: DomainEvent) -> None:
    if not event.event_type.startswith("portal."):
        return
    release = PortalRelease.objects.select_related("requested_by").filter(pk=event.object_id).first()
    if release is None:
        return
    url = f"/publish/{release.pk}/"
    to = event.payload.get("to")
    if to == ReleaseStatus.IN_REVIEW and event.event_type in ("portal.submit", "portal.approve"):
        users = _step_users(release, event.payload.get("step"))
        notify(users=users, kind=Notification.Kind.TO_REVIEW, url=url, event_id=event.pk,
               title=f"上网发布待审核：{release.title}")  # fmt: skip
    elif event.event_type == "portal.return":
        opinion = str(event.payload.get("opinion", ""))
        notify(users=[release.requested_by], kind=Notification.Kind.RETURNED, url=url, event_id=event.pk,
               title=f"上网发布被退回：{release.title}", body=opinion)  # fmt: skip
    elif to == ReleaseStatus.PUBLISHED:
        notify(users=[release.requested_by], kind=Notification.Kind.DECIDED, url=url, event_id=event.pk,
               title=f"已在门户网站发布：{release.title}")  # fmt: skip
