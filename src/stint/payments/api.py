from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Status

from stint.accounts.mfa import require_second_factor
from stint.core.errors import DomainError
from stint.core.money import CURRENCY_EXPONENTS
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
    ReceiptLineOut,
    ReceiptOut,
    ReceiptPageOut,
    SetupOut,
    StatementOut,
    StatementRowOut,
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
    """Your earnings available to pay out, per currency, in integer minor units."""
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
    """Pay out your whole available balance in a currency to your payout account. Until your
    payout setup is finished the payout is booked but held, and sent once it is; no balance
    in that currency is 404. The same `idempotency_key` returns the original payout instead
    of paying twice."""
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
    """Your payouts, newest first, with their status."""
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
    """How you get paid: the provider account's state, and payouts held until setup is
    finished. Candidates."""
    selectors.access_payout_setup(actor=request.user)
    return _setup(selectors.payout_setup_for(request.user))


@router.post(
    "/payments/setup",
    response={200: SetupOut, **ERRORS},
    summary="Candidate: start or continue payout setup (returns the onboarding URL)",
)
def payout_setup_start(request: HttpRequest, payload: PayoutSetupIn) -> SetupOut:
    """Start or continue setting up how you get paid; answers the provider's onboarding URL to
    open. Candidates."""
    result = services.payout_setup_start(actor=request.user, country=payload.country)
    return _setup(selectors.payout_setup_for(request.user), result)


@router.post(
    "/payments/setup/refresh",
    response={200: SetupOut, **ERRORS},
    summary="Candidate: read your payout account again from the provider",
)
def payout_setup_refresh(request: HttpRequest) -> SetupOut:
    """Read your payout account again from the provider, after you finished its onboarding."""
    result = services.payout_setup_refresh(actor=request.user)
    return _setup(selectors.payout_setup_for(request.user), result)


@router.get(
    "/orgs/{org_id}/payments/setup",
    response={200: SetupOut, **ERRORS},
    summary="Employer owners and admins: how the organisation pays",
)
def payment_setup_get(request: HttpRequest, org_id: int) -> SetupOut:
    """How an employer pays: the payment method on file and its state. Owners and admins of
    that employer only (403 or 404 otherwise)."""
    org, account = selectors.access_employer_setup(actor=request.user, organisation_id=org_id)
    return _setup(selectors.payment_setup_for(org, account))


@router.post(
    "/orgs/{org_id}/payments/setup",
    response={200: SetupOut, **ERRORS},
    summary="Employer owners and admins: add a payment method (returns the setup page URL)",
)
def payment_setup_start(request: HttpRequest, org_id: int, payload: PaymentSetupIn) -> SetupOut:
    """Add a payment method for an employer; answers the provider's setup page URL to open.
    Owners and admins of that employer only."""
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
    """Read the last payment setup again from the provider, after the setup page was completed.
    Owners and admins of that employer only."""
    require_second_factor(request.user)  # what escrow is funded from
    result = services.payment_setup_refresh(actor=request.user, organisation_id=org_id)
    org, account = selectors.access_employer_setup(actor=request.user, organisation_id=org_id)
    return _setup(selectors.payment_setup_for(org, account), result)


def _receipt(r: selectors.Receipt) -> ReceiptOut:
    tx = r.transaction
    return ReceiptOut(
        id=tx.pk,
        kind=tx.kind,
        title=r.title,
        audience=r.audience,
        reference=tx.ref,
        organisation_id=r.organisation.pk if r.organisation else None,
        created_at=tx.created_at,
        lines=[
            ReceiptLineOut(label=line.label, amount_minor=line.money.amount, currency=tx.currency)
            for line in r.lines
        ],
        total_minor=r.total.amount,
        currency=r.total.currency,
        pdf_url=reverse("payments_receipt_pdf", args=[tx.pk]),
    )


@router.get(
    "/orgs/{org_id}/receipts",
    response={200: ReceiptPageOut, **ERRORS},
    summary="The organisation's receipts (charges and refunds)",
)
def org_receipt_list(request: HttpRequest, org_id: int, page: int = PAGE_QUERY) -> ReceiptPageOut:
    """Every charge and refund of the organisation as structured receipts, newest first,
    with their lines in integer minor units. Members and platform admins; outsiders 404;
    app tokens need the `payments` scope."""
    _, receipts = selectors.org_receipts(actor=request.user, organisation_id=org_id)
    shown = page_of(receipts, page)
    return ReceiptPageOut(
        items=[_receipt(r) for r in shown.items],
        total=shown.total,
        page=shown.page,
        pages=shown.pages,
    )


@router.get(
    "/receipts/{transaction_id}", response={200: ReceiptOut, **ERRORS}, summary="One receipt"
)
def receipt_detail(request: HttpRequest, transaction_id: int) -> ReceiptOut:
    """One ledger transaction as a receipt: for the employer who paid, or as an earnings
    record for the candidate who earned. Anyone else gets 404."""
    return _receipt(selectors.access_receipt(actor=request.user, transaction_id=transaction_id))


@router.get(
    "/payments/statement",
    response={200: StatementOut, **ERRORS},
    summary="Your earnings statement for a year",
)
def statement_detail(
    request: HttpRequest,
    year: int | None = Query(None, ge=2000, le=2100, description="Default: this year"),
    currency: str = Query("USD", description="One statement per currency"),
) -> StatementOut:
    """A candidate's earnings statement for a calendar year in one currency: opening
    balance, every earning and payout with the running balance, and the closing balance,
    in integer minor units. An unknown currency is 422 naming `currency`."""
    code = currency.upper()
    if code not in CURRENCY_EXPONENTS:
        raise DomainError("currency_invalid", f"Unknown currency {currency!r}.", "currency")
    st = selectors.access_statement(
        actor=request.user, candidate_id=request.user.pk, currency=code, year=year
    )
    url = reverse("payments_statement_pdf", args=[request.user.pk])
    return StatementOut(
        candidate_id=st.candidate.pk,
        currency=st.currency,
        start=st.start,
        end=st.end,
        opening_minor=st.opening.amount,
        earned_minor=st.earned.amount,
        paid_out_minor=st.paid_out.amount,
        closing_minor=st.closing.amount,
        rows=[
            StatementRowOut(
                transaction_id=row.transaction.pk,
                created_at=row.transaction.created_at,
                label=row.label,
                amount_minor=row.money.amount,
                balance_minor=row.balance.amount,
            )
            for row in st.rows
        ],
        pdf_url=f"{url}?{urlencode({'year': st.start.year, 'currency': st.currency})}",
    )
