from __future__ import annotations

import importlib

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

import config.urls


@pytest.fixture
def floor_routed():  # type: ignore[no-untyped-def]
    with override_settings(BENCH_FLOOR=True):
        importlib.reload(config.urls)
        clear_url_caches()
        yield
    importlib.reload(config.urls)
    clear_url_caches()


def test_bench_floor_is_absent_by_default(client_as):
    assert client_as("county_editor").get("/bench/floor/").status_code == 404


def test_bench_floor_answers_a_logged_in_user(floor_routed, client_as, cast):
    client = client_as("county_editor")
    response = client.get("/bench/floor/")
    assert response.status_code == 200
    assert response.content.decode() == f"ok {cast.county_editor.user.username}"


def test_bench_floor_sends_an_anonymous_visitor_to_log_in(floor_routed, client):
    response = client.get("/bench/floor/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login")
