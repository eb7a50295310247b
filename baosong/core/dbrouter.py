"""Read replicas: the primary (``default``) takes every write and, by default, every read. A read goes to a
streaming replica (``replica1``, ``replica2``… from BAOSONG_REPLICA_URLS) only inside an explicit
``replica_ok`` scope, put on read-only pages that can bear a few seconds of lag (statistics, search, lists,
exports, the public portal), and only when

- the request is a safe one (GET/HEAD/OPTIONS) and its user made no write of their own in the last
  ``READ_YOUR_WRITES_SECONDS`` (a signed cookie set by ``ReadYourWritesMiddleware``: no state on the web
  node),
- no transaction is open on the primary (what a transaction reads, it reads where it writes),
- the replica answers and replays within ``REPLICA_MAX_LAG_SECONDS`` of the primary (checked at most every
  ``CHECK_SECONDS`` per process; a replica that fails is left alone for ``DOWN_SECONDS``).

Anything else reads the primary. Nothing here ever routes a write to a replica."""

from __future__ import annotations

import functools
import logging
import random
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar, overload

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, Error, connections
from django.http import HttpRequest, HttpResponse

log = logging.getLogger(__name__)

REPLICA_ALIAS = re.compile(r"^replica\d+$")
CHECK_SECONDS = 1.5  # how long one lag check holds in a process
DOWN_SECONDS = 5.0  # how long a replica that failed is not asked again
COOKIE = "baosong_wrote"
SALT = "baosong.core.dbrouter.wrote"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

F = TypeVar("F", bound=Callable[..., Any])


def replica_databases(
    default: Mapping[str, Any], urls: list[str], *, conn_max_age: int | None
) -> dict[str, Any]:
    """The ``replicaN`` aliases for DATABASES: the same engine options as the primary, their own host, port
    and credentials. In tests each one mirrors ``default``: the test runner creates ``test_<name>`` on the
    primary only and replication brings it to the replica; the alias keeps its own host and port, so it is
    still a separate connection to the replica server, reading what has been replayed there."""
    import dj_database_url

    aliases: dict[str, Any] = {}
    for n, url in enumerate(urls, start=1):
        db = dj_database_url.parse(url, conn_max_age=conn_max_age)
        db["CONN_HEALTH_CHECKS"] = True
        db["OPTIONS"] = {**default.get("OPTIONS", {}), **db.get("OPTIONS", {})}
        # An unreachable replica must cost a page two seconds at most, once (then it is marked down).
        db["OPTIONS"].setdefault("connect_timeout", 2)
        db["DISABLE_SERVER_SIDE_CURSORS"] = default.get("DISABLE_SERVER_SIDE_CURSORS", False)
        db["TEST"] = {"MIRROR": DEFAULT_DB_ALIAS}
        aliases[f"replica{n}"] = db
    return aliases


def replica_aliases() -> list[str]:
    return sorted((a for a in settings.DATABASES if REPLICA_ALIAS.match(a)), key=lambda a: int(a[7:]))


# ---- scopes -------------------------------------------------------------------------------------------


@dataclass
class _Scope:
    alias: str | None = None  # the replica this scope reads, chosen at its first read


@dataclass
class _RequestState:
    pinned: bool  # this request reads the primary only
    wrote: bool = False  # set by mark_written(): the response carries the read-your-writes cookie


_scope: ContextVar[_Scope | None] = ContextVar("baosong_replica_scope", default=None)
_request: ContextVar[_RequestState | None] = ContextVar("baosong_replica_request", default=None)


@contextmanager
def _replica_scope() -> Iterator[_Scope]:
    if _scope.get() is not None:  # nested: the outer scope and its replica hold
        yield _scope.get()  # type: ignore[misc]
        return
    scope = _Scope()
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


@overload
def replica_ok(func: F) -> F: ...
@overload
def replica_ok(func: None = None) -> Any: ...
def replica_ok(func: F | None = None) -> Any:
    """Reads inside may come from a replica, a few seconds behind the primary. Only for reads that nothing
    then writes from and that no workflow lock guards. As a decorator (put it next to the function, under
    the access checks: who may see what is read from the primary): when the replica fails mid-way, it is
    marked down and the function runs once more on the primary. As ``with replica_ok():`` it only routes."""
    if func is None:
        return _replica_scope()

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _replica_scope() as scope:
            try:
                return func(*args, **kwargs)
            except Error as exc:
                failed, error = scope.alias, exc
                if failed is None:
                    raise
        log.warning("replica %s failed during a read (%s); answering from the primary", failed, error)
        _mark_down(failed)
        return func(*args, **kwargs)  # outside the scope: every read on the primary

    return wrapper


