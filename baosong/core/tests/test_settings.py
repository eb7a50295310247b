"""Production start-up: refuses to run without secrets, and passes Django's deployment checks."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("BAOSONG_") and k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_secret_key_stops_start_up_without_debug(tmp_path):
    result = _manage("check", env={"BAOSONG_DATA_DIR": str(tmp_path), "BAOSONG_AUDIT_KEY": "k" * 40})
    assert result.returncode != 0
    assert "BAOSONG_SECRET_KEY is required" in result.stderr


def test_missing_audit_key_stops_start_up_without_debug(tmp_path):
    result = _manage("check", env={"BAOSONG_DATA_DIR": str(tmp_path), "BAOSONG_SECRET_KEY": "s" * 60})
    assert result.returncode != 0
    assert "BAOSONG_AUDIT_KEY" in result.stderr


def test_production_settings_pass_check_deploy(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text(secrets.token_urlsafe(50))
    env = {
        "BAOSONG_DATA_DIR": str(tmp_path),
        "BAOSONG_SECRET_KEY_FILE": str(secret),
        "BAOSONG_AUDIT_KEY": "a-long-audit-key-kept-outside-the-database",
        "BAOSONG_FILE_KEY": "0123456789abcdef0123456789abcdef",
        "BAOSONG_ALLOWED_HOSTS": "baosong.gov.example",
    }
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_sqlite_connections_are_kept_between_requests(tmp_path):
    code = (
        "from django.conf import settings; d = settings.DATABASES['default'];"
        " print(d['CONN_MAX_AGE'], d['OPTIONS']['init_command'])"
    )
    result = _manage(
        "shell", "-v0", "-c", code, env={"BAOSONG_DATA_DIR": str(tmp_path), "BAOSONG_DEBUG": "1"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "60" and "PRAGMA journal_mode=WAL" in result.stdout
