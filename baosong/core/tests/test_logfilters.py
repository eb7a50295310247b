"""A refused request logs one line, not a traceback; a server error keeps its traceback."""

from __future__ import annotations

import io
import logging
import sys

from baosong.core.logfilters import RefusalsWithoutTraceback


def _logged(status: int) -> str:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(RefusalsWithoutTraceback())
    logger = logging.getLogger("django.request.test_logfilters")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise PermissionError("无权访问")
        except PermissionError:
            logger.warning(
                "Forbidden: /security/signing-keys", exc_info=sys.exc_info(), extra={"status_code": status}
            )
    finally:
        logger.removeHandler(handler)
    return out.getvalue()


def test_a_refusal_logs_its_line_without_the_traceback():
    text = _logged(403)
    assert "Forbidden: /security/signing-keys" in text and "Traceback" not in text


def test_a_server_error_keeps_its_traceback():
    assert "Traceback" in _logged(500)


def test_the_console_handler_carries_the_filter(settings):
    assert "refusals" in settings.LOGGING["handlers"]["console"]["filters"]
