"""The encodings a credential's proof uses: base58-btc, JCS canonical JSON (RFC 8785, no floats)
and second-precision UTC timestamps."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

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
