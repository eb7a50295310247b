from __future__ import annotations

import os

from django.apps import AppConfig


class ProbeConfig(AppConfig):
    name = "baosong.core.tests.rqprobe"
    label = "rqprobe"

    def ready(self) -> None:
        from baosong.core.outbox import register_periodic
        from baosong.core.tests.rqprobe.tasks import probe_tick

        register_periodic("probe.tick", probe_tick, int(os.environ.get("BAOSONG_PROBE_SECONDS", "2")))
