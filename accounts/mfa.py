"""TOTP and recovery-code arithmetic for MFA: pure functions, no database.

TOTP follows RFC 6238 (30-second steps, 6 digits, SHA-1: what every authenticator app speaks) and
accepts one step of clock drift either way. Recovery codes carry 80 random bits, so an unsalted
SHA-256 is enough to keep them safe in a database dump, and needs no key that could be rotated away.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
import xml.etree.ElementTree as ET

import pyotp
import qrcode
import qrcode.image.svg

RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"  # base32: no 0/1/8/9 to confuse with o/l/b/g
_RECOVERY_LENGTH = 16  # 16 × 5 bits = 80 bits
_TOTP_CODE = re.compile(r"\d{6}")
DRIFT_STEPS = 1

SVG_NAMESPACE = "http://www.w3.org/2000/svg"


def totp_secret_new() -> str:
    """Return a fresh 160-bit base32 secret."""
    return pyotp.random_base32(length=32)


def totp_secret_grouped(secret: str) -> str:
    """Return the secret in groups of four, easier to type into an authenticator by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def totp_matching_step(secret: str, code: str, *, now: float | None = None) -> int | None:
    """Return the time step whose code equals `code` (within the allowed drift), or None."""
    if not _TOTP_CODE.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if now is None else now
    step = int(now // totp.interval)
    for offset in range(-DRIFT_STEPS, DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step + offset), code):
            return step + offset
    return None


def code_normalise(raw: str) -> str:
    """Strip spaces and dashes, lower-case, and read 0/1 as o/l (recovery codes never contain 0 or 1)."""
    cleaned = re.sub(r"[\s\-]", "", raw or "").lower()
    if _TOTP_CODE.fullmatch(cleaned):
        return cleaned
    return cleaned.replace("0", "o").replace("1", "l")


def code_is_totp(code: str) -> bool:
    return bool(_TOTP_CODE.fullmatch(code))


def recovery_codes_new(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """Return `count` new codes, formatted xxxx-xxxx-xxxx-xxxx for reading aloud or writing down."""
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append("-".join(raw[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4)))
    return codes


def recovery_code_hash(code: str) -> str:
    """Return the hex SHA-256 of a code in its normalised form (so formatting never matters)."""
    return hashlib.sha256(code_normalise(code).encode()).hexdigest()


def recovery_code_plausible(code: str) -> bool:
    normalised = code_normalise(code)
    return len(normalised) == _RECOVERY_LENGTH and all(c in _RECOVERY_ALPHABET for c in normalised)


def qr_code_svg(data: str, *, label: str, size_px: int = 220) -> str:
    """Return an inline <svg> QR code of `data` (no external request, no image file)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathFillImage, border=4)
    root = ET.fromstring(image.to_string(encoding="unicode"))  # noqa: S314 (qrcode's own output)
    # Written without namespace prefixes, whatever ElementTree's process-wide prefix registry holds:
    # another library can change it (WeasyPrint's import does), and <ns0:svg> is no image in HTML.
    for element in root.iter():
        element.tag = element.tag.rpartition("}")[2]
    root.attrib = {"xmlns": SVG_NAMESPACE, **root.attrib}
    root.set("width", str(size_px))
    root.set("height", str(size_px))
    root.set("role", "img")
    root.set("aria-label", label)
    return ET.tostring(root, encoding="unicode")
