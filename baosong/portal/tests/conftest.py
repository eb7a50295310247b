"""Portal fixtures: a county issue with a public and a non-public item, and the county's portal chain."""

from __future__ import annotations

from typing import Any

import pytest

from baosong.editorial import services as editorial
from baosong.editorial.models import Issue
from baosong.editorial.tests.conftest import adopted_at_county, distributed_county_issue
from baosong.orgs.models import ReviewStep, Role
from baosong.portal.models import PortalColumn

PUBLIC_TITLE = "城关镇完成汛前水库安全检查"
PRIVATE_TITLE = "城关镇信访积案化解内部情况"
PRIVATE_BODY_MARK = "内部掌握请勿外传"


def distributed_issue(cast: Any, *, public_title: str = PUBLIC_TITLE) -> Issue:
    """A county issue (《东湖政务信息》) with one 主动公开 item and one 不予公开 item, distributed."""
    public = adopted_at_county(cast, public_title, public_scope="public")
    private = adopted_at_county(
        cast, PRIVATE_TITLE, public_scope="internal", body=f"{PRIVATE_TITLE}。{PRIVATE_BODY_MARK}。"
    )
    return distributed_county_issue(cast, [public, private])


def published_issue(cast: Any, **kwargs: Any) -> Issue:
    issue = distributed_issue(cast, **kwargs)
    return editorial.issue_publish(issue=issue, by=cast.county_editor.user)


@pytest.fixture
def columns(cast: Any) -> dict[str, PortalColumn]:
    """The demo columns (seeded with the cast)."""
    return {c.slug: c for c in PortalColumn.objects.all()}


@pytest.fixture
def county_chain(cast: Any) -> list[ReviewStep]:
    """The county office's 上网发布审核 chain: 单位负责人 (主编), 审核处室 (a named reviewer), 分管领导."""
    unit = cast.county_editor.unit
    return [
        ReviewStep.objects.create(unit=unit, chain="portal", order=1, role=Role.CHIEF, label="单位负责人"),
        ReviewStep.objects.create(
            unit=unit, chain="portal", order=2, user=cast.county_reviewer.user, label="审核处室"
        ),
        ReviewStep.objects.create(unit=unit, chain="portal", order=3, role=Role.LEADER, label="分管领导"),
    ]
