from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management import BaseCommand, CommandError
from django.utils import timezone

from baosong.scoring.rollups import compare, rebuild


class Command(BaseCommand):
    help = "核对统计汇总表与按原始数据的全量重新计数是否一致；--rebuild 用重新计数替换汇总表。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--from", dest="start", help="起始日期 YYYY-MM-DD（默认一年前）")
        parser.add_argument("--to", dest="end", help="结束日期 YYYY-MM-DD（不含，默认明天）")
        parser.add_argument("--rebuild", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        try:
            start = (
                dt.date.fromisoformat(options["start"])
                if options["start"]
                else today - dt.timedelta(days=366)
            )
            end = dt.date.fromisoformat(options["end"]) if options["end"] else today + dt.timedelta(days=1)
        except ValueError as exc:
            raise CommandError("日期格式应为 YYYY-MM-DD。") from exc
        if options["rebuild"]:
            self.stdout.write(f"已重建 {rebuild(start, end)} 行统计汇总。")
            return
        diffs = compare(start, end)
        for line in diffs[:50]:
            self.stdout.write(line)
        if diffs:
            raise CommandError(f"统计汇总与全量重新计数不一致：{len(diffs)} 处。")
        self.stdout.write("统计汇总与全量重新计数一致。")
