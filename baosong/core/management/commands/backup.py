from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import BaseCommand, CommandError

from baosong.core import storage
from baosong.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "备份数据库、附件、签发文件和密钥，并写出带 SM3 摘要的清单 manifest.json（文件权限 0600）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", help="备份放在哪个目录下（默认：数据目录下的 backups/）")
        parser.add_argument(
            "--no-keys", action="store_true", help="不备份密钥（密钥另行离线保管时使用，恢复前须先放回密钥）"
        )
        parser.add_argument("--database", default="default", help="Django 数据库别名")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"]) if options.get("out") else Path(settings.DATA_DIR) / "backups"
        try:
            result = backup_create(out=out, using=options["database"], keys=not options["no_keys"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        parts = "数据库、附件、签发文件" if options["no_keys"] else "数据库、附件、签发文件、密钥"
        kind = "SQLite 在线备份" if result.vendor == "sqlite" else "PostgreSQL（pg_dump -Fc）"
        self.stdout.write(
            f"备份完成：{result.path}\n"
            f"数据库：{kind}，{result.tables} 张表，共 {result.rows} 行\n"
            f"文件：{result.files} 个（{parts}），共 {_size(result.size)}"
        )
        if not storage.is_local(storage.ATTACHMENTS):
            self.stdout.write(
                "附件和签发文件保存在对象存储中：已从存储桶读出并原样（密文）写入本备份。"
                "文档缓存不备份（可重新生成）。存储桶本身仍建议开启版本管理"
                "（见 docs/deployment.md「文件存储」）。"
            )
        if not options["no_keys"]:
            self.stdout.write("备份中有附件密钥和审计密钥：须像密钥一样保管，只有系统管理人员可以读取。")


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} 字节"
    size = float(n)
    for unit in ("KB", "MB"):
        size /= 1024
        if size < 1024:
            return f"{size:.1f} {unit}"
    return f"{size / 1024:.1f} GB"
