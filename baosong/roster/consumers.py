"""Outbox consumer ``roster``: a round opened reaches the 信息员 and 采编人员 of every unit asked;
reminders and the missed deadline reach the unit concerned. Recipients are read at delivery."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from baosong.core.models import DomainEvent
from baosong.notifications.models import Notification
from baosong.notifications.services import notify
from baosong.orgs.models import Membership, Role, User
from baosong.roster.models import RosterRound

ROLES = (Role.REPORTER, Role.EDITOR)


def _members(unit_ids: list[int]) -> list[User]:
    ids = Membership.objects.filter(unit_id__in=unit_ids, role__in=ROLES).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True))


def on_event(event: DomainEvent) -> None:
    rnd = RosterRound.objects.select_related("unit").filter(pk=event.object_id).first()
    if rnd is None:
        return
    url = reverse("roster_round", args=[rnd.pk])
    due = f"截止时间：{timezone.localtime(rnd.deadline):%Y-%m-%d %H:%M}"
    if event.event_type == "roster.round_open":
        units = list(rnd.returns.values_list("unit_id", flat=True))
        notify(users=_members(units), kind=Notification.Kind.REMINDER, url=url, event_id=event.pk,
               title=f"{rnd.unit.name}请报送信息员登记表：{rnd.title}",
               body=f"{due}。请核对本单位信息员情况，有变动的先更新，再报送。")  # fmt: skip
    elif event.event_type == "roster.reminder":
        notify(users=_members([event.unit_id or 0]), kind=Notification.Kind.REMINDER, url=url,
               event_id=event.pk, title=f"请尽快报送信息员登记表：{rnd.title}",
               body=f"{due}。本单位尚未报送。")  # fmt: skip
    elif event.event_type == "roster.missed":
        notify(users=_members([event.unit_id or 0]), kind=Notification.Kind.OVERDUE, url=url,
               event_id=event.pk, title=f"信息员登记表逾期未报：{rnd.title}",
               body=f"{due}。请尽快报送，逾期报送将标记为“逾期报送”。")  # fmt: skip
