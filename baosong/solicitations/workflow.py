"""Solicitations (约稿) and 报送要点, declared in the action registry (see ``core.actions``)."""

from __future__ import annotations

from typing import TypedDict

from baosong.core.actions import (
    audit_group,
    declare,
    detail_labels,
    detail_refs,
    detail_values,
    names_of,
    object_kind,
)
from baosong.solicitations.models import Solicitation


class SolicitationPayload(TypedDict, total=False):
    by: int
    kind: str
    targets: int
    target_id: int
    deadline: str | None
    relayed_from: int


SOLICITATION_CREATE = declare(
    "solicitation.create", "发布约稿", event="solicitation.create", payload=SolicitationPayload
)
# A relay notifies its units like any 约稿: the same event, its own audit type.
SOLICITATION_RELAY = declare(
    "solicitation.relay",
    "转发约稿",
    event="solicitation.create",
    event_label="发布约稿",
    payload=SolicitationPayload,
)
SOLICITATION_READ = declare("solicitation.read", "阅读约稿")
SOLICITATION_DUE_SOON = declare(
    "solicitation.due_soon",
    "约稿即将截止",
    audit="",
    event="solicitation.due_soon",
    payload=SolicitationPayload,
)
SOLICITATION_MISSED = declare(
    "solicitation.missed",
    "约稿未按时报送",
    audit="",
    event="solicitation.missed",
    payload=SolicitationPayload,
)
SOLICITATION_ATTACHMENT = declare("solicitation.attachment_download", "下载约稿附件")


detail_labels(types=("solicitation.create", "solicitation.relay"), targets="约稿对象数")
detail_labels(relayed_from="上级约稿")
detail_refs(relayed_from="solicitation")
detail_values(kind={str(v): str(label) for v, label in Solicitation.Kind.choices})
audit_group("批示与约稿", "solicitation")  # one group with the instructions' types, as before the split
object_kind("solicitation", "约稿", names_of(Solicitation, "title", "《{}》"))
