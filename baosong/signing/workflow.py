"""Signing's acts in the action registry (see ``core.actions``): the security administrator's key
management, and the fixing of a released document. None moves a status through a table."""

from __future__ import annotations

from collections.abc import Collection

from baosong.core.actions import audit_group, declare, detail_labels, detail_refs, detail_values, object_kind

KEY_GENERATE = declare("signing.key_generate", "生成签名密钥")
KEY_ROTATE = declare("signing.key_rotate", "轮换签名密钥")
DOCUMENT_SIGN = declare("signing.document", "固化并签名发布文件")

detail_labels(
    key_id="密钥标识",
    old_key_id="原密钥标识",
    new_key_id="新密钥标识",
    backend="签名设备",
    doc_kind="文件类别",
    document="文件",
    sm3="SM3 摘要",
    signed="已签名",
)
detail_values(
    doc_kind={"issue": "刊物", "bulletin": "通报"},
    signed={"True": "是", "False": "否"},
    backend={"software": "软件（私钥加密保存在数据库）"},
)
detail_refs(types=("signing.key_generate", "signing.key_rotate"), unit_id="unit")
audit_group("文件签名", "signing")


def _key_names(ids: Collection[int]) -> dict[int, str]:
    from baosong.signing.models import SigningKey

    keys = SigningKey.objects.filter(pk__in=ids).select_related("unit")
    return {k.pk: f"（{k.unit.name} {k.short_id}）" for k in keys}


def _document_names(ids: Collection[int]) -> dict[int, str]:
    from baosong.signing.models import SignedDocument

    return {d.pk: f"（{d.title} {d.fmt.upper()}）" for d in SignedDocument.objects.filter(pk__in=ids)}


object_kind("signing_key", "签名密钥", _key_names)
object_kind("signed_document", "签名文件", _document_names)
