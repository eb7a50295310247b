"""What may be proposed for the portal: one rule (``portal.selectors``) for the 上网发布 form's list and for
the service that creates the request — whatever the form offers is accepted, and nothing else."""

from __future__ import annotations

import pytest

from baosong.core.errors import ServiceError
from baosong.editorial.tests.conftest import adopted_at_county, sent_to_county
from baosong.portal import selectors, services
from baosong.reports.models import Report, ReportStatus

from .conftest import distributed_issue, published_issue


def _candidates(cast, key="county_editor"):  # type: ignore[no-untyped-def]
    found = selectors.portal_candidates(cast[key].user)
    return {name: list(qs) for name, qs in found.items()}


def test_distributed_and_taken_down_issues_are_open_but_not_those_on_the_portal(cast):
    editor = cast.county_editor.user
    distributed = distributed_issue(cast)
    on_portal = published_issue(cast, public_title="东湖区完成春季造林")
    assert distributed in selectors.issues_open_for_portal()
    assert on_portal not in selectors.issues_open_for_portal()
    services.issue_take_down(issue=on_portal, by=editor, reason="需更正")
    assert on_portal in selectors.issues_open_for_portal()
    # A request in progress closes it until the request ends.
    release = services.release_create(by=editor, issue=distributed)
    assert distributed not in selectors.issues_open_for_portal()
    services.release_cancel(release=release, by=editor)
    assert distributed in selectors.issues_open_for_portal()


def test_items_are_open_when_adopted_public_and_still_sent(cast):
    public = adopted_at_county(cast, "东湖区开展安全生产大检查", public_scope="public")
    internal = adopted_at_county(cast, "内部情况通报", public_scope="internal")
    undecided = sent_to_county(cast, "尚未采用的信息", public_scope="public")
    open_now = set(selectors.submissions_open_for_portal())
    assert public in open_now and internal not in open_now and undecided not in open_now
    Report.objects.filter(pk=public.report_id).update(status=ReportStatus.WITHDRAWN)
    assert public not in selectors.submissions_open_for_portal()


def test_the_form_lists_only_the_editors_own_units(cast):
    issue = distributed_issue(cast)
    sub = adopted_at_county(cast, "东湖区开展安全生产大检查", public_scope="public")
    mine = _candidates(cast)
    assert issue in mine["issues"] and sub in mine["submissions"]
    theirs = _candidates(cast, "outsider_editor")
    assert issue not in theirs["issues"] and sub not in theirs["submissions"]


def test_the_service_accepts_what_the_form_offers_and_refuses_the_rest(cast, columns):
    editor = cast.county_editor.user
    column = columns["gzdt"]
    public = adopted_at_county(cast, "东湖区开展安全生产大检查", public_scope="public")
    internal = adopted_at_county(cast, "内部情况通报", public_scope="internal")
    withdrawn = adopted_at_county(cast, "已撤回的信息", public_scope="public")
    Report.objects.filter(pk=withdrawn.report_id).update(status=ReportStatus.WITHDRAWN)
    offered = _candidates(cast)["submissions"]
    for sub in (public, internal, withdrawn):
        if sub in offered:
            services.release_create(by=editor, submission=sub, column=column)
        else:
            with pytest.raises(ServiceError) as refused:
                services.release_create(by=editor, submission=sub, column=column)
            assert refused.value.code in {"not_public", "not_sent"}
    assert public in offered and internal not in offered and withdrawn not in offered
    # Once requested it leaves the list, and a second request is refused with the same rule.
    assert public not in _candidates(cast)["submissions"]
    with pytest.raises(ServiceError) as again:
        services.release_create(by=editor, submission=public, column=column)
    assert again.value.code == "release_exists"


def test_a_withdrawn_item_adopted_earlier_is_refused_by_the_service(cast, columns):
    """The form never offered an item whose report is no longer 报出; the service used to accept it (a
    crafted post, or the API) and now refuses it by the form's rule."""
    sub = adopted_at_county(cast, "已撤回的信息", public_scope="public")
    Report.objects.filter(pk=sub.report_id).update(status=ReportStatus.WITHDRAWN)
    with pytest.raises(ServiceError, match="已撤回"):
        services.release_create(by=cast.county_editor.user, submission=sub, column=columns["gzdt"])
