"""The ledger in the admin is read-only: transactions and entries are never
added, changed or deleted by hand (a correction is a reversing transaction)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from stint.payments.models import (
    Account,
    Entry,
    LedgerTransaction,
    Payout,
    ProviderAccount,
    ProviderEvent,
    ProviderOperation,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EntryInline(admin.TabularInline):
    model = Entry
    extra = 0
    can_delete = False
    readonly_fields = ("account", "amount")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "ref", "amount", "currency", "created_at", "provider_ref")
    list_filter = ("kind", "currency")
    search_fields = ("ref", "idempotency_key", "provider_ref")
    inlines = (EntryInline,)


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ("pk", "transaction", "account", "amount")


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "owner_ref", "currency", "balance")
    list_filter = ("kind", "currency")
    search_fields = ("owner_ref",)


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ("pk", "candidate", "amount", "currency", "status", "provider_ref", "created_at")
    list_filter = ("status",)


@admin.register(ProviderOperation)
class ProviderOperationAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "amount", "currency", "status", "provider_ref", "attempts")
    list_filter = ("status",)


@admin.register(ProviderEvent)
class ProviderEventAdmin(ReadOnlyAdmin):
    list_display = ("event_id", "provider", "type", "object_id", "received_at")


@admin.register(ProviderAccount)
class ProviderAccountAdmin(admin.ModelAdmin):
    list_display = ("provider", "owner_kind", "owner_id", "external_id", "status", "updated_at")
    list_filter = ("provider", "owner_kind", "status")
