"""The kinds of notification people can tune, in the words they see."""

from __future__ import annotations

KINDS: dict[str, str] = {
    "application.received": "Someone applied to your opportunity",
    "application.withdrawn": "An applicant withdrew",
    "application.shortlisted": "You were shortlisted",
    "application.declined": "An application of yours was declined or closed",
    "offer.made": "You received an offer",
    "offer.accepted": "A candidate accepted your offer",
    "offer.declined": "A candidate declined your offer",
    "offer.expired": "An offer expired",
    "message.received": "A new message in an application thread",
    "invite.received": "An employer invited you to apply",
    "opportunity.saved_search_match": "New opportunities for a saved search",
}


def label_for(kind: str) -> str:
    return KINDS.get(kind, kind)
