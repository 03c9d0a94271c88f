"""Open Badges 3.0 credentials signed with a Data Integrity proof (`eddsa-jcs-2022`).

- The document is a W3C Verifiable Credential (v2 context + the OB 3.0 context).
- Canonical form is JCS (RFC 8785): sorted keys, no whitespace, UTF-8. Our documents
  hold no floats; a document with one is refused rather than guessed at.
- The proof follows the cryptosuite: hash = SHA-256(JCS(proof options)) ||
  SHA-256(JCS(document without proof)); signature = Ed25519(hash); proofValue is
  base58-btc multibase ("z…").
- The platform key comes from STINT_SIGNING_KEY (base64 of a PKCS#8 PEM) or, in
  development, from VAR_DIR/signing_key.pem, generated once (as SECRET_KEY is).
  Its public half is published as a Multikey (and a JWK) at /p/keys/platform.json.
- Key rotation (`manage.py rotate_signing_key`): every key that has signed a
  credential is remembered (`SigningKey`, public half only) and stays published in
  the same document, each as its own verification method whose id (`kid`) is the
  key document URL + "#" + its multibase; the proof's `verificationMethod` names
  it, so credentials signed before a rotation still verify. New ones use the new key.
- Revocation: credentials carry a `credentialStatus` entry of the W3C Bitstring
  Status List (purpose `revocation`) pointing at a signed status list credential
  published at /p/status/<n>.json (131,072 entries, GZIP + base64url, multibase
  "u"). The bit says revoked or not; Stint's own verifier (page and API) also
  reports the date and reason from the database.
"""

from __future__ import annotations

import base64
import binascii
import copy
import gzip
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CONTEXTS = [VC_CONTEXT, OB_CONTEXT]
TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
CRYPTOSUITE = "eddsa-jcs-2022"
PROOF_TYPE = "DataIntegrityProof"
ED25519_PUB_MULTICODEC = b"\xed\x01"
KEY_PATH = "/p/keys/platform.json"
STATUS_PATH = "/p/status/{n}.json"
STATUS_LIST_SIZE = 131_072  # entries per list: 16 KiB of bits, the spec's minimum
STATUS_TTL_SECONDS = 300  # how long a fetched status list may be cached


# --- Encodings ---------------------------------------------------------------------------

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = _B58[r] + out
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + out


def b58decode(text: str) -> bytes:
    n = 0
    for c in text:
        if c not in _B58_INDEX:
            raise ValueError(f"{c!r} is not a base58 character")
        n = n * 58 + _B58_INDEX[c]
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + body


class CanonicalisationError(ValueError):
    pass


