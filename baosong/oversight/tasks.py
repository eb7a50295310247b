"""The periodic job of 督查 (registered in apps.py, run once per tick by the worker)."""

from __future__ import annotations

import datetime as dt

from baosong.oversight.services import scan


def scan_tick(now: dt.datetime | None = None) -> dict[str, int]:
    return scan(now)
