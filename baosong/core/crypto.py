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


# ---- SM4-GCM file encryption at rest ---------------------------------------------------------------
# Layout of a stored file: b"BSE1" | 12-byte nonce | ciphertext | 16-byte tag.
_MAGIC = b"BSE1"


def _file_key() -> bytes:
    key = bytes.fromhex(str(settings.FILE_ENCRYPTION_KEY))
    if len(key) != 16:
        raise ValueError("BAOSONG_FILE_KEY must be 32 hex characters (a 128-bit SM4 key)")
    return key


def sm4_gcm_encrypt(plain: bytes, *, associated: bytes = b"", key: bytes | None = None) -> bytes:
    """``key``: another SM4 key than the file key (a federation package's own)."""
    import os

    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    nonce = os.urandom(12)
    encryptor = Cipher(algorithms.SM4(key or _file_key()), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(associated)
    body = encryptor.update(plain) + encryptor.finalize()
    return _MAGIC + nonce + body + encryptor.tag


def sm4_gcm_decrypt(blob: bytes, *, associated: bytes = b"", key: bytes | None = None) -> bytes:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    if blob[:4] != _MAGIC or len(blob) < 4 + 12 + 16:
        raise ValueError("not an encrypted Baosong file")
    nonce, body, tag = blob[4:16], blob[16:-16], blob[-16:]
    decryptor = Cipher(algorithms.SM4(key or _file_key()), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(associated)
    return decryptor.update(body) + decryptor.finalize()
