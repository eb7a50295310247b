"""Units' SM2 signing keys and the fixed, signed documents they released."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from baosong.orgs.models import Unit, User


class SigningKey(models.Model):
    """A unit's SM2 key pair. One active key per unit signs; retired keys stay, public, so every document
    they signed still verifies. ``secret`` is whatever the backend needs to sign (the software signer: the
    private key SM4-GCM encrypted under the file key — never the key in clear)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "在用"
        RETIRED = "retired", "已停用"

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="signing_keys")
    key_id = models.CharField(max_length=64, unique=True)  # SM3 of the public key, hex
    public_key = models.BinaryField(max_length=64)  # x‖y
    secret = models.BinaryField()
    backend = models.CharField(max_length=200)  # the signer's dotted path that made it and signs with it
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    retired_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "签名密钥"
        ordering = ["unit_id", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=models.Q(status="active"), name="signing_one_active_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}:{self.short_id}"

    @property
    def short_id(self) -> str:
        return self.key_id[:16]


class SignedDocument(models.Model):
    """One format of one released document (an issue at 签发, a 通报 at 发布): its bytes fixed at release
    (kept SM4-encrypted on disk), their SM3 digest and the SM2 signature over the block that names them."""

    class Kind(models.TextChoices):
        ISSUE = "issue", "刊物"
        BULLETIN = "bulletin", "通报"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField()
    fmt = models.CharField(max_length=10)
    title = models.CharField(max_length=300)  # 《东湖政务信息》2026年第3期（总第45期）
    number_text = models.CharField(max_length=100, db_index=True)  # what people type: 2026年第3期
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField(max_length=100)  # the issuer as named in the block
    sm3 = models.CharField(max_length=64, db_index=True)  # of the signed content (the file without its block)
    file_sm3 = models.CharField(max_length=64, db_index=True)  # of the whole file as served
    size = models.PositiveIntegerField()
    key = models.ForeignKey(SigningKey, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signature = models.CharField(max_length=128, blank=True)  # r‖s hex; blank: the unit had no key
    signed_at = models.DateTimeField()
    stored_name = models.CharField(max_length=80)  # the encrypted file under SIGNED_DOCUMENT_DIR
    revoked_at = models.DateTimeField(null=True, blank=True)  # the issue was withdrawn afterwards
    revoke_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "签名文件"
        ordering = ["-signed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "fmt"], name="signing_document_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title}.{self.fmt}"
