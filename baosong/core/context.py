"""Who is acting and from where, for the audit log, set per request by RequestContextMiddleware."""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class RequestInfo:
    request_id: str
    ip: str | None
    # Permission refusals raised by services during the request (see errors.Forbidden); the middleware
    # audits them after the response, whether a page caught the refusal to show it or the API answered 403.
    refusals: list[str] = field(default_factory=list, compare=False)
    # Small configuration tables read once per request (see request_memo).
    memo: dict[str, Any] = field(default_factory=dict, compare=False)


_current: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar("baosong_request", default=None)


def current_request_info() -> RequestInfo | None:
    return _current.get()


def set_request_info(info: RequestInfo | None) -> contextvars.Token[RequestInfo | None]:
    return _current.set(info)


def reset_request_info(token: contextvars.Token[RequestInfo | None]) -> None:
    _current.reset(token)


def note_refusal(reason: str) -> None:
    info = _current.get()
    if info is not None:
        info.refusals.append(reason)


def new_request_id() -> str:
    return uuid.uuid4().hex


def request_memo(key: str, build: Callable[[], T]) -> T:
    """``build()`` once per request under ``key`` (a configuration table that every row of a list page
    labels itself from); outside a request (tasks, commands, tests calling services) it is built afresh on
    every call, so nothing outlives the transaction that read it."""
    info = _current.get()
    if info is None:
        return build()
    if key not in info.memo:
        info.memo[key] = build()
    return info.memo[key]


def forget_memo(key: str) -> None:
    """A service that changed what ``key`` holds: the rest of the request reads it again."""
    info = _current.get()
    if info is not None:
        info.memo.pop(key, None)
