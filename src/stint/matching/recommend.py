"""Recommendations for candidates and suggested candidates for employers.

Both use the process's index when it is ready (fast, exact skill coverage, then
re-ranked by the engine's full `fit` with explanations) and fall back to an
exact scan of a bounded set of recent rows while an index is being built, so
the answer is degraded (older items may be missed) but never absent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.cache import cache
from django.utils import timezone

from stint.core import metrics
from stint.matching import engine
from stint.matching.indexes import CANDIDATES, OPPORTUNITIES
from stint_engine.retrieval import CandidateFilters, recommend_opportunities
from stint_engine.retrieval.ranker import Posting
from stint_engine.retrieval.rerank import History, order_by_ranker

if TYPE_CHECKING:
    from stint.accounts.models import User
    from stint.opportunities.models import Opportunity

FALLBACK_SCAN = 300  # rows scanned exactly while an index is being built


@dataclass
class Recommendation:
    opportunity: Opportunity
    fit: engine.FitView
    worth: dict[str, Any]


@dataclass
class Recommendations:
    items: list[Recommendation] = field(default_factory=list)
    degraded: bool = False


@dataclass
class Suggestion:
    candidate: User
    fit: engine.FitView


@dataclass
class Suggestions:
    items: list[Suggestion] = field(default_factory=list)
    degraded: bool = False


def _excluded_opportunities(user: User) -> set[str]:
    """Already applied to, or hidden by the candidate."""
    application = apps.get_model("applications", "Application")
    hidden = apps.get_model("opportunities", "HiddenOpportunity")
    ids = set(application.objects.filter(candidate=user).values_list("opportunity_id", flat=True))
    ids.update(hidden.objects.filter(user=user).values_list("opportunity_id", flat=True))
    return {str(i) for i in ids}


def _age_days(published_at: datetime | None) -> float | None:
    if published_at is None:
        return None
    return max(0.0, (timezone.now() - published_at).total_seconds() / 86_400)


def _posting(
    pk: int,
    title: str,
    city: str,
    country: str,
    work_mode: str,
    employer: int,
    published_at: datetime | None = None,
) -> Posting:
    """The ranker's view of an opportunity: remote work is its own place (a
    person who applied to remote work before has "looked there"); the job
    site's state is the country here. The age since publication turns the
    "posted around the time of the last view" features into recency, so a
    fresh posting is not pushed down for someone whose last application is old."""
    age = _age_days(published_at)
    if work_mode == "remote":
        return Posting(number=pk, title=title, region="remote", company=str(employer), age_days=age)
    return Posting(
        number=pk,
        title=title,
        city=city,
        region=country.upper(),
        company=str(employer),
        age_days=age,
    )


_POSTING_FIELDS = (
    "pk",
    "title",
    "location_city",
    "location_country",
    "work_mode",
    "employer_id",
    "published_at",
)


def _postings(ids: Sequence[str]) -> dict[str, Posting]:
    model = apps.get_model("opportunities", "Opportunity")
    rows = model.objects.filter(pk__in=[int(i) for i in ids]).values_list(*_POSTING_FIELDS)
    return {str(r[0]): _posting(*r) for r in rows}


def _history(user: User, candidate: Any) -> History:
    """What the learned ranker reads (see docs/bench/engine_matching.md for the
    mapping from the job-view logs): the opportunities applied to, oldest first,
    stand for the jobs viewed before; headline and goal occupations for the
    work history and positions of interest; the profile's city and country."""
    application = apps.get_model("applications", "Application")
    profile_model = apps.get_model("profiles", "CandidateProfile")
    rows = (
        application.objects.filter(candidate=user)
        .order_by("created_at", "pk")
        .values_list(
            *(f"opportunity__{f}" if f != "pk" else "opportunity_id" for f in _POSTING_FIELDS)
        )
    )
    seen = tuple(_posting(*r) for r in rows)
    headline = (
        profile_model.objects.filter(user=user).values_list("headline", flat=True).first() or ""
    )
    goals = [engine.occupation_label(o) or "" for o in candidate.goal_occupation_ids]
    return History(
        seen=seen,
        own_titles=tuple(t for t in [headline, *goals] if t),
        home=(candidate.location.city, candidate.location.country),
    )


def _applied_stamp(user: User) -> str:
    """The ranking reads the applications, so they are part of its cache key."""
    application = apps.get_model("applications", "Application")
    ids = application.objects.filter(candidate=user).order_by("pk").values_list("pk", flat=True)
    return ",".join(str(i) for i in ids)


