"""Writes for applications: apply, the employer's pipeline, offers, the
no-ghosting sweeps, apply invites and the thread of each application.

By area: `applying` (apply, withdraw, invites to apply), `pipeline` (shortlist,
decline, in bulk), `offers` (make, revise, withdraw, counter), `offer_decisions`
(accept, decline, expiry), `no_ghosting` (the sweeps), `thread` (messages);
`common` holds the helpers they share (the one status change, `_move`).
Callers import this package; the names below are its public services.

Row locks are always taken in one order: Opportunity → Application → Offer.
"""

from __future__ import annotations

from stint.applications.services.applying import (
    application_submit,
    application_withdraw,
    apply_invite_create,
)
from stint.applications.services.no_ghosting import (
    application_auto_decline_if_stale,
    applications_auto_decline_stale,
    applications_close_for_opportunity,
)
from stint.applications.services.offer_decisions import (
    offer_accept,
    offer_decline,
    offer_expire,
    offers_expire_due,
    on_offer_accepted,
)
from stint.applications.services.offers import (
    offer_counter,
    offer_make,
    offer_revise,
    offer_withdraw,
)
from stint.applications.services.pipeline import (
    BULK_ACTIONS,
    MAX_BULK,
    application_decline,
    application_shortlist,
    applications_bulk,
)
from stint.applications.services.thread import message_send, thread_mark_read

__all__ = [
    "BULK_ACTIONS",
    "MAX_BULK",
    "application_auto_decline_if_stale",
    "application_decline",
    "application_shortlist",
    "application_submit",
    "application_withdraw",
    "applications_auto_decline_stale",
    "applications_bulk",
    "applications_close_for_opportunity",
    "apply_invite_create",
    "message_send",
    "offer_accept",
    "offer_counter",
    "offer_decline",
    "offer_expire",
    "offer_make",
    "offer_revise",
    "offer_withdraw",
    "offers_expire_due",
    "on_offer_accepted",
    "thread_mark_read",
]
