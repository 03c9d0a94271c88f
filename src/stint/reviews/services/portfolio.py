"""A candidate's public portfolio: made on first use with a free address, then its address,
headline and visibility."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError, Forbidden
from stint.reviews import rules
from stint.reviews.models import Portfolio


def _default_slug(user: User) -> str:
    base = slugify(user.display_name)[:40].strip("-") or "candidate"
    if len(base) < 3 or base in rules.RESERVED_SLUGS:
        base = f"{base}-profile"
    slug, n = base, 2
    while Portfolio.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def portfolio_get_or_create(*, actor: User) -> Portfolio:
    if not actor.is_authenticated or not actor.is_candidate:
        raise Forbidden("Portfolios are for candidates. Turn on the candidate role first.")
    portfolio = Portfolio.objects.filter(user=actor).first()
    if portfolio is not None:
        return portfolio
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).first()
        portfolio, _ = Portfolio.objects.get_or_create(
            user=actor, defaults={"slug": _default_slug(actor)}
        )
    return portfolio


@transaction.atomic
def portfolio_update(
    *,
    actor: User,
    public: bool | None = None,
    headline: str | None = None,
    slug: str | None = None,
) -> Portfolio:
    portfolio = portfolio_get_or_create(actor=actor)
    portfolio = Portfolio.objects.select_for_update().get(pk=portfolio.pk)
    if slug is not None:
        slug = slug.strip().lower()
        refusal = rules.slug_refusal(slug)
        if refusal:
            raise DomainError("bad_slug", refusal, "slug")
        if Portfolio.objects.filter(slug=slug).exclude(pk=portfolio.pk).exists():
            raise ConflictError("slug_taken", "That address is taken; choose another.", "slug")
        portfolio.slug = slug
    if headline is not None:
        headline = headline.strip()
        if len(headline) > 140:
            raise DomainError(
                "headline_too_long", "Keep the headline under 140 characters.", "headline"
            )
        portfolio.headline = headline
    if public is not None:
        portfolio.public = bool(public)
    portfolio.updated_at = timezone.now()
    try:
        with transaction.atomic():
            portfolio.save()
    except IntegrityError as exc:
        raise ConflictError("slug_taken", "That address is taken; choose another.", "slug") from exc
    return portfolio
