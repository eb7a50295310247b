from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baosong.editorial.models import IssueItem, IssueItemSource, Publication
from baosong.grouping.models import EventSignature
from baosong.grouping.services import inbox_groups, signatures_rebuild
from baosong.reports.models import Submission
from baosong.search.tests.conftest import FIRE, same_fire_from_five


@pytest.fixture
def fire(cast, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    return same_fire_from_five(cast, django_capture_on_commit_callbacks)


def county_subs(cast, reports):  # type: ignore[no-untyped-def]
    return [Submission.objects.get(report=r, target_unit=cast.county_editor.unit) for r in reports]


def test_signatures_are_computed_after_commit_by_the_consumer(cast, fire):
    assert EventSignature.objects.count() == 6
    sig = EventSignature.objects.get(report=fire[0])
    assert len(bytes(sig.minhash)) == 64 * 4
    assert sig.place == "东湖区城关镇李家村"
    assert sig.source_unit_id == fire[0].source_unit_id
    assert sig.event_time == fire[0].event_time


def test_rebuild_gives_the_same_signatures(cast, fire):
    before = {s.report_id: (bytes(s.minhash), s.features, s.place) for s in EventSignature.objects.all()}
    assert signatures_rebuild() == 6
    after = {s.report_id: (bytes(s.minhash), s.features, s.place) for s in EventSignature.objects.all()}
    assert after == before


def test_five_townships_reporting_one_fire_make_one_group_of_five(cast, fire):
    groups = inbox_groups(cast.county_editor.user)
    assert len(groups) == 1
    subs = county_subs(cast, fire)
    assert sorted(m.pk for m in groups[0].members) == sorted(s.pk for s in subs[:5])
    assert subs[5].pk not in {m.pk for m in groups[0].members}


def test_groups_page_lists_the_group_with_its_size(cast, fire, client_as):
    page = client_as("county_editor").get("/inbox/groups/").content.decode()
    assert "同一事件 ×5" in page
    assert "新桥镇召开秋冬季森林防火工作会议" not in page


def test_inbox_fragment_shows_the_banner_and_a_badge_per_grouped_row(cast, fire, client_as):
    subs = county_subs(cast, fire)
    ids = ",".join(str(s.pk) for s in subs)
    html = client_as("county_editor").get(f"/inbox/groups/summary?ids={ids}").content.decode()
    assert "发现 1 组疑似同一事件的信息" in html
    assert html.count("同一事件 ×5") == 5
    assert f"#group-badge-{subs[5].pk}" not in html
    inbox = client_as("county_editor").get("/inbox/").content.decode()
    assert "/inbox/groups/summary?ids=" in inbox and f'id="group-badge-{subs[0].pk}"' in inbox


def test_side_by_side_page_shows_every_member_with_its_source(cast, fire, client_as):
    subs = county_subs(cast, fire)
    html = client_as("county_editor").get(f"/inbox/groups/{subs[2].pk}/").content.decode()
    for (title, _, _), report in zip(FIRE, fire, strict=False):
        assert title in html
        assert report.source_unit.name in html
    assert "综合为一条" in html


def test_compose_from_the_group_makes_one_merged_item_crediting_all_sources(cast, fire, client_as):
    subs = county_subs(cast, fire)
    pub = Publication.objects.get(unit=cast.county_editor.unit, name="东湖政务信息")
    response = client_as("county_editor").post(
        f"/inbox/groups/{subs[0].pk}/compose",
        {"target": f"new:{pub.pk}", "title": "城关镇李家村民房火灾综合情况"},
    )
    assert response.status_code == 302
    issue_id = int(response["Location"].rstrip("/").split("/")[-1])
    items = list(IssueItem.objects.filter(issue_id=issue_id))
    assert len(items) == 1
    assert items[0].title == "城关镇李家村民房火灾综合情况"
    credited = set(IssueItemSource.objects.filter(item=items[0]).values_list("submission_id", flat=True))
    assert credited == {s.pk for s in subs[:5]}
    assert set(Submission.objects.filter(pk__in=credited).values_list("status", flat=True)) == {"adopted"}
    # Printed now: the group leaves the open inbox.
    assert inbox_groups(cast.county_editor.user) == []


def test_compose_without_a_target_is_refused_with_a_message(cast, fire, client_as):
    subs = county_subs(cast, fire)
    client = client_as("county_editor")
    response = client.post(f"/inbox/groups/{subs[0].pk}/compose", {"target": "issue:999999"}, follow=True)
    assert "请选择编入哪一期刊物" in response.content.decode()
    assert not IssueItem.objects.exists()


def test_sibling_county_editor_gets_404_on_the_group(cast, fire, client_as):
    subs = county_subs(cast, fire)
    outsider = client_as("outsider_editor")
    assert outsider.get(f"/inbox/groups/{subs[0].pk}/").status_code == 404
    pub = Publication.objects.get(unit=cast.county_editor.unit, name="东湖政务信息")
    assert (
        outsider.post(f"/inbox/groups/{subs[0].pk}/compose", {"target": f"new:{pub.pk}"}).status_code == 404
    )
    assert "同一事件 ×" not in outsider.get("/inbox/groups/").content.decode()
    assert not IssueItem.objects.exists()


def test_a_reporter_may_not_open_the_groups(cast, fire, client_as):
    assert client_as("township_reporter").get("/inbox/groups/").status_code == 403


@pytest.mark.parametrize("url", ["/inbox/groups/", "/inbox/groups/summary?ids=1,2,3", "group"])
def test_grouping_pages_query_count_does_not_grow_with_the_inbox(cast, fire, client_as, url):
    client = client_as("county_editor")
    if url == "group":
        url = f"/inbox/groups/{county_subs(cast, fire)[0].pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _more_fire_items()
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(small.captured_queries) <= 16


def _more_fire_items() -> None:
    """Five more copies of the fire from the same townships: a larger inbox, one larger group."""
    from baosong.grouping.services import signature_store
    from baosong.orgs.models import User
    from baosong.search.tests.conftest import send

    for i in range(5):
        reporter = User.objects.get(username=f"grp_rep_{min(i, 3)}")
        signature_store(report=send(reporter, *FIRE[i]))


def test_a_resubmitted_item_gets_its_signature_from_the_new_text(
    cast, fire, django_capture_on_commit_callbacks
):
    from baosong.core.outbox import deliver
    from baosong.reports import services as report_services

    sub = county_subs(cast, fire)[5]  # the unrelated meeting
    before = bytes(EventSignature.objects.get(report_id=sub.report_id).minhash)
    with django_capture_on_commit_callbacks(execute=True):
        report_services.submission_return(
            submission=sub, by=cast.county_editor.user, comment="请补充火灾情况"
        )
        sub.refresh_from_db()
        report_services.submission_resubmit(
            submission=sub, by=sub.report.author, title=FIRE[0][0], body=FIRE[0][2]
        )
    deliver("grouping")
    assert bytes(EventSignature.objects.get(report_id=sub.report_id).minhash) != before
    sizes = [g.size for g in inbox_groups(cast.county_editor.user)]
    assert sizes == [6]


def test_a_refused_compose_keeps_the_typed_title(cast, fire, client_as):
    subs = county_subs(cast, fire)
    client = client_as("county_editor")
    response = client.post(
        f"/inbox/groups/{subs[0].pk}/compose",
        {"target": "issue:999999", "title": "李家村民房火灾处置情况综述"},
    )
    assert response.status_code == 400
    assert 'value="李家村民房火灾处置情况综述"' in response.content.decode()
