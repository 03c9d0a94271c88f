"""Each side reviews an engagement once, after approval; both reviews become visible together (or
when the window closes)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError, Forbidden
from stint.events import services as events
from stint.notifications.services import notify
from stint.reviews import rules
from stint.reviews.models import Review
from stint.reviews.selectors import STAFF, access_engagement, approval_time, required_skills
from stint.reviews.services.common import _employer_members, _review_url
from stint.reviews.services.verified_skills import _verify


@transaction.atomic
def review_create(
    *,
    actor: User,
    engagement_id: int,
    ratings: Mapping[str, Any],
    skill_ratings: Mapping[str, Any] | None = None,
    text: str = "",
    verified_skills: Mapping[str, Any] | None = None,
) -> Review:
    """The actor's side reviews the engagement, once, after approval. The employer side
    may confirm demonstrated skills in the same call (`verified_skills`: id → level)."""
    engagement, side = access_engagement(actor=actor, engagement_id=engagement_id, for_update=True)
    if side == STAFF:
        raise Forbidden("Only the people in this engagement review it.")
    approved = approval_time(engagement)
    now = timezone.now()
    refusal = rules.review_refusal(
        status=engagement.status,
        approved_at=approved,
        now=now,
        reveal_days=settings.STINT_REVIEW_REVEAL_DAYS,
    )
    if refusal:
        raise ConflictError(*refusal)
    if engagement.reviews.filter(side=side).exists():
        raise ConflictError("already_reviewed", "You have already reviewed this engagement.")
    bad = rules.ratings_refusal(side, ratings)
    if bad:
        raise DomainError("bad_rating", bad[1], bad[0])
    skill_ratings = dict(skill_ratings or {})
    allowed = [s["id"] for s in required_skills(engagement)]
    bad = rules.skill_ratings_refusal(side, skill_ratings, allowed)
    if bad:
        raise DomainError("bad_skill_rating", bad[1], bad[0])
    text = (text or "").strip()
    if len(text) > rules.TEXT_MAX:
        raise DomainError("text_too_long", "Keep the review under 4000 characters.", "text")
    if verified_skills and side != rules.EMPLOYER:
        raise DomainError(
            "not_employer", "Only the employer confirms demonstrated skills.", "verified_skills"
        )
    try:
        with transaction.atomic():
            review = Review.objects.create(
                engagement=engagement,
                side=side,
                author=actor,
                ratings={k: int(ratings[k]) for k in rules.dimension_names(side)},
                skill_ratings={k: int(v) for k, v in skill_ratings.items()},
                text=text,
                created_at=now,
            )
    except IntegrityError as exc:  # pragma: no cover - the engagement row is locked
        raise ConflictError("already_reviewed", "This side has already reviewed.") from exc
    reviews = list(engagement.reviews.all())
    visible = rules.visible_at(
        approved_at=approved,
        reviews_created_at=[r.created_at for r in reviews],
        reveal_days=settings.STINT_REVIEW_REVEAL_DAYS,
    )
    Review.objects.filter(engagement=engagement).update(visible_at=visible)
    review.visible_at = visible
    if verified_skills:
        _verify(actor=actor, engagement=engagement, levels=verified_skills)
    both = len(reviews) >= 2
    title = (
        f"Reviews of {engagement.title} are now visible"
        if both
        else f"You have a review waiting on {engagement.title}"
    )
    body = (
        "Both sides have reviewed: read what they wrote."
        if both
        else "Write yours to see it; both become visible when you do, or when the window closes."
    )
    recipients = (
        [engagement.candidate]
        if side == rules.EMPLOYER
        else _employer_members(engagement.employer_id)
    )
    for user in recipients:
        notify(
            user=user, kind="review.received", title=title, body=body, url=_review_url(engagement)
        )
    events.record(
        "review.received",
        organisation=engagement.employer_id,
        users=[engagement.candidate_id],
        resource=review,
        data={"review_id": review.pk, "engagement_id": engagement.pk, "side": side},
    )
    return review
