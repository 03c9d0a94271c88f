"""The HTML pages of applications, by area: `applying` (the candidate's list, apply,
withdraw), `detail` (an application's page, the applicant's profile), `pipeline`
(the employer's applicants, invites, shortlist, decline), `offers`, `thread`
(inbox, messages, attachments). urls.py and the API import this package."""

from __future__ import annotations

from stint.applications.views.applying import (
    application_apply,
    application_withdraw,
    my_applications,
)
from stint.applications.views.detail import applicant_profile, applicant_resume, application_detail
from stint.applications.views.offers import (
    offer_accept,
    offer_counter,
    offer_decline,
    offer_make,
    offer_revise,
    offer_withdraw,
)
from stint.applications.views.pipeline import (
    application_decline,
    application_shortlist,
    pipeline,
    pipeline_bulk,
    pipeline_invite,
)
from stint.applications.views.thread import (
    attachment_response,
    inbox,
    message_attachment,
    message_send,
    thread_part,
)

__all__ = [
    "applicant_profile",
    "applicant_resume",
    "application_apply",
    "application_decline",
    "application_detail",
    "application_shortlist",
    "application_withdraw",
    "attachment_response",
    "inbox",
    "message_attachment",
    "message_send",
    "my_applications",
    "offer_accept",
    "offer_counter",
    "offer_decline",
    "offer_make",
    "offer_revise",
    "offer_withdraw",
    "pipeline",
    "pipeline_bulk",
    "pipeline_invite",
    "thread_part",
]
