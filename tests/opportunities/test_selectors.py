from __future__ import annotations

from typing import Any

import pytest

from stint.accounts.models import User
from stint.matching.engine import FitView
from stint.opportunities import selectors
from stint.opportunities.selectors import BrowseQuery

pytestmark = pytest.mark.django_db


def test_best_match_sorts_by_score_and_puts_excluded_last(
    alice: User, make_opportunity, monkeypatch: pytest.MonkeyPatch, client_for
) -> None:  # type: ignore[no-untyped-def]
    low = make_opportunity(title="Low scoring work")
    out = make_opportunity(title="Excluded work here")
    high = make_opportunity(title="High scoring work")
    scores = {low.pk: (0.2, []), out.pk: (0.0, ["The dates do not fit"]), high.pk: (0.9, [])}

    def fake(user: User, rows: list[Any]) -> list[FitView]:
        return [FitView(scores[o.pk][0], scores[o.pk][1], [], []) for o in rows]

    monkeypatch.setattr(selectors, "fits_for", fake)
    ranked = selectors.rank_for_candidate(alice, selectors.browse(alice, BrowseQuery()))
    assert [r.opportunity.pk for r in ranked] == [high.pk, low.pk, out.pk]
    assert ranked[-1].excluded_because == ["The dates do not fit"]
    r = client_for(alice).get("/opportunities/", {"sort": "match"})
    assert b"Not a fit now: The dates do not fit" in r.content


def test_best_match_looks_at_the_newest_rows_only(alice: User, make_opportunity) -> None:  # type: ignore[no-untyped-def]
    for n in range(3):
        make_opportunity(title=f"Opportunity number {n}")
    ranked = selectors.rank_for_candidate(alice, selectors.browse(alice, BrowseQuery()), limit=2)
    assert len(ranked) == 2
    assert "Opportunity number 0" not in {r.opportunity.title for r in ranked}


def test_browse_query_round_trips_through_params() -> None:
    query = BrowseQuery.from_params(
        {
            "q": " sql ",
            "skills": "a,b",
            "min_hourly_minor": "2500",
            "work_mode": "mars",
            "sort": "pay",
        }
    )
    assert query == BrowseQuery(q="sql", skills=("a", "b"), min_hourly_minor=2500, sort="pay")
    assert BrowseQuery.from_params(query.to_params()) == query
    assert BrowseQuery().to_params() == {}