def mark_written() -> None:
    """A service that wrote on a GET request (rare) makes the rest of this request, and this user's requests
    for READ_YOUR_WRITES_SECONDS, read the primary."""
    state = _request.get()
    if state is not None:
        state.pinned = state.wrote = True


def read_alias() -> str:
    """The alias a raw SQL read in the current scope should use (the ORM asks the router itself)."""
    return _choose() or DEFAULT_DB_ALIAS


# ---- health -------------------------------------------------------------------------------------------

_health: dict[str, tuple[bool, float]] = {}  # alias → (usable, until monotonic time)


def _mark_down(alias: str) -> None:
    _health[alias] = (False, time.monotonic() + DOWN_SECONDS)
    with suppress(Error):
        connections[alias].close()


def reset_health() -> None:
    """Forget every check (tests, and a replica brought back by an operator)."""
    _health.clear()


def _lag_ok(alias: str) -> bool:
    """The replica has caught up, or its last replayed transaction is at most REPLICA_MAX_LAG_SECONDS old.
    The timestamp alone is not enough: on an idle primary now() - pg_last_xact_replay_timestamp() grows
    although nothing is missing."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cur:
        cur.execute("SELECT pg_current_wal_lsn()")
        primary_lsn = cur.fetchone()[0]
    with connections[alias].cursor() as cur:
        # Caught up: replayed all the primary had written when asked, or all it has received while it
        # streams (the primary may have written a record since, as it does every few seconds when idle).
        cur.execute(
            "SELECT pg_is_in_recovery(),"
            " pg_last_wal_replay_lsn() >= %s::pg_lsn OR (pg_last_wal_replay_lsn() = pg_last_wal_receive_lsn()"
            "  AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')),"
            " EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())",
            [primary_lsn],
        )
        recovering, caught_up, lag = cur.fetchone()
    if not recovering:
        log.warning("%s is not a standby (promoted?); reading the primary", alias)
        return False
    if caught_up:
        return True
    return lag is not None and float(lag) <= settings.REPLICA_MAX_LAG_SECONDS


def _usable(alias: str) -> bool:
    now = time.monotonic()
    found = _health.get(alias)
    if found is not None and now < found[1]:
        return found[0]
    try:
        ok = _lag_ok(alias)
    except Error:
        log.warning("replica %s does not answer; reading the primary for %ss", alias, DOWN_SECONDS)
        _mark_down(alias)
        return False
    if not ok:
        log.info(
            "replica %s lags more than %ss; reading the primary", alias, settings.REPLICA_MAX_LAG_SECONDS
        )
    _health[alias] = (ok, now + CHECK_SECONDS)
    return ok


def _choose() -> str | None:
    scope = _scope.get()
    if scope is None:
        return None
    state = _request.get()
    if state is not None and state.pinned:
        return None
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return None
    if scope.alias is not None:
        if _health.get(scope.alias, (False, 0.0))[0]:
            return scope.alias
        scope.alias = None
    candidates = replica_aliases()
    random.shuffle(candidates)
    for alias in candidates:
        if _usable(alias):
            scope.alias = alias
            return alias
    return None


class ReplicaRouter:
    """In DATABASE_ROUTERS when BAOSONG_REPLICA_URLS is set."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        # Explicitly the primary outside a scope: an object read from a replica must not pull its relations,
        # or its save(), there.
        return _choose() or DEFAULT_DB_ALIAS

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the same rows, wherever they were read

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if REPLICA_ALIAS.match(db) else None


class ReadYourWritesMiddleware:
    """A user's requests read the primary for READ_YOUR_WRITES_SECONDS after their own write: any non-GET
    request that answered below 400 (its transaction committed), or a ``mark_written()``. The mark is a
    signed cookie, so whichever web node takes the next request knows it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_aliases():
            return self.get_response(request)
        seconds = settings.READ_YOUR_WRITES_SECONDS
        unsafe = request.method not in SAFE_METHODS
        recent = request.get_signed_cookie(COOKIE, default=None, salt=SALT, max_age=seconds) is not None
        state = _RequestState(pinned=unsafe or recent)
        token = _request.set(state)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if state.wrote or (unsafe and response.status_code < 400):
            response.set_signed_cookie(
                COOKIE,
                "1",
                salt=SALT,
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
