from __future__ import annotations

import time
from typing import Any

from django.core.management import BaseCommand

from baosong.orgs.scale import seed_scale


class Command(BaseCommand):
    help = "生成省级规模的单位树和用户（供性能测试使用）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--units", type=int, default=30_000)
        parser.add_argument("--users", type=int, default=50_000)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--prefix", default="SC", help="单位代码和用户名前缀（多次生成时须不同）")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        result = seed_scale(
            units=options["units"], users=options["users"], seed=options["seed"], prefix=options["prefix"]
        )
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"已生成 {result.units} 个单位、{result.users} 个用户、{result.memberships} 条角色授权，"
            f"用时 {elapsed:.1f} 秒；根单位编号 {result.root.pk}。"
        )
