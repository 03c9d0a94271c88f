"""The double-entry ledger and the records that tie it to the payment provider.

Balances are sums of entries; `Account.balance` caches that sum and is only ever
changed in the same database transaction that inserts the entries, with the
account row locked (see services._post). Transactions and entries are append-only:
the model layer refuses updates and deletes, the admin is read-only, and on
PostgreSQL a trigger refuses them too (migration 0002).

Sign convention: an entry of +x adds x to what the account holds; "A → B" is an
entry of -x on A and +x on B. `employer` and `processor` are the two accounts
facing the outside world (what employers paid in, what went out in payouts) and
are the only ones whose balance may be negative.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from stint.core.money import CURRENCY_CHOICES, Money


class AppendOnlyError(RuntimeError):
    """Ledger rows are never updated or deleted; post a reversing transaction."""


class AccountKind(models.TextChoices):
    PROCESSOR = "processor", "Payment processor"
    EMPLOYER = "employer", "Employer"
    ESCROW = "escrow", "Escrow"
    CANDIDATE = "candidate", "Candidate"
    PLATFORM_REVENUE = "platform_revenue", "Platform revenue"


# Accounts that hold money for someone: their balance may never go below zero.
NON_NEGATIVE_KINDS = (AccountKind.ESCROW, AccountKind.CANDIDATE, AccountKind.PLATFORM_REVENUE)


class TransactionKind(models.TextChoices):
    ESCROW_FUND = "escrow_fund", "Escrow funded"
    ESCROW_RELEASE = "escrow_release", "Escrow released"
    PAYOUT = "payout", "Payout"
    REFUND = "refund", "Refund"
    PARTIAL_RELEASE = "partial_release", "Partial release"
    REVERSAL = "reversal", "Reversal"  # corrects a transaction the provider then refused


class Account(models.Model):
    kind = models.CharField(max_length=16, choices=AccountKind.choices)
    # "" for the processor and platform revenue, the organisation id for an employer,
    # the user id for a candidate, the opaque ref ("engagement:42") for an escrow.
    owner_ref = models.CharField(max_length=100, blank=True)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    balance = models.BigIntegerField(default=0)  # cache of the sum of entries, minor units
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["kind", "owner_ref", "currency"], name="payments_account_unique"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=[k.value for k in NON_NEGATIVE_KINDS]) | Q(balance__gte=0),
                name="payments_account_not_negative",
            ),
        ]

    def __str__(self) -> str:
        owner = f":{self.owner_ref}" if self.owner_ref else ""
        return f"{self.kind}{owner} ({self.currency})"

    @property
    def money(self) -> Money:
        return Money(self.balance, self.currency)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Ledger rows are never updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Ledger rows are never deleted.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Ledger rows are never updated.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Ledger rows are never deleted.")


class LedgerTransaction(AppendOnlyModel):
    kind = models.CharField(max_length=16, choices=TransactionKind.choices)
    idempotency_key = models.CharField(max_length=200, unique=True)
    # SHA-256 of the operation and its arguments: the same key with other arguments is a 409.
    fingerprint = models.CharField(max_length=64)
    ref = models.CharField(max_length=100, blank=True, db_index=True)  # e.g. "engagement:42"
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    amount = models.BigIntegerField()  # the headline amount (what moved), minor units
    memo = models.CharField(max_length=300, blank=True)
    provider = models.CharField(max_length=20, blank=True)
    provider_ref = models.CharField(max_length=100, blank=True, db_index=True)  # charges
    # Terms frozen at posting time (fee, platform fee, who paid it) so later setting
    # changes never alter how an escrow is released.
    details = models.JSONField(default=dict, blank=True)
    reverses = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversals"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.money}"

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)


class Entry(AppendOnlyModel):
    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount = models.BigIntegerField()  # signed minor units, in the account's currency

    class Meta:
        verbose_name_plural = "entries"  # not "Entrys" in the admin
        constraints: ClassVar = [
            models.CheckConstraint(condition=~Q(amount=0), name="payments_entry_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.amount:+d}"


class OperationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class ProviderOperation(models.Model):
    """An outgoing provider call (a refund) that the ledger already records: the
    outbox row the task works from, and where the provider's reference lands."""

    kind = models.CharField(max_length=10, default="refund")
    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="operations"
    )
    idempotency_key = models.CharField(max_length=220, unique=True)
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    charge_ref = models.CharField(max_length=100, blank=True)  # what is being refunded
    status = models.CharField(
        max_length=10, choices=OperationStatus.choices, default=OperationStatus.PENDING
    )
    provider = models.CharField(max_length=20)
    provider_ref = models.CharField(max_length=100, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_operation_positive")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {Money(self.amount, self.currency)} ({self.status})"


class PayoutStatus(models.TextChoices):
    # Held: booked in the ledger, but the candidate has no ready payout account yet;
    # released (→ requested) when their payout setup completes (services.payouts_release_held).
    HELD = "held", "Held until payout setup is finished"
    REQUESTED = "requested", "Requested"
    PAID = "paid", "Paid"
    FAILED = "failed", "Failed"


class Payout(models.Model):
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payouts"
    )
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    status = models.CharField(
        max_length=10, choices=PayoutStatus.choices, default=PayoutStatus.REQUESTED
    )
    idempotency_key = models.CharField(max_length=200, unique=True)
    fingerprint = models.CharField(max_length=64)
    transaction = models.OneToOneField(
        LedgerTransaction, on_delete=models.PROTECT, related_name="payout"
    )
    reversal = models.OneToOneField(
        LedgerTransaction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_payout",
    )
    provider = models.CharField(max_length=20)
    provider_ref = models.CharField(max_length=100, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    failure_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_payout_positive")
        ]

    def __str__(self) -> str:
        return f"Payout {self.money} to {self.candidate_id} ({self.status})"

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)


