"""Issues, bulletins and the portal's public search: indexed through their events, scoped like their pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from baosong.editorial import services as editorial
from baosong.editorial.models import Issue, Publication
from baosong.reports import services as report_services
from baosong.scoring import bulletins
from baosong.search.models import DocKind, SearchDocument
from baosong.search.selectors import SearchParams, search, search_public
from baosong.search.tests.conftest import sent_to_county, settle


def titles(response: Any) -> list[str]:
    return [i["title"] for i in response.json()["items"]]


@pytest.fixture
def published(cast: Any) -> Issue:
    """An issue of 《东湖政务信息》 with a 主动公开 item and an internal one, distributed and published."""
    public = sent_to_county(
        cast, "城关镇防汛物资储备到位", "全镇储备防汛编织袋两万条。", public_scope="public"
    )
    internal = sent_to_county(cast, "城关镇防汛隐患内部排查", "排查发现防汛隐患三处，正在整改。")
    pub = Publication.objects.get(unit=cast.county_editor.unit, name="东湖政务信息")
    issue = editorial.issue_create(by=cast.county_editor.user, publication=pub)
    editorial.issue_item_add(issue=issue, by=cast.county_editor.user, submission_ids=[public.pk, internal.pk])
    issue = editorial.issue_submit(issue=issue, by=cast.county_editor.user)
    issue = editorial.issue_sign(issue=issue, by=cast.county_chief.user)
    issue = editorial.issue_distribute(issue=issue, by=cast.county_editor.user)
    issue = editorial.issue_publish(issue=issue, by=cast.county_editor.user)
    settle()
    return issue


def test_a_published_issue_is_found_by_its_items_text_and_opens(cast, published, client_as, api):
    found = api("county_editor").get("/api/v1/search", {"q": "编织袋", "type": "issue"}).json()
    assert [i["id"] for i in found["items"]] == [published.pk]
    assert found["items"][0]["url"] == f"/issues/{published.pk}/"
    assert client_as("county_editor").get(found["items"][0]["url"]).status_code == 200
    # The sibling county's editor received nothing: the issue stays out of reach.
    assert api("outsider_editor").get("/api/v1/search", {"q": "编织袋"}).json()["count"] == 0


def test_adoption_in_an_issue_sets_the_publication_filter(cast, published, api):
    response = api("county_editor").get(
        "/api/v1/search", {"q": "防汛", "type": "item", "publication_id": published.publication_id}
    )
    assert sorted(titles(response)) == ["城关镇防汛物资储备到位", "城关镇防汛隐患内部排查"]
    assert {i["adopted_level"] for i in response.json()["items"]} == {"county"}


def test_the_public_search_finds_public_items_of_published_issues_only(cast, published):
    result = search_public("防汛")
    assert [h.title for h in result.hits] == ["城关镇防汛物资储备到位"]
    assert result.hits[0].type == DocKind.PUBLIC_ITEM and result.hits[0].issue_id == published.pk
    assert search_public("隐患").count == 0


def test_withdrawing_the_issue_takes_its_items_off_the_public_search(cast, published):
    editorial.issue_withdraw(issue=published, by=cast.county_chief.user, reason="内容有误")
    settle()
    assert search_public("防汛").count == 0
    assert not SearchDocument.objects.filter(kind=DocKind.PUBLIC_ITEM).exists()


def test_an_unpublished_issue_never_reaches_the_public_search(cast):
    sent = sent_to_county(cast, "城关镇防汛值班安排", "汛期实行24小时值班。", public_scope="public")
    report_services.submission_adopt(submission=sent, by=cast.county_editor.user)
    settle()
    assert search_public("防汛").count == 0


def test_a_released_bulletin_is_found_by_the_units_that_may_read_it(cast, client_as):
    period = timezone.localdate().strftime("%Y-%m")
    bulletin = bulletins.bulletin_for_period(
        by=cast.county_editor.user, unit=cast.county_editor.unit, period=period
    )
    settle()
    assert not SearchDocument.objects.filter(kind=DocKind.BULLETIN).exists()  # drafts are not indexed
    bulletins.bulletin_release(bulletin=bulletin, by=cast.county_editor.user)
    settle()

    def ids(key: str) -> list[int]:
        return [h.id for h in search(cast[key].user, SearchParams(q="通报", type="bulletin")).hits]

    # The scoring pages' rule: the desk above or at the unit, and members of the unit's subtree.
    for key in ("county_editor", "county_reporter", "township_reporter", "city_editor", "province_editor"):
        assert ids(key) == [bulletin.pk], key
        assert client_as(key).get(f"/bulletins/{bulletin.pk}/").status_code == 200, key
    for key in ("outsider_editor", "outsider_reporter", "city_reporter"):
        assert ids(key) == [], key
        assert client_as(key).get(f"/bulletins/{bulletin.pk}/").status_code == 404, key


def test_the_public_search_needs_no_login_and_refuses_an_empty_query(cast, published):
    from baosong.core.errors import ServiceError

    with pytest.raises(ServiceError) as exc:
        search_public("  ")
    assert exc.value.status == 422
    assert Client().get("/search/", {"q": "防汛"}).status_code == 302
