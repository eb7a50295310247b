"""Solicitations (约稿) and 报送要点, declared in the action registry (see ``core.actions``)."""

from __future__ import annotations

from typing import TypedDict

from baosong.core.actions import audit_group, declare, detail_labels, detail_values, names_of, object_kind
from baosong.solicitations.models import Solicitation


class SolicitationPayload(TypedDict, total=False):
    by: int
    kind: str
    targets: int
    target_id: int
    deadline: str | None


SOLICITATION_CREATE = declare(
    "solicitation.create", "发布约稿", event="solicitation.create", payload=SolicitationPayload
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


detail_labels(types=("solicitation.create",), targets="约稿对象数")
detail_values(kind={str(v): str(label) for v, label in Solicitation.Kind.choices})
audit_group("批示与约稿", "solicitation")  # one group with the instructions' types, as before the split
object_kind("solicitation", "约稿", names_of(Solicitation, "title", "《{}》"))
