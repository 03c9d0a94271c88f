"""Reads for applications, offers and threads, and the access checks that
fetch and authorise in one call.

By area: `access` (access_<entity> and who is on which side), `applications`
(lists, details, offers' charges, response rates), `threads` (messages, inbox,
unread), `dashboards`, `interviews`; `common` holds what they share.
Callers import this package; the names below are its public reads.
"""

from __future__ import annotations

from stint.applications.selectors.access import (
    Side,
    access_applicant,
    access_application,
    access_attachment,
    access_offer,
    access_opportunity_as_employer,
    is_affiliated,
    is_invited,
    is_member,
    opportunity_for_applying,
    side_of,
)
from stint.applications.selectors.applications import (
    RESPONSE_WINDOW_DAYS,
    OfferCharge,
    applicants_ranked,
    applications_detail,
    applications_of_candidate,
    employer_response_stats,
    engagement_id_of,
    invites_of,
    live_offer,
    next_step_for,
    offer_charge,
    open_application_count,
    public_portfolio_slug,
)
from stint.applications.selectors.dashboards import (
    CandidateDashboard,
    EmployerRow,
    dashboard_candidate,
    dashboard_employer,
)
from stint.applications.selectors.interviews import (
    InterviewView,
    SlotView,
    access_interview,
    calendar_event,
    candidate_time_zone,
    interview_ics,
    interview_view,
    interviews_for,
    open_slots,
    pending_picks,
)
from stint.applications.selectors.threads import INBOX_LIMIT, inbox_of, thread_of, unread_count

__all__ = [
    "INBOX_LIMIT",
    "RESPONSE_WINDOW_DAYS",
    "CandidateDashboard",
    "EmployerRow",
    "InterviewView",
    "OfferCharge",
    "Side",
    "SlotView",
    "access_applicant",
    "access_application",
    "access_attachment",
    "access_interview",
    "access_offer",
    "access_opportunity_as_employer",
    "applicants_ranked",
    "applications_detail",
    "applications_of_candidate",
    "calendar_event",
    "candidate_time_zone",
    "dashboard_candidate",
    "dashboard_employer",
    "employer_response_stats",
    "engagement_id_of",
    "inbox_of",
    "interview_ics",
    "interview_view",
    "interviews_for",
    "invites_of",
    "is_affiliated",
    "is_invited",
    "is_member",
    "live_offer",
    "next_step_for",
    "offer_charge",
    "open_application_count",
    "open_slots",
    "opportunity_for_applying",
    "pending_picks",
    "public_portfolio_slug",
    "side_of",
    "thread_of",
    "unread_count",
]
