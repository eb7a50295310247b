from __future__ import annotations

from django.http import HttpRequest

from baosong.core.middleware import csp_nonce


def security(request: HttpRequest) -> dict[str, object]:
    """The nonce a template puts on a ``<style>`` block the Content-Security-Policy must allow."""
    return {"csp_nonce": lambda: csp_nonce(request)}
