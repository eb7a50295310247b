"""Password policy validators beyond Django's built-in ones (等保 level 3)."""

from __future__ import annotations

import string

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError


class CharacterClassesValidator:
    """At least ``required`` of the four classes: upper case, lower case, digits, symbols."""

    def __init__(self, required: int = 3) -> None:
        self.required = required

    def validate(self, password: str, user: object = None) -> None:
        classes = [
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or not c.isalnum() for c in password),
        ]
        if sum(classes) < self.required:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.required} 类。",
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.required} 类。"


class PasswordHistoryValidator:
    """Not one of the user's last N passwords (N = PASSWORD_HISTORY), the current one included."""

    def validate(self, password: str, user: object = None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        count = int(settings.PASSWORD_HISTORY)
        hashes = list(user.password_history.values_list("password", flat=True)[:count])  # type: ignore[attr-defined]
        current = getattr(user, "password", "")
        if current:
            hashes.insert(0, current)
        if any(check_password(password, h) for h in hashes[:count]):
            raise ValidationError(f"新密码不能与最近 {count} 次使用过的密码相同。", code="password_reused")

    def get_help_text(self) -> str:
        return f"不能与最近 {settings.PASSWORD_HISTORY} 次使用过的密码相同。"
