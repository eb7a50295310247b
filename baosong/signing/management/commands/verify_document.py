"""manage.py verify_document FILE…: the same check as /verify/, for scripts. Exit code 0 when every file
is valid (有效), 1 when any is altered or unknown, 2 when a file cannot be read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from baosong.signing.services import verify_bytes


class Command(BaseCommand):
    help = "核验本系统签发的刊物、通报文件（PDF、DOCX、OFD 等）是否有效、是否被改动。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="要核验的文件")

    def handle(self, *args: Any, **options: Any) -> None:
        failed = False
        for name in options["files"]:
            path = Path(name)
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise CommandError(f"无法读取文件 {name}：{exc.strerror or exc}", returncode=2) from exc
            verdict = verify_bytes(data)
            lines = [f"{name}：{verdict.label}", f"  {verdict.message}"]
            if verdict.issuer:
                lines.append(f"  签发单位：{verdict.issuer}")
            if verdict.title:
                lines.append(f"  文件名称：{verdict.title}")
            if verdict.signed_at:
                lines.append(f"  签发时间：{timezone.localtime(verdict.signed_at):%Y-%m-%d %H:%M:%S}")
            if verdict.key_id:
                lines.append(f"  签名密钥：{verdict.key_id}（{verdict.key_status or '未知'}）")
            if verdict.sm3:
                lines.append(f"  SM3 摘要：{verdict.sm3}")
            if verdict.revoked:
                lines.append(f"  注意：该期{verdict.revoked}")
            style = self.style.SUCCESS if verdict.ok else self.style.ERROR
            self.stdout.write(style(lines[0]))
            self.stdout.write("\n".join(lines[1:]))
            failed = failed or not verdict.ok
        if failed:
            raise SystemExit(1)
