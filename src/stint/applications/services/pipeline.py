"""The employer's pipeline: shortlisting and declining applicants, one at a time or in bulk."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from stint.accounts.models import User
from stint.applications import rules
from stint.applications.models import Application
from stint.applications.selectors import access_application, access_opportunity_as_employer
from stint.applications.services.common import _move, _url
from stint.core.errors import ConflictError, DomainError, NotFound
from stint.notifications.services import notify

MAX_BULK = 200


def _shortlist(actor: User, application: Application) -> Application:
    if application.status == rules.OFFERED:  # that move is only withdrawing the offer
        raise ConflictError(
            "bad_transition",
            "This applicant has an offer: withdraw it to go back to the shortlist.",
        )
    _move(application, rules.SHORTLISTED, rules.EMPLOYER)
    application.save()
    o = application.opportunity
    notify(
        user=application.candidate,
        kind="application.shortlisted",
        title=f"{o.employer.name} shortlisted you for {o.title}",
        body="You are on the shortlist. The team may message you here before deciding.",
        url=_url(application),
    )
    return application


def _decline(actor: User, application: Application, reason: str) -> Application:
    reason = reason.strip()
    if len(reason) > 2000:
        raise DomainError("reason_too_long", "Keep the reason under 2000 characters.", "reason")
    _move(application, rules.DECLINED, rules.EMPLOYER)
    application.decline_reason = reason
    application.save()
    o = application.opportunity
    body = (
        f"{o.employer.name} decided not to go ahead with your application to '{o.title}'."
        + (f" Their note: {reason}" if reason else "")
        + " It no longer counts toward your open applications."
    )
    notify(
        user=application.candidate,
        kind="application.declined",
        title=f"An update on {o.title}",
        body=body,
        url=_url(application),
    )
    return application


@transaction.atomic
def application_shortlist(*, actor: User, application_id: int) -> Application:
    application = access_application(
        actor=actor, application_id=application_id, for_update=True, side="employer"
    )
    return _shortlist(actor, application)


@transaction.atomic
def application_decline(*, actor: User, application_id: int, reason: str = "") -> Application:
    application = access_application(
        actor=actor, application_id=application_id, for_update=True, side="employer"
    )
    return _decline(actor, application, reason)


BULK_ACTIONS = ("shortlist", "decline")


@transaction.atomic
def applications_bulk(
    *,
    actor: User,
    opportunity_id: int,
    application_ids: Iterable[int],
    action: str,
    reason: str = "",
) -> list[Application]:
    """Shortlist or decline many applicants of one opportunity: all or nothing."""
    opportunity = access_opportunity_as_employer(actor=actor, opportunity_id=opportunity_id)
    if action not in BULK_ACTIONS:
        raise DomainError("bad_action", "Choose shortlist or decline.", "action")
    ids = sorted(set(application_ids))
    if not ids:
        raise DomainError("nothing_chosen", "Choose at least one applicant.", "ids")
    if len(ids) > MAX_BULK:
        raise DomainError("too_many", f"Choose at most {MAX_BULK} applicants at once.", "ids")
    applications = list(
        Application.objects.select_for_update(of=("self",))
        .select_related("opportunity", "opportunity__employer", "candidate")
        .filter(opportunity=opportunity, pk__in=ids)
        .order_by("pk")
    )
    if len(applications) != len(ids):
        raise NotFound("Some of the chosen applications are not this opportunity's.")
    done = []
    for application in applications:
        try:
            if action == "shortlist":
                done.append(_shortlist(actor, application))
            else:
                done.append(_decline(actor, application, reason))
        except ConflictError as exc:
            raise ConflictError(
                exc.code,
                f"{application.candidate.display_name}: {exc.message} Nothing was changed.",
                "ids",
            ) from exc
    return done
