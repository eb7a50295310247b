"""Locust scenarios for bench/load/run.py: one page at a time (PageUser) and the working day (the rest).

The cast (LOAD_CAST, a JSON file bench/load/prepare.py writes) names real accounts of the scale province.
Every simulated user logs in once, through the login page as a person does, and keeps its session; a
page that answers with a redirect to the login page, or any status >= 400, counts as an error.

Also usable on its own against a running server, e.g. the working day for two minutes:

    LOAD_CAST=cast.json .venv/bin/locust -f bench/load/locustfile.py --headless -u 200 -r 5 -t 2m \\
        --host http://127.0.0.1:8900 Reporter Reviewer Editor Leader PortalVisitor
"""

from __future__ import annotations

import itertools
import random
import re
from typing import Any
from urllib.parse import urlencode

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser
from pages import CAST, PAGES, page_path

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TARGET = re.compile(r'<input[^>]*name="targets"[^>]*>')
VALUE = re.compile(r'value="(\d+)"')
INBOX_ROW = re.compile(r'href="/inbox/(\d+)/"')
REVIEW_ROW = re.compile(r'href="/reports/(\d+)/"')
WORDS = ["防汛", "安全生产", "渗漏", '"防汛应急演练"', "乡村振兴", "燃气 报警器"]


def ok(response: Any) -> bool:
    """A page answered: no error status, and not sent back to the login page."""
    status = response.status_code
    if status >= 400 or status == 0:
        response.failure(f"HTTP {status}")
        return False
    if status in (301, 302) and "/accounts/login" in ((response.headers or {}).get("Location") or ""):
        response.failure("redirected to the login page")
        return False
    response.success()
    return True


def log_in(client: Any, username: str) -> bool:
    page = client.get("/accounts/login", name="登录页", catch_response=True)
    with page as r:
        ok(r)
    token = CSRF.search(page.text or "")
    with client.post(
        "/accounts/login",
        data={
            "username": username,
            "password": CAST["password"],
            "csrfmiddlewaretoken": token.group(1) if token else "",
        },
        name="登录",
        allow_redirects=False,
        catch_response=True,
    ) as r:
        where = (r.headers or {}).get("Location") or ""
        if r.status_code != 302 or "/accounts/" in where:
            r.failure(f"login of {username} failed: HTTP {r.status_code} {where}")
            return False
        r.success()
        return True


class Base(FastHttpUser):
    abstract = True

    def view(self, path: str, name: str) -> Any:
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as r:
            ok(r)
            return r

    def post(self, path: str, data: dict[str, Any], name: str) -> Any:
        # Encoded here: the client would send a list (several 报送对象) as its repr, not as repeated fields.
        body = urlencode(data, doseq=True)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        with self.client.post(
            path, data=body, headers=headers, name=name, allow_redirects=False, catch_response=True
        ) as r:
            ok(r)
            return r

    def token(self, html: str | None) -> str:
        found = CSRF.search(html or "")
        return found.group(1) if found else ""


# --------------------------------------------------------------------------------------- one page


class PageUser(Base):
    """GETs one page over and over, as one logged-in person; drive.py sets ``page`` and hands each user
    a session from its pool (``cookies``), so a session is logged in once, not once per run."""

    abstract = True
    page = "floor"
    wait_time = between(0, 0)
    pool: dict[tuple[str, int], list[Any]] = {}
    slots = itertools.count()

    def on_start(self) -> None:
        who = PAGES[self.page][0]
        self.path = page_path(self.page)
        if not who:
            return
        key = (who, next(self.slots))
        if key in self.pool:
            for cookie in self.pool[key]:
                self.client.cookiejar.set_cookie(cookie)
            probe = self.client.get(self.path, allow_redirects=False, name="(probe)")
            if "/accounts/login" not in (probe.headers.get("Location") or ""):
                return
            self.client.cookiejar.clear()
        log_in(self.client, CAST["users"][who])
        self.pool[key] = list(self.client.cookiejar)

    @task
    def get(self) -> None:
        self.view(self.path, self.page)


# ------------------------------------------------------------------------------------ working day

_accounts: dict[str, itertools.cycle[Any]] = {}


def _next(kind: str) -> Any:
    """Each simulated user takes the next account of its kind (reporters spread over the desks)."""
    if kind not in _accounts:
        desks = CAST.get("desks", [])
        if kind in ("reporters", "reviewers"):
            # Interleave the desks, so the first users already come from every county.
            by_desk = [[(u, d) for u in d[kind]] for d in desks]
            rows = [r for group in itertools.zip_longest(*by_desk) for r in group if r]
        else:
            rows = [(d[kind], d) for d in desks if d.get(kind)]
        _accounts[kind] = itertools.cycle(rows)
    return next(_accounts[kind])


