"""manage.py files_migrate: copy the files of local directories into the configured storage (a move to object
storage, or to a shared mount), object by object, with the same names; already there: skipped. The source is
the directories the settings name (BAOSONG_FILES_DIR or the per-store variables), or ``--from DIR``, a files
directory of the old layout (DIR/attachments, DIR/signed, DIR/cache/documents)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.management import BaseCommand, CommandError

from baosong.core import storage
from config.storage import FILE_STORAGES

LABELS = {storage.ATTACHMENTS: "附件", storage.SIGNED: "签发文件", storage.DOCUMENTS: "文档缓存"}


class Command(BaseCommand):
    help = (
        "把本地目录中的附件、签发文件和文档缓存复制到当前配置的文件存储（BAOSONG_STORAGE，例如对象存储），"
        "文件名和目录结构不变，密文原样复制；目标中已有的文件跳过。先用 --dry-run 查看数量。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只统计要复制的文件，不写入")
        parser.add_argument(
            "--from",
            dest="source",
            help="原来的文件目录（其下有 attachments/、signed/、cache/documents/；默认：当前配置的本地目录）",
        )
        parser.add_argument(
            "--no-cache", action="store_true", help="不复制文档缓存（可随时重新生成，换存储后可以不搬）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        aliases = [a for a in FILE_STORAGES if not (options["no_cache"] and a == storage.DOCUMENTS)]
        copied = present = size = 0
        for alias in aliases:
            setting, folder = FILE_STORAGES[alias]
            source: FileSystemStorage = (
                FileSystemStorage(location=Path(options["source"]) / folder)
                if options.get("source")
                else storage.LocalFiles(setting=setting)
            )
            target = storage.get(alias)
            if isinstance(target, FileSystemStorage) and target.location == source.location:
                raise CommandError(
                    f"来源和目标是同一个目录（{source.location}），无需迁移。请先配置目标存储"
                    "（BAOSONG_STORAGE=s3 和 BAOSONG_S3_*，或新的 BAOSONG_FILES_DIR），"
                    "再用 --from 指出原来的文件目录（对象存储时也可保留原目录变量不用 --from）。"
                )
            names = list(storage.walk(source))
            todo = [n for n in names if not target.exists(n)]
            bytes_todo = sum(source.size(n) for n in todo)
            self.stdout.write(
                f"{alias}：{len(names)} 个（{LABELS[alias]}，来源 {source.location}），"
                f"目标中已有 {len(names) - len(todo)} 个，待复制 {len(todo)} 个，{bytes_todo} 字节"
            )
            present += len(names) - len(todo)
            if options["dry_run"]:
                continue
            for name in todo:
                with source.open(name, "rb") as fh:
                    storage.write(alias, name, fh.read())
                copied += 1
                size += source.size(name)
        if options["dry_run"]:
            self.stdout.write("试运行：未复制任何文件。")
            return
        self.stdout.write(f"共复制 {copied} 个文件（{size} 字节），已存在 {present} 个（跳过）。")
        if copied and settings.FILE_STORAGE == "s3":
            self.stdout.write("复制完成后可核对数量，确认服务正常后再删除本地目录中的旧文件。")
