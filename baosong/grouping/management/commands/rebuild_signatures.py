"""Recompute every sent item's same-event signature (after a change of the tokeniser or the signature)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from baosong.grouping.services import signatures_rebuild


class Command(BaseCommand):
    help = "重新计算全部已报送信息的事件指纹（同一事件归并用）。"

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
        count = signatures_rebuild()
        self.stdout.write(f"已重新计算 {count} 条信息的事件指纹，用时 {time.perf_counter() - start:.1f} 秒。")
