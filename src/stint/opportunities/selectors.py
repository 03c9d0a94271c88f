"""Reads for opportunities: fetch-and-authorise, browse and search, best
match, an employer's postings and the dashboard panels."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet
from django.utils.functional import cached_property

from stint.accounts.models import User
from stint.core.errors import Forbidden, NotFound
from stint.core.money import CURRENCY_EXPONENTS
from stint.matching.engine import FitView, fit_for, worth_for
from stint.matching.postings import ClarityView, clarity_for, fits_for
from stint.matching.recommend import best_match_ids
from stint.opportunities import search
from stint.opportunities.cards import CARD_KEY_FIELDS
from stint.opportunities.models import (
    HiddenOpportunity,
    Opportunity,
    OpportunityStatus,
    RequiredSkill,
    SavedOpportunity,
    SavedSearch,
    Visibility,
    WorkMode,
)
from stint.orgs.models import Affiliation, Membership, OrgKind

PAGE_SIZE = 20
COUNT_CAP = 1000  # browse counts at most this many rows ("1,000+")
BEST_MATCH_LIMIT = 200
SORTS = ("newest", "pay", "match")
MAX_QUERY_WORDS = 8
# Statuses an outsider who may see the posting can still open (e.g. from a link).
PUBLICLY_READABLE = (
    OpportunityStatus.PUBLISHED,
    OpportunityStatus.CLOSED,
    OpportunityStatus.FILLED,
)


def _member_org_ids(user: User) -> QuerySet[Membership, Any]:
    return Membership.objects.filter(user=user).values("organisation_id")


def is_member(user: User, organisation_id: int) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, organisation_id=organisation_id).exists()
    )


def visible_to_institution_q(institution_id: int) -> Q:
    """Opportunities an institution's students may see: public ones, and the ones
    made exclusive to this institution. Endorsements and programs both use it."""
    through = Opportunity.allowed_institutions.through
    return Q(visibility=Visibility.PUBLIC) | Q(
        visibility=Visibility.INSTITUTIONS,
        pk__in=through.objects.filter(organisation_id=institution_id).values("opportunity_id"),
    )


def visible_q(user: User) -> Q:
    """Opportunities the user may see, whatever their status: public ones;
    institution-only ones for students affiliated with an allowed institution;
    invite-only ones for invited candidates; and all of their own employers'."""
    q = Q(visibility=Visibility.PUBLIC)
    if not user.is_authenticated:
        return q
    through = Opportunity.allowed_institutions.through
    institutions = Affiliation.objects.filter(user=user).values("institution_id")
    q |= Q(
        visibility=Visibility.INSTITUTIONS,
        pk__in=through.objects.filter(organisation_id__in=institutions).values("opportunity_id"),
    )
    # ApplyInvite lives in the applications app (a layer above): reach it by its relation.
    q |= Q(
        visibility=Visibility.INVITE_ONLY,
        pk__in=Opportunity.objects.filter(apply_invites__candidate=user).values("pk"),
    )
    q |= Q(employer_id__in=_member_org_ids(user))
    return q


def access_opportunity(
    *, actor: User, opportunity_id: int, manage: bool = False, for_update: bool = False
) -> Opportunity:
    """Fetch an opportunity the actor may see, and with `manage=True` may change
    (members of its employer). Anyone else gets NotFound so that drafts and
    restricted postings do not leak; platform admins may look but not change."""
    qs = Opportunity.objects.select_related("employer")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    opportunity = qs.filter(pk=opportunity_id).first()
    if opportunity is None:
        raise NotFound("No such opportunity.")
    if is_member(actor, opportunity.employer_id):
        return opportunity
    staff = actor.is_authenticated and actor.is_staff
    if manage:
        if staff:
            raise Forbidden("Only members of the employer may change its opportunities.")
        raise NotFound("No such opportunity.")
    if staff:
        return opportunity
    if (
        opportunity.status in PUBLICLY_READABLE
        and Opportunity.objects.filter(pk=opportunity.pk).filter(visible_q(actor)).exists()
    ):
        return opportunity
    raise NotFound("No such opportunity.")


def application_count(opportunity: Opportunity) -> int:
    return opportunity.applications.count()


# --- Browse and search ---------------------------------------------------------------


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


# --- One opportunity -------------------------------------------------------------------


@dataclass
class Insight:
    """For a logged-in candidate: why this matches, and whether it is worth it."""

    fit: FitView
    worth: list[str]


def insight_for(user: User, opportunity: Opportunity) -> Insight | None:
    if not user.is_authenticated or "candidate" not in user.roles:
        return None
    return Insight(
        fit=fit_for(user, opportunity), worth=list(worth_for(user, opportunity)["sentences"])
    )


