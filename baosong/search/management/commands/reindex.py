from __future__ import annotations

import time
from typing import Any

from django.core.management import BaseCommand

from baosong.search.indexer import BATCH, reindex
from baosong.search.models import DocKind

LABELS = dict(DocKind.choices)


class Command(BaseCommand):
    help = "重建全文检索索引（信息、刊物、通报），并重新读取单位名称词典。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", type=int, default=BATCH, help="每批处理的对象数")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        step = max(options["batch"] * 25, 1)

        def progress(kind: str, done: int) -> None:
            if options["verbosity"] > 1 and done % step < options["batch"]:
                self.stdout.write(
                    f"  {LABELS.get(kind, kind)} {done}，{time.perf_counter() - started:.0f} 秒"
                )

        counts = reindex(batch=options["batch"], progress=progress)
        parts = "、".join(f"{LABELS.get(k, k)} {n} 条" for k, n in counts.items())
        self.stdout.write(f"索引已重建：{parts}，用时 {time.perf_counter() - started:.1f} 秒。")
