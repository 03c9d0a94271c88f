"""Setup: how a candidate gets paid (payout account) and how an employer pays (a saved
payment method), and the provider's news about either."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from stint.accounts.models import User
from stint.core import metrics
from stint.core.errors import ConflictError, DomainError
from stint.payments import providers, rules
from stint.payments.locks import lock_provider_account
from stint.payments.models import Payout, ProviderAccount, ProviderAccountStatus
from stint.payments.providers import (
    AccountState,
    PaymentProvider,
    ProviderDeclined,
    ProviderError,
    WebhookEvent,
)
from stint.payments.providers.objects import connected_account_state, setup_intent_state
from stint.payments.selectors import access_employer_setup, access_payout_setup
from stint.payments.services.payouts import payouts_release_held

# --- Onboarding: how a candidate gets paid, how an employer pays ---------------------
#
# Provider calls happen in the request (the answer is the page to send the person
# to), never inside a database transaction of ours, and move no money; what the
# provider answers is then written to ProviderAccount under its row lock. The
# sandbox answers "ready" at once; Stripe finishes on its hosted pages, and we learn
# the outcome from the return URL (a fresh read) or from its webhooks.


@dataclass(frozen=True)
class SetupResult:
    account: ProviderAccount
    url: str | None  # the provider's page to send the person to; None: nothing left to do
    released: list[Payout] = field(default_factory=list)  # held payouts now on their way


def _site(path: str) -> str:
    return str(settings.SITE_URL).rstrip("/") + path


def _setup_error(exc: ProviderError, provider: PaymentProvider) -> DomainError:
    metrics.payment_failed(provider=provider.name, operation="setup")
    if isinstance(exc, ProviderDeclined):
        return DomainError("setup_refused", f"The payment provider refused: {exc.message}")
    return DomainError(
        "provider_unavailable", "The payment provider could not be reached; try again."
    )


def _save_account(
    *, provider: str, kind: str, owner_id: int, state: AccountState, setup_ref: str | None = None
) -> tuple[ProviderAccount, str]:
    """Write what the provider said about an account, under its row lock; returns the
    row and the status it had before ("" for a new row). An employer's saved card
    stays in use while a replacement is being set up."""
    assert transaction.get_connection().in_atomic_block, "save inside a transaction"
    lookup = {"provider": provider, "owner_kind": kind, "owner_id": owner_id}
    row = lock_provider_account(provider=provider, owner_kind=kind, owner_id=owner_id)
    before = row.status if row is not None else ""
    if row is None:
        try:
            with transaction.atomic():
                row = ProviderAccount.objects.create(**lookup, external_id=state.external_id)
        except IntegrityError:  # created meanwhile by another request: lock theirs
            row = lock_provider_account(provider=provider, owner_kind=kind, owner_id=owner_id)
            assert row is not None, "the unique constraint just found it"
            before = row.status
    row.external_id = state.external_id or row.external_id
    if kind == "employer":
        if state.ready:
            row.status = ProviderAccountStatus.READY
            row.payment_method = state.payment_method
        elif row.status != ProviderAccountStatus.READY:
            row.status = ProviderAccountStatus.PENDING
        row.requirements = []
    else:
        row.status = state.status
        row.requirements = list(state.requirements)
    if setup_ref is not None:
        row.setup_ref = setup_ref
    row.updated_at = timezone.now()
    row.save()
    return row, before


def _record_payout_account(
    provider: str, candidate_id: int, state: AccountState, *, tell: bool = False
) -> tuple[ProviderAccount, list[Payout]]:
    """Save a candidate's payout account; when it has just become ready, release the
    held payouts. `tell`: notify the candidate (the news came from a webhook)."""
    with transaction.atomic():
        row, before = _save_account(
            provider=provider, kind="candidate", owner_id=candidate_id, state=state
        )
        released = payouts_release_held(candidate_id=candidate_id) if row.ready else []
        if tell and row.status != before and row.status != ProviderAccountStatus.PENDING:
            _tell_payout_account(candidate_id, row, released)
    return row, released


def _tell_payout_account(candidate_id: int, row: ProviderAccount, released: list[Payout]) -> None:
    from stint.notifications.services import notify

    user = User.objects.filter(pk=candidate_id, is_active=True).first()
    if user is None:
        return
    if row.ready:
        body = (
            f"{len(released)} held payout{'s are' if len(released) != 1 else ' is'} on the way."
            if released
            else "Payouts you request go to it from now on."
        )
        notify(
            user=user,
            kind="payments.setup",
            title="Your payout account is ready",
            body=body,
            url=reverse("payments_earnings"),
        )
    else:
        notify(
            user=user,
            kind="payments.setup",
            title="Your payout account needs attention",
            body="The payment provider needs more information before it can pay you; "
            "payouts are held until then.",
            url=reverse("payments_settings"),
        )


def payout_setup_start(*, actor: User, country: str = "") -> SetupResult:
    """Start (or continue) the candidate's payout setup. The sandbox's account is ready
    at once (and held payouts are released); with Stripe an Express account is created
    once and the result carries the onboarding link to send the candidate to."""
    existing = access_payout_setup(actor=actor)
    country = (country or "").strip().upper()
    if country and not rules.valid_country(country):
        raise DomainError(
            "bad_country", "Give a two-letter country code such as US or GB.", "country"
        )
    provider = providers.get_provider()
    if existing is not None and existing.ready:
        return SetupResult(existing, None, payouts_release_held(candidate_id=actor.pk))
    try:
        onboarding = provider.payout_account_start(
            external_id=existing.external_id if existing else "",
            owner_ref=f"candidate:{actor.pk}",
            email=actor.email,
            country=country,
            return_url=_site(reverse("payments_setup_return")),
            refresh_url=_site(reverse("payments_setup_refresh")),
            idempotency_key=f"payout-account:{actor.pk}",
        )
    except ProviderError as exc:
        raise _setup_error(exc, provider) from exc
    row, released = _record_payout_account(provider.name, actor.pk, onboarding.state)
    return SetupResult(row, None if row.ready else onboarding.url, released)


def payout_setup_refresh(*, actor: User) -> SetupResult:
    """Read the candidate's payout account back from the provider (after Stripe's
    return URL, or on demand) and release held payouts if it is now ready."""
    existing = access_payout_setup(actor=actor)
    provider = providers.get_provider()
    if existing is None:
        raise ConflictError("setup_not_started", "Start your payout setup first.")
    try:
        state = provider.payout_account_state(external_id=existing.external_id)
    except ProviderError as exc:
        raise _setup_error(exc, provider) from exc
    row, released = _record_payout_account(provider.name, actor.pk, state)
    return SetupResult(row, None, released)


def payment_setup_start(
    *, actor: User, organisation_id: int, billing_email: str = ""
) -> SetupResult:
    """An employer's owner or admin sets up how the organisation pays. The sandbox puts
    a test card on file at once; with Stripe a Customer is created once (with
    `billing_email`, default the actor's) and the result carries the Checkout page
    (setup mode) that saves a card for off-session charges."""
    org, existing = access_employer_setup(actor=actor, organisation_id=organisation_id)
    email = (billing_email or "").strip() or actor.email
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(
            "bad_email", "Give a valid email address for payment receipts.", "billing_email"
        ) from None
    provider = providers.get_provider()
    try:
        onboarding = provider.payment_setup_start(
            external_id=existing.external_id if existing else "",
            owner_ref=f"employer:{org.pk}",
            email=email,
            name=org.name,
            success_url=_site(reverse("payments_org_setup_return", args=[org.pk]))
            + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=_site(reverse("payments_org_setup", args=[org.pk])),
            idempotency_key=f"customer:employer:{org.pk}",
        )
    except ProviderError as exc:
        raise _setup_error(exc, provider) from exc
    with transaction.atomic():
        row, _ = _save_account(
            provider=provider.name,
            kind="employer",
            owner_id=org.pk,
            state=onboarding.state,
            setup_ref=onboarding.setup_ref,
        )
    return SetupResult(row, None if onboarding.state.ready else onboarding.url)


def payment_setup_refresh(
    *, actor: User, organisation_id: int, session_ref: str | None = None
) -> SetupResult:
    """Read the employer's last setup back from the provider (Stripe's success URL
    passes `session_ref`, which must be that last session)."""
    org, existing = access_employer_setup(actor=actor, organisation_id=organisation_id)
    if existing is None:
        raise ConflictError("setup_not_started", "Start the payment setup first.")
    if session_ref is not None and session_ref != existing.setup_ref:
        raise DomainError(
            "bad_session", "This is not the organisation's latest setup session.", "session_id"
        )
    if not existing.setup_ref:  # nothing to read back (the sandbox's setup is immediate)
        return SetupResult(existing, None)
    provider = providers.get_provider()
    try:
        state = provider.payment_setup_state(
            external_id=existing.external_id, setup_ref=existing.setup_ref
        )
    except ProviderError as exc:
        raise _setup_error(exc, provider) from exc
    with transaction.atomic():
        row, _ = _save_account(
            provider=provider.name, kind="employer", owner_id=org.pk, state=state
        )
    return SetupResult(row, None)


def _apply_account_event(provider_name: str, event: WebhookEvent) -> None:
    """`account.updated` (a connected account's payouts switched on or off) and
    `setup_intent.succeeded` (an employer's card saved) from the provider's webhooks."""
    obj = event.payload.get("data", {}).get("object", {})
    if event.type == "account.updated":
        state = connected_account_state(obj)
        row = ProviderAccount.objects.filter(
            provider=provider_name, owner_kind="candidate", external_id=state.external_id
        ).first()
        if row is not None:
            _record_payout_account(provider_name, row.owner_id, state, tell=True)
    elif event.type == "setup_intent.succeeded":
        state = setup_intent_state(obj)
        row = ProviderAccount.objects.filter(
            provider=provider_name, owner_kind="employer", external_id=state.external_id
        ).first()
        if row is not None and state.ready:
            with transaction.atomic():
                _save_account(
                    provider=provider_name, kind="employer", owner_id=row.owner_id, state=state
                )
