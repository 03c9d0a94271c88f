"""Reads: balances, receipts and statements, and who may see them.

An employer's receipts are the transactions that touch its employer account; a
candidate's statement is the transactions that touch their candidate account.
Outsiders get NotFound, so ids do not reveal what exists."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import Forbidden, NotFound
from stint.core.money import Money
from stint.orgs.models import Membership, Organisation, OrgKind
from stint.orgs.rules import can_manage
from stint.orgs.selectors import access_organisation
from stint.payments.models import (
    Account,
    AccountKind,
    Entry,
    LedgerTransaction,
    Payout,
    PayoutStatus,
    ProviderAccount,
)
from stint.payments.rules import masked


def balances_for(user: User) -> list[Money]:
    """The candidate's available balance in every currency they have earned in."""
    return [
        a.money
        for a in Account.objects.filter(
            kind=AccountKind.CANDIDATE, owner_ref=str(user.pk)
        ).order_by("currency")
    ]


def payouts_for(user: User) -> QuerySet[Payout]:
    return Payout.objects.filter(candidate=user).order_by("-created_at", "-pk")


def receipts_for_org(*, actor: User, organisation_id: int) -> tuple[Organisation, QuerySet]:
    org, _ = access_organisation(actor=actor, organisation_id=organisation_id)
    txs = (
        LedgerTransaction.objects.filter(
            entries__account__kind=AccountKind.EMPLOYER, entries__account__owner_ref=str(org.pk)
        )
        .distinct()
        .order_by("-created_at", "-pk")
    )
    return org, txs


def org_receipts(*, actor: User, organisation_id: int) -> tuple[Organisation, list[Receipt]]:
    """Every receipt of an organisation (members and platform admins), newest first,
    with its lines: what the page lists and the API returns."""
    org, txs = receipts_for_org(actor=actor, organisation_id=organisation_id)
    txs = txs.prefetch_related("entries__account")
    return org, [_employer_receipt(tx, org, list(tx.entries.all())) for tx in txs]


def employer_orgs_for(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user, kind="employer").order_by("name")


@dataclass(frozen=True)
class Line:
    label: str
    money: Money


@dataclass(frozen=True)
class Receipt:
    transaction: LedgerTransaction
    audience: str  # "employer" | "candidate"
    organisation: Organisation | None
    candidate: User | None
    lines: list[Line]
    total: Money  # what the reader paid (employer) or earned (candidate)
    title: str


def access_receipt(*, actor: User, transaction_id: int) -> Receipt:
    """A transaction as a receipt for the employer who paid, or as an earnings
    record for the candidate who earned; anyone else gets NotFound."""
    tx = LedgerTransaction.objects.filter(pk=transaction_id).first()
    if tx is None or not actor.is_authenticated:
        raise NotFound("No such receipt.")
    entries = list(Entry.objects.filter(transaction=tx).select_related("account"))
    employer = next((e for e in entries if e.account.kind == AccountKind.EMPLOYER), None)
    candidate = next((e for e in entries if e.account.kind == AccountKind.CANDIDATE), None)
    if employer is not None:
        org = Organisation.objects.filter(pk=int(employer.account.owner_ref)).first()
        if org is not None and (
            actor.is_staff or Membership.objects.filter(organisation=org, user=actor).exists()
        ):
            return _employer_receipt(tx, org, entries)
    if candidate is not None and candidate.account.owner_ref == str(actor.pk):
        return _candidate_receipt(tx, actor, entries)
    raise NotFound("No such receipt.")


def _employer_receipt(tx: LedgerTransaction, org: Organisation, entries: list[Entry]) -> Receipt:
    cur = tx.currency
    d = tx.details
    lines: list[Line] = []
    if tx.kind == "escrow_fund":
        fee = int(d.get("fee", tx.amount))
        lines.append(Line(f"Fee held in escrow for {tx.ref}", Money(fee, cur)))
        if d.get("payer") == "employer":
            lines.append(Line("Platform fee", Money(tx.amount - fee, cur)))
        title = "Payment receipt"
    else:
        title = "Refund receipt" if tx.kind in ("refund", "partial_release") else "Ledger record"
    employer_total = sum(e.amount for e in entries if e.account.kind == AccountKind.EMPLOYER)
    if tx.kind != "escrow_fund":
        lines.append(Line(f"Returned to you from escrow for {tx.ref}", Money(employer_total, cur)))
    return Receipt(
        transaction=tx,
        audience="employer",
        organisation=org,
        candidate=None,
        lines=lines,
        total=Money(abs(employer_total), cur),
        title=title,
    )


