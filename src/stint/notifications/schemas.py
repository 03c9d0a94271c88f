from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read: bool


class NotificationListOut(Schema):
    unread: int
    items: list[NotificationOut]


class MarkReadIn(Schema):
    id: int | None = Field(None, description="One notification; leave out to mark all read")


class MarkReadOut(Schema):
    marked: int
    unread: int


class PreferenceOut(Schema):
    kind: str
    label: str
    in_app: bool
    email: bool


class PreferenceIn(Schema):
    kind: str = Field(..., min_length=1, max_length=60)
    in_app: bool
    email: bool
