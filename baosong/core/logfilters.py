"""Logging filters.

Django logs every refused request (403, 404, 405 …) on ``django.request`` with the exception attached, so a
page that answers 无权访问 six times writes six full tracebacks. A refusal is the product working as meant:
its one-line warning (status and path) is kept, the traceback is dropped. Server errors (5xx) keep theirs.
"""

from __future__ import annotations

import logging


class RefusalsWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.name.startswith("django.request") and isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