def _candidate_receipt(tx: LedgerTransaction, user: User, entries: list[Entry]) -> Receipt:
    cur = tx.currency
    mine = sum(
        e.amount
        for e in entries
        if e.account.kind == AccountKind.CANDIDATE and e.account.owner_ref == str(user.pk)
    )
    label = {
        "escrow_release": f"Earned for {tx.ref}",
        "partial_release": f"Earned (partial) for {tx.ref}",
        "payout": "Paid out to your account",
        "reversal": "Returned to your balance",
    }.get(tx.kind, tx.get_kind_display())
    return Receipt(
        transaction=tx,
        audience="candidate",
        organisation=None,
        candidate=user,
        lines=[Line(label, Money(mine, cur))],
        total=Money(mine, cur),
        title="Earnings record",
    )


@dataclass(frozen=True)
class StatementRow:
    transaction: LedgerTransaction
    label: str
    money: Money
    balance: Money


@dataclass(frozen=True)
class Statement:
    candidate: User
    currency: str
    start: date
    end: date
    opening: Money
    rows: list[StatementRow]
    earned: Money
    paid_out: Money
    closing: Money


def access_statement(
    *, actor: User, candidate_id: int, currency: str, year: int | None = None
) -> Statement:
    """The candidate's earnings statement for a calendar year; only the candidate sees it."""
    if not actor.is_authenticated or actor.pk != candidate_id:
        raise NotFound("No such statement.")
    year = year or timezone.now().year
    start = date(year, 1, 1)
    end = date(year, 12, 31)
    tz = timezone.get_current_timezone()
    start_dt = datetime(year, 1, 1, tzinfo=tz)
    end_dt = datetime(year + 1, 1, 1, tzinfo=tz)
    entries = Entry.objects.filter(
        account__kind=AccountKind.CANDIDATE,
        account__owner_ref=str(candidate_id),
        account__currency=currency,
    ).select_related("transaction")
    opening = sum(e.amount for e in entries.filter(transaction__created_at__lt=start_dt))
    running = opening
    rows = []
    earned = paid = 0
    for e in entries.filter(
        transaction__created_at__gte=start_dt, transaction__created_at__lt=end_dt
    ).order_by("transaction__created_at", "transaction_id"):
        running += e.amount
        if e.transaction.kind == "payout":
            paid += -e.amount
        elif e.transaction.kind != "reversal":
            earned += e.amount
        else:
            paid -= e.amount
        rows.append(
            StatementRow(
                transaction=e.transaction,
                label=memo_words(e.transaction.memo) or e.transaction.get_kind_display(),
                money=Money(e.amount, currency),
                balance=Money(running, currency),
            )
        )
    return Statement(
        candidate=actor,
        currency=currency,
        start=start,
        end=end,
        opening=Money(opening, currency),
        rows=rows,
        earned=Money(earned, currency),
        paid_out=Money(paid, currency),
        closing=Money(running, currency),
    )


# --- Payment and payout setup ---------------------------------------------------------


def _provider_name() -> str:
    return str(settings.STINT_PAYMENT_PROVIDER)


def _provider_label(name: str) -> str:
    return {"stripe": "Stripe", "sandbox": "the sandbox"}.get(name, name)


def access_employer_setup(
    *, actor: User, organisation_id: int
) -> tuple[Organisation, ProviderAccount | None]:
    """An employer organisation whose payment setup the actor may see and change (its
    owners and admins), with its account at the configured provider. Outsiders get
    NotFound; members without the role (and platform admins) get Forbidden."""
    org, membership = access_organisation(actor=actor, organisation_id=organisation_id)
    if org.kind != OrgKind.EMPLOYER:
        raise NotFound("No such organisation.")
    if membership is None or not can_manage(membership.role):
        raise Forbidden("Only the organisation's owners and admins set up how it pays.")
    account = ProviderAccount.objects.filter(
        provider=_provider_name(), owner_kind="employer", owner_id=org.pk
    ).first()
    return org, account


