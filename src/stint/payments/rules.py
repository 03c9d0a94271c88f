"""Money arithmetic of the ledger, pure and tested without a database.

Every split hands out exactly what it is given: shares are rounded down and the
remainder goes to a named party, so rounding never creates or loses a minor unit.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from stint.core.money import Money

FEE_PAYERS = ("employer", "candidate")


def platform_fee(fee: Money, bps: int) -> Money:
    """The platform's cut of a fee: bps/10000, rounded down."""
    share, _ = fee.split(bps)
    return share


def funding_amount(fee: Money, bps: int, payer: str) -> Money:
    """What goes into escrow for a fee: the fee, plus the platform fee if the employer pays it."""
    if payer not in FEE_PAYERS:
        raise ValueError(f"Unknown platform fee payer {payer!r}")
    if fee.amount <= 0:
        raise ValueError("A fee is positive")
    return fee + platform_fee(fee, bps) if payer == "employer" else fee


@dataclass(frozen=True)
class Terms:
    """What an escrow was funded with (summed over its funding transactions)."""

    funded: int  # minor units paid into escrow
    fee: int  # of which the candidate's fee (gross)
    platform_fee: int  # of which the platform's fee
    payer: str  # who bears the platform fee


def release_parts(left: int, terms: Terms) -> tuple[int, int]:
    """Split what is left in escrow into (to candidate, to platform).

    When nothing has left the escrow yet (left == funded) the platform gets exactly
    the platform fee; otherwise its share is pro rata, rounded down, and the
    candidate gets the rest."""
    if left < 0 or terms.funded <= 0:
        raise ValueError("Nothing to release")
    to_platform = left * terms.platform_fee // terms.funded
    return left - to_platform, to_platform


def part_release_parts(part: int, released_before: int, terms: Terms) -> tuple[int, int]:
    """Release `part` of the (gross) fee after `released_before` of it left in earlier
    parts (milestones): (to candidate, to platform).

    The platform's cut is cumulative, `released × platform_fee // fee` rounded down,
    so each part gets the difference: once the parts add up to the fee the platform
    has exactly the platform fee and escrow is empty, whatever the order or sizes. The
    candidate gets the part (employer pays the platform fee, on top, from escrow) or
    the part less the cut (candidate pays it)."""
    if part <= 0 or released_before < 0:
        raise ValueError("Release a positive part")
    if terms.fee <= 0 or released_before + part > terms.fee:
        raise ValueError("More than the fee")

    def cut(released: int) -> int:
        return released * terms.platform_fee // terms.fee

    to_platform = cut(released_before + part) - cut(released_before)
    to_candidate = part if terms.payer == "employer" else part - to_platform
    return to_candidate, to_platform


def split_parts(left: int, to_candidate_fee: int, terms: Terms) -> tuple[int, int, int]:
    """A partial release: `to_candidate_fee` of the fee goes to the candidate's side.

    Returns (to candidate, to platform, refunded to the employer), which sum to
    `left`. The platform fee is charged pro rata on the released share (rounded
    down); it is taken from the candidate's share when the candidate pays it,
    and from escrow on top of it when the employer does."""
    if to_candidate_fee < 0:
        raise ValueError("to_candidate is not negative")
    fee_left = fee_left_in(left, terms)
    if to_candidate_fee > fee_left:
        raise ValueError("More than the fee left in escrow")
    platform_left = left - fee_left if terms.payer == "employer" else release_parts(left, terms)[1]
    to_platform = platform_left * to_candidate_fee // fee_left if fee_left else 0
    to_candidate = to_candidate_fee if terms.payer == "employer" else to_candidate_fee - to_platform
    refund = left - to_candidate - to_platform
    return to_candidate, to_platform, refund


def fee_left_in(left: int, terms: Terms) -> int:
    """How much of the (gross) fee is still in escrow."""
    if terms.payer == "employer":
        _, to_platform = release_parts(left, terms)
        return left - to_platform
    return left


def allocate(amount: int, sources: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Take `amount` from sources in order (each up to what it has left)."""
    parts: list[tuple[str, int]] = []
    rest = amount
    for name, available in sources:
        if rest <= 0:
            break
        take = min(rest, available)
        if take > 0:
            parts.append((name, take))
            rest -= take
    if rest > 0:
        raise ValueError("Sources cannot cover the amount")
    return parts


def fingerprint(operation: str, **args: Any) -> str:
    """A stable digest of an operation and its arguments (for idempotency checks)."""
    blob = json.dumps({"op": operation, **args}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def valid_country(code: str) -> bool:
    """An ISO 3166-1 alpha-2 shape (the provider says whether it supports it)."""
    return re.fullmatch(r"[A-Z]{2}", code) is not None


def masked(reference: str) -> str:
    """A provider id shown to its owner without printing it whole: `acct_…EwkZ`."""
    if len(reference) <= 8:
        return reference
    head = reference.split("_", 1)[0] + "_" if "_" in reference else ""
    return f"{head}…{reference[-4:]}"
