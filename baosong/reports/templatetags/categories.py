"""``{{ report.category|category_label }}``: a category's name from the office's table (read once per
request, so a list of rows costs one query, not one per row)."""

from __future__ import annotations

from django import template

from baosong.reports.selectors import category_label as _category_label

register = template.Library()


@register.filter
def category_label(code: str) -> str:
    return _category_label(code or "")