def access_payout_setup(*, actor: User) -> ProviderAccount | None:
    """The actor's own payout account at the configured provider. Candidates only (and
    anyone who still has a candidate balance); others get Forbidden."""
    if not actor.is_authenticated:
        raise NotFound("No such account.")
    if (
        not actor.is_candidate
        and not Account.objects.filter(kind=AccountKind.CANDIDATE, owner_ref=str(actor.pk)).exists()
    ):
        raise Forbidden("Only candidates set up how they are paid.")
    return ProviderAccount.objects.filter(
        provider=_provider_name(), owner_kind="candidate", owner_id=actor.pk
    ).first()


@dataclass(frozen=True)
class SetupStatus:
    """Where someone's payment or payout setup stands, in the words the page shows."""

    provider: str
    status: str  # none | pending | ready | restricted
    message: str
    action: str | None  # the call to action's label; None when nothing is to be done
    requirements: list[str]
    account: ProviderAccount | None
    held: list[Payout]  # candidates: payouts waiting for the setup

    @property
    def ready(self) -> bool:
        return self.status == "ready"

    @property
    def held_total(self) -> list[Money]:
        totals: dict[str, int] = {}
        for p in self.held:
            totals[p.currency] = totals.get(p.currency, 0) + p.amount
        return [Money(v, c) for c, v in sorted(totals.items())]


def payout_setup_for(user: User) -> SetupStatus:
    """The candidate's payout setup at the configured provider, and payouts it holds."""
    name = _provider_name()
    label = _provider_label(name)
    account = ProviderAccount.objects.filter(
        provider=name, owner_kind="candidate", owner_id=user.pk
    ).first()
    held = list(Payout.objects.filter(candidate=user, status=PayoutStatus.HELD).order_by("pk"))
    status = account.status if account else "none"
    requirements = list(account.requirements) if account else []
    if status == "ready":
        message = f"Payouts go to your account with {label} ({masked(account.external_id)})."
        action = None
    elif status == "restricted":
        message = (
            f"{label.capitalize()} needs more information before it can pay you."
            if requirements
            else f"{label.capitalize()} is checking your details; this usually takes minutes."
        )
        action = "Update your details"
    elif status == "pending":
        message = f"You started payout setup but have not finished it with {label}."
        action = "Continue payout setup"
    else:
        message = "You have not set up how you get paid yet."
        action = "Set up payouts" if name != "sandbox" else "Set up sandbox payouts"
    if held and status != "ready":
        message += " Payouts you request are held until you finish setup."
    return SetupStatus(name, status, message, action, requirements, account, held)


def payment_setup_for(org: Organisation, account: ProviderAccount | None) -> SetupStatus:
    """An employer's payment setup at the configured provider."""
    name = _provider_name()
    label = _provider_label(name)
    status = account.status if account else "none"
    if status == "ready":
        message = f"A payment method is on file with {label} ({masked(account.payment_method)})."
        action = "Replace the payment method"
    elif status == "pending":
        message = f"You started adding a payment method with {label} but did not finish."
        action = "Continue"
    else:
        message = "No payment method is on file."
        action = "Add a payment method" if name != "sandbox" else "Put the sandbox card on file"
    if status != "ready":
        message += (
            " Until you add one, the sandbox charges a test card."
            if name == "sandbox"
            else " Accepted offers cannot be funded until you add one."
        )
    return SetupStatus(name, status, message, action, [], account, [])


_REF = re.compile(r"\b(engagement|offer|payout):(\d+)(?::m(\d+))?")


def memo_words(memo: str) -> str:
    """A ledger memo as a person reads it: the references the ledger keeps
    ("engagement:2", "engagement:2:m5") become "engagement 2", "engagement 2,
    milestone 5" (issue 14: "Escrow released in part for engagement:2")."""

    def words(m: re.Match[str]) -> str:
        text = f"{m.group(1)} {m.group(2)}"
        return f"{text}, milestone {m.group(3)}" if m.group(3) else text

    return _REF.sub(words, memo)
