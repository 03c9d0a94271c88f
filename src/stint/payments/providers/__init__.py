"""Payment providers: `get_provider()` returns the one settings.STINT_PAYMENT_PROVIDER names."""

from __future__ import annotations

from django.conf import settings

from stint.payments.providers.base import (
    AccountState,
    Onboarding,
    PaymentProvider,
    ProviderDeclined,
    ProviderError,
    ProviderResult,
    ProviderUnavailable,
    WebhookEvent,
    WebhookSignatureError,
)

PROVIDERS = ("sandbox", "stripe")

__all__ = [
    "PROVIDERS",
    "AccountState",
    "Onboarding",
    "PaymentProvider",
    "ProviderDeclined",
    "ProviderError",
    "ProviderResult",
    "ProviderUnavailable",
    "WebhookEvent",
    "WebhookSignatureError",
    "get_provider",
]


def get_provider(name: str | None = None) -> PaymentProvider:
    name = name or settings.STINT_PAYMENT_PROVIDER
    if name == "sandbox":
        from stint.payments.providers.sandbox import SandboxProvider

        return SandboxProvider(webhook_secret=settings.STRIPE_WEBHOOK_SECRET)
    if name == "stripe":
        from stint.payments.providers.stripe import StripeProvider

        return StripeProvider(
            api_key=settings.STRIPE_API_KEY,
            webhook_secret=settings.STRIPE_WEBHOOK_SECRET,
            connect_webhook_secret=getattr(settings, "STRIPE_CONNECT_WEBHOOK_SECRET", ""),
        )
    raise ValueError(f"Unknown payment provider {name!r}")
