"""Events other apps listen to. Applications sit below engagements, so they
announce an accepted offer instead of calling upward (docs/decisions/0004)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after commit when a candidate accepts an offer; kwargs: offer_id.
offer_accepted = Signal()
