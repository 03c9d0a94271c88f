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


def label_for(kind: str) -> str:
    return KINDS.get(kind, kind)
