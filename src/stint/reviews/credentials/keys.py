"""The platform's signing key (STINT_SIGNING_KEY, or a development key under VAR_DIR), every key it
has used (remembered so old credentials still verify), and the key document published at
/p/keys/platform.json."""

from __future__ import annotations

import base64
import binascii
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from stint.reviews.credentials.encoding import b58decode, b58encode

ED25519_PUB_MULTICODEC = b"\xed\x01"

KEY_PATH = "/p/keys/platform.json"


def _load_pem(pem: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured("The signing key must be an Ed25519 key.")
    return key


def private_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def development_key_path() -> Path:
    return Path(settings.VAR_DIR) / "signing_key.pem"


def key_from_environment() -> bool:
    return bool(os.environ.get("STINT_SIGNING_KEY", "").strip())


def write_development_key(key: Ed25519PrivateKey) -> Path:
    """Replace var/signing_key.pem atomically (mode 0600): new signatures use `key`."""
    path = development_key_path()
    tmp = path.with_name(path.name + ".new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(private_key_pem(key))
    os.replace(tmp, path)
    platform_key.cache_clear()
    return path


def write_key_for_environment(key: Ed25519PrivateKey, path: Path) -> Path:
    """Write the value for STINT_SIGNING_KEY (base64 of the PEM) to a new file, 0600."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(base64.b64encode(private_key_pem(key)).decode() + "\n")
    return path


@lru_cache(maxsize=1)
def platform_key() -> Ed25519PrivateKey:
    raw = os.environ.get("STINT_SIGNING_KEY", "").strip()
    if raw:
        try:
            return _load_pem(base64.b64decode(raw, validate=True))
        except (binascii.Error, ValueError) as exc:
            raise ImproperlyConfigured(
                "STINT_SIGNING_KEY must be the base64 of an Ed25519 PKCS#8 PEM private key."
            ) from exc
    if getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured("STINT_SIGNING_KEY is required when STINT_ENV=production.")
    # A development key generated once and kept under var/ so credentials stay verifiable.
    path = development_key_path()
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process wrote it first
            pass
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(private_key_pem(Ed25519PrivateKey.generate()))
    return _load_pem(path.read_bytes())


def public_multibase(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + b58encode(ED25519_PUB_MULTICODEC + raw)


def site_url() -> str:
    return str(settings.SITE_URL).rstrip("/")


def issuer() -> dict[str, Any]:
    return {"id": site_url() + "/", "type": ["Profile"], "name": "Stint", "url": site_url() + "/"}


def key_document_url() -> str:
    return site_url() + KEY_PATH


def key_id(public: Ed25519PublicKey) -> str:
    return f"{key_document_url()}#{public_multibase(public)}"


def public_from_multibase(value: str) -> Ed25519PublicKey:
    raw = b58decode(value[1:]) if value.startswith("z") else b""
    if not raw.startswith(ED25519_PUB_MULTICODEC) or len(raw) != 34:
        raise ValueError("not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def _jwk(public: Ed25519PublicKey) -> dict[str, str]:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": base64.urlsafe_b64encode(raw).rstrip(b"=").decode(),
        "kid": key_id(public),
        "alg": "EdDSA",
        "use": "sig",
    }


def remember_key(public: Ed25519PublicKey) -> None:
    """Record that this key signs credentials, so it stays published after a rotation."""
    from stint.reviews.models import SigningKey

    SigningKey.objects.get_or_create(public_multibase=public_multibase(public))


def known_keys() -> dict[str, Ed25519PublicKey]:
    """Every key Stint has published, by key id: the current one first, then those it
    remembers (newest first)."""
    from stint.reviews.models import SigningKey

    current = platform_key().public_key()
    keys = {key_id(current): current}
    for value in SigningKey.objects.order_by("-created_at", "-pk").values_list(
        "public_multibase", flat=True
    ):
        try:
            public = public_from_multibase(value)
        except ValueError:
            continue
        keys.setdefault(key_id(public), public)
    return keys


def key_document(key: Ed25519PrivateKey | None = None) -> dict[str, Any]:
    """The controller document published at /p/keys/platform.json: every key that has
    signed credentials (the current one first), each a Multikey verification method.
    `publicKeyJwk` is the current key; `keys` lists them all as JWKs."""
    keys = {key_id(key.public_key()): key.public_key()} if key is not None else known_keys()
    current = next(iter(keys.values()))
    return {
        "@context": ["https://www.w3.org/ns/cid/v1", "https://w3id.org/security/multikey/v1"],
        "id": key_document_url(),
        "verificationMethod": [
            {
                "id": kid,
                "type": "Multikey",
                "controller": key_document_url(),
                "publicKeyMultibase": public_multibase(public),
            }
            for kid, public in keys.items()
        ],
        "assertionMethod": list(keys),
        "publicKeyJwk": _jwk(current),
        "keys": [_jwk(public) for public in keys.values()],
        "issuer": issuer(),
    }
