from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class UnitUserBackend(ModelBackend):
    """Password check only; rights come from Membership roles, not Django permissions."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()
