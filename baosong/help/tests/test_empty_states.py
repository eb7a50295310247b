"""An empty list says what will appear there and what to do next, with a link to that action where there
is one (issue 11: help where the work is). The plain demo cast has no content, so every list is empty."""

from __future__ import annotations

from typing import Any

import pytest

CASES = [
    # (who, page, what the empty list says, a link it offers)
    ("township_reporter", "/reports/", "还没有信息。点击“撰写信息”开始，或从 Word 导入。", "/reports/new"),
    ("township_reporter", "/reports/?q=不存在的标题", "没有符合条件的信息。", "/reports/"),
    ("township_reviewer", "/reports/", "信息员撰写并提交后会列在这里", None),
    ("township_reviewer", "/reports/review/", "轮到您审核时会出现在这里", "/reports/"),
    ("county_editor", "/inbox/", "还没有待接收的信息。下级单位报送的信息会出现在这里", None),
    ("county_editor", "/inbox/?status=adopted", "没有符合筛选条件的信息。", "/inbox/"),
    ("county_editor", "/issues/", "点上方“新建一期”中的刊物名称新建一期", None),
    ("county_chief", "/issues/", "采编人员编好一期送签后，会出现在这里", None),
    ("county_leader", "/reading/", "刊物签发并分发给您或本单位后会出现在这里", None),
    ("county_leader", "/instructions/", "领导在阅文页面作出的批示", None),
    ("county_editor", "/solicitations/", "向下级单位征集信息", "/solicitations/new"),
    ("township_reporter", "/solicitations/", "上级发布约稿或报送要点后会出现在这里", None),
    ("township_reporter", "/notices/", "还没有通知。信息被采用或退回", None),
    ("county_editor", "/reports/ledger/", "本单位报出的信息和报给本单位的信息会列在这里", None),
    ("county_editor", "/reports/ledger/?category=emergency", "可以放宽筛选条件", "/reports/ledger/"),
    ("county_editor", "/stats/ledger/", "系统自动记入积分", None),
    ("county_editor", "/search/?q=防汛", "检索完整短语请加引号", None),
]


@pytest.mark.parametrize("who, url, says, link", CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_an_empty_list_says_what_to_do_next(client_as: Any, who: str, url: str, says: str, link: str | None):
    response = client_as(who).get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert says in page
    if link:
        empty = page[page.index(says) :][:600]
        assert f'href="{link}"' in empty, empty
