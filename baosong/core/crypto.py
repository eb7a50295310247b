"""Chinese national cryptography (国密) helpers: SM3 digests and HMAC, the PBKDF2-HMAC-SM3 password hasher."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def hmac_sm3_hex(key: bytes, data: bytes) -> str:
    return hmac.new(key, data, "sm3").hexdigest()


def _sm3() -> Any:
    return hashlib.new("sm3")


class PBKDF2SM3PasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2 with HMAC-SM3 (GB/T 32905) as required for 等保 level 3 password storage.

    The iteration count is a setting, so raising it upgrades stored hashes at the next login.
    """

    algorithm = "pbkdf2_sm3"
    digest = staticmethod(_sm3)

    def __init__(self) -> None:
        super().__init__()
        self.iterations = int(settings.PASSWORD_ITERATIONS)