def _check_no_floats(value: Any, path: str = "") -> None:
    if isinstance(value, float):
        raise CanonicalisationError(f"{path or 'the document'} holds a fractional number")
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                raise CanonicalisationError("object keys must be strings")
            _check_no_floats(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_no_floats(v, f"{path}[{i}]")


def jcs(value: Any) -> bytes:
    """RFC 8785 canonical JSON for documents without floats (keys here are ASCII, so
    sorting by code point equals JCS's UTF-16 order)."""
    _check_no_floats(value)
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def iso(when: datetime) -> str:
    return when.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- The platform key --------------------------------------------------------------------


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


# --- Revocation: the Bitstring Status List -------------------------------------------------


def status_list_url(list_no: int) -> str:
    return site_url() + STATUS_PATH.format(n=list_no)


def status_entry(list_no: int, index: int) -> dict[str, str]:
    """The `credentialStatus` of a credential at `index` of revocation list `list_no`."""
    url = status_list_url(list_no)
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def encode_status_list(revoked: Iterable[int], size: int = STATUS_LIST_SIZE) -> str:
    """`encodedList`: the bitstring (index 0 is the first byte's most significant bit),
    GZIP-compressed, base64url without padding, multibase prefix "u"."""
    bits = bytearray(size // 8)
    for index in revoked:
        if not 0 <= index < size:
            raise ValueError(f"status index {index} is outside the list")
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode()


def decode_status_list(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (u…)")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def status_bit(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(
    list_no: int, revoked: Iterable[int], *, now: datetime, key: Ed25519PrivateKey | None = None
) -> dict[str, Any]:
    """The signed BitstringStatusListCredential of revocation list `list_no`."""
    url = status_list_url(list_no)
    document = {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer(),
        "validFrom": iso(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_status_list(revoked),
            "ttl": STATUS_TTL_SECONDS * 1000,  # milliseconds: fetch again after this
        },
    }
    return sign(document, created=now, key=key)


# --- Signing and verifying ---------------------------------------------------------------


def _hash_data(document: dict[str, Any], proof_config: dict[str, Any]) -> bytes:
    return hashlib.sha256(jcs(proof_config)).digest() + hashlib.sha256(jcs(document)).digest()


def sign(
    document: dict[str, Any], *, created: datetime, key: Ed25519PrivateKey | None = None
) -> dict[str, Any]:
    """Return a copy of `document` with an `eddsa-jcs-2022` DataIntegrityProof."""
    key = key or platform_key()
    unsecured = copy.deepcopy(document)
    unsecured.pop("proof", None)
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": iso(created),
        "verificationMethod": key_id(key.public_key()),
        "proofPurpose": "assertionMethod",
    }
    if "@context" in unsecured:
        proof["@context"] = unsecured["@context"]
    signature = key.sign(_hash_data(unsecured, proof))
    proof["proofValue"] = "z" + b58encode(signature)
    return {**unsecured, "proof": proof}


@dataclass(frozen=True)
class Verification:
    valid: bool
    code: str
    reason: str
    credential_id: str | None = None
    issued_to: str | None = None
    achievement: str | None = None
    valid_from: str | None = None
    key_id: str | None = None  # the verification method (kid) that signed it
    revoked_at: str | None = None
    revocation_reason: str | None = None


def _bad(code: str, reason: str) -> Verification:
    return Verification(valid=False, code=code, reason=reason)


def verify(
    document: Any,
    *,
    public: Ed25519PublicKey | None = None,
    keys: dict[str, Ed25519PublicKey] | None = None,
) -> Verification:
    """Check a credential's signature against Stint's published keys (or only `public`,
    or `keys` by key id); never raises on bad input. Revocation is checked on top of
    this by `reviews.selectors.credential_check`."""
    if not isinstance(document, dict):
        return _bad("not_an_object", "A credential is a JSON object.")
    proof = document.get("proof")
    if not isinstance(proof, dict):
        return _bad("no_proof", "The credential carries no single proof object.")
    context = document.get("@context")
    if not isinstance(context, list) or context[:2] != CONTEXTS:
        return _bad("bad_context", "The @context is not that of an Open Badges 3.0 credential.")
    types = document.get("type")
    if not isinstance(types, list) or not all(t in types for t in TYPES):
        return _bad(
            "bad_type", "The type must include VerifiableCredential and OpenBadgeCredential."
        )
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        return _bad("bad_proof_type", f"Only {PROOF_TYPE} proofs with {CRYPTOSUITE} are accepted.")
    if proof.get("proofPurpose") != "assertionMethod":
        return _bad("bad_proof_purpose", "The proof purpose must be assertionMethod.")
    if public is not None:
        keys = {key_id(public): public}
    elif keys is None:
        keys = known_keys()
    kid = proof.get("verificationMethod")
    signer = keys.get(kid) if isinstance(kid, str) else None
    if signer is None:
        return _bad("unknown_key", "The credential was not signed with a key Stint publishes.")
    issuer_field = document.get("issuer")
    issuer_id = issuer_field.get("id") if isinstance(issuer_field, dict) else issuer_field
    if issuer_id != issuer()["id"]:
        return _bad("unknown_issuer", "The issuer is not this Stint platform.")
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        return _bad("bad_proof_value", "The proofValue must be base58-btc multibase (z…).")
    try:
        signature = b58decode(value[1:])
    except ValueError:
        return _bad("bad_proof_value", "The proofValue is not valid base58.")
    if len(signature) != 64:
        return _bad("bad_proof_value", "The proofValue is not an Ed25519 signature.")
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in config and config["@context"] != unsecured.get("@context"):
        return _bad("bad_context", "The proof's @context differs from the credential's.")
    try:
        data = _hash_data(unsecured, config)
    except (CanonicalisationError, TypeError, ValueError) as exc:
        return _bad("not_canonical", f"The credential cannot be canonicalised: {exc}.")
    try:
        signer.verify(signature, data)
    except InvalidSignature:
        return _bad(
            "bad_signature",
            "The signature does not match: the credential was changed after it was signed, "
            "or signed by another key.",
        )
    subject = document.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, dict) else {}
    return Verification(
        valid=True,
        code="valid",
        reason="Signed by Stint and unchanged since it was issued.",
        credential_id=_text(document.get("id")),
        issued_to=_text(subject.get("name")) or _plain_name(subject.get("identifier")),
        achievement=_text(achievement.get("name")),
        valid_from=_text(document.get("validFrom")),
        key_id=kid,
    )


def _plain_name(identifiers: Any) -> str | None:
    """Credentials issued before `credentialSubject.name` carry the name only as an
    unhashed `IdentityObject` of type name."""
    if not isinstance(identifiers, list):
        return None
    for item in identifiers:
        if (
            isinstance(item, dict)
            and item.get("identityType") == "name"
            and item.get("hashed") is False
        ):
            return _text(item.get("identityHash"))
    return None


def proof_valid(document: Any, keys: dict[str, Ed25519PublicKey] | None = None) -> bool:
    """Only the Data Integrity proof of any document Stint signs (a credential, or a
    status list credential), against its published keys."""
    if not isinstance(document, dict) or not isinstance(document.get("proof"), dict):
        return False
    proof = document["proof"]
    signer = (keys if keys is not None else known_keys()).get(proof.get("verificationMethod"))
    value = proof.get("proofValue")
    if signer is None or not isinstance(value, str) or not value.startswith("z"):
        return False
    try:
        signer.verify(
            b58decode(value[1:]),
            _hash_data(
                {k: v for k, v in document.items() if k != "proof"},
                {k: v for k, v in proof.items() if k != "proofValue"},
            ),
        )
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
