"""One way to page a list, for the API and the pages (issue 15, item 19): `page`
from 1, a fixed size, every row reachable (no silent cap), and a page past the
last one is empty, never silently another one. The API takes `page` through
`PAGE_QUERY` (0 or less is a 422 naming `page`) and answers `PageOut`'s fields."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Schema

T = TypeVar("T")

PER_PAGE = 50
PAGE_QUERY: Any = Query(1, ge=1, description="From 1; a page past the last one is empty")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    page: int
    pages: int  # at least 1, even for an empty list
    total: int
    per_page: int

    @property
    def has_previous(self) -> bool:
        return 1 < self.page <= self.pages + 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def previous_page(self) -> int:
        return min(self.page, self.pages + 1) - 1

    @property
    def next_page(self) -> int:
        return self.page + 1


def page_of(rows: QuerySet[Any] | Sequence[T], page: int, per_page: int = PER_PAGE) -> Page[T]:
    """The `page`-th slice of `rows` (ordered by the caller). `page` must be ≥ 1:
    the API's query schema and `page_number` both refuse anything else first."""
    if page < 1:
        raise ValueError("Pages start at 1.")
    total = rows.count() if isinstance(rows, QuerySet) else len(rows)
    start = (page - 1) * per_page
    items = list(rows[start : start + per_page]) if start < total else []
    return Page(
        items=items,
        page=page,
        pages=max(1, -(-total // per_page)),
        total=total,
        per_page=per_page,
    )


def page_number(request: HttpRequest) -> int:
    """`?page=` of an HTML list page: absent is 1, anything but a whole number ≥ 1
    is a 404 (as a page past the end is an empty page, not the first)."""
    raw = request.GET.get("page", "1")
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
        raise Http404("No such page.")
    return int(raw)


class PageOut(Schema):
    """The paging fields of every paged API list (the items are each list's own)."""

    total: int
    page: int
    pages: int
