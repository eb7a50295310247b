from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "（仅演示模式）显示演示管理员账户当前的动态口令。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("仅在演示模式（BAOSONG_DEMO_MODE=1）下可用。")
        device = TOTPDevice.objects.filter(
            user__username=options["username"], user__is_demo=True, confirmed=True
        ).first()
        if device is None:
            raise CommandError("该账户不是已绑定动态口令的演示账户。")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
        self.stdout.write(
            f"{code:0{device.digits}d}（约 {device.step - int(time.time()) % device.step} 秒内有效）"
        )
