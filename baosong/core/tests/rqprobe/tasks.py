from __future__ import annotations

import os
import time
from pathlib import Path

from django_tasks import task


def _append(name: str, line: str) -> None:
    # One write() of a short line with O_APPEND: lines from several processes never interleave.
    path = Path(os.environ["BAOSONG_PROBE_DIR"]) / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, f"{line}\n".encode())
    finally:
        os.close(fd)


def probe_tick() -> None:
    """The periodic job: one line per run, with the time and the worker process."""
    _append("ticks", f"{time.time():.3f} {os.getpid()}")


@task()
def probe_sleep(key: str, seconds: float) -> str:
    """A task that takes a while: ``start`` with the process running it (RQ's child) and its worker, then
    ``done`` when it has finished."""
    _append("tasks", f"start {key} {os.getpid()} {os.getppid()} {time.time():.3f}")
    time.sleep(seconds)
    _append("tasks", f"done {key} {os.getpid()} {os.getppid()} {time.time():.3f}")
    return key
