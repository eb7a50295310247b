"""转报签发 (sign-off before a forward goes up), 先报后签, and reviewers outside the unit (县委宣传部) for
负面/重大 items: before they leave the township and before they reach the portal."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from baosong.core.actions import allowed_actions
from baosong.core.errors import NotFound, ServiceError
from baosong.core.models import AuditEvent
from baosong.core.outbox import deliver
from baosong.notifications.models import Notification
from baosong.orgs.models import ReviewStep, Role, Unit
from baosong.portal import services as portal
from baosong.portal.models import PortalColumn, ReleaseStatus
from baosong.portal.selectors import releases_visible_to
from baosong.reports import selectors, services
from baosong.reports.models import (
    ForwardRequest,
    ForwardStatus,
    PublicScope,
    Report,
    ReportStatus,
    Submission,
    SubmissionStatus,
)
from conftest import login

from .conftest import ITEM


def _item(cast: Any, **fields: Any) -> Report:
    return services.report_create(by=cast.township_reporter.user, **{**ITEM, **fields})


def _send(cast: Any, report: Report, *reviewers: Any) -> Report:
    report = services.report_submit(report=report, by=cast.township_reporter.user)
    for reviewer in reviewers or (cast.township_reviewer,):
        report = services.report_approve(report=report, by=reviewer.user)
    return report


def _at_county(cast: Any, **fields: Any) -> Submission:
    report = _send(cast, _item(cast, **fields))
    assert report.status == ReportStatus.SENT
    return Submission.objects.get(report=report, target_unit=cast.county_editor.unit)


def _county_leader_signs(cast: Any, *, sign_after: bool = False) -> None:
    county = cast.county_editor.unit
    ReviewStep.objects.create(
        unit=county, chain=ReviewStep.Chain.FORWARD, order=0, role=Role.LEADER, label="分管领导签发"
    )
    Unit.objects.filter(pk=county.pk).update(forward_sign_after_urgent=sign_after)


def _city_copy(sub: Submission) -> Submission | None:
    return Submission.objects.filter(forwarded_from=sub).first()


def test_forward_waits_for_the_sign_off_and_the_city_sees_nothing_before(cast: Any) -> None:
    _county_leader_signs(cast)
    sub = _at_county(cast)
    editor, leader, city = cast.county_editor.user, cast.county_leader.user, cast.city_editor.user
    services.submission_forward(submission=sub, by=editor, comment="请领导签发")
    fr = ForwardRequest.objects.get(submission=sub)
    assert fr.status == ForwardStatus.PENDING and fr.step_role == Role.LEADER
    # Nothing above: no copy, the city's inbox and item page know nothing of it.
    assert _city_copy(sub) is None
    with pytest.raises(NotFound):
        selectors.report_for(city, sub.report_id)
    assert list(selectors.forward_queue(leader)) == [fr]
    assert list(selectors.forward_queue(editor)) == []
    # Forwarding again while it waits is refused.
    with pytest.raises(ServiceError) as refused:
        services.submission_forward(submission=sub, by=editor)
    assert refused.value.code == "forward_pending"
    # No other decision on the copy while it waits (a decline would leave nothing to forward).
    with pytest.raises(ServiceError) as declined:
        services.submission_decline(submission=sub, by=editor)
    assert declined.value.code == "forward_pending"
    sub.refresh_from_db()
    assert "decline" not in allowed_actions(sub, editor) and "forward" not in allowed_actions(sub, editor)
    # The editor cannot sign their own forward.
    with pytest.raises(ServiceError):
        services.forward_sign(request=fr, by=editor)

    services.forward_sign(request=fr, by=leader, comment="同意报送")
    fr.refresh_from_db()
    copy = _city_copy(sub)
    assert fr.status == ForwardStatus.SIGNED and copy is not None
    assert copy.signoff_id == fr.pk and copy.target_unit == cast.city_editor.unit
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.FORWARDED and sub.decided_by == editor
    assert selectors.report_for(city, sub.report_id)
    assert AuditEvent.objects.filter(event_type="forward_request.create", object_id=str(fr.pk)).exists()
    assert (
        AuditEvent.objects.filter(event_type="forward_request.transition", object_id=str(fr.pk)).count() == 1
    )


def test_refused_sign_off_returns_the_forward_to_the_editor_with_the_comment(cast: Any) -> None:
    _county_leader_signs(cast)
    sub = _at_county(cast)
    services.submission_adopt(submission=sub, by=cast.county_editor.user)
    services.submission_forward(submission=sub, by=cast.county_editor.user)
    fr = ForwardRequest.objects.get(submission=sub)
    with pytest.raises(ServiceError) as empty:
        services.forward_refuse(request=fr, by=cast.county_leader.user, comment=" ")
    assert empty.value.code == "comment_required"
    services.forward_refuse(request=fr, by=cast.county_leader.user, comment="数据需再核实，暂不上报")
    fr.refresh_from_db()
    sub.refresh_from_db()
    assert fr.status == ForwardStatus.REFUSED and fr.decision_comment == "数据需再核实，暂不上报"
    assert sub.status == SubmissionStatus.ADOPTED and sub.forwarded_at is None and _city_copy(sub) is None
    deliver("notices")
    note = Notification.objects.get(user=cast.county_editor.user, title__startswith="转报未获同意")
    assert "数据需再核实" in note.body
    # The editor may forward again (a new request).
    services.submission_forward(submission=sub, by=cast.county_editor.user)
    assert ForwardRequest.objects.filter(submission=sub, status=ForwardStatus.PENDING).count() == 1


def test_urgent_item_goes_first_and_is_signed_after(cast: Any, client: Client) -> None:
    _county_leader_signs(cast, sign_after=True)
    sub = _at_county(cast, urgency="urgent")
    services.submission_forward(submission=sub, by=cast.county_editor.user)
    fr = ForwardRequest.objects.get(submission=sub)
    copy = _city_copy(sub)
    assert copy is not None and fr.sign_after and fr.status == ForwardStatus.PENDING
    assert copy.signoff_id == fr.pk
    # The city's page marks it 先报后签, awaiting the signature.
    login(client, cast.city_editor)
    page = client.get(f"/inbox/{copy.pk}/").content.decode()
    assert "先报后签" in page and "待补签" in page
    # A 先报后签 request cannot be withdrawn: the item is already up.
    with pytest.raises(ServiceError):
        services.forward_cancel(request=fr, by=cast.county_editor.user)
    services.forward_sign(request=fr, by=cast.county_leader.user)
    assert Submission.objects.filter(forwarded_from=sub).count() == 1
    page = client.get(f"/inbox/{copy.pk}/").content.decode()
    assert "先报后签" in page and "已补签" in page


def test_normal_item_still_waits_when_only_urgent_ones_go_first(cast: Any) -> None:
    _county_leader_signs(cast, sign_after=True)
    sub = _at_county(cast)
    services.submission_forward(submission=sub, by=cast.county_editor.user)
    assert _city_copy(sub) is None


def test_signer_pages_sign_and_refuse_over_http(cast: Any, client: Client) -> None:
    _county_leader_signs(cast)
    sub = _at_county(cast)
    services.submission_forward(submission=sub, by=cast.county_editor.user)
    fr = ForwardRequest.objects.get(submission=sub)
    login(client, cast.county_leader)
    assert f"/reports/forwards/{fr.pk}/" in client.get("/reports/review/").content.decode()
    page = client.get(f"/reports/forwards/{fr.pk}/").content.decode()
    assert fr.title in page and "签发" in page
    response = client.post(f"/reports/forwards/{fr.pk}/refuse", {"comment": ""})
    assert response.status_code == 400 and "请填写意见" in response.content.decode()
    response = client.post(f"/reports/forwards/{fr.pk}/sign", {"comment": "同意"})
    assert response.status_code == 302
    assert _city_copy(sub) is not None
    # Another county's editor: 404.
    other = Client()
    login(other, cast.outsider_editor)
    assert other.get(f"/reports/forwards/{fr.pk}/").status_code == 404


# ---- 负面/重大 items and 县委宣传部 ------------------------------------------------------------------


def test_negative_item_passes_the_propaganda_reviewer_before_it_leaves(cast: Any, client: Client) -> None:
    propaganda = cast.propaganda_reviewer
    report = services.report_submit(report=_item(cast, negative=True), by=cast.township_reporter.user)
    report = services.report_approve(report=report, by=cast.township_reviewer.user)
    # Still in review, at the 宣传部 step: nothing at the county yet.
    assert report.status == ReportStatus.IN_REVIEW
    assert not Submission.objects.filter(report=report).exists()
    assert [r.pk for r in selectors.reviews_waiting_for(propaganda.user)] == [report.pk]
    assert selectors.report_for(propaganda.user, report.pk)
    # The township's own reviewer cannot take the 宣传部's step.
    with pytest.raises(ServiceError):
        services.report_approve(report=report, by=cast.township_reviewer.user)
    deliver("notices")
    assert Notification.objects.filter(user=propaganda.user, title__contains=report.title).exists()

    report = services.report_approve(report=report, by=propaganda.user, comment="同意报送")
    assert report.status == ReportStatus.SENT
    assert Submission.objects.filter(report=report, target_unit=cast.county_editor.unit).exists()


def test_ordinary_item_skips_the_propaganda_step(cast: Any) -> None:
    report = _send(cast, _item(cast))
    assert report.status == ReportStatus.SENT


def test_propaganda_reviewer_gets_404_on_every_other_item_of_the_township(cast: Any, client: Client) -> None:
    negative = _send(cast, _item(cast, negative=True), cast.township_reviewer, cast.propaganda_reviewer)
    ordinary = _send(cast, _item(cast, title="城关镇召开安全生产会议"))
    draft = _item(cast, title="城关镇草稿")
    in_review = services.report_submit(report=_item(cast, title="城关镇待审"), by=cast.township_reporter.user)
    login(client, cast.propaganda_reviewer)
    assert client.get(f"/reports/{negative.pk}/").status_code == 200
    for other in (ordinary, draft, in_review):
        assert client.get(f"/reports/{other.pk}/").status_code == 404
        assert client.get(f"/api/v1/reports/{other.pk}").status_code == 404
    assert client.get("/inbox/").status_code in (302, 403)  # not an editor anywhere


def test_editor_marks_an_item_negative_and_the_county_forward_needs_propaganda(cast: Any) -> None:
    sub = _at_county(cast)
    services.report_set_negative(report=sub.report, by=cast.county_editor.user, negative=True)
    assert AuditEvent.objects.filter(event_type="report.negative", object_id=str(sub.report_id)).exists()
    services.submission_forward(submission=sub, by=cast.county_editor.user)
    fr = ForwardRequest.objects.get(submission=sub)
    assert fr.chain[0]["unit_id"] == Unit.objects.get(code="DEMO-C1-1-D2").pk
    assert list(selectors.forward_queue(cast.propaganda_reviewer.user)) == [fr]
    assert selectors.forward_request_for(cast.propaganda_reviewer.user, fr.pk)
    services.forward_sign(request=fr, by=cast.propaganda_reviewer.user)
    assert _city_copy(sub) is not None
    # Someone the item never reached cannot mark it.
    with pytest.raises(ServiceError):
        services.report_set_negative(report=sub.report, by=cast.outsider_editor.user, negative=False)


def _portal_release_of(cast: Any, sub: Submission) -> Any:
    Report.objects.filter(pk=sub.report_id).update(public_scope=PublicScope.PUBLIC)
    services.submission_adopt(submission=sub, by=cast.county_editor.user, usage="website")
    column = PortalColumn.objects.filter(is_active=True).first()
    release = portal.release_create(by=cast.county_editor.user, submission=sub, column=column)
    return portal.release_submit(release=release, by=cast.county_editor.user)


def test_negative_item_needs_propaganda_before_it_reaches_the_portal(cast: Any, client: Client) -> None:
    sub = _at_county(cast)
    services.report_set_negative(report=sub.report, by=cast.county_editor.user, negative=True)
    release = _portal_release_of(cast, sub)
    assert release.status == ReleaseStatus.IN_REVIEW
    propaganda = cast.propaganda_reviewer.user
    assert list(releases_visible_to(propaganda)) == [release]
    release = portal.release_approve(release=release, by=propaganda, opinion="同意发布")
    assert release.status == ReleaseStatus.PUBLISHED


def test_ordinary_item_goes_on_the_portal_without_propaganda(cast: Any) -> None:
    sub = _at_county(cast)
    release = _portal_release_of(cast, sub)
    assert release.status == ReleaseStatus.PUBLISHED
    assert list(releases_visible_to(cast.propaganda_reviewer.user)) == []


def test_the_author_cannot_withdraw_under_a_waiting_forward(cast: Any) -> None:
    """Withdrawing under a 转报 waiting for its signature would send a withdrawn item up at the signature."""
    _county_leader_signs(cast)
    sub = _at_county(cast)
    services.submission_forward(submission=sub, by=cast.county_editor.user)
    with pytest.raises(ServiceError) as refused:
        services.report_withdraw(report=sub.report, by=cast.township_reporter.user)
    assert refused.value.code == "already_handled"


def test_an_upper_editor_may_raise_the_negative_mark_but_not_drop_it(cast: Any) -> None:
    report = _send(cast, _item(cast, negative=True), cast.township_reviewer, cast.propaganda_reviewer)
    with pytest.raises(ServiceError) as kept:
        services.report_set_negative(report=report, by=cast.county_editor.user, negative=False)
    assert kept.value.code == "negative_mark_kept"
    report.refresh_from_db()
    assert report.negative
