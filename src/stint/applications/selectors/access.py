"""The access checks that fetch and authorise in one call: who is on which side of an
application, and what each side may open (applications, offers, attachments, opportunities
to apply to)."""

from __future__ import annotations

from typing import Literal

from stint.accounts.models import User
from stint.applications import rules
from stint.applications.models import Application, ApplyInvite, Message, Offer
from stint.core.errors import Forbidden, NotFound
from stint.opportunities.models import Opportunity
from stint.orgs.models import Affiliation, Membership
from stint.profiles.models import CandidateProfile

Side = Literal["candidate", "employer"]


def is_member(user: User, organisation_id: int) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, organisation_id=organisation_id).exists()
    )


def side_of(user: User, application: Application) -> Side | None:
    if not user.is_authenticated:
        return None
    if application.candidate_id == user.pk:
        return "candidate"
    if is_member(user, application.opportunity.employer_id):
        return "employer"
    return None


def access_application(
    *,
    actor: User,
    application_id: int,
    for_update: bool = False,
    side: Side | None = None,
) -> Application:
    """The application, if the actor is its candidate or a member of the
    opportunity's employer; anyone else gets NotFound. With `side`, the actor
    must be on that side (else Forbidden: they may see it, not do this)."""
    qs = Application.objects.select_related("opportunity", "opportunity__employer", "candidate")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    application = qs.filter(pk=application_id).first()
    if application is None:
        raise NotFound("No such application.")
    actual = side_of(actor, application)
    if actual is None:
        raise NotFound("No such application.")
    if side is not None and actual != side:
        if side == "employer":
            raise Forbidden("Only the employer's team can do that.")
        raise Forbidden("Only the candidate can do that.")
    return application


def access_applicant(*, actor: User, application_id: int) -> tuple[Application, CandidateProfile]:
    """The profile of an application's candidate, for the employer's team only
    (issue 14 item 9): an employer sees the profiles of people who applied to its
    postings, nobody else's. Strangers and other employers get NotFound (ids do
    not leak); the candidate gets Forbidden (their own profile is at /profile/)."""
    application = access_application(actor=actor, application_id=application_id, side="employer")
    profile = (
        CandidateProfile.objects.select_related("user")
        .filter(user_id=application.candidate_id)
        .first()
    )
    if profile is None:
        raise NotFound(f"{application.candidate.display_name} has no profile yet.")
    return application, profile


def access_offer(*, actor: User, offer_id: int, side: Side | None = None) -> Offer:
    offer = Offer.objects.select_related("application").filter(pk=offer_id).first()
    if offer is None:
        raise NotFound("No such offer.")
    access_application(actor=actor, application_id=offer.application_id, side=side)
    return offer


def access_opportunity_as_employer(
    *, actor: User, opportunity_id: int, for_update: bool = False
) -> Opportunity:
    """An opportunity whose employer the actor is a member of; else NotFound."""
    qs = Opportunity.objects.select_related("employer")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    opportunity = qs.filter(pk=opportunity_id).first()
    if opportunity is None or not is_member(actor, opportunity.employer_id):
        raise NotFound("No such opportunity.")
    return opportunity


def is_invited(user: User, opportunity: Opportunity) -> bool:
    return ApplyInvite.objects.filter(opportunity=opportunity, candidate=user).exists()


def is_affiliated(user: User, opportunity: Opportunity) -> bool:
    return Affiliation.objects.filter(
        user=user, institution__in=opportunity.allowed_institutions.all()
    ).exists()


def opportunity_for_applying(*, actor: User, opportunity_id: int) -> Opportunity:
    """The opportunity if the actor may see it to apply (published, and within
    its visibility); else NotFound so that hidden opportunities do not leak."""
    opportunity = (
        Opportunity.objects.select_related("employer")
        .prefetch_related("questions")
        .filter(pk=opportunity_id)
        .first()
    )
    if opportunity is None or not actor.is_authenticated:
        raise NotFound("No such opportunity.")
    visible = rules.may_see_for_applying(
        status=opportunity.status,
        visibility=opportunity.visibility,
        affiliated=opportunity.visibility == "institutions" and is_affiliated(actor, opportunity),
        invited=opportunity.visibility != "public" and is_invited(actor, opportunity),
    )
    if not visible and not is_member(actor, opportunity.employer_id):
        raise NotFound("No such opportunity.")
    return opportunity


def access_attachment(*, actor: User, application_id: int, message_id: int) -> Message:
    """A message's attachment, for the application's two sides only."""
    application = access_application(actor=actor, application_id=application_id)
    message = application.messages.filter(pk=message_id).exclude(attachment="").first()
    if message is None:
        raise NotFound("No such attachment.")
    return message
