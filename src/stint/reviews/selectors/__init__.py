"""Reads for reviews, reputation, verified skills, portfolios, credentials, follow-ups and
outcomes. `access_engagement` fetches and authorises in one call: outsiders get NotFound, so ids
never reveal which engagements exist.

By area: `access` (an engagement and the actor's side), `review` (the review page of one
engagement), `reputation` (the reviews that count toward a candidate or an employer),
`portfolio` (the public portfolio page), `credential_status` (verifying a credential and the
revocation lists), `follow_ups` (offers of a longer role, the employer's follow-up rate),
`outcomes` (the employer's and the candidate's charts), `references`. Callers import this
package; the names below are its public reads."""

from __future__ import annotations

from stint.reviews.selectors.access import (
    STAFF,
    access_engagement,
    access_party_engagement,
    approval_time,
    is_member,
    side_of,
)
from stint.reviews.selectors.credential_status import (
    credential_by_id,
    credential_check,
    revocation_list,
)
from stint.reviews.selectors.follow_ups import access_follow_up, employer_stats, follow_ups_for
from stint.reviews.selectors.outcomes import (
    CandidateOutcomes,
    EmployerOutcomes,
    GoalProgress,
    candidate_outcomes,
    employer_outcomes,
)
from stint.reviews.selectors.portfolio import PortfolioView, portfolio_page, verified_skills_of
from stint.reviews.selectors.references import (
    access_reference,
    live_shares,
    public_references,
    references_for,
)
from stint.reviews.selectors.reputation import (
    ReputationView,
    access_employer,
    candidate_received,
    candidate_reputation,
    employer_received,
    employer_reputation,
)
from stint.reviews.selectors.review import (
    ReviewState,
    required_skills,
    review_state,
    reviews_for,
    visible_reviews_for,
)

__all__ = [
    "STAFF",
    "CandidateOutcomes",
    "EmployerOutcomes",
    "GoalProgress",
    "PortfolioView",
    "ReputationView",
    "ReviewState",
    "access_employer",
    "access_engagement",
    "access_follow_up",
    "access_party_engagement",
    "access_reference",
    "approval_time",
    "candidate_outcomes",
    "candidate_received",
    "candidate_reputation",
    "credential_by_id",
    "credential_check",
    "employer_outcomes",
    "employer_received",
    "employer_reputation",
    "employer_stats",
    "follow_ups_for",
    "is_member",
    "live_shares",
    "portfolio_page",
    "public_references",
    "references_for",
    "required_skills",
    "review_state",
    "reviews_for",
    "revocation_list",
    "side_of",
    "verified_skills_of",
    "visible_reviews_for",
]
