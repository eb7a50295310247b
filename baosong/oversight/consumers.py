"""The outbox consumer ``oversight``: a unit that sends ends its silence; the scan's findings become
notifications (to the unit concerned and to its upper unit's 采编人员)."""

from __future__ import annotations

from django.utils import timezone

from baosong.core.models import DomainEvent
from baosong.notifications.models import Notification
from baosong.notifications.services import notify
from baosong.orgs.models import Role, Unit, User
from baosong.oversight.models import OmissionAlert
from baosong.oversight.services import silence_end
from baosong.reports.models import Report

K = Notification.Kind


def _members(unit_ids: list[int], *roles: str) -> list[User]:
    return list(
        User.objects.filter(
            memberships__unit_id__in=unit_ids, memberships__role__in=roles, is_active=True
        ).distinct()
    )


def on_event(event: DomainEvent) -> None:
    if event.event_type == "report.sent":
        row = Report.objects.filter(pk=event.object_id).values_list("source_unit_id", "sent_at").first()
        if row is not None:
            silence_end(unit_id=row[0], at=row[1] or event.created_at)
    elif event.event_type == "omission.raise":
        alert = OmissionAlert.objects.select_related("unit").filter(pk=event.object_id).first()
        if alert is None:
            return
        url = f"/oversight/omissions/{alert.pk}/"
        when = timezone.localtime(alert.event_time)
        notify(
            users=_members([alert.unit_id], Role.REPORTER, Role.EDITOR),
            kind=K.OVERDUE,
            title=f"疑似漏报：{alert.title}",
            body=f"已有 {alert.reporter_count} 个单位报送了发生在本单位辖区（{when:%m月%d日 %H:%M}）的"
            "这一事件，本单位在报送时限内未报送，请尽快核实补报。",
            url=url,
            urgent=True,
            event_id=event.pk,
        )
        notify(
            users=_members([alert.upper_unit_id], Role.EDITOR),
            kind=K.OVERDUE,
            title=f"疑似漏报：{alert.unit.display_name}未报送“{alert.title}”",
            body=f"{'、'.join(alert.reporter_names[:5])}等 {alert.reporter_count} 个单位已报送，"
            f"事发地{alert.unit.display_name}在时限内未报送。",
            url=url,
            event_id=event.pk,
        )
    elif event.event_type == "oversight.silent":
        # The unit's own people; its upper unit's editors hear once per scan (oversight.silent_units).
        notify(
            users=_members([event.unit_id or 0], Role.REPORTER, Role.EDITOR),
            kind=K.REMINDER,
            title=f"本单位已连续 {event.payload.get('weeks', '')} 周未报送信息",
            body="请及时报送本单位的政务信息。",
            url="/reports/new",
            event_id=event.pk,
        )
    elif event.event_type == "oversight.silent_units":
        ids = list(event.payload.get("unit_ids") or [])
        names = list(Unit.objects.filter(pk__in=ids[:5]).order_by("path").values_list("name", flat=True))
        count = int(event.payload.get("units") or len(ids))
        more = f"等 {count} 个单位" if count > len(names) else ""
        notify(
            users=_members([event.unit_id or 0], Role.EDITOR),
            kind=K.REMINDER,
            title=f"{'、'.join(names)}{more}已连续未报送信息",
            body="请在“督查”页面查看连续未报送的单位，联系了解情况。",
            url="/oversight/",
            event_id=event.pk,
        )
