"""The item's 跨系统报送 card on its pages (the author's page and the inbox page): one query, nothing shown
for an item that never crossed to another deployment."""

from __future__ import annotations

from typing import Any

from django import template

from baosong.federation.selectors import trail_for_report

register = template.Library()


@register.inclusion_tag("federation/partials/trail.html")
def federation_trail(report_id: int) -> dict[str, Any]:
    return {"rows": trail_for_report(report_id)}