def clarity_of(opportunity: Opportunity) -> ClarityView:
    return clarity_for(opportunity)


def is_hidden(user: User, opportunity: Opportunity) -> bool:
    return (
        user.is_authenticated
        and HiddenOpportunity.objects.filter(user=user, opportunity=opportunity).exists()
    )


def is_saved(user: User, opportunity: Opportunity) -> bool:
    return (
        user.is_authenticated
        and SavedOpportunity.objects.filter(user=user, opportunity=opportunity).exists()
    )


def saved_of(user: User) -> QuerySet[Opportunity]:
    """The postings the user saved for later and may still see, newest save first."""
    saved = SavedOpportunity.objects.filter(user=user)
    return (
        Opportunity.objects.filter(visible_q(user), status__in=PUBLICLY_READABLE)
        .filter(pk__in=saved.values("opportunity_id"))
        .select_related("employer")
        .order_by("-pk")
    )


def hidden_of(user: User) -> QuerySet[HiddenOpportunity]:
    """What the user hid from their results, to bring back (newest first)."""
    return (
        HiddenOpportunity.objects.filter(user=user)
        .select_related("opportunity", "opportunity__employer")
        .order_by("-created_at", "-pk")
    )


# --- Employers -------------------------------------------------------------------------


def postings_of(organisation_id: int) -> QuerySet[Opportunity]:
    """An employer's postings with their application counts, newest first."""
    return (
        Opportunity.objects.filter(employer_id=organisation_id)
        .annotate(application_count=Count("applications", distinct=True))
        .order_by("-created_at", "-pk")
    )


def employer_orgs(user: User) -> list[Any]:
    return [
        m.organisation
        for m in Membership.objects.filter(user=user, organisation__kind=OrgKind.EMPLOYER)
        .select_related("organisation")
        .order_by("organisation__name")
    ]


def dashboard_employer(user: User) -> dict[str, Any]:
    """The employer panel: counts per status and the latest live postings."""
    org_ids = Membership.objects.filter(user=user, organisation__kind=OrgKind.EMPLOYER).values(
        "organisation_id"
    )
    mine = Opportunity.objects.filter(employer_id__in=org_ids)
    counts = {
        row["status"]: row["n"] for row in mine.values("status").annotate(n=Count("pk")).order_by()
    }
    recent = list(
        mine.exclude(status=OpportunityStatus.ARCHIVED)
        .select_related("employer")
        .annotate(application_count=Count("applications", distinct=True))
        .order_by("-updated_at", "-pk")[:5]
    )
    return {
        "counts": {s: counts.get(s, 0) for s in OpportunityStatus.values},
        "recent": recent,
        "total": sum(counts.values()),
    }


def dashboard_candidate(user: User, limit: int = 5) -> dict[str, Any]:
    """The candidate panel: the newest opportunities they can apply to."""
    return {"newest": list(browse(user, BrowseQuery())[:limit])}


# --- Saved searches --------------------------------------------------------------------


def saved_searches_of(user: User) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(user=user).order_by("-created_at", "-pk")


def saved_search_matches(search: SavedSearch) -> QuerySet[Opportunity]:
    """Matches published after the search was last notified (or created)."""
    since = search.last_notified_at or search.created_at
    query = BrowseQuery.from_params({**search.query, "sort": "newest"})
    return browse(search.user, query).filter(published_at__gt=since)


@dataclass(frozen=True)
class PostingHold:
    status: str  # in_review | refused
    reasons: list[dict[str, Any]]
    refusal_reason: str
    next_step: str


def posting_hold(o: Opportunity) -> PostingHold | None:
    """Why a posting waits for an admin, or why it was last refused, in the words the
    employer sees on the page and in the API (issue 14 item 17)."""
    flags = [f for f in (o.review_flags or []) if isinstance(f, dict)]
    if o.status == OpportunityStatus.IN_REVIEW:
        return PostingHold(
            "in_review",
            flags,
            "",
            "Held for review: waiting for a platform admin to approve or refuse it.",
        )
    # Decisions live in moderation (a higher app); read through the reverse relation.
    last = getattr(o, "reviews_by_admins", None)
    decision = last.order_by("-decided_at", "-pk").first() if last is not None else None
    if (
        o.status == OpportunityStatus.DRAFT
        and decision is not None
        and decision.decision == "refused"
    ):
        return PostingHold(
            "refused",
            list(decision.flags or []),
            decision.reason,
            "A platform admin refused it: edit it as the reason says, then publish again.",
        )
    return None
