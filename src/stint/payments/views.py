from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from stint.core.errors import NotFound
from stint.core.forms import apply_domain_error
from stint.core.money import CURRENCY_EXPONENTS
from stint.payments import pdf, selectors, services
from stint.payments.forms import PayoutForm
from stint.payments.providers import PROVIDERS, ProviderError


def _new_key() -> str:
    return f"payout-{uuid.uuid4()}"


@login_required
@require_http_methods(["GET", "POST"])
def earnings(request: HttpRequest) -> HttpResponse:
    balances = selectors.balances_for(request.user)
    default_currency = next((b.currency for b in balances if b.amount > 0), "USD")
    form = PayoutForm(
        request.POST or None,
        initial={"currency": default_currency, "idempotency_key": _new_key()},
    )
    if request.method == "POST" and form.is_valid():
        with apply_domain_error(form):
            payout = services.payout_request(actor=request.user, **form.cleaned_data)
            messages.success(request, f"Payout of {payout.money} requested.")
            return redirect("payments_earnings")
        form.data = form.data.copy()
        form.data["idempotency_key"] = _new_key()
    return render(
        request,
        "payments/earnings.html",
        {
            "balances": balances,
            "payouts": selectors.payouts_for(request.user)[:50],
            "form": form,
            "year": timezone.now().year,
        },
        status=422 if request.method == "POST" else 200,
    )


def _year(request: HttpRequest) -> int | None:
    raw = request.GET.get("year")
    if raw is None:
        return None
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise NotFound("No such statement.")
    return int(raw)


def _currency(request: HttpRequest) -> str:
    currency = request.GET.get("currency", "USD").upper()
    if currency not in CURRENCY_EXPONENTS:
        raise NotFound("No such statement.")
    return currency


@login_required
def statement(request: HttpRequest, candidate_id: int, fmt: str = "html") -> HttpResponse:
    st = selectors.access_statement(
        actor=request.user,
        candidate_id=candidate_id,
        currency=_currency(request),
        year=_year(request),
    )
    if fmt == "pdf":
        response = HttpResponse(pdf.statement_pdf(st), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="stint-statement-{st.start.year}-{st.currency}.pdf"'
        )
        return response
    return render(request, "payments/statement.html", {"statement": st})


@login_required
def receipts(request: HttpRequest) -> HttpResponse:
    orgs = list(selectors.employer_orgs_for(request.user))
    raw = request.GET.get("org")
    if raw is None and orgs:
        raw = str(orgs[0].pk)
    if raw is None:
        return render(request, "payments/receipts.html", {"org": None, "orgs": orgs, "txs": []})
    if not raw.isdigit():
        raise NotFound("No such organisation.")
    org, txs = selectors.receipts_for_org(actor=request.user, organisation_id=int(raw))
    return render(request, "payments/receipts.html", {"org": org, "orgs": orgs, "txs": txs[:200]})


@login_required
def receipt(request: HttpRequest, transaction_id: int, fmt: str = "html") -> HttpResponse:
    r = selectors.access_receipt(actor=request.user, transaction_id=transaction_id)
    if fmt == "pdf":
        response = HttpResponse(pdf.receipt_pdf(r), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="stint-receipt-{r.transaction.pk:08d}.pdf"'
        )
        return response
    return render(request, "payments/receipt.html", {"receipt": r})


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, provider: str) -> HttpResponse:
    """Provider webhooks: the signature is checked, each event id is handled once."""
    if provider not in PROVIDERS:
        raise NotFound("No such provider.")
    try:
        outcome = services.webhook_receive(
            provider_name=provider,
            payload=request.body,
            signature_header=request.headers.get("Stripe-Signature", ""),
        )
    except ProviderError as exc:
        return HttpResponseBadRequest(exc.message)
    return JsonResponse({"received": True, "duplicate": outcome.duplicate})
