from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from stint.core.schemas import ERRORS
from stint.payments import selectors, services
from stint.payments.models import Payout
from stint.payments.schemas import BalanceOut, PayoutIn, PayoutOut

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


@router.get("/payments/payouts", response={200: list[PayoutOut], **ERRORS}, summary="Your payouts")
def payout_list(request: HttpRequest) -> list[PayoutOut]:
    return [_payout(p) for p in selectors.payouts_for(request.user)[:200]]
