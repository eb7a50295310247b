"""``manage.py seed_samples``: the opt-in sample content (``make run SAMPLES=1``), on top of ``seed_demo``."""

from __future__ import annotations

from typing import Any

from django.core.management import BaseCommand, CommandError

from baosong.demo.samples import DemoCastMissing, seed_samples


class Command(BaseCommand):
    help = (
        "在演示数据之上生成示例内容（信息、刊物、门户发布、约稿、批示、积分和统计），"
        "须先执行 seed_demo；已生成过则不重复生成。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = seed_samples()
        except DemoCastMissing as exc:
            raise CommandError(str(exc)) from exc
        for line in summary.lines:
            self.stdout.write(line)
