from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from stint.core.paging import PageOut
from stint.core.schemas import one_of
from stint.notifications.kinds import KINDS


class NotificationOut(Schema):
    id: int
    kind: one_of(KINDS)
    title: str
    body: str
    url: str
    created_at: datetime
    read: bool


class NotificationListOut(PageOut):
    unread: int
    items: list[NotificationOut]


class MarkReadIn(Schema):
    id: int | None = Field(None, description="One notification; leave out to mark all read")


class MarkReadOut(Schema):
    marked: int
    unread: int


class PreferenceOut(Schema):
    kind: one_of(KINDS)
    label: str
    in_app: bool
    email: bool


class PreferenceIn(Schema):
    kind: str = Field(..., min_length=1, max_length=60, json_schema_extra={"enum": list(KINDS)})
    in_app: bool
    email: bool
