"""Sent after the transaction that recorded an event commits, so apps above the
one that acted can react at once (docs/decisions/0004): LTI sends a course grade
the moment an engagement is paid instead of waiting for its sweep."""

from __future__ import annotations

from django.dispatch import Signal

# kwargs: event (stint.events.models.Event)
event_committed = Signal()
