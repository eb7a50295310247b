from __future__ import annotations

import time
from typing import Any

from django.core.management import BaseCommand

from baosong.demo.scale import seed_scale
from baosong.demo.scale_items import seed_items


class Command(BaseCommand):
    help = "生成省级规模的单位树和用户，以及可选的一年信息量（供性能测试使用）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--units", type=int, default=30_000)
        parser.add_argument("--users", type=int, default=50_000)
        parser.add_argument("--items", type=int, default=0, help="信息条数（默认 0，不生成信息）")
        parser.add_argument("--days", type=int, default=365, help="信息分布在截至今天的多少天内")
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
        if options["items"] <= 0:
            return
        started = time.perf_counter()

        def progress(done: int) -> None:
            self.stdout.write(f"  信息 {done} / {options['items']}，{time.perf_counter() - started:.0f} 秒")

        items = seed_items(
            root=result.root,
            items=options["items"],
            days=options["days"],
            seed=options["seed"],
            progress=progress if options["verbosity"] > 1 else None,
        )
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"已生成 {items.items} 条信息、{items.submissions} 条报送记录、{items.revisions} 个修改版本、"
            f"{items.review_actions} 条审核记录（{items.sources} 个报送单位，{items.reviewers} 名审核人），"
            f"用时 {elapsed:.1f} 秒。"
        )