RANKED_SLACK = 10  # extra ranked rows cached, so a new hide needs no re-rank
RANKED_TTL = 60 * 60  # seconds; the key changes with anything the ranking depends on


def _profile_stamp(user: User) -> tuple[str, frozenset[str]]:
    """What a candidate's ranking depends on besides the index: the profile's
    `updated_at` and the institutions the candidate is affiliated with."""
    profile_model = apps.get_model("profiles", "CandidateProfile")
    updated = profile_model.objects.filter(user=user).values_list("updated_at", flat=True).first()
    return (updated.isoformat() if updated else "-"), engine._institution_ids(user)


def _ranked_key(
    user: User, stamp: tuple[str, frozenset[str]], today: date, k: int, applied: str = ""
) -> str:
    updated, institutions = stamp
    # `date_joined` too: a user id reused (e.g. a test database rolled back) is a new key.
    joined = user.date_joined.isoformat() if user.date_joined else "-"
    digest = hashlib.sha1(
        f"{joined}|{updated}|{','.join(sorted(institutions))}|{applied}".encode(),
        usedforsecurity=False,
    ).hexdigest()[:16]
    return f"recs:v2:{user.pk}:{OPPORTUNITIES.last_change}:{today.isoformat()}:{k}:{digest}"


@metrics.timed("stint_matching_seconds", operation="recommendations")
def recommendations_for(
    user: User, *, k: int = 10, today: date | None = None, prefetch: Sequence[str] = ()
) -> Recommendations:
    """The candidate's top `k`. With a built index the ranking (ids, fit views and
    worth) is cached per user under a key made of the index's `last_change`, the
    profile's `updated_at`, the candidate's institutions, the day and `k`: any
    change to one of them is a new key, so nothing is invalidated by hand.
    Applications and hides are read fresh and filtered out of the cached list;
    the applications are also in the key, since the learned ranker reads them.
    The opportunities come with their employer; `prefetch` names further
    relations a caller reads (the pages and the API read none)."""
    today = today or timezone.localdate()
    excluded = _excluded_opportunities(user)
    index = OPPORTUNITIES.ensure()
    degraded = index is None
    stamp = _profile_stamp(user)
    key = _ranked_key(user, stamp, today, k, _applied_stamp(user)) if not degraded else ""
    cached: list[tuple[str, engine.FitView, dict[str, Any]]] | None = (
        cache.get(key) if key else None
    )
    if key:  # hit rates show whether the load benchmark's traffic is honest (issue 18)
        metrics.inc(
            "stint_cache_lookups_total", cache="ranked", result="miss" if cached is None else "hit"
        )
    if cached is not None:
        ranked = [t for t in cached if t[0] not in excluded][:k]
        if len(ranked) < k and len(cached) >= k + RANKED_SLACK:
            cached = None  # more excluded than the slack covers: rank again
    if cached is None:
        candidate = engine.candidate_data(user, institution_ids=stamp[1])
        computed = _rank(candidate, index, excluded, k=k, today=today, user=user)
        if key:
            cache.set(key, computed, RANKED_TTL)
        ranked = [t for t in computed if t[0] not in excluded][:k]
    model = apps.get_model("opportunities", "Opportunity")
    rows_by_id = {
        str(o.pk): o
        for o in model.objects.filter(pk__in=[int(i) for i, _, _ in ranked], status="published")
        .select_related("employer")
        .prefetch_related(*prefetch)
    }
    items = []
    for oid, view, worth in ranked:
        row = rows_by_id.get(oid)
        if row is None:  # closed since the index last caught up
            continue
        items.append(Recommendation(opportunity=row, fit=view, worth=worth))
    return Recommendations(items=items, degraded=degraded)


