"""Follow-up offers: after a paid engagement, the employer invites the past intern to a longer
role; the candidate accepts or declines, the employer may withdraw."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError, Forbidden
from stint.notifications.services import notify
from stint.reviews import rules
from stint.reviews.models import FollowUpKind, FollowUpOffer, FollowUpStatus
from stint.reviews.selectors import access_engagement, access_follow_up
from stint.reviews.services.common import _employer_members


@transaction.atomic
def follow_up_create(
    *, actor: User, engagement_id: int, kind: str, role_title: str, message: str = ""
) -> FollowUpOffer:
    """A member of the employer invites the past intern (engagement paid) to a longer role."""
    engagement, _ = access_engagement(
        actor=actor, engagement_id=engagement_id, for_update=True, side=rules.EMPLOYER
    )
    if kind not in FollowUpKind.values:
        raise DomainError("bad_kind", "Choose an internship, a job or another project.", "kind")
    role_title = (role_title or "").strip()
    if len(role_title) < 2:
        raise DomainError(
            "role_title_required", "Name the role (at least 2 characters).", "role_title"
        )
    if len(role_title) > 140:
        raise DomainError(
            "role_title_too_long", "Keep the role title under 140 characters.", "role_title"
        )
    message = (message or "").strip()
    if len(message) > 4000:
        raise DomainError("message_too_long", "Keep the message under 4000 characters.", "message")
    if engagement.status not in rules.FOLLOW_UP_ELIGIBLE:
        raise ConflictError("not_paid", "Follow-up offers can be made once the engagement is paid.")
    if engagement.follow_ups.filter(status=FollowUpStatus.OFFERED).exists():
        raise ConflictError("already_offered", "An offer for this engagement is already open.")
    try:
        with transaction.atomic():
            offer = FollowUpOffer.objects.create(
                engagement=engagement,
                employer_id=engagement.employer_id,
                candidate_id=engagement.candidate_id,
                kind=kind,
                role_title=role_title,
                message=message,
                created_by=actor,
            )
    except IntegrityError as exc:  # pragma: no cover - the engagement row is locked
        raise ConflictError(
            "already_offered", "An offer for this engagement is already open."
        ) from exc
    notify(
        user=engagement.candidate,
        kind="follow_up.offered",
        title=f"{engagement.employer.name} invites you to {_with_article(offer.get_kind_display().lower())}: {role_title}",
        body=message[:500],
        url=reverse("review_follow_ups"),
    )
    return offer


def _decide(*, actor: User, follow_up_id: int, target: str, side: str) -> FollowUpOffer:
    offer, mine = access_follow_up(actor=actor, follow_up_id=follow_up_id, for_update=True)
    if mine != side:
        raise Forbidden(
            "Only the candidate answers a follow-up offer."
            if side == rules.CANDIDATE
            else "Only the employer's team withdraws its offer."
        )
    if offer.status != FollowUpStatus.OFFERED:
        raise ConflictError(
            "not_open", f"This offer is already {offer.get_status_display().lower()}."
        )
    offer.status = target
    offer.decided_at = timezone.now()
    offer.save(update_fields=["status", "decided_at"])
    return offer


@transaction.atomic
def follow_up_accept(*, actor: User, follow_up_id: int) -> FollowUpOffer:
    offer = _decide(
        actor=actor, follow_up_id=follow_up_id, target=FollowUpStatus.ACCEPTED, side=rules.CANDIDATE
    )
    _tell_employer(offer, "accepted")
    return offer


@transaction.atomic
def follow_up_decline(*, actor: User, follow_up_id: int) -> FollowUpOffer:
    offer = _decide(
        actor=actor, follow_up_id=follow_up_id, target=FollowUpStatus.DECLINED, side=rules.CANDIDATE
    )
    _tell_employer(offer, "declined")
    return offer


@transaction.atomic
def follow_up_withdraw(*, actor: User, follow_up_id: int) -> FollowUpOffer:
    offer = _decide(
        actor=actor, follow_up_id=follow_up_id, target=FollowUpStatus.WITHDRAWN, side=rules.EMPLOYER
    )
    notify(
        user=offer.candidate,
        kind="follow_up.decided",
        title=f"{offer.employer.name} withdrew its offer: {offer.role_title}",
        url=reverse("review_follow_ups"),
    )
    return offer


def _tell_employer(offer: FollowUpOffer, verb: str) -> None:
    for user in _employer_members(offer.employer_id):
        notify(
            user=user,
            kind="follow_up.decided",
            title=f"{offer.candidate.display_name} {verb} your offer: {offer.role_title}",
            url=reverse("review_follow_ups"),
        )


def _with_article(noun: str) -> str:
    """“a longer role”, “an internship”, but “another project” stands alone."""
    if noun.startswith(("another ", "the ")):
        return noun
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"
