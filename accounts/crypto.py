"""Encrypt small secrets (the TOTP seed in users.mfa_secret) at rest, in Python.

Fernet (AES-128-CBC + HMAC-SHA256) with a key derived by HKDF-SHA256 from FIELD_ENCRYPTION_KEY, or
SECRET_KEY when that is unset, so a database dump alone never yields a usable secret. Old keys listed in
FIELD_ENCRYPTION_KEY_FALLBACKS (or SECRET_KEY_FALLBACKS) still decrypt, which allows rotation.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

__all__ = ["InvalidToken", "secret_decrypt", "secret_encrypt"]

_SALT = b"acqs.accounts.field-encryption"


def _fernet_for(material: str, purpose: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=purpose.encode()).derive(
        material.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _key_materials() -> list[str]:
    dedicated = getattr(settings, "FIELD_ENCRYPTION_KEY", None)
    if dedicated:
        return [dedicated, *getattr(settings, "FIELD_ENCRYPTION_KEY_FALLBACKS", [])]
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _multi_fernet(purpose: str) -> MultiFernet:
    return MultiFernet([_fernet_for(material, purpose) for material in _key_materials()])


def secret_encrypt(plaintext: str, *, purpose: str = "accounts.mfa_secret") -> str:
    """Return a Fernet token (ASCII, about 140 characters for a 32-character TOTP seed)."""
    return _multi_fernet(purpose).encrypt(plaintext.encode()).decode("ascii")


def secret_decrypt(token: str, *, purpose: str = "accounts.mfa_secret") -> str:
    """Return the plaintext; raise InvalidToken when no current or fallback key opens it."""
    try:
        return _multi_fernet(purpose).decrypt(token.encode("ascii")).decode()
    except (UnicodeError, TypeError, AttributeError) as error:
        raise InvalidToken from error
