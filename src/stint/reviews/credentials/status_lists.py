"""Revocation with the W3C Bitstring Status List: each credential's `credentialStatus` entry, the
GZIP + base64url bitstring, and the signed status list credential published at
/p/status/<n>.json."""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from stint.reviews.credentials.encoding import iso
from stint.reviews.credentials.keys import issuer, site_url
from stint.reviews.credentials.signing import VC_CONTEXT, sign

STATUS_PATH = "/p/status/{n}.json"

STATUS_LIST_SIZE = 131_072  # entries per list: 16 KiB of bits, the spec's minimum

STATUS_TTL_SECONDS = 300  # how long a fetched status list may be cached


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
