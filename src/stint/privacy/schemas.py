from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from stint.core.paging import PageOut
from stint.core.schemas import one_of
from stint.privacy.models import ExportStatus


class ExportOut(Schema):
    id: int
    status: one_of(ExportStatus)
    size: int
    created_at: datetime
    ready_at: datetime | None
    expires_at: datetime | None


class ExportPageOut(PageOut):
    items: list[ExportOut]


class DeleteIn(Schema):
    password: str = Field(max_length=512)


class DeletedOut(Schema):
    deleted: bool
