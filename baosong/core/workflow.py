"""Core's own audited acts in the action registry (see ``core.actions``)."""

from __future__ import annotations

from baosong.core.actions import declare

PERMISSION_DENIED = declare("permission.denied", "越权访问")
