"""Writes for reviews, verified skills, portfolios, credentials and follow-up offers.

Row locks are always taken in one order: Engagement → Review / FollowUpOffer → CandidateProfile
(for verified skill claims).

By area: `review` (each side's review of an engagement), `verified_skills` (skills an employer
confirms, mirrored as "verified" skill claims), `portfolio` (the public page's address and
settings), `issuing` (a candidate's signed Open Badges credential, issued once and revocable),
`signing_keys` (rotating the platform's signing key), `follow_ups` (offers of a longer role to a
past intern). Callers import this package; the names below are its public services."""

from __future__ import annotations

from stint.reviews.services.follow_ups import (
    _with_article,
    follow_up_accept,
    follow_up_create,
    follow_up_decline,
    follow_up_withdraw,
)
from stint.reviews.services.issuing import credential_document, credential_issue, credential_revoke
from stint.reviews.services.portfolio import portfolio_get_or_create, portfolio_update
from stint.reviews.services.review import review_create
from stint.reviews.services.signing_keys import Rotation, signing_key_rotate
from stint.reviews.services.verified_skills import verified_skills_confirm

__all__ = [
    "Rotation",
    "_with_article",
    "credential_document",
    "credential_issue",
    "credential_revoke",
    "follow_up_accept",
    "follow_up_create",
    "follow_up_decline",
    "follow_up_withdraw",
    "portfolio_get_or_create",
    "portfolio_update",
    "review_create",
    "signing_key_rotate",
    "verified_skills_confirm",
]
