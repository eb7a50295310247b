"""gunicorn settings for a Baosong web node behind a balancer: `gunicorn --config deploy/gunicorn.conf.py`
(deploy/systemd/baosong-web@.service, scripts/run_cluster.sh). Bind address, processes and threads come
from the command line (or GUNICORN_CMD_ARGS)."""

from __future__ import annotations

from typing import Any

# Requests in hand get this long to finish after SIGTERM (systemctl stop, a restart).
graceful_timeout = 30


def post_worker_init(worker: Any) -> None:
    """On SIGTERM, stop listening at once, not after the requests in hand are done.

    A stopping gthread worker stops accepting but keeps its listening socket open while it drains, so
    the kernel still completes connections to it; when the socket finally closes they are reset. nginx
    has then already sent those requests and, for a POST, may not send it to another node: the user gets
    a 502. With the socket closed as soon as the worker stops accepting, a new connection is refused and
    nginx sends the request (a POST too) to the next node.
    """
    enable = getattr(worker, "set_accept_enabled", None)
    if enable is None:  # another worker class: nothing to adjust
        return

    def set_accept_enabled(enabled: bool) -> None:
        enable(enabled)
        if not enabled and not worker.alive:
            for listener in worker.sockets:
                listener.close()

    worker.set_accept_enabled = set_accept_enabled
