from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

# The same list as rules.KINDS (a test keeps them equal), spelled out for the schema.
EventKind = Literal[
    "application.received",
    "offer.accepted",
    "offer.declined",
    "engagement.funded",
    "engagement.submitted",
    "engagement.approved",
    "engagement.paid",
    "review.received",
]
DeliveryStatusName = Literal["pending", "retrying", "succeeded", "failed"]


class EventResourceOut(Schema):
    type: str = Field(..., examples=["application"])
    id: str = Field(..., examples=["42"])


class EventOut(Schema):
    """One event, as in the feed and as the body of a webhook delivery."""

    id: int = Field(..., description="Increasing; the feed's cursor")
    kind: EventKind
    version: int = Field(..., description="The payload's version; 1 today")
    created_at: datetime
    organisation_id: int | None
    resource: EventResourceOut
    data: dict[str, Any] = Field(..., description="Ids of the resources involved")


class EventFeedOut(Schema):
    items: list[EventOut]
    has_more: bool
    next_cursor: int | None = Field(
        ..., description="Pass as `after` for the next page; the last id you saw"
    )


class WebhookIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "url": "https://ats.example.com/hooks/stint",
                    "kinds": ["application.received", "offer.accepted"],
                }
            ]
        }
    )

    url: str = Field(..., max_length=500, json_schema_extra={"format": "uri"})
    kinds: list[EventKind] = Field(
        default_factory=list, description="Event kinds to send; empty: every kind"
    )


class WebhookOut(Schema):
    id: int
    organisation_id: int
    url: str
    kinds: list[EventKind]
    is_active: bool
    failure_count: int = Field(..., description="Failed attempts in a row")
    disabled_at: datetime | None
    created_at: datetime


class WebhookCreatedOut(WebhookOut):
    secret: str = Field(..., description="Signs every delivery; shown only in this answer")


class WebhookDeliveryOut(Schema):
    id: int
    event_id: int
    kind: EventKind
    replay_of: int | None
    status: DeliveryStatusName
    attempts: int
    next_attempt_at: datetime | None
    response_code: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None


class WebhookDeliveryListOut(Schema):
    items: list[WebhookDeliveryOut]
    has_more: bool
    next_cursor: int | None = Field(..., description="Pass as `before` for older deliveries")
