"""manage.py intake_smtp: run the local SMTP intake until stopped (systemd unit baosong-intake)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from baosong.intake.smtp import controller


class Command(BaseCommand):
    help = "运行本地 SMTP 收件服务：发到邮件报送地址的邮件生成信息草稿或进入隔离区"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=None, help="监听地址（默认 BAOSONG_INTAKE_SMTP_HOST）")
        parser.add_argument(
            "--port", type=int, default=None, help="监听端口（默认 BAOSONG_INTAKE_SMTP_PORT）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        server = controller(options["host"], options["port"])
        server.start()
        self.stdout.write(
            f"邮件报送 SMTP 收件服务已启动：{server.hostname}:{server.port}，"
            f"收件地址 {', '.join(settings.INTAKE_ADDRESSES) or '（任意）'}"
        )
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        stop.wait()
        server.stop()
        self.stdout.write("邮件报送 SMTP 收件服务已停止。")
