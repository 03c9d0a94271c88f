from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from stint.accounts.mfa import require_second_factor
from stint.core.paging import PAGE_QUERY, page_of
from stint.core.schemas import ERRORS
from stint.payments import selectors, services
from stint.payments.models import Payout
from stint.payments.schemas import (
    BalanceOut,
    PaymentSetupIn,
    PayoutIn,
    PayoutOut,
    PayoutPageOut,
    PayoutSetupIn,
    SetupOut,
)

router = Router()


def _payout(p: Payout) -> PayoutOut:
    return PayoutOut(
        id=p.pk,
        amount_minor=p.amount,
        currency=p.currency,
        amount=p.money.format(),
        status=p.status,
        created_at=p.created_at,
        transaction_id=p.transaction_id,
    )


@router.get(
    "/payments/balance",
    response={200: list[BalanceOut], **ERRORS},
    summary="Your available earnings, per currency",
)
def balance(request: HttpRequest) -> list[BalanceOut]:
    return [
        BalanceOut(currency=m.currency, available_minor=m.amount, available=m.format())
        for m in selectors.balances_for(request.user)
    ]


@router.post(
    "/payments/payouts",
    response={201: PayoutOut, **ERRORS},
    summary="Pay out your whole balance in a currency (idempotent by key)",
)
def payout_create(request: HttpRequest, payload: PayoutIn) -> Status[PayoutOut]:
    payout = services.payout_request(
        actor=request.user,
        currency=payload.currency.upper(),
        idempotency_key=payload.idempotency_key,
    )
    return Status(201, _payout(payout))


@router.get(
    "/payments/payouts",
    response={200: PayoutPageOut, **ERRORS},
    summary="Your payouts, newest first",
)
def payout_list(request: HttpRequest, page: int = PAGE_QUERY) -> PayoutPageOut:
    shown = page_of(selectors.payouts_for(request.user), page)
    return PayoutPageOut(
        items=[_payout(p) for p in shown.items],
        total=shown.total,
        page=shown.page,
        pages=shown.pages,
    )


# --- Payout setup (candidates) and payment setup (employers) ---------------------------


def _setup(status: selectors.SetupStatus, result: services.SetupResult | None = None) -> SetupOut:
    return SetupOut(
        provider=status.provider,
        status=status.status,
        ready=status.ready,
        message=status.message,
        requirements=status.requirements,
        onboarding_url=result.url if result else None,
        held_payouts=len(status.held),
        released_payouts=len(result.released) if result else 0,
    )


@router.get(
    "/payments/setup",
    response={200: SetupOut, **ERRORS},
    summary="Candidate: how you get paid, and payouts held until setup is finished",
)
def payout_setup_get(request: HttpRequest) -> SetupOut:
    selectors.access_payout_setup(actor=request.user)
    return _setup(selectors.payout_setup_for(request.user))


@router.post(
    "/payments/setup",
    response={200: SetupOut, **ERRORS},
    summary="Candidate: start or continue payout setup (returns the onboarding URL)",
)
def payout_setup_start(request: HttpRequest, payload: PayoutSetupIn) -> SetupOut:
    result = services.payout_setup_start(actor=request.user, country=payload.country)
    return _setup(selectors.payout_setup_for(request.user), result)


@router.post(
    "/payments/setup/refresh",
    response={200: SetupOut, **ERRORS},
    summary="Candidate: read your payout account again from the provider",
)
def payout_setup_refresh(request: HttpRequest) -> SetupOut:
    result = services.payout_setup_refresh(actor=request.user)
    return _setup(selectors.payout_setup_for(request.user), result)


@router.get(
    "/orgs/{org_id}/payments/setup",
    response={200: SetupOut, **ERRORS},
    summary="Employer owners and admins: how the organisation pays",
)
def payment_setup_get(request: HttpRequest, org_id: int) -> SetupOut:
    org, account = selectors.access_employer_setup(actor=request.user, organisation_id=org_id)
    return _setup(selectors.payment_setup_for(org, account))


@router.post(
    "/orgs/{org_id}/payments/setup",
    response={200: SetupOut, **ERRORS},
    summary="Employer owners and admins: add a payment method (returns the setup page URL)",
)
def payment_setup_start(request: HttpRequest, org_id: int, payload: PaymentSetupIn) -> SetupOut:
    require_second_factor(request.user)  # what escrow is funded from
    result = services.payment_setup_start(
        actor=request.user, organisation_id=org_id, billing_email=payload.billing_email
    )
    org, account = selectors.access_employer_setup(actor=request.user, organisation_id=org_id)
    return _setup(selectors.payment_setup_for(org, account), result)


@router.post(
    "/orgs/{org_id}/payments/setup/refresh",
    response={200: SetupOut, **ERRORS},
    summary="Employer owners and admins: read the last payment setup again from the provider",
)
def payment_setup_refresh(request: HttpRequest, org_id: int) -> SetupOut:
    require_second_factor(request.user)  # what escrow is funded from
    result = services.payment_setup_refresh(actor=request.user, organisation_id=org_id)
    org, account = selectors.access_employer_setup(actor=request.user, organisation_id=org_id)
    return _setup(selectors.payment_setup_for(org, account), result)
