"""Where the private keys live: one interface, chosen by ``BAOSONG_SIGNER`` (a dotted path).

The software signer keeps each unit's SM2 private key in the database, SM4-GCM encrypted under the file key
(``BAOSONG_FILE_KEY``, kept outside the database) and bound to its key id, so a row copied to another key's
place does not decrypt. A certified 密码机 or UKey driver implements the same two methods and keeps the key
in the device: ``secret`` is then the device's handle for it (its index or label), never key material.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from baosong.core.crypto import sm4_gcm_decrypt, sm4_gcm_encrypt
from baosong.signing import sm2


@dataclass(frozen=True)
class NewKey:
    public_key: bytes  # x‖y, 64 bytes
    secret: bytes  # what the backend needs to sign later: an encrypted key, or a device handle


class Signer(Protocol):
    """Generates SM2 key pairs and signs with them; verifying needs only the public key (``sm2.verify``)."""

    name: str

    def generate(self) -> NewKey: ...

    def sign(self, *, public_key: bytes, secret: bytes, message: bytes) -> bytes:
        """SM3withSM2 (default identifier) over ``message``: r‖s, 64 bytes."""
        ...


def _associated(public_key: bytes) -> bytes:
    return b"baosong-signing-key|" + sm2.key_id(public_key).encode()


class SoftwareSigner:
    name = "software"

    def generate(self) -> NewKey:
        private, public = sm2.generate_keypair()
        return NewKey(public, sm4_gcm_encrypt(private, associated=_associated(public)))

    def sign(self, *, public_key: bytes, secret: bytes, message: bytes) -> bytes:
        private = sm4_gcm_decrypt(secret, associated=_associated(public_key))
        if sm2.public_from_private(private) != public_key:  # a swapped or damaged key row: refuse to sign
            raise ValueError("the stored private key does not match its public key")
        return sm2.sign(private, message)


@functools.cache
def _load(path: str) -> Signer:
    signer: Signer = import_string(path)()
    return signer


def get_signer() -> Signer:
    return _load(str(settings.SIGNER))
