"""Editorial's reaction to the reporting workflow: an item adopted from the inbox "into issue N" joins it."""

from __future__ import annotations

import logging

from baosong.core.errors import ServiceError
from baosong.core.models import DomainEvent
from baosong.editorial.models import Issue, IssueItemSource
from baosong.editorial.services import issue_item_add
from baosong.orgs.models import User

log = logging.getLogger(__name__)


def on_event(event: DomainEvent) -> None:
    if event.event_type != "submission.adopt" or not event.payload.get("issue_id"):
        return
    if IssueItemSource.objects.filter(submission_id=event.object_id, active=True).exists():
        return  # composed already (the API and the picker add the item in the adopting transaction)
    issue = Issue.objects.select_related("publication").filter(pk=event.payload["issue_id"]).first()
    by = User.objects.filter(pk=event.payload.get("by")).first()
    if issue is None or by is None:
        return
    try:
        issue_item_add(issue=issue, by=by, submission_ids=[event.object_id])
    except ServiceError as exc:
        # The issue was sent for signature meanwhile, or belongs elsewhere: the adoption stands and the
        # item waits among the candidates.
        log.info("adopted submission %s not added to issue %s: %s", event.object_id, issue.pk, exc.message)
