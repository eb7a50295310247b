"""Shared test fixtures: the demo cast, logged-in clients, and the audit-table maintenance window."""

from __future__ import annotations

import copy
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection, transaction
from django.test import Client
from django.test.testcases import LiveServerThread
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from baosong.orgs.models import Unit, User


@dataclass
class Actor:
    key: str
    user: User
    unit: Unit
    password: str


class Cast(dict[str, Actor]):
    def __getattr__(self, key: str) -> Actor:
        try:
            return self[key]
        except KeyError as exc:
            raise AttributeError(key) from exc


def otp_now(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


class _SessionSeed:
    """The demo cast, seeded once for all the `db` tests that use it. Its transaction stays open: each test's
    own transaction is a savepoint inside it, so every test starts from the same seeded state, and rolling
    it back leaves the database exactly as the migrations made it, for the tests that expect no cast
    (`db` tests without it, transactional tests). pytest_collection_modifyitems below orders the tests so
    that this happens once per session. On PostgreSQL, SQL's now() in those tests is the time of the seed
    (the transaction's start): the code uses timezone.now() only."""

    def __init__(self, blocker: Any) -> None:
        self.blocker = blocker
        self.atomic: Any = None
        self.entries: list[dict[str, Any]] = []

    def _intact(self) -> bool:
        # A test that broke the connection's transaction (closed it, left it unusable) lost the seed too.
        blocks = connection.atomic_blocks
        return (
            len(blocks) == 1
            and blocks[0] is self.atomic
            and not connection.needs_rollback
            and not connection.closed_in_transaction
        )

    def ensure(self) -> None:
        if self.atomic is not None and self._intact():
            return
        self.drop()
        from baosong.demo.province import seed_demo

        with self.blocker.unblock():
            atomic = transaction.atomic()
            # As for Django's TestCase atomics: a durable atomic block inside a test stays allowed.
            atomic._from_testcase = True
            atomic.__enter__()
            self.atomic = atomic
            self.entries = seed_demo()
            User.objects.filter(is_demo=True).update(must_change_password=False)

    def drop(self) -> None:
        if self.atomic is None:
            return
        atomic, self.atomic, self.entries = self.atomic, None, []
        with self.blocker.unblock():
            if connection.atomic_blocks[-1:] == [atomic]:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)


@pytest.fixture(scope="session")
def _session_seed(django_db_setup: None, django_db_blocker: Any) -> Iterator[_SessionSeed]:
    seed = _SessionSeed(django_db_blocker)
    yield seed
    seed.drop()


def pytest_configure(config: pytest.Config) -> None:
    # scripts/run_cluster.sh's test (baosong/core/tests/test_cluster.py): `-m cluster` selects it.
    config.addinivalue_line("markers", "cluster: starts the multi-node stack of scripts/run_cluster.sh")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """pytest-django has put the `db` tests first, then the transactional ones, then those without the
    database. Among the `db` tests, those without the cast go first: the cast is seeded once, before the
    first test that uses it, and rolled back once, before the transactional tests."""

    def order(item: pytest.Item) -> int:
        names = set(getattr(item, "fixturenames", ()))
        if "db" not in names or names & {"transactional_db", "live_server"}:
            return 2
        return 1 if "cast" in names else 0

    items.sort(key=order)


@pytest.fixture
def cast(db: None, _session_seed: _SessionSeed) -> Cast:
    """The demo province and its cast (see baosong/demo/province.py), with first-login changes done."""
    entries = _session_seed.entries
    if _session_seed.atomic is None:
        # A transactional test (or a cast asked for only from inside the test) seeds its own, as before.
        from baosong.demo.province import seed_demo

        entries = seed_demo()
        User.objects.filter(is_demo=True).update(must_change_password=False)
    users = User.objects.in_bulk([e["username"] for e in entries], field_name="username")
    units = Unit.objects.in_bulk([e["unit_id"] for e in entries])
    # Each actor gets its own Unit instance, as when each was fetched on its own.
    return Cast(
        {
            e["key"]: Actor(e["key"], users[e["username"]], copy.copy(units[e["unit_id"]]), e["password"])
            for e in entries
        }
    )


def login(client: Client, actor: Actor) -> Client:
    """Log in through the real login page (and the TOTP step for admin roles)."""
    response = client.post("/accounts/login", {"username": actor.user.username, "password": actor.password})
    assert response.status_code == 302, response.content.decode()[:500]
    if response["Location"].startswith("/accounts/otp"):
        response = client.post("/accounts/otp", {"token": otp_now(actor.user)})
        assert response.status_code == 302, response.content.decode()[:500]
    return client


@pytest.fixture
def client_as(cast: Cast):  # type: ignore[no-untyped-def]
    def make(key: str) -> Client:
        return login(Client(), cast[key])

    return make


