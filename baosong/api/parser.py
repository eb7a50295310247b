from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder


class LenientJSONParser(Parser):
    """JSON bodies as usual; a form-encoded or multipart body (what some clients send for a bare POST)
    is read as fields, so an action without parameters works however it is posted."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            return {key: request.POST.get(key) for key in request.POST}
        data = json.loads(request.body or b"null")
        if data is None:  # an empty body or JSON null: no fields (an optional body is simply absent)
            return {}
        if not isinstance(data, dict):
            raise ValueError("the body must be a JSON object")
        return data


class LocalTimeEncoder(NinjaJSONEncoder):
    """Times in the deployment's time zone with their offset (2026-05-06T09:30:00+08:00), as DESIGN.md
    promises, rather than in UTC."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime) and timezone.is_aware(o):
            o = timezone.localtime(o)
        return super().default(o)


class UTF8JSONRenderer(JSONRenderer):
    """Chinese stays readable in responses (and smaller): UTF-8, not \\u escapes."""

    encoder_class = LocalTimeEncoder

    media_type = "application/json"  # ninja adds "; charset=utf-8" itself
    json_dumps_params = {"ensure_ascii": False}
