from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management import BaseCommand

from baosong.demo.province import seed_demo
from baosong.orgs.models import Role


class Command(BaseCommand):
    help = "生成演示数据（一个省、两个市、每市三县、每县四乡镇及各角色演示账户）。可重复执行。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="以 JSON 输出演示账户")

    def handle(self, *args: Any, **options: Any) -> None:
        cast = seed_demo()
        if options["json"]:
            self.stdout.write(json.dumps(cast, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"演示账户（密码均为 {cast[0]['password']}）：")
        for m in cast:
            roles = "、".join(Role(r).label for r in m["roles"])
            line = f"  {m['username']:<22} {m['full_name']:<6} {roles:<8} {m['unit_name']}"
            if m["totp_secret"]:
                line += f"  动态口令密钥 {m['totp_secret']}"
            self.stdout.write(line)
        if not settings.DEMO_SKIP_PASSWORD_CHANGE:
            self.stdout.write("提示：未开启演示模式（BAOSONG_DEMO_MODE），演示账户首次登录须修改密码。")
