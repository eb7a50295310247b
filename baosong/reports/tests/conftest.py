from __future__ import annotations

from django.test import Client

from baosong.reports.categories import BUILTIN_CATEGORIES


def post(client: Client, url: str, data: dict | None = None):  # type: ignore[no-untyped-def, type-arg]
    return client.post(url, data or {}, content_type="application/json")


ITEM = {
    "title": "城关镇开展防汛应急演练",
    "body": "6月10日，城关镇组织开展防汛应急演练，镇村干部和群众300余人参加。\n演练检验了预案的可操作性。",
    "category": "work_update",
}

# 突发事件's required elements as shipped; the code reads them from the category's row.
EMERGENCY_ELEMENTS = dict((code, elements) for code, _, elements in BUILTIN_CATEGORIES)["emergency"]
