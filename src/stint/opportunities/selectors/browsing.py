"""Browse and search: the query people filter by, the published postings it finds, best match for a
candidate, and pages that never count more than `COUNT_CAP` rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet
from django.utils.functional import cached_property

from stint.accounts.models import User
from stint.core.money import CURRENCY_EXPONENTS
from stint.matching.engine import FitView
from stint.matching.postings import fits_for
from stint.matching.recommend import best_match_ids
from stint.opportunities import search
from stint.opportunities.cards import CARD_KEY_FIELDS
from stint.opportunities.models import (
    HiddenOpportunity,
    Opportunity,
    OpportunityStatus,
    RequiredSkill,
    WorkMode,
)
from stint.opportunities.selectors.access import visible_q

PAGE_SIZE = 20

COUNT_CAP = 1000  # browse counts at most this many rows ("1,000+")

BEST_MATCH_LIMIT = 200

SORTS = ("newest", "pay", "match")

MAX_QUERY_WORDS = 8


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _date_or_none(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class BrowseQuery:
    """What a candidate asked the browse page for; saved searches store it as
    `to_params()`."""

    q: str = ""
    skills: tuple[str, ...] = ()
    min_hourly_minor: int | None = None
    max_hours: int | None = None
    work_mode: str = ""
    starts_after: date | None = None
    due_before: date | None = None
    industry: str = ""
    currency: str = ""
    sort: str = "newest"

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> BrowseQuery:
        """Tolerant: values that do not parse are dropped (input from users is
        validated by the form or schema first)."""
        skills = params.get("skills") or ()
        if isinstance(skills, str):
            skills = [s for s in skills.split(",") if s]
        work_mode = str(params.get("work_mode") or "")
        currency = str(params.get("currency") or "").upper()
        sort = str(params.get("sort") or "newest")
        return cls(
            q=str(params.get("q") or "").strip()[:200],
            skills=tuple(str(s) for s in skills)[:20],
            min_hourly_minor=_int_or_none(params.get("min_hourly_minor")),
            max_hours=_int_or_none(params.get("max_hours")),
            work_mode=work_mode if work_mode in WorkMode.values else "",
            starts_after=_date_or_none(params.get("starts_after")),
            due_before=_date_or_none(params.get("due_before")),
            industry=str(params.get("industry") or "").strip()[:80],
            currency=currency if currency in CURRENCY_EXPONENTS else "",
            sort=sort if sort in SORTS else "newest",
        )

    def to_params(self) -> dict[str, Any]:
        """JSON-safe, without empty values."""
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if value in (None, "", ()) or (key == "sort" and value == "newest"):
                continue
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            out[key] = value
        return out


def browse(
    user: User, query: BrowseQuery, *, with_skills: bool = True, use_index: bool = True
) -> QuerySet[Opportunity]:
    """Published opportunities the user may see and has not hidden, filtered and
    ordered by newest or hourly pay (best match is `rank_for_candidate`).
    `with_skills=False` leaves the skills out (pages whose cards are cached);
    `use_index=False` searches words by scanning (see `browse_page`)."""
    return _with_words(_browse_unsearched(user, query, with_skills=with_skills), query, use_index)


def _with_words(
    qs: QuerySet[Opportunity], query: BrowseQuery, use_index: bool
) -> QuerySet[Opportunity]:
    # Every word must appear somewhere in `search_text` (title, summary,
    # deliverables and skill labels, lower-cased): trigram indexes on both
    # databases (opportunities.search).
    return search.filter_words(qs, query.q.split()[:MAX_QUERY_WORDS], use_index=use_index)


def _browse_unsearched(
    user: User, query: BrowseQuery, *, with_skills: bool
) -> QuerySet[Opportunity]:
    qs = Opportunity.objects.filter(status=OpportunityStatus.PUBLISHED).filter(visible_q(user))
    if user.is_authenticated:
        qs = qs.exclude(pk__in=HiddenOpportunity.objects.filter(user=user).values("opportunity_id"))
    if query.skills:
        qs = qs.filter(
            pk__in=RequiredSkill.objects.filter(skill_id__in=query.skills).values("opportunity_id")
        )
    if query.min_hourly_minor is not None:
        qs = qs.filter(fee_minor__gte=F("estimated_hours") * query.min_hourly_minor)
    if query.max_hours is not None:
        qs = qs.filter(estimated_hours__lte=query.max_hours)
    if query.work_mode:
        qs = qs.filter(work_mode=query.work_mode)
    if query.starts_after:
        qs = qs.filter(Q(start_date__isnull=True) | Q(start_date__gte=query.starts_after))
    if query.due_before:
        qs = qs.filter(Q(due_date__isnull=True) | Q(due_date__lte=query.due_before))
    if query.industry:
        qs = qs.filter(industry__iexact=query.industry)
    if query.currency:
        qs = qs.filter(currency=query.currency)
    if query.sort == "pay":
        qs = qs.annotate(hourly_minor=F("fee_minor") / F("estimated_hours"))
        qs = qs.order_by("-hourly_minor", "-published_at", "-pk")
    else:
        qs = qs.order_by("-published_at", "-pk")
    qs = qs.select_related("employer")
    if with_skills:
        return qs.prefetch_related("skills")
    return qs.only(*CARD_KEY_FIELDS)  # the cards come from the cache, misses read again


@dataclass
class Ranked:
    opportunity: Opportunity
    fit: FitView | None = None

    @property
    def excluded_because(self) -> list[str]:
        return self.fit.excluded_because if self.fit else []


def rank_for_candidate(
    user: User, queryset: QuerySet[Opportunity], limit: int = BEST_MATCH_LIMIT
) -> list[Ranked]:
    """Best match, best first; those the engine excludes go last with their reason.

    The engine's index proposes the opportunities whose skills the user covers
    best among all published ones; those the browse filters keep are scored with
    the full `fit`, and the newest other rows fill up to `limit`. While the index
    is being built, the `limit` newest rows are scored instead (degraded)."""

    ids = best_match_ids(user, limit * 4)
    newest = queryset.order_by("-published_at", "-pk")
    if ids is None:
        rows = list(newest[:limit])
    else:
        by_id = {o.pk: o for o in queryset.filter(pk__in=ids)}
        rows = [by_id[i] for i in ids if i in by_id][:limit]
        if len(rows) < limit:
            seen = {o.pk for o in rows}
            rows += list(newest.exclude(pk__in=seen)[: limit - len(rows)])
    ranked = [Ranked(o, f) for o, f in zip(rows, fits_for(user, rows), strict=True)]
    ranked.sort(key=lambda r: (bool(r.excluded_because), -(r.fit.score if r.fit else 0.0)))
    return ranked


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """Counts at most `COUNT_CAP + 1` rows (`SELECT COUNT(*) FROM (… LIMIT n)`), so
    a page never counts every visible opportunity; `capped` says there are more
    than `COUNT_CAP` (shown as "1,000+"). Pages past the cap are not reachable:
    narrowing the filters is the way there."""

    @cached_property
    def _counted(self) -> int:
        # Without the ordering and the annotations: the database may stop at any
        # `COUNT_CAP + 1` matching rows (on PostgreSQL, from the trigram index).
        return int(self.object_list.order_by().values("pk")[: COUNT_CAP + 1].count())

    @cached_property
    def count(self) -> int:
        return min(self._counted, COUNT_CAP)

    @property
    def capped(self) -> bool:
        return self._counted > COUNT_CAP


@dataclass
class BrowsePage:
    items: list[Ranked]
    page: Page[Any]
    total: int
    query: BrowseQuery = field(default_factory=BrowseQuery)
    total_capped: bool = False  # more than `total` rows match

    @property
    def total_display(self) -> str:
        return f"{self.total:,}+" if self.total_capped else f"{self.total:,}"


def browse_page(
    user: User, query: BrowseQuery, page_number: Any = 1, *, with_skills: bool = True
) -> BrowsePage:
    """One page of `browse`. The HTML page passes `with_skills=False`: its cards
    are cached fragments that fetch skills only for the cards not cached yet."""
    match = query.sort == "match" and user.is_authenticated
    # The engine's fit reads skills.
    unsearched = _browse_unsearched(user, query, with_skills=with_skills or match)
    qs = _with_words(unsearched, query, use_index=True)
    if match:
        paginator: Paginator[Any] = Paginator(rank_for_candidate(user, qs), PAGE_SIZE)
        page = paginator.get_page(page_number)
        items = list(page.object_list)
        return BrowsePage(items=items, page=page, total=paginator.count, query=query)
    capped = CappedPaginator(qs, PAGE_SIZE)
    if query.q and capped.capped:
        # A word in over a thousand postings: walking the newest rows finds a
        # page of matches at once, while the index would hand every match to a
        # sort first. The count above came from the index either way.
        capped.object_list = _with_words(unsearched, query, use_index=False)
    page = capped.get_page(page_number)
    items = [Ranked(o) for o in page.object_list]
    return BrowsePage(
        items=items,
        page=page,
        total=capped.count,
        query=query,
        total_capped=capped.capped,
    )
