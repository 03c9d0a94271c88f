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

By area: `encoding` (base58, JCS, timestamps), `keys` (the platform key, rotation's remembered
keys, the published key document), `signing` (the proof, and verifying a credential),
`status_lists` (revocation). Callers import this package; the names below are its public
functions."""

from __future__ import annotations

from stint.reviews.credentials.encoding import CanonicalisationError, b58decode, b58encode, iso, jcs
from stint.reviews.credentials.keys import (
    ED25519_PUB_MULTICODEC,
    KEY_PATH,
    development_key_path,
    issuer,
    key_document,
    key_document_url,
    key_from_environment,
    key_id,
    known_keys,
    platform_key,
    private_key_pem,
    public_from_multibase,
    public_multibase,
    remember_key,
    site_url,
    write_development_key,
    write_key_for_environment,
)
from stint.reviews.credentials.signing import (
    CONTEXTS,
    CRYPTOSUITE,
    OB_CONTEXT,
    PROOF_TYPE,
    TYPES,
    VC_CONTEXT,
    Verification,
    _plain_name,
    proof_valid,
    sign,
    verify,
)
from stint.reviews.credentials.status_lists import (
    STATUS_LIST_SIZE,
    STATUS_PATH,
    STATUS_TTL_SECONDS,
    decode_status_list,
    encode_status_list,
    status_bit,
    status_entry,
    status_list_credential,
    status_list_url,
)

__all__ = [
    "CONTEXTS",
    "CRYPTOSUITE",
    "ED25519_PUB_MULTICODEC",
    "KEY_PATH",
    "OB_CONTEXT",
    "PROOF_TYPE",
    "STATUS_LIST_SIZE",
    "STATUS_PATH",
    "STATUS_TTL_SECONDS",
    "TYPES",
    "VC_CONTEXT",
    "CanonicalisationError",
    "Verification",
    "_plain_name",
    "b58decode",
    "b58encode",
    "decode_status_list",
    "development_key_path",
    "encode_status_list",
    "iso",
    "issuer",
    "jcs",
    "key_document",
    "key_document_url",
    "key_from_environment",
    "key_id",
    "known_keys",
    "platform_key",
    "private_key_pem",
    "proof_valid",
    "public_from_multibase",
    "public_multibase",
    "remember_key",
    "sign",
    "site_url",
    "status_bit",
    "status_entry",
    "status_list_credential",
    "status_list_url",
    "verify",
    "write_development_key",
    "write_key_for_environment",
]
