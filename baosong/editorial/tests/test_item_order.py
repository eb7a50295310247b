"""Items join an issue in the order they were received, whatever order they were ticked or listed in: the
compose page and the API build the same issue from the same choice."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from baosong.editorial import selectors, services
from baosong.reports.models import Submission

from .conftest import adopted_at_county


def _received_in_order(cast, titles):  # type: ignore[no-untyped-def]
    subs = [adopted_at_county(cast, t) for t in titles]
    start = timezone.now() - dt.timedelta(hours=len(subs))
    for n, sub in enumerate(subs):
        Submission.objects.filter(pk=sub.pk).update(received_at=start + dt.timedelta(hours=n))
    return subs


def _titles(issue):  # type: ignore[no-untyped-def]
    return [i.title for i in issue.items.order_by("position", "id")]


def test_the_order_is_the_order_of_receipt_without_duplicates(cast):
    first, second, third = _received_in_order(cast, ("甲", "乙", "丙"))
    ids = [third.pk, first.pk, third.pk, second.pk]
    assert selectors.in_received_order(ids) == [first.pk, second.pk, third.pk]
    # An id of no submission stays last, for the service to refuse with its own message.
    assert selectors.in_received_order([999_999, second.pk, first.pk]) == [first.pk, second.pk, 999_999]


def test_the_service_appends_in_the_order_of_receipt(cast, new_issue):
    first, second, third = _received_in_order(cast, ("甲", "乙", "丙"))
    services.issue_item_add(
        issue=new_issue, by=cast.county_editor.user, submission_ids=[third.pk, first.pk, second.pk]
    )
    assert _titles(new_issue) == ["甲", "乙", "丙"]


def test_the_page_and_the_api_compose_the_same_order_from_the_same_choice(cast, new_issue, client_as, api):
    subs = _received_in_order(cast, ("甲", "乙", "丙", "丁"))
    choice = [subs[2].pk, subs[0].pk, subs[3].pk, subs[1].pk]
    page = client_as("county_editor").post(f"/issues/{new_issue.pk}/add", {"submissions": choice})
    assert page.status_code == 302
    by_page = _titles(new_issue)
    for item in list(new_issue.items.all()):
        services.issue_item_remove(item=item, by=cast.county_editor.user)
    response = api("county_editor").post(
        f"/api/v1/issues/{new_issue.pk}/items", {"submission_ids": choice}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert _titles(new_issue) == by_page == ["甲", "乙", "丙", "丁"]
