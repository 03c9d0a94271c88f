"""factory-boy factories for the main entities, for tests that need a row in a
given state without walking the workflow that leads to it (a paid engagement to
review, a published posting to match).

Where the workflow itself is under test, set up through the services instead
(`opportunity_create`, `offer_accept`, ...), as the personas do: a factory writes
rows directly and so skips the services' checks.

    EngagementFactory(status="paid")            # a whole chain: employer, posting, application, offer
    OpportunityFactory(employer=acme, skills=[python, sql])
    UserFactory(email="ada@example.com")       # a candidate with a verified address
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from factory.django import DjangoModelFactory

from stint.accounts.models import User
from stint.applications.models import Application, Offer
from stint.engagements.models import Engagement
from stint.opportunities.models import Opportunity, RequiredSkill
from stint.orgs.models import Membership, Organisation
from stint.orgs.services import organisation_create
from tests.personas import PASSWORD


class UserFactory(DjangoModelFactory[User]):
    """A person who can sign in with `tests.personas.PASSWORD`; a candidate unless told."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    is_candidate = True

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        user = model_class.objects.create_user(password=PASSWORD, **kwargs)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user


class OrganisationFactory(DjangoModelFactory[Organisation]):
    """An employer (or `kind="institution"`) made by its owner through the service,
    so the owner's membership and audit row exist as in the product."""

    class Meta:
        model = Organisation

    kind = "employer"
    name = factory.Sequence(lambda n: f"Employer {n}")
    owner = factory.SubFactory(UserFactory, is_candidate=False)
    verified = True

    @classmethod
    def _create(cls, model_class: type[Organisation], *args: Any, **kwargs: Any) -> Organisation:
        org = organisation_create(actor=kwargs["owner"], kind=kwargs["kind"], name=kwargs["name"])
        if kwargs["verified"]:
            org.verified_at = timezone.now()
            org.save(update_fields=["verified_at"])
        return org


def _owner(employer: Organisation) -> User:
    return Membership.objects.filter(organisation=employer, role="owner").first().user  # type: ignore[union-attr]


class OpportunityFactory(DjangoModelFactory[Opportunity]):
    """A published posting; `skills=[{"id": ..., "label": ...}, ...]` adds required
    skills (the first essential, the rest nice to have)."""

    class Meta:
        model = Opportunity
        skip_postgeneration_save = True

    employer = factory.SubFactory(OrganisationFactory)
    created_by = factory.LazyAttribute(lambda o: _owner(o.employer))
    title = factory.Sequence(lambda n: f"Data cleanup {n}")
    summary = "Clean and de-duplicate our customer list with Python."
    deliverables = "A cleaned CSV and a note."
    estimated_hours = 10
    fee_minor = 50_000
    currency = "USD"
    status = "published"
    published_at = factory.LazyFunction(timezone.now)
    apply_by = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))

    @factory.post_generation
    def skills(self, create: bool, extracted: list[dict[str, str]] | None, **_: Any) -> None:
        for i, skill in enumerate(extracted or []):
            RequiredSkill.objects.create(
                opportunity=self,
                skill_id=skill["id"],
                label=skill["label"],
                need="essential" if i == 0 else "nice",
                level=2,
            )


class ApplicationFactory(DjangoModelFactory[Application]):
    class Meta:
        model = Application

    opportunity = factory.SubFactory(OpportunityFactory)
    candidate = factory.SubFactory(UserFactory)
    status = "accepted"


class OfferFactory(DjangoModelFactory[Offer]):
    """An accepted offer on the application's posting terms."""

    class Meta:
        model = Offer

    application = factory.SubFactory(ApplicationFactory)
    fee_minor = factory.SelfAttribute("application.opportunity.fee_minor")
    currency = factory.SelfAttribute("application.opportunity.currency")
    scope = factory.SelfAttribute("application.opportunity.summary")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=5))
    status = "accepted"
    decided_at = factory.LazyFunction(timezone.now)


class EngagementFactory(DjangoModelFactory[Engagement]):
    """An engagement after an accepted offer, `status="approved"` unless told; approved
    and paid ones carry their timestamps (and a paid one its whole fee released)."""

    class Meta:
        model = Engagement

    offer = factory.SubFactory(OfferFactory)
    application = factory.SelfAttribute("offer.application")
    opportunity = factory.SelfAttribute("application.opportunity")
    candidate = factory.SelfAttribute("application.candidate")
    employer = factory.SelfAttribute("opportunity.employer")
    status = "approved"
    title = factory.SelfAttribute("opportunity.title")
    scope = factory.SelfAttribute("opportunity.summary")
    fee_minor = factory.SelfAttribute("offer.fee_minor")
    currency = factory.SelfAttribute("offer.currency")
    approved_at = factory.LazyAttribute(
        lambda e: timezone.now() if e.status in ("approved", "paid", "resolved") else None
    )
    paid_at = factory.LazyAttribute(
        lambda e: timezone.now() if e.status in ("paid", "resolved") else None
    )
    released_minor = factory.LazyAttribute(
        lambda e: e.fee_minor if e.status in ("paid", "resolved") else None
    )
