"""API tokens: created on the settings page or through the API, listed, revoked, audited, rate limited,
and acting with exactly the user's rights."""

from __future__ import annotations

import re

from django.test import Client, override_settings

from baosong.core.models import AuditEvent
from baosong.orgs.models import ApiToken, LoginState, User


def _page_token(client: Client, name: str = "OA 对接", days: int = 30) -> str:
    response = client.post("/accounts/tokens/new", {"name": name, "days": days})
    assert response.status_code == 200, response.content.decode()[:500]
    match = re.search(r'id="new-token" value="(bs_[^"]+)"', response.content.decode())
    assert match, "the new token is shown once on the page"
    return match.group(1)


def _bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_token_made_on_the_settings_page_works_and_is_shown_only_once(client_as, cast):
    page = client_as("county_editor")
    raw = _page_token(page)
    me = _bearer(raw).get("/api/v1/me")
    assert me.status_code == 200 and me.json()["username"] == cast.county_editor.user.username
    later = page.get("/accounts/profile").content.decode()
    assert raw not in later
    assert raw[:10] in later and "OA 对接" in later
    token = ApiToken.objects.get(user=cast.county_editor.user)
    assert 29 <= (token.expires_at - token.created_at).days <= 30
    event = AuditEvent.objects.get(event_type="token.create", object_id=str(token.pk))
    assert event.details["via"] == "page" and event.details["name"] == "OA 对接"


def test_lifetime_beyond_the_maximum_is_refused_with_a_chinese_message(client_as):
    with override_settings(API_TOKEN_MAX_DAYS=90):
        response = client_as("county_editor").post("/accounts/tokens/new", {"name": "x", "days": 91})
    assert response.status_code == 422
    assert "有效期最长 90 天" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_on_the_page_stops_the_token_and_is_audited(client_as, cast):
    page = client_as("county_editor")
    raw = _page_token(page)
    token = ApiToken.objects.get(user=cast.county_editor.user)
    assert page.post(f"/accounts/tokens/{token.pk}/revoke").status_code == 302
    assert _bearer(raw).get("/api/v1/me").status_code == 401
    assert AuditEvent.objects.filter(event_type="token.revoke", object_id=str(token.pk)).exists()
    assert "已吊销" in page.get("/accounts/profile").content.decode()


def test_another_users_token_cannot_be_revoked(client_as, cast):
    raw = _page_token(client_as("county_editor"))
    token = ApiToken.objects.get(user=cast.county_editor.user)
    assert client_as("outsider_editor").post(f"/accounts/tokens/{token.pk}/revoke").status_code == 404
    outsider = client_as("outsider_editor")
    other = _page_token(outsider)
    response = _bearer(other).delete(f"/api/v1/auth/tokens/{token.pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert _bearer(raw).get("/api/v1/me").status_code == 200


def test_tokens_are_listed_and_revoked_through_the_api(api, cast):
    client = api("county_reporter")
    listed = client.get("/api/v1/auth/tokens")
    assert listed.status_code == 200
    (row,) = listed.json()
    assert set(row) == {
        *("id", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at", "active")
    }
    assert row["active"] is True and row["revoked_at"] is None
    revoked = client.delete(f"/api/v1/auth/tokens/{row['id']}")
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    assert client.get("/api/v1/auth/tokens").status_code == 401


def test_a_token_has_exactly_its_users_rights(api, cast):
    reporter = api("county_reporter")
    response = reporter.post("/api/v1/publications", {"name": "冒充刊物"}, content_type="application/json")
    assert response.status_code in (403, 422)
    assert response.json()["code"] in ("forbidden", "validation_error")


def test_a_disabled_or_locked_user_or_a_password_change_stops_the_token(api, cast):
    client = api("county_reporter")
    assert client.get("/api/v1/me").status_code == 200
    LoginState.objects.update_or_create(
        username=cast.county_reporter.user.username,
        defaults={"locked_at": "2026-01-01T00:00:00Z", "failures": 5},
    )
    assert client.get("/api/v1/me").status_code == 401
    LoginState.objects.all().delete()
    assert client.get("/api/v1/me").status_code == 200
    User.objects.filter(pk=cast.county_reporter.user.pk).update(is_active=False)
    assert client.get("/api/v1/me").status_code == 401
    User.objects.filter(pk=cast.county_reporter.user.pk).update(is_active=True)
    assert client.get("/api/v1/me").status_code == 200

    change = Client().post(
        "/api/v1/auth/password",
        {
            "username": cast.county_reporter.user.username,
            "old_password": cast.county_reporter.password,
            "new_password": "Fresh#Pass2026",
        },
        content_type="application/json",
    )
    assert change.status_code == 204
    assert client.get("/api/v1/me").status_code == 401


def _api_token(client: Client, actor) -> object:  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/auth/token",
        {"username": actor.user.username, "password": actor.password},
        content_type="application/json",
    )


@override_settings(API_TOKEN_RATE_PER_USER=3, API_TOKEN_RATE_PER_IP=0)
def test_token_creation_is_rate_limited_per_user_across_api_and_page(client_as, cast):
    actor = cast.county_editor
    for _ in range(2):
        assert _api_token(Client(), actor).status_code == 200  # type: ignore[attr-defined]
    _page_token(client_as("county_editor"))
    refused = _api_token(Client(), actor)
    assert refused.status_code == 429  # type: ignore[attr-defined]
    assert refused.json()["code"] == "rate_limited"  # type: ignore[attr-defined]
    assert "过于频繁" in refused.json()["detail"]  # type: ignore[attr-defined]
    assert 1 <= int(refused["Retry-After"]) <= 3600  # type: ignore[index]
    page = client_as("county_editor").post("/accounts/tokens/new", {"name": "再来一个", "days": 1})
    assert page.status_code == 429 and "过于频繁" in page.content.decode()
    # another user is not affected
    assert _api_token(Client(), cast.county_reporter).status_code == 200  # type: ignore[attr-defined]


@override_settings(API_TOKEN_RATE_PER_USER=0, API_TOKEN_RATE_PER_IP=2)
def test_token_creation_is_rate_limited_per_ip_before_the_password_is_checked(cast):
    assert _api_token(Client(), cast.county_editor).status_code == 200  # type: ignore[attr-defined]
    assert _api_token(Client(), cast.county_reporter).status_code == 200  # type: ignore[attr-defined]
    refused = Client().post(
        "/api/v1/auth/token", {"username": "nobody", "password": "x"}, content_type="application/json"
    )
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    elsewhere = Client(REMOTE_ADDR="10.1.2.3")
    assert _api_token(elsewhere, cast.county_chief).status_code == 200  # type: ignore[attr-defined]


def test_the_settings_page_shows_the_token_section(client_as):
    html = client_as("county_reporter").get("/accounts/profile").content.decode()
    assert "接口令牌" in html and "创建令牌" in html and "还没有令牌" in html
