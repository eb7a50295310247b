"""Core's own audited acts in the action registry (see ``core.actions``)."""

from __future__ import annotations

from baosong.core.actions import audit_group, declare, object_kind

PERMISSION_DENIED = declare("permission.denied", "越权访问")

audit_group("访问控制", "permission")
object_kind("path", "访问路径")  # the object id is the path itself
