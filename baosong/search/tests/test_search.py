"""Full-text search: jieba words and phrases, the unit dictionary, scope (page and API), filters and sort,
indexing through the consumer after commit, reindex, the query budget."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from baosong.core.outbox import deliver
from baosong.editorial.models import Issue
from baosong.editorial.selectors import issues_visible_to
from baosong.reports import services as report_services
from baosong.reports.models import Report
from baosong.reports.selectors import reports_visible_to
from baosong.search import indexer, tokenize
from baosong.search.consumers import catch_up
from baosong.search.models import DocKind, SearchDocument, SearchScope
from baosong.search.selectors import SearchParams, search
from baosong.search.tests.conftest import draft, scope_world, sent_to_county, settle

FUPIN = "城关镇召开精准扶贫工作推进会"
FANGXUN = "城关镇开展防汛应急演练"


def titles(response: Any) -> list[str]:
    return [i["title"] for i in response.json()["items"]]


def page_text(client: Any, **params: str) -> str:
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def two_items(cast: Any) -> tuple[Report, Report]:
    a = sent_to_county(cast, FUPIN, "会议部署了下一阶段扶贫工作，要求各村压实责任。").report
    b = sent_to_county(cast, FANGXUN, "镇村干部和群众300余人参加，检验了预案的可操作性。").report
    settle()
    return a, b


# ---- words, phrases, dictionary ---------------------------------------------------------------------------


def test_a_two_character_word_finds_the_items_containing_it_and_not_the_others(cast, two_items, api):
    response = api("county_editor").get("/api/v1/search", {"q": "扶贫"})
    assert response.status_code == 200
    assert titles(response) == [FUPIN]
    assert response.json()["count"] == 1
    assert titles(api("county_editor").get("/api/v1/search", {"q": "防汛"})) == [FANGXUN]


def test_a_word_inside_a_longer_word_is_found_in_search_mode(cast, two_items, api):
    # 精准扶贫 is one word in jieba's dictionary; search mode also indexes 扶贫 and 精准 inside it.
    assert "扶贫" in tokenize.tokens("精准扶贫")
    assert titles(api("county_editor").get("/api/v1/search", {"q": "精准扶贫"})) == [FUPIN]


def test_a_quoted_phrase_matches_the_phrase_and_not_the_words_apart(cast, api):
    together = sent_to_county(cast, "城关镇防汛应急演练圆满完成", "全镇组织防汛应急演练。").report
    apart = sent_to_county(cast, "城关镇部署应急工作", "演练安排在汛期前，防汛物资已到位。").report
    settle()
    client = api("county_editor")
    loose = titles(client.get("/api/v1/search", {"q": "防汛 应急 演练"}))
    assert sorted(loose) == sorted([together.title, apart.title])
    phrase = client.get("/api/v1/search", {"q": '"防汛应急演练"'})
    assert titles(phrase) == [together.title]
    assert "<mark>防汛应急演练</mark>" in phrase.json()["items"][0]["snippet"]
    # Chinese quotation marks work too.
    assert titles(client.get("/api/v1/search", {"q": "“防汛应急演练”"})) == [together.title]


def test_a_unit_name_from_the_custom_dictionary_is_found_as_a_whole_word(cast, api):
    # 杨柳乡 comes from the unit 东湖区杨柳乡; without the dictionary jieba cuts it into 杨柳 / 乡.
    assert tokenize.query_terms("杨柳乡") == ["杨柳乡"]
    assert "杨柳乡" in tokenize.tokens("东湖区杨柳乡开展人居环境整治")
    named = sent_to_county(cast, "杨柳乡开展人居环境整治", "杨柳乡组织干部群众清理村道。").report
    other = sent_to_county(cast, "城关镇栽种杨柳树", "城关镇在河堤种植杨柳，乡村面貌一新。").report
    settle()
    found = titles(api("county_editor").get("/api/v1/search", {"q": "杨柳乡"}))
    assert found == [named.title]
    assert other.title not in found


def test_place_names_are_derived_from_unit_names():
    assert tokenize.place_names("东湖区城关镇") == ["东湖区", "城关镇"]
    assert tokenize.place_names("临江市东湖区人民政府办公室") == ["临江市", "东湖区"]
    assert "城关镇" in tokenize.dictionary_words([("东湖区城关镇", "")])


# ---- scope ----------------------------------------------------------------------------------------------


@pytest.fixture
def sibling_draft(cast: Any, two_items: Any) -> Report:
    """A draft of the sibling county 西林县 that mentions 扶贫, indexed (drafts are indexed too)."""
    report = draft(cast.outsider_reporter, "西林县扶贫草稿不得外传", "西林县扶贫工作的内部草稿。")
    indexer.index(DocKind.ITEM, [report.pk])
    assert SearchDocument.objects.filter(kind=DocKind.ITEM, object_id=report.pk).exists()
    return report


def test_a_sibling_countys_draft_never_appears_through_the_api(cast, sibling_draft, api):
    for key in ("county_editor", "county_reporter", "city_editor", "province_editor", "township_reporter"):
        found = titles(api(key).get("/api/v1/search", {"q": "扶贫"}))
        assert sibling_draft.title not in found, key
    assert sibling_draft.title in titles(api("outsider_reporter").get("/api/v1/search", {"q": "扶贫"}))


def test_a_sibling_countys_draft_never_appears_on_the_search_page(cast, sibling_draft, client_as):
    for key in ("county_editor", "city_editor", "province_editor"):
        text = page_text(client_as(key), q="扶贫")
        assert "草稿不得外传" not in text, key
    assert "精准<mark>扶贫</mark>" in page_text(client_as("county_editor"), q="扶贫")
    assert "草稿不得外传" in page_text(client_as("outsider_reporter"), q="扶贫")


def test_a_new_draft_is_found_by_its_unit_after_commit_and_by_nobody_else(cast, api):
    """A draft created through the API reaches the index through its report.create event (the worker
    delivers it after commit), not only through the periodic catch-up."""
    reporter = api("outsider_reporter")
    created = reporter.post(
        "/api/v1/reports",
        {"title": "西林县信访积案化解草稿", "body": "西林县信访积案化解进展。"},
        content_type="application/json",
    )
    assert created.status_code in (200, 201), created.content
    settle()
    assert "西林县信访积案化解草稿" in titles(reporter.get("/api/v1/search", {"q": "信访"}))
    for key in ("county_editor", "city_editor", "province_editor"):
        assert "西林县信访积案化解草稿" not in titles(api(key).get("/api/v1/search", {"q": "信访"})), key


def test_search_scope_equals_the_page_selectors_for_every_cast_member(cast, client_as):
    """The scope keys in the document rows give exactly what reports_visible_to / issues_visible_to give."""
    scope_world(cast)
    for key, actor in cast.items():
        if actor.user.is_admin_account if hasattr(actor.user, "is_admin_account") else key.endswith("admin"):
            continue
        result = search(actor.user, SearchParams(q="工作", page_size=100))
        got = {(h.type, h.id) for h in result.hits}
        expected = {("item", pk) for pk in reports_visible_to(actor.user).values_list("pk", flat=True)}
        expected |= {
            ("issue", pk)
            for pk in issues_visible_to(actor.user)
            .filter(pk__in=Issue.objects.filter(items__body__contains="工作").values("pk"))
            .values_list("pk", flat=True)
        }
        assert got == expected, key


# ---- filters, sort, paging --------------------------------------------------------------------------------


def test_filters_narrow_the_results(cast, api):
    urgent = sent_to_county(cast, "城关镇防汛紧急转移群众", "防汛形势严峻。", urgency="urgent").report
    research = sent_to_county(cast, "城关镇防汛调研报告", "关于防汛的调研。", category="research").report
    plain = sent_to_county(cast, "城关镇防汛物资到位", "防汛物资已到位。").report
    report_services.submission_adopt(
        submission=plain.submissions.get(target_unit=cast.county_editor.unit), by=cast.county_editor.user
    )
    settle()
    client = api("county_editor")

    def found(**params: Any) -> set[str]:
        response = client.get("/api/v1/search", {"q": "防汛", **params})
        assert response.status_code == 200, response.content
        return set(titles(response))

    assert found() == {urgent.title, research.title, plain.title}
    assert found(urgency="urgent") == {urgent.title}
    assert found(category="research") == {research.title}
    assert found(level="county") == {plain.title}
    assert found(type="issue") == set()
    assert found(status="sent") == {urgent.title, research.title, plain.title}
    assert found(unit=cast.township_reporter.unit.pk) == {urgent.title, research.title, plain.title}
    assert found(unit=cast.outsider_reporter.unit.pk) == set()
    today = timezone.localdate()
    assert len(found(date_from=today.isoformat(), date_to=today.isoformat())) == 3
    assert found(date_to=(today - dt.timedelta(days=1)).isoformat()) == set()


def test_sort_by_date_puts_the_newest_first_and_pages_split_the_results(cast, api):
    items = []
    for i in range(5):
        report = sent_to_county(cast, f"城关镇信访工作简报{i}", "信访。").report
        Report.objects.filter(pk=report.pk).update(sent_at=timezone.now() - dt.timedelta(days=5 - i))
        items.append(report)
    call_command("reindex", verbosity=0)
    client = api("county_editor")
    newest = titles(client.get("/api/v1/search", {"q": "信访", "sort": "date"}))
    assert newest == [r.title for r in reversed(items)]
    first = client.get("/api/v1/search", {"q": "信访", "sort": "date", "page_size": 2}).json()
    second = client.get("/api/v1/search", {"q": "信访", "sort": "date", "page_size": 2, "page": 2}).json()
    assert first["count"] == second["count"] == 5
    assert [i["title"] for i in first["items"] + second["items"]] == newest[:4]


def test_relevance_puts_a_title_match_before_a_body_match(cast, api):
    body_only = sent_to_county(cast, "城关镇本周工作", "另外，秸秆禁烧巡查持续开展。").report
    in_title = sent_to_county(cast, "城关镇秸秆禁烧巡查", "巡查覆盖全部行政村。").report
    settle()
    assert titles(api("county_editor").get("/api/v1/search", {"q": "秸秆"})) == [
        in_title.title,
        body_only.title,
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": "   "},
        {"q": "，。！"},
        {"q": "扶贫", "category": "nonsense"},
        {"q": "扶贫", "page": "0"},
        {"q": "扶贫", "date_from": "2026-13-01"},
        {"q": "扶贫", "date_from": "2026-05-02", "date_to": "2026-05-01"},
        {"q": "扶贫", "unit": "999999999"},
        {"q": "字" * 101},
    ],
)
def test_an_empty_or_invalid_query_is_refused_with_422(cast, api, params):
    response = api("county_editor").get("/api/v1/search", params)
    assert response.status_code == 422
    body = response.json()
    assert set(body) >= {"detail", "code"}


def test_the_search_page_shows_a_chinese_error_for_a_bad_query(cast, client_as):
    response = client_as("county_editor").get("/search/", {"q": "，。"})
    assert response.status_code == 422
    assert "检索词中没有可检索的文字" in response.content.decode()


def test_snippets_escape_html_and_mark_the_terms(cast, api):
    sent_to_county(cast, "城关镇<b>禁毒</b>宣传", "禁毒宣传进校园<script>alert(1)</script>。")
    settle()
    item = api("county_editor").get("/api/v1/search", {"q": "禁毒"}).json()["items"][0]
    assert "<script>" not in item["snippet"] and "&lt;script&gt;" in item["snippet"]
    assert "<mark>禁毒</mark>" in item["snippet"]


def test_the_search_page_needs_a_login(client):
    response = client.get("/search/", {"q": "扶贫"})
    assert response.status_code == 302


def test_the_search_page_links_each_result_to_a_page_the_user_may_open(cast, two_items, client_as):
    client = client_as("city_editor")
    a, _ = two_items
    # The city sees the item only once it reached the city: forward it.
    sub = a.submissions.get(target_unit=cast.county_editor.unit)
    report_services.submission_forward(submission=sub, by=cast.county_editor.user)
    settle()
    text = page_text(client, q="扶贫")
    assert f'href="/reports/{a.pk}/"' in text
    assert client.get(f"/reports/{a.pk}/").status_code == 200


# ---- indexing ---------------------------------------------------------------------------------------------


def test_an_item_is_indexed_through_the_consumer_after_commit(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sub = sent_to_county(cast, "城关镇河长制巡河", "巡河发现问题三处。")
    doc = SearchDocument.objects.get(kind=DocKind.ITEM, object_id=sub.report_id)
    assert doc.status == "sent" and "发现" in doc.seg_body.split()
    assert set(doc.scopes.values_list("key", "value")) == {("reached", cast.county_editor.unit.pk)}
    # The editor's working copy is indexed too, after the edit commits.
    with django_capture_on_commit_callbacks(execute=True):
        report_services.submission_edit(
            submission=sub,
            by=cast.county_editor.user,
            title=sub.title,
            body=sub.body + "\n另查实森林防火责任落实。",
        )
    assert "防火" in SearchDocument.objects.get(kind=DocKind.ITEM, object_id=sub.report_id).seg_body.split()
    with django_capture_on_commit_callbacks(execute=True):
        report_services.submission_adopt(submission=sub, by=cast.county_editor.user)
    assert SearchDocument.objects.get(kind=DocKind.ITEM, object_id=sub.report_id).adopted_level == "county"


def test_the_catch_up_job_indexes_drafts_changed_without_an_event(cast):
    catch_up()  # first run: sets the watermark
    report = draft(cast.township_reporter, "城关镇秋粮收购草稿", "秋粮收购进度过半。")
    catch_up()
    assert SearchDocument.objects.filter(kind=DocKind.ITEM, object_id=report.pk, status="draft").exists()


def test_reindex_reproduces_the_index(cast, two_items):
    sub = sent_to_county(cast, "城关镇安全生产检查", "检查企业十家。")
    report_services.submission_edit(
        submission=sub, by=cast.county_editor.user, title="东湖区城关镇安全生产检查", body=sub.body
    )
    settle()

    def snapshot() -> set[tuple[Any, ...]]:
        rows = set()
        for d in SearchDocument.objects.all():
            scopes = tuple(sorted(SearchScope.objects.filter(document=d).values_list("key", "value")))
            rows.add((d.kind, d.object_id, d.title, d.content, d.seg_title, d.seg_body, d.status, scopes))
        return rows

    before = snapshot()
    assert before
    call_command("reindex", verbosity=0)
    assert snapshot() == before
    # And the rebuilt index answers queries.
    assert [h.title for h in search(cast.county_editor.user, SearchParams(q="扶贫")).hits] == [FUPIN]


# ---- query budget ---------------------------------------------------------------------------------------


def test_the_search_page_runs_a_bounded_number_of_queries(cast, client_as, django_assert_num_queries):
    for i in range(3):
        sent_to_county(cast, f"城关镇环境整治简报{i}", "环境整治。")
    settle()
    client = client_as("county_editor")
    client.get("/search/", {"q": "环境", "page_size": "2"})
    # One of them reads the office's categories (the hits' labels), once per page.
    with django_assert_num_queries(10 if connection.vendor == "sqlite" else 9) as few:
        client.get("/search/", {"q": "环境", "page_size": "2"})
    for i in range(12):
        sent_to_county(cast, f"城关镇环境整治续报{i}", "环境整治。")
    settle()
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/search/", {"q": "环境", "page_size": "10"})
    assert response.content.decode().count('class="search-hit"') == 10


def test_deliver_is_idempotent_for_the_search_consumer(cast, two_items):
    count = SearchDocument.objects.count()
    assert deliver("search") == 0
    assert SearchDocument.objects.count() == count
