from __future__ import annotations

import datetime as dt
import re
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from annotated_types import Interval
from ninja import Schema
from pydantic import BeforeValidator, StringConstraints, model_validator

from baosong.core.params import MAX_ID

# An object id as a key column holds it on both databases: the schema states the bounds, so a client (and
# schemathesis) sees that 9223372036854775808 is out of range, and it is refused with 422, never a 500.
Id = Annotated[int, Interval(ge=1, le=MAX_ID)]
# Free-form text inside lists and maps is bounded too, so no JSON body grows without limit below the request
# size: a tag, a 突发事件 要素, a column name, a 版记 recipient.
Tag = Annotated[str, StringConstraints(max_length=20)]
ElementText = Annotated[str, StringConstraints(max_length=2000)]
ShortName = Annotated[str, StringConstraints(max_length=100)]
# A category is a row the office edits (信息类别): its code is checked against that table by the services.
CATEGORY_CODES = (
    "信息类别代码。内置：work_update 工作动态、experience 经验做法、problem 问题建议、policy 政策落实、"
    "emergency 突发事件、research 调研信息、public_opinion 社情民意；系统管理员可新增、停用类别，"
    "停用的类别不能用于新信息（答复 400 `category_retired`），未知代码答复 400 `invalid_category`"
)
CategoryCode = Annotated[str, StringConstraints(max_length=20)]

ALLOWED = "此用户现在可以对该对象执行的操作（与页面提供的按钮相同）"


class ErrorOut(Schema):
    detail: str
    code: str


class PageParams(Schema):
    page: int = 1
    page_size: int = 20


_NUMBER = re.compile(r"^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?$")


def _text_only(value: Any) -> Any:
    """Dates and times come as ISO 8601 text; a bare number (which pydantic would read as a Unix time)
    is refused rather than guessed at."""
    if isinstance(value, (int, float, bool)) or (isinstance(value, str) and _NUMBER.match(value.strip())):
        raise ValueError("应为 ISO 8601 格式的日期或时间文本")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_text_only)]
IsoDateTime = Annotated[dt.datetime, BeforeValidator(_text_only)]


def _json_kind(tp: Any) -> tuple[type, ...] | None:
    """The JSON types a field annotation admits, for int/float/bool fields (else None: no extra check)."""
    args = [a for a in get_args(tp) if a is not type(None)] if get_origin(tp) in (Union, UnionType) else [tp]
    if len(args) != 1:
        return None
    (inner,) = args
    if get_origin(inner) is Annotated:
        inner = get_args(inner)[0]
    if inner is bool:
        return (bool,)
    if inner is int:
        return (int,)
    if inner is float:
        return (int, float)
    return None


def _json_type_ok(value: Any, kinds: tuple[type, ...]) -> bool:
    if value is None:
        return True  # None is judged by pydantic (optional or not)
    if isinstance(value, bool):
        return bool in kinds
    if isinstance(value, int) and not -(2**63) < value < 2**63:
        return False  # beyond a database integer: refused here rather than failing in the query
    return isinstance(value, kinds) and bool not in kinds


class BodySchema(Schema):
    """A JSON request body, typed as JSON is: pydantic's lax mode would take `false` or `"5"` for an
    integer and `1` or `"yes"` for a boolean; here such a value is refused (422) instead of guessed, and
    so is an integer beyond 64 bits (it would fail in the database)."""

    @model_validator(mode="before")
    @classmethod
    def _json_types(cls, data: Any) -> Any:
        raw = getattr(data, "_obj", data)  # ninja wraps the input in a DjangoGetter
        if not isinstance(raw, dict):
            return data
        wrong = []
        for name, field in cls.model_fields.items():
            key = field.alias or name
            if key not in raw:
                continue
            value, tp = raw[key], field.annotation
            if get_origin(tp) is list or (
                get_origin(tp) in (Union, UnionType) and any(get_origin(a) is list for a in get_args(tp))
            ):
                list_tp = (
                    tp if get_origin(tp) is list else next(a for a in get_args(tp) if get_origin(a) is list)
                )
                kinds = _json_kind(get_args(list_tp)[0]) if get_args(list_tp) else None
                if kinds and isinstance(value, list) and not all(_json_type_ok(v, kinds) for v in value):
                    wrong.append(key)
                continue
            kinds = _json_kind(tp)
            if kinds and not _json_type_ok(value, kinds):
                wrong.append(key)
        if wrong:
            raise ValueError("类型不正确：" + "、".join(wrong))
        return data
