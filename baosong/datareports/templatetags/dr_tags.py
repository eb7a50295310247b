from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get(value: Any, key: str) -> Any:
    """A key of a dict value (a person's 姓名/职务/单位), empty for anything else."""
    return value.get(key, "") if isinstance(value, dict) else ""
