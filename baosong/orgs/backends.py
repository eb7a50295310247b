from __future__ import annotations

from django.contrib.auth.backends import ModelBackend


class UnitUserBackend(ModelBackend):
    """Password check only; rights come from Membership roles, not Django permissions."""

    def get_all_permissions(self, user_obj, obj=None):  # type: ignore[no-untyped-def]
        return set()
