"""Reads of signing: the security administrator's key list, the public lookup by number."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from baosong.orgs.models import Role, Unit, User
from baosong.orgs.selectors import admin_scope_units
from baosong.signing.models import SignedDocument, SigningKey


def keys_for_secadmin(user: User, *, q: str = "") -> QuerySet[SigningKey]:
    """Every key (active and retired) of the units the security administrator manages."""
    keys = SigningKey.objects.filter(unit__in=admin_scope_units(user, Role.SECADMIN)).select_related(
        "unit", "created_by", "retired_by"
    )
    if q:
        keys = keys.filter(Q(unit__name__icontains=q) | Q(unit__code=q) | Q(key_id__startswith=q.lower()))
    return keys.order_by("unit__path", "-created_at", "-id")[:500]


def units_waiting_for_key(user: User) -> list[Unit]:
    """Units in scope that have released documents unsigned for want of a key, and still have none."""
    scope = admin_scope_units(user, Role.SECADMIN)
    unsigned = SignedDocument.objects.filter(signature="").values("unit_id")
    active = SigningKey.objects.filter(status=SigningKey.Status.ACTIVE).values("unit_id")
    return list(scope.filter(pk__in=unsigned).exclude(pk__in=active).order_by("path")[:50])


def units_without_key(user: User, q: str) -> list[Unit]:
    """Units in the security administrator's scope whose name or code matches ``q`` and that have no key
    in use: what the 生成密钥 buttons of a search offer."""
    if not q:
        return []
    scope = admin_scope_units(user, Role.SECADMIN)
    active = SigningKey.objects.filter(status=SigningKey.Status.ACTIVE).values("unit_id")
    found = scope.filter(Q(name__icontains=q) | Q(code__iexact=q)).exclude(pk__in=active)
    return list(found.order_by("path")[:20])


@dataclass
class ReleaseGroup:
    """One released document (an issue or a 通报) and its fixed formats."""

    kind: str
    title: str
    issuer: str
    signed_at: Any
    revoked: str
    formats: list[SignedDocument] = field(default_factory=list)


def release_groups(docs: list[SignedDocument]) -> list[ReleaseGroup]:
    from baosong.signing.services import revoked_note

    groups: dict[tuple[str, int], ReleaseGroup] = {}
    for d in docs:
        group = groups.setdefault(
            (d.kind, d.object_id),
            ReleaseGroup(d.get_kind_display(), d.title, d.unit_name, d.signed_at, revoked_note(d)),
        )
        group.formats.append(d)
    return list(groups.values())
