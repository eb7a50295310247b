"""The editor's and chief's pages found wanting in the desk walkthrough (issue 11): what a person typed
survives a refused save, labels are Chinese, each action says what it did."""

from __future__ import annotations

from baosong.editorial import services

from .conftest import adopted_at_county


def test_a_refused_settings_save_keeps_what_was_typed(cast, new_issue, client_as):
    response = client_as("county_editor").post(
        f"/issues/{new_issue.pk}/update",
        {
            "headline": "汛期专报",
            "marking": "内部资料",
            "print_count": "三十",
            "columns": "工作动态\n经验交流",
            "up": "市政府办公室",
            "peer": "",
            "down": "各乡镇",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "印数应为不小于 0 的整数" in page
    assert 'id="issue-settings" open' in page
    for typed in ("汛期专报", "内部资料", 'value="三十"', "工作动态\n经验交流", "市政府办公室", "各乡镇"):
        assert typed in page, typed
    new_issue.refresh_from_db()
    assert new_issue.headline == ""


def test_a_refused_item_edit_keeps_the_typed_body(cast, new_issue, client_as):
    sub = adopted_at_county(cast, "原标题")
    (item,) = services.issue_item_add(issue=new_issue, by=cast.county_editor.user, submission_ids=[sub.pk])
    response = client_as("county_editor").post(
        f"/issues/{new_issue.pk}/items/{item.pk}/edit",
        {
            "title": "",
            "body": "改了一整段的正文，不能丢。",
            "editor_note": "编者按草稿",
            "column": "经验做法",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "标题不能为空" in page
    assert "改了一整段的正文，不能丢。" in page and "编者按草稿" in page
    assert "<details open><summary>编辑此条" in page
    item.refresh_from_db()
    assert item.body != "改了一整段的正文，不能丢。"


def test_the_readers_page_lists_bao_song_fa_in_the_closing_block_order(cast, client_as):
    from .conftest import distributed_county_issue

    issue = distributed_county_issue(cast, [adopted_at_county(cast)])
    page = client_as("county_editor").get(f"/issues/{issue.pk}/readers").content.decode()
    groups = [g for g in ("<td>报</td>", "<td>送</td>", "<td>发</td>") if g in page]
    assert len(groups) == 3 and sorted(groups, key=page.index) == groups
    assert "<th>分发</th>" in page


def test_the_reading_page_offers_a_jump_to_the_instruction_panel(cast, client_as):
    from .conftest import distributed_county_issue

    issue = distributed_county_issue(cast, [adopted_at_county(cast)])
    page = client_as("county_leader").get(f"/reading/{issue.pk}/").content.decode()
    assert 'href="#instructions"' in page and 'id="instructions"' in page


def test_a_merged_item_of_one_town_names_the_town_once(cast, new_issue, client_as):
    subs = [adopted_at_county(cast, "城关镇防汛一"), adopted_at_county(cast, "城关镇防汛二")]
    items = services.issue_item_add(
        issue=new_issue, by=cast.county_editor.user, submission_ids=[s.pk for s in subs]
    )
    services.issue_items_merge(
        issue=new_issue, by=cast.county_editor.user, item_ids=[i.pk for i in items], title="城关镇防汛"
    )
    page = client_as("county_editor").get(f"/issues/{new_issue.pk}/").content.decode()
    town = cast.township_reporter.unit.name
    assert f"来源：{town} <span" in page and f"{town}、{town}" not in page


def test_the_publication_page_lists_its_distribution_in_closing_order(cast, client_as, county_pub):
    page = client_as("sysadmin").get(f"/manage/publications/{county_pub.pk}/").content.decode()
    groups = [g for g in ("<td>报</td>", "<td>送</td>", "<td>发</td>") if g in page]
    assert len(groups) == 3 and sorted(groups, key=page.index) == groups
    assert "<th>分发</th>" in page


def test_a_refused_merge_keeps_the_typed_title_and_the_ticked_item(cast, new_issue, client_as):
    subs = [adopted_at_county(cast, "城关镇防汛一"), adopted_at_county(cast, "城关镇防汛二")]
    items = services.issue_item_add(
        issue=new_issue, by=cast.county_editor.user, submission_ids=[s.pk for s in subs]
    )
    r = client_as("county_editor").post(
        f"/issues/{new_issue.pk}/merge", {"items": [items[0].pk], "title": "城关镇扎实做好防汛工作"}
    )
    assert r.status_code == 400
    page = r.content.decode()
    assert 'value="城关镇扎实做好防汛工作"' in page
    assert f'value="{items[0].pk}" aria-label="选择以综合" checked' in page
