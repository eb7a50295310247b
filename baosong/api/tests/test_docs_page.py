from __future__ import annotations

import re

from django.test import Client


def test_the_interactive_docs_page_loads_only_local_assets(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/static/") for a in assets), assets
    assert not re.search(r"https?://", html)


def test_the_docs_assets_are_served(db):
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-init.js"):
        # whitenoise serves collected files in production; the finders serve them in development
        from django.contrib.staticfiles import finders

        assert finders.find(f"ninja/{name}"), name


def test_openapi_document_is_complete_and_in_chinese(db):
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "报送平台公共接口"
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            responses = op["responses"]
            ok = [code for code in responses if code.startswith("2")]
            assert ok, f"{method.upper()} {path} documents no success response"
            if path not in {"/api/v1/auth/token", "/api/v1/verify"}:  # public: no login
                assert "401" in responses, f"{method.upper()} {path} does not document 401"
            assert op.get("summary") and re.search(r"[\u4e00-\u9fff]", op["summary"]), (
                f"{method.upper()} {path} has no Chinese summary"
            )
