"""Signing a document with an `eddsa-jcs-2022` Data Integrity proof, and verifying a credential's
proof against the keys Stint publishes (revocation is checked on top by
`reviews.selectors.credential_check`)."""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from stint.reviews.credentials.encoding import CanonicalisationError, b58decode, b58encode, iso, jcs
from stint.reviews.credentials.keys import issuer, key_id, known_keys, platform_key

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"

OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

CONTEXTS = [VC_CONTEXT, OB_CONTEXT]

TYPES = ["VerifiableCredential", "OpenBadgeCredential"]

CRYPTOSUITE = "eddsa-jcs-2022"

PROOF_TYPE = "DataIntegrityProof"


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