@pytest.fixture
def api(cast):  # type: ignore[no-untyped-def]
    """api("county_editor") → a client that sends the cast member's bearer token."""

    def make(key: str) -> Client:
        actor = cast[key]
        token = (
            Client()
            .post(
                "/api/v1/auth/token",
                {"username": actor.user.username, "password": actor.password},
                content_type="application/json",
            )
            .json()["token"]
        )
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    return make


@pytest.fixture(autouse=True)
def _test_database(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Before the test's transaction: the session's seeded cast for a `db` test that uses it, none for any
    other (see _SessionSeed). Then the audit-table maintenance window: transactional tests empty every table
    afterwards, which the audit table allows only while the maintenance table has a row; other tests always
    see it closed. (Tests name `db`/`transactional_db` or a fixture built on them, rather than the django_db
    marker.)"""
    names = set(request.fixturenames)
    transactional = bool(names & {"transactional_db", "live_server"})
    if not transactional and "db" not in names:
        yield
        return
    seed: _SessionSeed = request.getfixturevalue("_session_seed")
    if "cast" in names and not transactional:
        seed.ensure()
    else:
        seed.drop()
    request.getfixturevalue("transactional_db" if transactional else "db")
    with connection.cursor() as cur:
        cur.execute("DELETE FROM baosong_audit_maintenance")
    if transactional:
        # The rows the migrations ship and the code cannot do without: an earlier transactional test
        # emptied every table.
        from baosong.demo.province import seed_reference_data

        seed_reference_data()
    yield
    if transactional:
        with connection.cursor() as cur:
            cur.execute("INSERT INTO baosong_audit_maintenance (opened_at) VALUES (CURRENT_TIMESTAMP)")


class _OneRequestAtATimeServer(ThreadedWSGIServer):
    """With in-memory SQLite every live-server thread shares the test's one connection, so two browser
    requests at once (a page's htmx fragments loading together) would interleave their transactions ("cannot
    start a transaction within a transaction"). There each request runs alone, its body read and closed under
    the lock; on PostgreSQL each thread has its own connection and requests stay concurrent."""

    _lock = threading.Lock()

    def set_app(self, application):  # type: ignore[no-untyped-def]
        if not self.connections_override:
            return super().set_app(application)
        lock = self._lock

        def one_at_a_time(environ, start_response) -> Iterable[bytes]:  # type: ignore[no-untyped-def]
            with lock:
                result = application(environ, start_response)
                try:
                    return list(result)
                finally:
                    if hasattr(result, "close"):
                        result.close()

        return super().set_app(one_at_a_time)


LiveServerThread.server_class = _OneRequestAtATimeServer


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent / "test-artifacts"
# axe-core from the npm registry (package.json devDependencies, installed by `make setup`'s `npm ci`).
AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_BLOCKING = ("serious", "critical")


def axe_violations(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """Run axe-core on the page as it is now; return its serious and critical violations, each as
    ``{"id", "impact", "help", "nodes": [{"target", "html", "summary"}]}`` (empty list: none).

    The script comes from the local node_modules (no network) and is evaluated in the page, so the page keeps
    its strict Content-Security-Policy."""
    if not AXE_JS.is_file():
        raise RuntimeError(f"axe-core 未安装：{AXE_JS} 不存在，请先执行 make setup（npm ci）。")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, not inserted as an inline <script>: the page's
        # Content-Security-Policy (script-src 'self') would refuse that, and should.
        page.evaluate(AXE_JS.read_text("utf-8"))
    violations = page.evaluate(
        """async () => (await window.axe.run(document, {resultTypes: ["violations"]})).violations"""
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [
                {"target": n["target"], "html": n["html"][:300], "summary": n.get("failureSummary", "")}
                for n in v["nodes"]
            ],
        }
        for v in violations
        if v.get("impact") in AXE_BLOCKING
    ]


@pytest.fixture
def browser_context() -> Iterator[object]:
    """Debian's Chromium through Playwright (never `playwright install`); new_page() per person."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes are still sync.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser_context):  # type: ignore[no-untyped-def]
    context = browser_context.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def browser_login(
    browser_context: Any, url: str, actor: Actor | None, viewport: dict[str, int] = DESKTOP
) -> Any:
    """A new browser context logged in through the real login page as the cast member (and the TOTP step
    for admin roles); confirmation dialogs are accepted, as the person would. actor None: the login page,
    logged out."""
    page = browser_context.new_context(locale="zh-CN", viewport=viewport).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{url}/accounts/login")
    if actor is None:
        return page
    page.get_by_label("用户名").fill(actor.user.username)
    page.get_by_label("密码").fill(actor.password)
    page.get_by_role("button", name="登 录").click()
    page.wait_for_url(lambda u: "/accounts/login" not in u)
    if "/accounts/otp" in page.url:
        page.locator("input[name=token]").fill(otp_now(actor.user))
        page.locator("button[type=submit]").click()
        page.wait_for_url(lambda u: "/accounts/otp" not in u)
    return page


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"
