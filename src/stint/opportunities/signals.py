"""Events other apps listen to. Opportunities sit below applications, so they
announce a closing instead of calling upward (docs/decisions/0004)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after commit when an opportunity is closed, filled or archived; kwargs: opportunity_id.
opportunity_closed = Signal()
