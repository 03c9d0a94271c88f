"""The tool's own RSA key: made on first use, private half encrypted at rest with
a key derived from SECRET_KEY, public half published as a JWKS."""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import IntegrityError, transaction
from jwcrypto.jwk import JWK

from stint.lti.models import ToolKey


def _fernet() -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"stint-lti-tool-key", info=b"fernet"
    ).derive(settings.SECRET_KEY.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def public_jwk(public_pem: str) -> dict[str, Any]:
    jwk = JWK.from_pem(public_pem.encode())
    data: dict[str, Any] = json.loads(jwk.export_public())
    data.update(kid=jwk.thumbprint(), alg="RS256", use="sig")
    return data


def _new_key() -> ToolKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return ToolKey(
        kid=public_jwk(public_pem)["kid"],
        public_pem=public_pem,
        private_encrypted=_fernet().encrypt(private_pem),
    )


def current_key() -> ToolKey:
    """The active key, made once; two first requests racing both end with the same row."""
    key = ToolKey.objects.filter(active=True).first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            key = _new_key()
            key.save()
            return key
    except IntegrityError:
        return ToolKey.objects.get(active=True)


def private_pem(key: ToolKey) -> str:
    return _fernet().decrypt(bytes(key.private_encrypted)).decode()


def jwks() -> dict[str, Any]:
    """Every key the tool still has (old ones too: a platform may hold a token
    signed just before a rotation)."""
    current_key()
    return {"keys": [public_jwk(k.public_pem) for k in ToolKey.objects.order_by("-created_at")]}
