from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    detail: str
    code: str


class PageParams(Schema):
    page: int = 1
    page_size: int = 20