class ProviderEvent(models.Model):
    """A webhook event, stored once (the provider's event id is unique)."""

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=100)
    type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=100, blank=True, db_index=True)
    amount = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="payments_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.type} {self.event_id}"


class SandboxRecord(models.Model):
    """The sandbox provider's own books: what it charged, refunded and paid out.
    It stands in for the provider's side when reconciling."""

    kind = models.CharField(max_length=10)  # charge | refund | payout
    idempotency_key = models.CharField(max_length=220)
    provider_ref = models.CharField(max_length=100, unique=True)
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    counterparty = models.CharField(max_length=100)  # customer, charge or destination
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["kind", "idempotency_key"], name="payments_sandbox_once"
            ),
        ]

    def __str__(self) -> str:
        return f"sandbox {self.kind} {self.provider_ref}"


class ProviderAccountStatus(models.TextChoices):
    PENDING = "pending", "Setup started, not finished"
    READY = "ready", "Ready"
    RESTRICTED = "restricted", "The provider needs more information"


class ProviderAccount(models.Model):
    """Who someone is at the provider: an employer's customer id (cus_…) and saved
    payment method (pm_…) to charge, a candidate's connected account (acct_…) to pay
    out to. Written by the onboarding services (payment_setup_*, payout_setup_*) and
    the provider's webhooks; `status` says whether it can be used."""

    provider = models.CharField(max_length=20)
    owner_kind = models.CharField(max_length=10)  # employer | candidate
    owner_id = models.PositiveBigIntegerField()
    external_id = models.CharField(max_length=100)
    payment_method = models.CharField(max_length=100, blank=True)  # employers: pm_… to charge
    status = models.CharField(
        max_length=10, choices=ProviderAccountStatus.choices, default=ProviderAccountStatus.PENDING
    )
    # What the provider still needs before the account is ready (Stripe's
    # requirements.currently_due), shown to the person setting it up.
    requirements = models.JSONField(default=list, blank=True)
    setup_ref = models.CharField(max_length=100, blank=True)  # employers: the last cs_… session
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["provider", "owner_kind", "owner_id"], name="payments_provider_account"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.owner_kind}:{self.owner_id} = {self.external_id}"

    @property
    def ready(self) -> bool:
        return self.status == ProviderAccountStatus.READY
