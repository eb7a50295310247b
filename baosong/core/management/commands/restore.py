from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import BaseCommand, CommandError

from baosong.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "从 manage.py backup 生成的目录恢复 SQLite 数据库、附件、签发文件和密钥，并校验数据表摘要和审计链。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("source", help="备份目录（其中有 manifest.json）")
        parser.add_argument(
            "--force",
            action="store_true",
            help="目标位置已有数据时仍然恢复（原有文件改名保留）；须先停止服务",
        )
        parser.add_argument("--database", default="default", help="Django 数据库别名")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_restore(
                source=Path(options["source"]), using=options["database"], force=options["force"]
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        for path in result.moved_aside:
            self.stdout.write(f"原有数据已改名保留：{path}")
        self.stdout.write(
            f"已恢复：{result.path}\n"
            f"数据库：{result.tables} 张表，共 {result.rows} 行；文件：{result.files} 个"
        )
        self.stdout.write(result.audit.message)
        for note in result.notes:
            self.stdout.write(note)
        if not result.ok:
            raise CommandError("恢复后的校验未通过：" + "；".join(result.problems or [result.audit.message]))
        self.stdout.write("校验通过：各数据表的行数和 SM3 摘要与清单一致。")
