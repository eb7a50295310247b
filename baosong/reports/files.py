"""Attachments: type by content (magic bytes), size limit, encrypted storage, audited download."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from baosong.core import storage
from baosong.core.actions import record
from baosong.core.archives import zip_checked
from baosong.core.audit import audit_record
from baosong.core.crypto import sm3_hex, sm4_gcm_decrypt, sm4_gcm_encrypt
from baosong.core.errors import Forbidden, ServiceError
from baosong.orgs.models import Role, User
from baosong.orgs.selectors import roles_in_unit
from baosong.reports import workflow as reports_wf
from baosong.reports.models import Attachment, Report, ReportStatus
from baosong.reports.wordimport import clean_text


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    content_type: str
    extension: str


KINDS = {
    "pdf": FileKind("pdf", "PDF 文档", "application/pdf", ".pdf"),
    "docx": FileKind(
        "docx",
        "Word 文档",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    "xlsx": FileKind(
        "xlsx", "Excel 表格", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"
    ),
    "pptx": FileKind(
        "pptx",
        "演示文稿",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ".pptx",
    ),
    "ofd": FileKind("ofd", "OFD 版式文档", "application/ofd", ".ofd"),
    "ole": FileKind("ole", "Word/Excel/WPS 文档（旧格式）", "application/octet-stream", ""),
    "png": FileKind("png", "PNG 图片", "image/png", ".png"),
    "jpg": FileKind("jpg", "JPEG 图片", "image/jpeg", ".jpg"),
    "gif": FileKind("gif", "GIF 图片", "image/gif", ".gif"),
}
ALLOWED_LABELS = "PDF、Word、Excel、PPT、WPS、OFD、PNG、JPG、GIF"


def detect_kind(head: bytes, data: bytes) -> FileKind | None:
    """What the bytes are, whatever the file is called: an .exe renamed .pdf is still an .exe."""
    if head.startswith(b"%PDF-"):
        return KINDS["pdf"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return KINDS["png"]
    if head.startswith(b"\xff\xd8\xff"):
        return KINDS["jpg"]
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return KINDS["gif"]
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return KINDS["ole"]
    if head.startswith(b"PK\x03\x04"):
        archive = zip_checked(data)
        if archive is None:
            return None
        names = set(archive.namelist())
        if "OFD.xml" in names:
            return KINDS["ofd"]
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return KINDS["docx"]
            if any(n.startswith("xl/") for n in names):
                return KINDS["xlsx"]
            if any(n.startswith("ppt/") for n in names):
                return KINDS["pptx"]
    return None


def _name(stored: str) -> str:
    """Where the attachment ``stored`` lives in the "attachments" storage: the layout of the old directory."""
    return f"{stored[:2]}/{stored}"


def max_bytes() -> int:
    return int(settings.ATTACHMENT_MAX_MB) * 1024 * 1024


def _too_large() -> ServiceError:
    return ServiceError(f"文件不能超过 {settings.ATTACHMENT_MAX_MB} MB。", "file_too_large", status=413)


def upload_bytes(upload: UploadedFile) -> bytes:
    """The bytes of an uploaded file (an attachment, a Word file to import), for pages and API alike: an
    over-size file is refused (413) from its declared size before it is read, and from what was read."""
    if upload.size and upload.size > max_bytes():
        raise _too_large()
    data = upload.read(max_bytes() + 1)
    if len(data) > max_bytes():
        raise _too_large()
    return data


def download_response(data: bytes, content_type: str, filename: str) -> HttpResponse:
    """A download, never rendered inline: the browser must not sniff an uploaded file into a page."""
    response = HttpResponse(data, content_type=content_type or "application/octet-stream")
    disposition = content_disposition_header(as_attachment=True, filename=filename)
    response["Content-Disposition"] = disposition or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def check_upload(*, size: int, data: bytes) -> FileKind:
    if size > max_bytes() or len(data) > max_bytes():
        raise _too_large()
    if not data:
        raise ServiceError("文件是空的。", "empty_file")
    kind = detect_kind(data[:16], data)
    if kind is None:
        raise ServiceError(
            f"不支持的文件类型（按文件内容识别）。允许：{ALLOWED_LABELS}。", "file_type_refused", status=415
        )
    return kind


def store_encrypted(data: bytes) -> str:
    """Write the bytes SM4-GCM encrypted under a new generated name; the name is bound into the tag."""
    stored = uuid.uuid4().hex
    storage.write(storage.ATTACHMENTS, _name(stored), sm4_gcm_encrypt(data, associated=stored.encode()))
    return stored


def read_encrypted(stored: str) -> bytes:
    """The plaintext of a file stored by ``store_encrypted`` (attachments, evidence, scans, mail)."""
    try:
        blob = storage.read(storage.ATTACHMENTS, _name(stored))
    except FileNotFoundError:  # lost from the directory or the bucket: say so, not a server error
        raise ServiceError(
            "文件在服务器上缺失，请联系系统管理员从备份恢复。", "file_missing", status=409
        ) from None
    return sm4_gcm_decrypt(blob, associated=stored.encode())


def discard(stored: str) -> None:
    storage.delete(storage.ATTACHMENTS, _name(stored))


def attachment_add(*, report: Report, by: User, name: str, size: int, data: bytes) -> Attachment:
    if Role.REPORTER not in roles_in_unit(by, report.source_unit) and report.author_id != by.pk:
        raise Forbidden("只有本单位信息员可以上传附件。")
    if report.status not in {ReportStatus.DRAFT, ReportStatus.RETURNED}:
        raise ServiceError("信息已提交，不能再添加附件。", "not_editable", status=409)
    return attachment_store(report=report, by=by, name=name, size=size, data=data)


def attachment_store(*, report: Report, by: User, name: str, size: int, data: bytes) -> Attachment:
    """Check, encrypt and record one file of ``report``; the caller has decided that ``by`` may add it (an
    author above, an upper editor registering on a unit's behalf, the intake mailbox)."""
    kind = check_upload(size=size, data=data)
    stored = store_encrypted(data)
    try:
        with transaction.atomic():
            attachment = Attachment.objects.create(
                report=report,
                # A file name is text like any other: no control characters (a NUL cannot be stored).
                original_name=(clean_text(name).replace("\n", " ") or "附件")[:255],
                kind=kind.code,
                content_type=kind.content_type,
                size=len(data),
                stored_name=stored,
                digest=sm3_hex(data),
                uploaded_by=by,
            )
            audit_record(
                "attachment.upload",
                user=by,
                unit_id=report.source_unit_id,
                object_type="attachment",
                object_id=attachment.pk,
                details={"report_id": report.pk, "kind": kind.code, "size": len(data)},
            )
    except Exception:
        discard(stored)  # no orphan ciphertext when the row was not written
        raise
    return attachment


def attachment_remove(*, attachment: Attachment, by: User) -> None:
    report = attachment.report
    if Role.REPORTER not in roles_in_unit(by, report.source_unit) and report.author_id != by.pk:
        raise Forbidden("只有本单位信息员可以删除附件。")
    if report.status not in {ReportStatus.DRAFT, ReportStatus.RETURNED}:
        raise ServiceError("信息已提交，不能再删除附件。", "not_editable", status=409)
    with transaction.atomic():
        Attachment.objects.filter(pk=attachment.pk).update(removed_at=timezone.now())
        audit_record(
            "attachment.remove",
            user=by,
            unit_id=report.source_unit_id,
            object_type="attachment",
            object_id=attachment.pk,
        )


def attachment_read(*, attachment: Attachment, by: User) -> bytes:
    """Decrypt for a download; the caller has already checked that ``by`` may see the item. Audited."""
    data = read_encrypted(attachment.stored_name)
    if sm3_hex(data) != attachment.digest:
        raise ServiceError("附件校验失败，文件可能已损坏。", "file_corrupt", status=500)
    with transaction.atomic():
        record(
            reports_wf.ATTACHMENT_DOWNLOAD,
            by=by,
            unit_id=attachment.report.source_unit_id,
            object_type="attachment",
            object_id=attachment.pk,
            details={"report_id": attachment.report_id},
        )
    return data
