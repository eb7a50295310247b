from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import BaseCommand, CommandError

from baosong.core.backup import BackupError, backup_check, live_check


class Command(BaseCommand):
    help = "校验备份目录与清单是否一致；加 --live 时，再把当前数据库与清单比对，并校验审计链。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("source", help="备份目录（其中有 manifest.json）")
        parser.add_argument(
            "--live", action="store_true", help="同时比对当前数据库（如 pg_restore 之后）与清单中的摘要"
        )
        parser.add_argument("--database", default="default", help="Django 数据库别名")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["source"])
        try:
            manifest = backup_check(source)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        tables = manifest["tables"]
        self.stdout.write(
            f"备份完整：{len(manifest['files'])} 个文件与清单一致；"
            f"{len(tables)} 张表，共 {sum(t['rows'] for t in tables.values())} 行。"
        )
        if not options["live"]:
            return
        _, problems, audit = live_check(manifest, using=options["database"])
        for line in problems:
            self.stdout.write(line)
        self.stdout.write(audit.message)
        if problems or not audit.ok:
            raise CommandError("当前数据库与备份清单不一致。" if problems else audit.message)
        self.stdout.write("当前数据库与备份清单一致：各数据表的行数和 SM3 摘要相同。")
