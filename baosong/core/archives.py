"""Archive bombs: every ZIP container (docx, xlsx, pptx, ofd) is measured before anything reads it.

The central directory states each member's unpacked size; Python's zipfile never inflates a member past
its stated size, so checking the stated sizes and the member count bounds what any reader (python-docx,
openpyxl, our own type detection) can unpack."""

from __future__ import annotations

import io
import zipfile

from django.conf import settings

from baosong.core.errors import ServiceError


def zip_checked(data: bytes) -> zipfile.ZipFile | None:
    """The archive, opened, if its unpacked size and member count are within the limits; None when the
    bytes are not a readable ZIP. Refuses an archive bomb with 413 and a Chinese message."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    members = archive.infolist()
    limit_mb = int(settings.ARCHIVE_MAX_UNPACKED_MB)
    if len(members) > int(settings.ARCHIVE_MAX_MEMBERS):
        raise ServiceError(
            f"文件内含 {len(members)} 个部件，超过上限 {settings.ARCHIVE_MAX_MEMBERS} 个，已拒绝。",
            "archive_too_large",
            status=413,
        )
    unpacked = sum(max(m.file_size, 0) for m in members)
    if unpacked > limit_mb * 1024 * 1024:
        raise ServiceError(
            f"文件解压后达 {unpacked // (1024 * 1024)} MB，超过上限 {limit_mb} MB，疑为压缩炸弹，已拒绝。",
            "archive_too_large",
            status=413,
        )
    return archive
