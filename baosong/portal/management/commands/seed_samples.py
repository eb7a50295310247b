"""``manage.py seed_samples``: the opt-in sample content (``make run SAMPLES=1``).

The command sits in ``portal`` because the content spans every domain app — items and decisions
(reports), an issue and its publication (editorial), a 约稿 and a 批示 (notices), portal releases — and
portal is the interface app allowed to call all their services (STYLE.md, "Which app may import which");
scoring and search only consume the events those services write, which the command delivers at the end.
"""

from __future__ import annotations

from typing import Any

from django.core.management import BaseCommand, CommandError

from baosong.portal.sample_content import DemoCastMissing, seed_samples


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
