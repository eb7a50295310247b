from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management import BaseCommand, CommandError
from django.utils import timezone

from baosong.scoring.services import recompute_scores


def _day(value: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from exc
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class Command(BaseCommand):
    help = "按领域事件重算指定期间（含起始日，不含结束日）的积分明细；人工调整保留。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--from", dest="start", required=True, help="起始日期 YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="结束日期 YYYY-MM-DD（不含）")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = _day(options["start"]), _day(options["end"])
        if end <= start:
            raise CommandError("结束日期须晚于起始日期。")
        result = recompute_scores(start=start, end=end)
        self.stdout.write(f"已删除 {result['removed']} 条、重新生成 {result['written']} 条积分明细。")
