"""Stateless web nodes share one cache: with BAOSONG_CACHE_URL (Django's RedisCache on the real Redis at
127.0.0.1:6379), the /verify/ rate limit, the statistics and the portal pages are kept in Redis, where a
second node finds them. The test uses its own database number and key prefix, and cleans up."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.test import Client

from baosong.signing.tests.test_verify_and_keys import upload

URL = "redis://127.0.0.1:6379/13"


@pytest.fixture
def redis_cache(settings: Any) -> Iterator[tuple[redis.Redis, str]]:
    client = redis.Redis.from_url(URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379 (the scale-out tests need one)")
    prefix = f"bs-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": URL,
            "KEY_PREFIX": prefix,
        }
    }
    try:
        yield client, prefix
    finally:
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
        client.close()


def _keys(client: redis.Redis, prefix: str, part: str) -> list[str]:
    return [k.decode() for k in client.scan_iter(f"{prefix}:*{part}*")]


def test_the_verify_rate_limit_is_counted_in_redis_for_every_node(
    db: None, settings: Any, redis_cache: tuple[redis.Redis, str]
) -> None:
    client, prefix = redis_cache
    settings.VERIFY_RATE_PER_MINUTE = 2
    node_a, node_b = Client(REMOTE_ADDR="10.9.8.6"), Client(REMOTE_ADDR="10.9.8.6")
    codes = [node_a.post("/verify/", {"file": upload(b"abc")}).status_code for _ in range(2)]
    codes.append(node_b.post("/verify/", {"file": upload(b"abc")}).status_code)
    assert codes == [200, 200, 429]
    (key,) = _keys(client, prefix, "signing:verify:10.9.8.6")
    assert int(client.get(key) or 0) == 3 and 0 < int(client.ttl(key)) <= 120


def test_statistics_and_portal_pages_are_kept_in_redis(
    cast: Any, client_as: Any, settings: Any, redis_cache: tuple[redis.Redis, str]
) -> None:
    client, prefix = redis_cache
    settings.STATS_CACHE_SECONDS = 60
    settings.PORTAL_CACHE_SECONDS = 60
    first = client_as("county_editor").get("/stats/")
    assert first.status_code == 200
    assert _keys(client, prefix, "stats:dashboard") and _keys(client, prefix, ":body")
    second = client_as("county_chief").get("/stats/")
    assert second.status_code == 200
    page = Client().get("/portal/")
    assert page.status_code == 200
    (key,) = _keys(client, prefix, "portal:page")
    assert Client().get("/portal/").content == page.content
    client.delete(key)  # another node's view of an emptied cache: rendered again, the same page
    assert Client().get("/portal/").content == page.content and _keys(client, prefix, "portal:page")
