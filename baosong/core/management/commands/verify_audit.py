from __future__ import annotations

from typing import Any

from django.core.management import BaseCommand, CommandError

from baosong.core.audit import audit_verify, audit_verify_sqlite_file


class Command(BaseCommand):
    help = "校验审计日志的 HMAC-SM3 链，指出第一条被修改或缺失的记录。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--database", default="default", help="Django 数据库别名")
        parser.add_argument("--sqlite-file", help="校验一个 SQLite 数据库副本（如备份文件）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("sqlite_file"):
            result = audit_verify_sqlite_file(options["sqlite_file"])
        else:
            result = audit_verify(using=options["database"])
        if not result.ok:
            raise CommandError(result.message)
        self.stdout.write(result.message)