LOGGED_IN = {"n": 0}  # drive.py starts counting once every simulated person has logged in


class DayUser(Base):
    abstract = True
    wait_time = between(3, 12)
    kind = ""

    def on_start(self) -> None:
        self.username, self.desk = _next(self.kind)
        for _ in range(3):  # a failed login is an error already counted; the person tries again
            if log_in(self.client, self.username):
                break
        LOGGED_IN["n"] += 1


class Reporter(DayUser):
    """Writes and submits items, looks at the unit's list and at an item."""

    weight = 100
    kind = "reporters"

    @task(3)
    def write_and_submit(self) -> None:
        form = self.view("/reports/new", "写信息（表单）")
        html = form.text or ""
        targets = [
            VALUE.search(t).group(1) for t in TARGET.findall(html) if "checked" in t and VALUE.search(t)
        ]
        n = random.randint(100, 999)
        body = (
            f"近日，本镇组织开展汛前隐患排查整治，镇党委书记带队深入各村督导检查，共排查隐患点{n}处。"
            f"一是压实责任，明确每处隐患的整改责任人和完成时限。二是加强调度，每周通报整改进展。"
            f"截至目前，已整改{n - 37}处，其余正在整改中。"
        )
        data: dict[str, Any] = {
            "csrfmiddlewaretoken": self.token(html),
            "title": f"本镇扎实开展汛前隐患排查整治工作（{n}）",
            "body": body,
            "category": "work_update",
            "urgency": "normal",
            "public_scope": "internal",
            "targets": targets,
            "submit": "1",
        }
        self.post("/reports/new", data, "写信息并提交")

    @task(4)
    def my_unit(self) -> None:
        r = self.view("/reports/", "本单位信息")
        ids = REVIEW_ROW.findall(r.text or "")
        if ids:
            self.view(f"/reports/{random.choice(ids[:10])}/", "信息页")

    @task(2)
    def home(self) -> None:
        self.view("/", "工作台")
        self.view("/notices/unread", "未读通知片段")


class Reviewer(DayUser):
    """Opens the review queue and approves what waits there."""

    weight = 15
    kind = "reviewers"

    @task
    def review(self) -> None:
        r = self.view("/reports/review/", "待审核")
        ids = REVIEW_ROW.findall(r.text or "")
        if not ids:
            return
        pk = ids[0]
        page = self.view(f"/reports/{pk}/", "信息页")
        self.post(
            f"/reports/{pk}/approve",
            {"csrfmiddlewaretoken": self.token(page.text), "comment": ""},
            "审核通过",
        )


class Editor(DayUser):
    """The county desk: the inbox, an item adopted into the open issue, the issue composed."""

    weight = 24
    kind = "editor"

    @task(3)
    def adopt(self) -> None:
        r = self.view("/inbox/?status=received", "收件箱")
        ids = INBOX_ROW.findall(r.text or "")
        if not ids:
            return
        pk = random.choice(ids[:5])
        page = self.view(f"/inbox/{pk}/", "收件箱信息")
        data = {
            "csrfmiddlewaretoken": self.token(page.text),
            "usage": "issue",
            "issue_id": self.desk["issue"],
        }
        self.post(f"/inbox/{pk}/adopt", data, "采用并编入刊物")

    @task(2)
    def compose(self) -> None:
        self.view(f"/issues/{self.desk['issue']}/", "组稿")

    @task(1)
    def groups(self) -> None:
        self.view("/inbox/groups/", "同题归组")

    @task(1)
    def home(self) -> None:
        self.view("/", "工作台")
        self.view("/notices/unread", "未读通知片段")

    @task(1)
    def search(self) -> None:
        self.view(f"/search/?q={random.choice(WORDS)}", "检索")


class Leader(DayUser):
    """Reads: the workbench, the issues delivered, the county's statistics."""

    weight = 16
    kind = "leader"

    @task(2)
    def home(self) -> None:
        self.view("/", "工作台")

    @task(1)
    def reading(self) -> None:
        self.view("/reading/", "阅读刊物")

    @task(1)
    def stats(self) -> None:
        self.view(f"/stats/?period={CAST['month']}", "统计（月）")


class PortalVisitor(Base):
    """An anonymous visitor of the public site."""

    weight = 45
    wait_time = between(3, 12)

    @task(3)
    def home(self) -> None:
        self.view("/portal/", "门户首页")

    @task(1)
    def search(self) -> None:
        self.view("/portal/search?q=%E9%98%B2%E6%B1%9B", "门户检索")
