"""Domain-free building blocks: the append-only audit log, the domain-event outbox, worker heartbeat."""

from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    """One audited action. Rows are append-only (database triggers refuse UPDATE/DELETE) and chained:
    ``mac`` is HMAC-SM3 over this row's content and the previous row's ``mac``."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", "成功"
        FAILURE = "failure", "失败"
        DENIED = "denied", "拒绝"

    seq = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField(db_index=True)
    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    user_name = models.CharField(max_length=150, blank=True)
    unit_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    ip = models.CharField(max_length=64, blank=True)
    event_type = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS, db_index=True)
    request_id = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["event_type", "created_at"], name="core_audit_type_time")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event_type} {self.outcome}"


class AuditHead(models.Model):
    """The chain head: one row, locked while an event is appended, so events chain in a single line
    even when several processes write at once."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    mac = models.CharField(max_length=64, blank=True)


class DomainEvent(models.Model):
    """Outbox row written in the same transaction as a business change; apps above consume it."""

    event_type = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64)
    object_id = models.BigIntegerField()
    unit_id = models.BigIntegerField(null=True, blank=True)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["id"]
        # Consumers look up an object's earlier events (a re-sent item, the signing a withdrawal undoes).
        indexes = [models.Index(fields=["event_type", "object_id"], name="core_event_type_object")]


class EventCursor(models.Model):
    """How far a consumer (scoring, search, …) has processed the DomainEvent outbox."""

    consumer = models.CharField(max_length=64, unique=True)
    last_event_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)


class EventDelivery(models.Model):
    """Which consumer has processed which event: exactly once, recorded in the consumer's transaction."""

    consumer = models.CharField(max_length=64)
    event_id = models.BigIntegerField()
    delivered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["consumer", "event_id"], name="core_delivery_once")]


class WorkerHeartbeat(models.Model):
    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.IntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)


class PeriodicLease(models.Model):
    """Who runs a periodic job's current tick. Every worker tries to claim a due tick with one conditional
    UPDATE; only the one whose UPDATE changed the row runs it, so a tick runs once however many workers
    (on however many machines) share the database."""

    name = models.CharField(max_length=100, unique=True)
    due_at = models.DateTimeField()
    holder = models.CharField(max_length=64, blank=True)
    ran_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
