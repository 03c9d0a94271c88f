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
    "offer.withdrawn": "An employer withdrew or revised an offer to you",
    "offer.countered": "A candidate proposed another fee for your offer",
    "message.received": "A new message in an application thread",
    "invite.received": "An employer invited you to apply",
    "opportunity.saved_search_match": "New opportunities for a saved search",
    "engagement.funded": "Escrow was funded and work can start",
    "engagement.started": "Work started on an engagement",
    "engagement.submitted": "Work was submitted for your review",
    "engagement.changes_requested": "Changes were requested on your work",
    "engagement.paid": "An engagement was approved and paid",
    "engagement.review_reminder": "A submission is waiting for your review",
    "engagement.cancelled": "An engagement was cancelled",
    "engagement.split_proposed": "A partial payment was proposed",
    "engagement.dispute": "A dispute was opened or resolved",
    "payments.setup": "Your payout account became ready or needs attention",
    "growth.interview": "Interview times proposed, booked, moved or cancelled",
    "growth.feedback": "Mid-point feedback asked for or given",
    "growth.reference": "A reference was requested, written or declined",
    "growth.connection": "Someone wants to connect, or accepted",
    "moderation.verification": "Your employer verification was decided",
    "moderation.posting": "A posting of yours was reviewed",
    "moderation.warning": "A warning from the platform's moderators",
    "privacy.export_ready": "Your data export is ready",
    "program.proposal": "An institution invited your opportunity to a cohort program",
    "review.received": "Someone reviewed an engagement of yours",
    "skills.verified": "An employer verified your skills",
    "credential.revoked": "A credential of yours was revoked by the platform",
    "follow_up.offered": "An employer invited you to a longer role",
    "follow_up.decided": "A follow-up offer was answered or withdrawn",
}


# Who each kind is for, by role (`User.roles`): the settings page lists only the kinds a
# person can receive, so a candidate is not asked about "Someone applied to your opportunity".
_C, _E = "candidate", "employer"
EVERYONE = frozenset({"candidate", "employer", "institution", "admin"})
AUDIENCES: dict[str, frozenset[str]] = {
    "application.received": frozenset({_E}),
    "application.withdrawn": frozenset({_E}),
    "application.shortlisted": frozenset({_C}),
    "application.declined": frozenset({_C}),
    "offer.made": frozenset({_C}),
    "offer.accepted": frozenset({_E}),
    "offer.declined": frozenset({_E}),
    "offer.expired": frozenset({_C, _E}),
    "offer.withdrawn": frozenset({_C}),
    "offer.countered": frozenset({_E}),
    "message.received": frozenset({_C, _E}),
    "invite.received": frozenset({_C}),
    "opportunity.saved_search_match": frozenset({_C}),
    "engagement.funded": frozenset({_C, _E}),
    "engagement.started": frozenset({_C, _E}),
    "engagement.submitted": frozenset({_E}),
    "engagement.changes_requested": frozenset({_C}),
    "engagement.paid": frozenset({_C, _E}),
    "engagement.review_reminder": frozenset({_E}),
    "engagement.cancelled": frozenset({_C, _E}),
    "engagement.split_proposed": frozenset({_C, _E}),
    "engagement.dispute": frozenset({_C, _E, "admin"}),
    "payments.setup": frozenset({_C, _E}),
    "growth.interview": frozenset({_C, _E}),
    "growth.feedback": frozenset({_C, _E}),
    "growth.reference": frozenset({_C, _E}),
    "growth.connection": frozenset({_C}),
    "moderation.verification": frozenset({_E, "institution"}),
    "moderation.posting": frozenset({_E}),
    "moderation.warning": EVERYONE,
    "privacy.export_ready": EVERYONE,
    "program.proposal": frozenset({_E}),
    "review.received": frozenset({_C, _E}),
    "skills.verified": frozenset({_C}),
    "credential.revoked": frozenset({_C}),
    "follow_up.offered": frozenset({_C}),
    "follow_up.decided": frozenset({_E}),
}


def kinds_for(roles: frozenset[str]) -> list[str]:
    """The kinds someone with `roles` can receive (every kind while they have none yet)."""
    if not roles:
        return list(KINDS)
    return [kind for kind in KINDS if AUDIENCES.get(kind, EVERYONE) & roles]
