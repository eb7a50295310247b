from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from baosong.core.middleware import csp_nonce


def security(request: HttpRequest) -> dict[str, object]:
    """The nonce a template puts on a ``<style>`` block the Content-Security-Policy must allow, and the
    attachment size limit a file input checks before uploading (``data-max``)."""
    return {
        "csp_nonce": lambda: csp_nonce(request),
        "upload_max_bytes": int(settings.ATTACHMENT_MAX_MB) * 1024 * 1024,
        "upload_max_mb": settings.ATTACHMENT_MAX_MB,
    }
