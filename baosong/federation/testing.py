"""A second live deployment on this machine, for the two-deployment tests and the federation benchmark: its
own database (a SQLite file, or a PostgreSQL database beside the test one), its own data directory and
keys, migrated and seeded with the demo cast, served by gunicorn with its own task worker."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _psql(url: str, sql: str) -> None:
    parts = urlsplit(url)
    cmd = ["psql", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    cmd += ["-U", parts.username or "postgres", "-d", "postgres", "-qc", sql]
    subprocess.run(cmd, check=True, capture_output=True)


class Deployment:
    def __init__(
        self, root: Path, name: str, *, postgres_url: str | None = None, worker: bool = True
    ) -> None:
        self.root, self.name, self.worker_wanted = root, name, worker
        self.data = root / name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url: str | None = None
        if postgres_url:
            parts = urlsplit(postgres_url)
            self.db_name = f"bs_fed_{name}_{os.getpid()}"
            self.database_url = urlunsplit(parts._replace(path=f"/{self.db_name}"))
        self.web: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.cast: dict[str, dict[str, Any]] = {}
        self._tokens: dict[str, str] = {}

    # ---- life ----------------------------------------------------------------------------------------

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("BAOSONG_") and k != "DATABASE_URL"}
        env.update(
            BAOSONG_DATA_DIR=str(self.data),
            BAOSONG_DEMO_MODE="1",
            BAOSONG_ALLOWED_HOSTS="127.0.0.1,localhost",
            BAOSONG_SITE_URL=self.url,
            BAOSONG_CSRF_TRUSTED_ORIGINS=self.url,
            BAOSONG_PASSWORD_ITERATIONS="2000",
            BAOSONG_WORKER_HEARTBEAT_SECONDS="1",
            BAOSONG_FEDERATION_TIMEOUT_SECONDS="5",
            BAOSONG_FEDERATION_BACKOFF_SECONDS="1",
            BAOSONG_LOG_LEVEL="ERROR",
            DJANGO_SETTINGS_MODULE="config.settings",
        )
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    def manage(self, *args: str, timeout: float = 600) -> str:
        done = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{self.name}: manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def setup(self) -> None:
        self.data.mkdir(parents=True, exist_ok=True, mode=0o700)
        for key, make in (
            ("secret_key", lambda: secrets.token_urlsafe(50)),
            ("audit_key", lambda: secrets.token_urlsafe(50)),
            ("file_key", lambda: secrets.token_hex(16)),
        ):
            (self.data / key).write_text(make() + "\n")
        if self.database_url:
            _psql(self.database_url, f'DROP DATABASE IF EXISTS "{self.db_name}"')
            _psql(self.database_url, f'CREATE DATABASE "{self.db_name}"')
        self.manage("migrate", "--noinput", "-v0")
        self.cast = {m["key"]: m for m in json.loads(self.manage("seed_demo", "--json"))}

    def start(self) -> None:
        self.start_web()
        if self.worker_wanted and self.worker is None:
            with open(self.data / "worker.log", "ab") as log:
                self.worker = subprocess.Popen(
                    [str(BIN / "python"), "manage.py", "worker", "--interval", "0.3"],
                    cwd=ROOT,
                    env=self.env(),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )

    def start_web(self) -> None:
        with open(self.data / "web.log", "ab") as log:
            self.web = self._gunicorn(log)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.web.poll() is not None:
                raise RuntimeError(
                    f"{self.name}: gunicorn exited ({(self.data / 'web.log').read_text()[-2000:]})"
                )
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2):
                    return
            except urllib.error.HTTPError:
                return  # answering (a 503 names a missing worker heartbeat, not a dead server)
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name}: gunicorn did not answer")

    def _gunicorn(self, log: Any) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--threads",
                "4",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @staticmethod
    def _kill(proc: subprocess.Popen[bytes] | None) -> None:
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def stop_web(self) -> None:
        self._kill(self.web)
        self.web = None

    def stop(self) -> None:
        self._kill(self.web)
        self._kill(self.worker)
        self.web = self.worker = None
        if self.database_url:
            with contextlib.suppress(subprocess.CalledProcessError):
                _psql(self.database_url, f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')

    # ---- the API, as an integrator drives it ---------------------------------------------------------

    def token(self, key: str) -> str:
        if key not in self._tokens:
            member = self.cast[key]
            body: dict[str, Any] = {"username": member["username"], "password": member["password"]}
            if member.get("totp_secret"):
                from django_otp.oath import totp

                secret = base64.b32decode(member["totp_secret"] + "=" * (-len(member["totp_secret"]) % 8))
                body["otp"] = f"{totp(secret, step=30, t0=0, digits=6):06d}"
            self._tokens[key] = self.call("post", "/api/v1/auth/token", body)["token"]
        return self._tokens[key]

    def call(self, method: str, path: str, body: Any = None, *, key: str | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method.upper())
        request.add_header("Content-Type", "application/json")
        if key:
            request.add_header("Authorization", f"Bearer {self.token(key)}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
                return json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"{method.upper()} {path} → {exc.code}: {exc.read()[:500]!r}") from exc

    def upload(self, path: str, name: str, data: bytes, *, key: str) -> Any:
        boundary = secrets.token_hex(12)
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(self.url + path, data=body, method="POST")
        request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
        request.add_header("Authorization", f"Bearer {self.token(key)}")
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def send_item(self, title: str, *, target: int, attachment: bytes | None = None, **fields: Any) -> int:
        """A township item through the API: written, a file attached, submitted, approved until sent."""
        report = self.call(
            "post",
            "/api/v1/reports",
            {"title": title, "body": f"{title}。群众300余人参加。", "target_unit_ids": [target], **fields},
            key="township_reporter",
        )
        if attachment is not None:
            self.upload(
                f"/api/v1/reports/{report['id']}/attachments",
                "现场情况.pdf",
                attachment,
                key="township_reporter",
            )
        report = self.call("post", f"/api/v1/reports/{report['id']}/submit", {}, key="township_reporter")
        while report["status"] == "in_review":
            report = self.call("post", f"/api/v1/reports/{report['id']}/approve", {}, key="township_reviewer")
        if report["status"] != "sent":
            raise RuntimeError(f"{title}: {report['status']}")
        return int(report["id"])

    def count(self, model: str, **filters: Any) -> int:
        """Rows of this deployment's database (read through its own settings)."""
        code = (
            "import json; from django.apps import apps; "
            f"print(apps.get_model({model!r}).objects.filter(**json.loads({json.dumps(json.dumps(filters))})).count())"
        )
        return int(self.manage("shell", "-c", code).strip().splitlines()[-1])


