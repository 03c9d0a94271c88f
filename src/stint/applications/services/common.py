"""Helpers every area of the application services shares: the application's page, telling
the employer's team, the one place a status changes (`_move`) and the kind automatic decline."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from stint.accounts.models import User
from stint.applications import rules
from stint.applications.models import Application, OfferStatus
from stint.core.errors import ConflictError
from stint.notifications.services import notify
from stint.opportunities.models import Opportunity
from stint.orgs.models import Membership


def _url(application: Application) -> str:
    return reverse("application_detail", args=[application.pk])


def _employer_members(opportunity: Opportunity, *, exclude: User | None = None) -> list[User]:
    members = Membership.objects.filter(organisation_id=opportunity.employer_id).select_related(
        "user"
    )
    return [
        m.user for m in members if m.user.is_active and (exclude is None or m.user_id != exclude.pk)
    ]


def _notify_employer(
    application: Application, *, kind: str, title: str, body: str = "", exclude: User | None = None
) -> None:
    for user in _employer_members(application.opportunity, exclude=exclude):
        notify(user=user, kind=kind, title=title, body=body, url=_url(application))


def _move(application: Application, target: str, actor_side: str) -> None:
    """Change the status in memory after checking the transition table."""
    refusal = rules.transition_refusal(application.status, target, actor_side)
    if refusal is not None:
        raise ConflictError("bad_transition", refusal)
    now = timezone.now()
    application.status = target
    application.updated_at = now
    if actor_side == rules.EMPLOYER and application.first_response_at is None:
        application.first_response_at = now
    if target in rules.TERMINAL:
        application.closed_at = now
    else:  # a new offer reopens a declined or expired one
        application.closed_at = None


def _auto_decline(application: Application, *, reason: str, days: int = 0) -> None:
    o = application.opportunity
    _move(application, rules.AUTO_DECLINED, rules.SYSTEM)
    title, body = rules.auto_decline_message(
        reason=reason,
        employer=o.employer.name,
        title=o.title,
        fit_explanation=list(application.fit_explanation or []),
        days=days,
    )
    application.decline_reason = body
    application.save()
    application.offers.filter(status=OfferStatus.PENDING).update(
        status=OfferStatus.WITHDRAWN, decided_at=timezone.now()
    )
    notify(
        user=application.candidate,
        kind="application.declined",
        title=title,
        body=body,
        url=_url(application),
    )
