"""SM2 signatures (GB/T 32918, GM/T 0003) with SM3 (GB/T 32905), the verifying half public to everyone.

The arithmetic is snowland-smx (``pysmx``), a maintained pure-Python implementation that draws its nonces
from ``secrets``. Signatures follow the standard "SM3withSM2" structure: the signer's Z value (the default
identifier ``1234567812345678`` and the public key) is hashed in front of the message, so a 密码机, a UKey or
``openssl dgst -sm3 -sigopt distid:1234567812345678 -verify`` checks them too. A signature is r‖s, 64 bytes.

The library checks neither the range of r and s nor that a public key lies on the curve: both are done here,
before any arithmetic, so a forged block cannot make verification do something other than say no.
"""

from __future__ import annotations

import base64
import hashlib

from pysmx.SM2 import Sign, Verify, kG, sm2_G, sm2_N
from pysmx.SM2._SM2 import get_random_str

DEFAULT_ID = b"1234567812345678"
_P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
_A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
_B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
# SubjectPublicKeyInfo prefix of an uncompressed SM2 key (id-ecPublicKey, curve 1.2.156.10197.1.301).
_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d034200")


def sm3(data: bytes) -> bytes:
    return hashlib.new("sm3", data).digest()


def key_id(public_key: bytes) -> str:
    """The key's fingerprint: SM3 of its 64-byte x‖y, in hex (the first 16 characters name it on pages)."""
    return sm3(public_key).hex()


def on_curve(public_key: bytes) -> bool:
    if len(public_key) != 64:
        return False
    x, y = int.from_bytes(public_key[:32], "big"), int.from_bytes(public_key[32:], "big")
    if not (0 <= x < _P and 0 <= y < _P):
        return False
    return (y * y - (x * x * x + _A * x + _B)) % _P == 0


def generate_keypair() -> tuple[bytes, bytes]:
    """(private key d, 32 bytes; public key x‖y, 64 bytes), d uniformly from [1, n-2] by ``secrets``."""
    d = get_random_str(64)
    while int(d, 16) >= sm2_N - 1:  # d = n-1 has no inverse of 1+d
        d = get_random_str(64)
    public = bytes.fromhex(kG(int(d, 16), sm2_G, 64))
    return bytes.fromhex(d), public


def public_from_private(private_key: bytes) -> bytes:
    return bytes.fromhex(kG(int.from_bytes(private_key, "big"), sm2_G, 64))


def sign(private_key: bytes, message: bytes) -> bytes:
    """SM3withSM2 over ``message`` with the default identifier: r‖s, 64 bytes."""
    while True:
        signature = Sign(message, private_key.hex(), get_random_str(64), 64, uid=DEFAULT_ID)
        if signature:  # None (r = 0, r + k = n, s = 0): with a fresh nonce, sign again
            return bytes(signature)


def verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    if len(signature) != 64 or not on_curve(public_key):
        return False
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    if not (1 <= r < sm2_N and 1 <= s < sm2_N):
        return False
    try:
        return bool(Verify(signature.hex(), message, public_key.hex(), 64, uid=DEFAULT_ID))
    except (ValueError, TypeError, IndexError):
        return False


def public_key_pem(public_key: bytes) -> str:
    """The key as OpenSSL and GmSSL read it (``openssl pkey -pubin -text``)."""
    body = base64.encodebytes(_SPKI_PREFIX + b"\x04" + public_key).decode().strip()
    return f"-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n"


def signature_der(signature: bytes) -> bytes:
    """r‖s as the DER SEQUENCE of two INTEGERs that OpenSSL verifies."""
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    return encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