def federate(a: Deployment, b: Deployment) -> dict[str, Any]:
    """What two system administrators do: exchange keys, register each other, map A's township (demo cast)
    to B's county. Returns both keys, both peer rows and the mirrored target at A."""
    town, county = a.cast["township_reporter"], b.cast["county_editor"]
    a_key = a.call("get", "/api/v1/federation/identity", key="sysadmin")
    b_key = b.call("get", "/api/v1/federation/identity", key="sysadmin")
    a_on_b = b.call(
        "post",
        "/api/v1/federation/peers",
        {"name": "甲市平台", "base_url": a.url, "public_key": a_key["public_key"]},
        key="sysadmin",
    )
    b_on_a = a.call(
        "post",
        "/api/v1/federation/peers",
        {"name": "乙省平台", "base_url": b.url, "public_key": b_key["public_key"]},
        key="sysadmin",
    )
    b.call(
        "post",
        f"/api/v1/federation/peers/{a_on_b['id']}/links",
        {"direction": "in", "local_unit_id": county["unit_id"], "remote_code": town["unit_code"],
         "remote_name": town["unit_name"], "remote_level": "township"},
        key="sysadmin",
    )  # fmt: skip
    link = a.call(
        "post",
        f"/api/v1/federation/peers/{b_on_a['id']}/links",
        {"direction": "out", "local_unit_id": town["unit_id"], "remote_code": county["unit_code"],
         "remote_name": county["unit_name"], "remote_level": "county"},
        key="sysadmin",
    )  # fmt: skip
    return {
        "a_key": a_key,
        "b_key": b_key,
        "a_on_b": a_on_b,
        "b_on_a": b_on_a,
        "mirror": link["mirror_unit_id"],
    }


def setup_both(*deployments: Deployment) -> None:
    """Migrate and seed the deployments side by side (each is mostly waiting on its own database)."""
    import threading

    errors: list[BaseException] = []

    def setup(d: Deployment) -> None:
        try:
            d.setup()
        except BaseException as exc:  # re-raised below, once all have finished
            errors.append(exc)

    threads = [threading.Thread(target=setup, args=(d,)) for d in deployments]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
