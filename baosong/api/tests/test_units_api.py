from __future__ import annotations

import pytest
from django.test import Client


def _bearer(cast, key: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
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
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_units_lists_the_subtree_and_the_chain_above(cast):
    response = Client().get("/api/v1/units?page_size=200", **_bearer(cast, "county_editor"))
    assert response.status_code == 200
    body = response.json()
    ids = {u["id"] for u in body["items"]}
    assert body["count"] == len(ids)
    assert cast.township_reporter.unit.pk in ids  # below
    assert cast.city_editor.unit.pk in ids  # a reporting target above
    assert cast.outsider_editor.unit.pk not in ids  # sibling county
    sample = body["items"][0]
    assert set(sample) >= {"id", "name", "parent_id", "level", "kind"}


def test_units_filter_by_parent_and_q(cast):
    headers = _bearer(cast, "county_editor")
    county = cast.county_editor.unit
    children = Client().get(f"/api/v1/units?parent={county.pk}", **headers).json()
    assert children["count"] >= 4 and all(u["parent_id"] == county.pk for u in children["items"])
    found = Client().get("/api/v1/units?q=城关", **headers).json()
    assert [u["name"] for u in found["items"]] == ["东湖区城关镇"]


def test_pagination_and_bad_parameters(cast):
    headers = _bearer(cast, "province_editor")
    page = Client().get("/api/v1/units?page=2&page_size=5", **headers).json()
    assert len(page["items"]) == 5 and page["count"] > 10
    for query in ("page=0", "page_size=1000", "parent=abc", "level=planet"):
        response = Client().get(f"/api/v1/units?{query}", **headers)
        assert response.status_code == 422, query
        assert response.json()["code"] == "validation_error"


def test_openapi_schema_is_served(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/auth/token", "/api/v1/me", "/api/v1/units"} <= set(paths)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/units?parent=9223372036854775808",
        "/api/v1/units?parent=0",
        "/api/v1/reports/9223372036854775808",
        "/api/v1/issues/-1",
        "/api/v1/inbox?page=100001",
    ],
)
def test_out_of_range_ids_are_refused_with_422_not_a_500(api, url):
    response = api("county_editor").get(url)
    assert response.status_code == 422, (url, response.status_code, response.content[:200])
    assert "detail" in response.json()


def test_the_schema_states_the_bounds_of_every_id_parameter(client_as):
    from baosong.api.api import api as ninja_api

    schema = ninja_api.get_openapi_schema()
    unbounded = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                name, spec = parameter["name"], parameter.get("schema", {})
                specs = spec.get("anyOf", [spec])
                if (name.endswith("_id") or name in {"pk", "parent", "unit"}) and not any(
                    s.get("type") == "integer" and s.get("maximum") == 2**63 - 1 and s.get("minimum") == 1
                    for s in specs
                ):
                    unbounded.append(f"{method.upper()} {path} {name}")
    assert not unbounded, unbounded
