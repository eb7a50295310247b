from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def api(cast):  # type: ignore[no-untyped-def]
    """api("county_editor") → a client that sends the cast member's bearer token."""

    def make(key: str) -> Client:
        actor = cast[key]
        token = (
            Client()
            .post(
                "/api/v1/auth/token",
                {"username": actor.user.username, "password": actor.password},
                content_type="application/json",
            )
            .json()["token"]
        )
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return make


def post(client: Client, url: str, data: dict | None = None):  # type: ignore[no-untyped-def, type-arg]
    return client.post(url, data or {}, content_type="application/json")


ITEM = {
    "title": "城关镇开展防汛应急演练",
    "body": "6月10日，城关镇组织开展防汛应急演练，镇村干部和群众300余人参加。\n演练检验了预案的可操作性。",
    "category": "work_update",
}
