from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from stint.accounts.mfa import second_factor_required
from stint.core.errors import DomainError, NotFound
from stint.core.forms import apply_domain_error
from stint.core.money import CURRENCY_EXPONENTS
from stint.core.paging import page_number, page_of
from stint.payments import pdf, selectors, services
from stint.payments.forms import PaymentSetupForm, PayoutForm, PayoutSetupForm
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
            if payout.status == "held":
                messages.warning(
                    request,
                    f"Your payout of {payout.money} is held until you finish your payout "
                    "setup; it is sent as soon as you do.",
                )
                return redirect("payments_settings")
            messages.success(request, f"Payout of {payout.money} requested.")
            return redirect("payments_earnings")
        form.data = form.data.copy()
        form.data["idempotency_key"] = _new_key()
    shown = page_of(selectors.payouts_for(request.user), page_number(request))
    return render(
        request,
        "payments/earnings.html",
        {
            "balances": balances,
            "payouts": shown.items,
            "shown": shown,
            "form": form,
            "year": timezone.now().year,
            # Whose payouts need a payout account: candidates, and anyone with a balance.
            "setup": selectors.payout_setup_for(request.user)
            if request.user.is_candidate or balances
            else None,
        },
        status=422 if request.method == "POST" else 200,
    )


# --- Payout setup (candidates) and payment setup (employers) ------------------------------


def _released(request: HttpRequest, result: services.SetupResult) -> None:
    if result.released:
        n = len(result.released)
        messages.success(
            request, f"{n} held payout{'s are' if n != 1 else ' is'} on the way to your account."
        )


def _settings_page(request: HttpRequest, form: PayoutSetupForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "payments/settings.html",
        {"setup": selectors.payout_setup_for(request.user), "form": form},
        status=status,
    )


@login_required
@require_GET
def payout_settings(request: HttpRequest) -> HttpResponse:
    """The candidate's Payments settings: how they get paid, and what is held."""
    selectors.access_payout_setup(actor=request.user)
    return _settings_page(request, PayoutSetupForm())


@login_required
@require_POST
def payout_setup(request: HttpRequest) -> HttpResponse:
    form = PayoutSetupForm(request.POST)
    if form.is_valid():
        with apply_domain_error(form):
            result = services.payout_setup_start(actor=request.user, **form.cleaned_data)
            if result.url:
                return HttpResponseRedirect(result.url)  # the provider's onboarding
            messages.success(request, "Your payouts are set up.")
            _released(request, result)
            return redirect("payments_settings")
    return _settings_page(request, form, status=422)


@login_required
@require_GET
def payout_setup_return(request: HttpRequest) -> HttpResponse:
    """Where Stripe sends the candidate back: read the account again."""
    try:
        result = services.payout_setup_refresh(actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("payments_settings")
    if result.account.ready:
        messages.success(request, "Your payouts are set up.")
        _released(request, result)
    else:
        messages.info(request, "Your payout setup is not finished yet; see below.")
    return redirect("payments_settings")


@login_required
@require_GET
def payout_setup_link(request: HttpRequest) -> HttpResponse:
    """Stripe's refresh URL (an expired or used onboarding link): make a new one."""
    try:
        result = services.payout_setup_start(actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("payments_settings")
    if result.url:
        return HttpResponseRedirect(result.url)
    _released(request, result)
    return redirect("payments_settings")


@login_required
@require_http_methods(["GET", "POST"])
@second_factor_required  # what escrow is funded from
def org_payment_setup(request: HttpRequest, org_id: int) -> HttpResponse:
    """An employer's payment setup (owners and admins); the organisation page shows
    the same status with the same form."""
    org, account = selectors.access_employer_setup(actor=request.user, organisation_id=org_id)
    form = PaymentSetupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with apply_domain_error(form):
            result = services.payment_setup_start(
                actor=request.user, organisation_id=org.pk, **form.cleaned_data
            )
            if result.url:
                return HttpResponseRedirect(result.url)  # the provider's setup page
            messages.success(request, "The payment method is on file.")
            return redirect("org_detail", org_id=org.pk)
    return render(
        request,
        "payments/org_setup.html",
        {"org": org, "setup": selectors.payment_setup_for(org, account), "form": form},
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_GET
@second_factor_required  # what escrow is funded from
def org_payment_setup_return(request: HttpRequest, org_id: int) -> HttpResponse:
    """Stripe Checkout's success URL (`?session_id=cs_…`): read the setup back."""
    try:
        result = services.payment_setup_refresh(
            actor=request.user,
            organisation_id=org_id,
            session_ref=request.GET.get("session_id", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("payments_org_setup", org_id=org_id)
    if result.account.ready:
        messages.success(request, "The payment method is on file.")
        return redirect("org_detail", org_id=org_id)
    messages.info(request, "The payment method is not saved yet; try again.")
    return redirect("payments_org_setup", org_id=org_id)


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
