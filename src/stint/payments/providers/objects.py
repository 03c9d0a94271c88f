"""Stripe-shaped objects read into provider-neutral states.

The Stripe adapter reads its API answers with these, and the webhook handler reads
`account.updated` and `setup_intent.succeeded` events with them (the sandbox's
events share Stripe's shapes, as in `sandbox.event_from_json`).

- A connected account (acct_…) is ready when `payouts_enabled` is true and its
  `transfers` capability, if listed, is `active` (a Transfer needs both); it is
  `restricted` once details were submitted but Stripe still holds it back
  (verifying, or more information due), and `pending` before that.
- An employer's setup is ready when its SetupIntent `succeeded` with a payment method.
"""

from __future__ import annotations

from typing import Any

from stint.payments.providers.base import AccountState


def _id(value: Any) -> str:
    """An id, or the id of an expanded object."""
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


def connected_account_state(obj: dict[str, Any]) -> AccountState:
    requirements = obj.get("requirements") or {}
    due: list[str] = []
    for key in ("past_due", "currently_due"):
        for item in requirements.get(key) or []:
            if str(item) not in due:
                due.append(str(item))
    transfers = (obj.get("capabilities") or {}).get("transfers")
    if obj.get("payouts_enabled") is True and transfers in (None, "active"):
        status = "ready"
    elif obj.get("details_submitted") is True:
        status = "restricted"
    else:
        status = "pending"
    return AccountState(
        external_id=_id(obj.get("id")), status=status, requirements=tuple(due), raw=obj
    )


def setup_intent_state(obj: dict[str, Any], *, customer: str = "") -> AccountState:
    payment_method = _id(obj.get("payment_method"))
    ready = obj.get("status") == "succeeded" and bool(payment_method)
    return AccountState(
        external_id=_id(obj.get("customer")) or customer,
        status="ready" if ready else "pending",
        payment_method=payment_method if ready else "",
        raw=obj,
    )


def checkout_session_state(obj: dict[str, Any]) -> AccountState:
    """A Checkout Session in setup mode, read with `expand[]=setup_intent`."""
    customer = _id(obj.get("customer"))
    intent = obj.get("setup_intent")
    if obj.get("status") == "complete" and isinstance(intent, dict):
        return setup_intent_state(intent, customer=customer)
    return AccountState(external_id=customer, status="pending", raw=obj)
