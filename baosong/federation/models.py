"""Federation between deployments (跨系统报送): a county's deployment, a province's, the national one.

Each deployment has one SM2 identity; a system administrator registers a peer deployment by its base URL
and public key (exchanged out of band, the fingerprint read aloud on both sides) and maps units by code.
Items and the decisions on them travel as signed, encrypted packages (``federation.envelope``) through an
outbox the worker delivers with retries until the peer acknowledges; the receiver keeps every message id,
so a package takes effect once however often it arrives.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


def fingerprint_display(fp: str) -> str:
    """Groups of four, as people read a fingerprint to each other over the phone."""
    return " ".join(fp[i : i + 4] for i in range(0, min(len(fp), 64), 4)).upper()


class Identity(models.Model):
    """This deployment's SM2 key pair (one row). The private key is SM4-GCM encrypted with the file key."""

    name = models.CharField("本系统名称", max_length=100)
    public_key = models.BinaryField(max_length=64)
    secret = models.BinaryField()
    fingerprint = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "本系统密钥"

    @property
    def fingerprint_text(self) -> str:
        return fingerprint_display(self.fingerprint)


class Peer(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "启用"
        SUSPENDED = "suspended", "暂停"

    name = models.CharField("对方系统名称", max_length=100)
    base_url = models.URLField("对方地址", max_length=300)
    public_key = models.BinaryField(max_length=64)
    fingerprint = models.CharField("公钥指纹", max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # Acts for the peer here: the decisions it sends are taken in its name on the mirrored units.
    agent = models.OneToOneField("orgs.User", on_delete=models.PROTECT, related_name="federation_peer")
    created_by = models.ForeignKey("orgs.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "对方系统"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def fingerprint_text(self) -> str:
        return fingerprint_display(self.fingerprint)


class Link(models.Model):
    """One line of the unit mapping. OUT: my ``local_unit`` reports to the peer's unit ``remote_code``
    (mirrored here as ``mirror``, a reporting target of ``local_unit``). IN: the peer's unit ``remote_code``
    (mirrored as ``mirror``, the source of what it sends) reports to my ``local_unit``."""

    class Direction(models.TextChoices):
        OUT = "out", "本系统单位向对方报送"
        IN = "in", "对方单位向本系统报送"

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="links")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    local_unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="federation_links")
    remote_code = models.CharField("对方单位代码", max_length=32)
    remote_name = models.CharField("对方单位名称", max_length=100)
    mirror = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "单位对应关系"
        constraints = [
            models.UniqueConstraint(
                fields=["peer", "direction", "local_unit", "remote_code"], name="federation_link_unique"
            )
        ]
        indexes = [models.Index(fields=["mirror", "direction"], name="federation_link_mirror")]


class Message(models.Model):
    """One package, sent or received. Sent: ``envelope`` is what is posted (kept for the retries),
    ``status`` pending → delivered. Received: the id is unique per peer, so a replay changes nothing."""

    class Direction(models.TextChoices):
        OUT = "out", "发出"
        IN = "in", "收到"

    class Kind(models.TextChoices):
        ITEM = "item", "信息"
        DECISION = "decision", "处理结果"

    class Status(models.TextChoices):
        PENDING = "pending", "等待对方接收"
        DELIVERED = "delivered", "已送达"
        FAILED = "failed", "投递失败"  # the peer refused it (4xx): not retried until an administrator asks
        ACCEPTED = "accepted", "已接收"

    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="messages")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    msg_id = models.CharField(max_length=36)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # item: the copy at the mirrored target (sent) or the copy created at my unit (received);
    # decision: the copy the decision is about.
    submission = models.ForeignKey("reports.Submission", on_delete=models.PROTECT, related_name="+")
    ref = models.CharField(max_length=36, blank=True)  # a decision: the item message it answers
    summary = models.JSONField(default=dict)  # what the trail shows: the decision, its comment, usage…
    envelope = models.BinaryField(null=True)
    sm3 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "跨系统报送包"
        constraints = [
            models.UniqueConstraint(fields=["peer", "direction", "msg_id"], name="federation_message_once"),
            models.UniqueConstraint(
                fields=["submission", "direction"],
                condition=Q(kind="item"),
                name="federation_one_item_per_copy",
            ),
        ]
        indexes = [
            # the outbox: what is due, per peer
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(direction="out", status="pending"),
                name="federation_outbox_due",
            ),
            models.Index(fields=["submission", "created_at"], name="federation_msg_copy"),
            models.Index(fields=["peer", "-created_at"], name="federation_msg_peer"),
        ]

    @property
    def status_label(self) -> str:
        if self.direction == self.Direction.OUT and self.status == self.Status.PENDING and self.last_error:
            return f"等待对方接收（上次投递失败：{self.last_error}，将自动重试）"
        if self.status == self.Status.FAILED:
            return f"投递失败（{self.last_error}）"
        return self.get_status_display()