def _rank(
    candidate: Any,
    index: Any,
    excluded: set[str],
    *,
    k: int,
    today: date,
    user: User | None = None,
) -> list[tuple[str, engine.FitView, dict[str, Any]]]:
    """(id, fit view, worth) best first: with the index, up to `k + RANKED_SLACK`
    rows not excluded now (the cache filters later exclusions); without it, an
    exact scan of the newest rows. Both orders come from the learned ranker
    plus fit (`stint_engine.retrieval.rerank.order_by_ranker`) when `user` is given."""
    ranked: list[tuple[str, engine.FitView]] = []
    history = _history(user, candidate) if user is not None else None
    if index is not None:
        found = recommend_opportunities(
            index,
            candidate,
            OPPORTUNITIES.data.__getitem__,
            engine.taxonomy(),
            today=today,
            k=k + RANKED_SLACK + len(excluded),
            postings=_postings if history is not None else None,
            history=history,
        )
        ranked = [(oid, engine.fit_view(f)) for oid, f in found if oid not in excluded]
        ranked = ranked[: k + RANKED_SLACK]
        data = {oid: OPPORTUNITIES.data.get(oid) for oid, _ in ranked}
    else:
        model = apps.get_model("opportunities", "Opportunity")
        rows = (
            model.objects.filter(status="published")
            .exclude(pk__in=[int(i) for i in excluded])
            .prefetch_related("skills", "allowed_institutions")
            .order_by("-published_at")[:FALLBACK_SCAN]
        )
        scored = []
        data = {}
        postings: dict[str, Posting] = {}
        for row in rows:
            item = engine.opportunity_data(row)
            view = engine.fit_of(candidate, item, today=today)
            if not view.excluded_because and view.score > 0:
                scored.append((str(row.pk), view))
                data[str(row.pk)] = item
                postings[str(row.pk)] = _posting(
                    row.pk,
                    row.title,
                    row.location_city,
                    row.location_country,
                    row.work_mode,
                    row.employer_id,
                    row.published_at,
                )
        if history is not None:
            scored = order_by_ranker(scored, postings, history)
        else:
            scored.sort(key=lambda t: (-t[1].score, t[0]))
        ranked = scored[:k]
    missing = [int(oid) for oid, _ in ranked if data.get(oid) is None]
    if missing:
        model = apps.get_model("opportunities", "Opportunity")
        for row in model.objects.filter(pk__in=missing).prefetch_related(
            "skills", "allowed_institutions"
        ):
            data[str(row.pk)] = engine.opportunity_data(row)
    return [
        (oid, view, engine.worth_of(candidate, data[oid])) for oid, view in ranked if oid in data
    ]


@metrics.timed("stint_matching_seconds", operation="suggested_candidates")
def suggested_candidates(
    opportunity: Opportunity, *, k: int = 10, today: date | None = None
) -> Suggestions:
    """Candidates the employer could invite: not applied or invited yet, not excluded by `fit`."""
    today = today or timezone.localdate()
    target = engine.opportunity_data(opportunity)
    application = apps.get_model("applications", "Application")
    invite = apps.get_model("applications", "ApplyInvite")
    taken = {
        str(i)
        for i in application.objects.filter(opportunity=opportunity).values_list(
            "candidate_id", flat=True
        )
    }
    taken.update(
        str(i)
        for i in invite.objects.filter(opportunity=opportunity).values_list(
            "candidate_id", flat=True
        )
    )
    index = CANDIDATES.ensure()
    scored: list[tuple[str, engine.FitView]] = []
    if index is not None:
        found = index.search(target, k * 3 + len(taken), CandidateFilters.for_opportunity(target))
        for cid, _ in found:
            if cid in taken or cid not in CANDIDATES.data:
                continue
            view = engine.fit_of(CANDIDATES.data[cid], target, today=today)
            if not view.excluded_because:
                scored.append((cid, view))
    else:
        claim = apps.get_model("profiles", "SkillClaim")
        wanted = [r.skill_id for r in opportunity.skills.all()]
        user_ids = (
            claim.objects.filter(skill_id__in=wanted, profile__user__is_candidate=True)
            .values_list("profile__user_id", flat=True)
            .distinct()[:FALLBACK_SCAN]
        )
        user_model = apps.get_model("accounts", "User")
        for user in user_model.objects.filter(pk__in=list(user_ids)):
            if str(user.pk) in taken:
                continue
            view = engine.fit_of(engine.candidate_data(user), target, today=today)
            if not view.excluded_because:
                scored.append((str(user.pk), view))
    scored.sort(key=lambda t: (-t[1].score, t[0]))
    scored = scored[:k]
    user_model = apps.get_model("accounts", "User")
    users = {str(u.pk): u for u in user_model.objects.filter(pk__in=[int(c) for c, _ in scored])}
    return Suggestions(
        items=[Suggestion(candidate=users[c], fit=v) for c, v in scored if c in users],
        degraded=index is None,
    )


def best_match_ids(user: User, limit: int) -> list[int] | None:
    """Ids of the opportunities whose skills this candidate covers best, from the
    index and ignoring hard constraints (browse shows excluded ones last, with
    the reason). None while the index is being built."""
    index = OPPORTUNITIES.ensure()
    if index is None:
        return None
    found = index.search(engine.candidate_data(user), limit, None, taxonomy=engine.taxonomy())
    return [int(oid) for oid, _ in found]
