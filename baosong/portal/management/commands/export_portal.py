"""manage.py export_portal DIR [--base-url URL]: write a static copy of the public portal (网站生成)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from baosong.portal.export import export_portal


class Command(BaseCommand):
    help = "生成门户网站的静态副本（HTML、样式、图片、Atom 订阅），可由任何 Web 服务器发布。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("directory", help="输出目录（不存在则创建）")
        parser.add_argument(
            "--base-url",
            default="http://localhost",
            help=("静态副本发布后的网址（用于 Atom 订阅中的绝对链接），如 https://www.example.gov.cn/xxgk"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["directory"])
        if out.exists() and not out.is_dir():
            raise CommandError(f"{out} 不是目录。")
        result = export_portal(out, base_url=options["base_url"])
        self.stdout.write(
            f"已生成 {len(result.pages)} 个页面、{len(result.feeds)} 个订阅、"
            f"{len(result.assets)} 个静态文件到 {out}"
        )
