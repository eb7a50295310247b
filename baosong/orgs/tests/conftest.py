"""Fixtures of the orgs tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from baosong.editorial.tests.conftest import adopted_at_county, distributed_county_issue
from baosong.scoring import bulletins


@pytest.fixture
def day(cast: Any, client_as: Any) -> dict[str, Any]:
    """A day of work: an item through 提交 → 审核通过 → 采用, an issue 送签 → 签发 → 分发, a 通报 released,
    downloads and exports, an access refused and a failed login."""
    sub = adopted_at_county(cast)
    issue = distributed_county_issue(cast, [sub])
    period = timezone.localdate().strftime("%Y-%m")
    editor = cast.county_editor.user
    bulletin = bulletins.bulletin_for_period(by=editor, unit=cast.county_editor.unit, period=period)
    bulletins.bulletin_release(
        bulletin=bulletin, by=editor, remarks="请各乡镇对照查找差距。", to_portal=False
    )
    client = client_as("county_editor")
    assert client.get(f"/issues/{issue.pk}/document.docx").status_code == 200
    assert client.get("/reports/ledger/export.csv?category=work_update").status_code == 200
    assert client.get("/staff/?format=csv").status_code == 200
    assert client_as("sysadmin").get("/audit/").status_code == 403
    Client().post("/accounts/login", {"username": "xian_bianji", "password": "错误的密码"})
    return {"submission": sub, "issue": issue, "bulletin": bulletin}
