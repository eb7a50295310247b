"""Password policy validators beyond Django's built-in ones (等保 level 3)."""

from __future__ import annotations

import string
import unicodedata

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


class PersonalInfoValidator:
    """Not built around the person: the password must not contain the user's full name, login name, mobile
    number or the name part of their e-mail address (compared after NFKC and case folding, so full-width
    letters and case change nothing). Django's similarity check compares whole strings and lets
    ``马小红Aa1!马小红`` through for 马小红."""

    MIN_LENGTH = {"full_name": 2, "username": 3, "mobile": 6, "email": 3}
    LABELS = {"full_name": "姓名", "username": "用户名", "mobile": "手机号", "email": "电子邮箱名"}

    def validate(self, password: str, user: object = None) -> None:
        if user is None:
            return
        folded = unicodedata.normalize("NFKC", password).casefold()
        for attribute, minimum in self.MIN_LENGTH.items():
            value = str(getattr(user, attribute, "") or "")
            if attribute == "email":
                value = value.split("@", 1)[0]
            value = unicodedata.normalize("NFKC", value).strip().casefold()
            if len(value) >= minimum and value in folded:
                raise ValidationError(
                    f"密码不能包含本人的{self.LABELS[attribute]}。", code="password_personal_info"
                )

    def get_help_text(self) -> str:
        return "密码不能包含本人的姓名、用户名、手机号或电子邮箱名。"
