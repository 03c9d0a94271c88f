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

    monkeypatch.setattr(selectors.browsing, "fits_for", fake)
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


def test_search_matches_skill_labels_and_text_case_insensitively(
    alice: User, make_opportunity
) -> None:  # type: ignore[no-untyped-def]
    from stint.opportunities.services import SkillNeed
    from tests.opportunities.conftest import PYTHON

    sql = make_opportunity(title="Churn dashboard")  # required skills: SQL, Python
    other = make_opportunity(
        title="Catalogue photos",
        summary="Photograph our catalogue of forty products in daylight for the web shop.",
        deliverables="Forty edited photos",
        skills=(SkillNeed(PYTHON, "essential", 2),),
    )

    def found(q: str) -> set[int]:
        return {o.pk for o in selectors.browse(alice, BrowseQuery(q=q))}

    assert found("sql") == found("SQL") == {sql.pk}  # only in a skill label
    assert found("python") == {sql.pk, other.pk}
    assert found("CATALOGUE daylight") == {other.pk}  # every word, in any field
    assert found("catalogue sql") == set()
    assert found("photos") == {other.pk}  # deliverables


def test_search_text_follows_edits_and_can_be_refreshed(bob: User, opportunity) -> None:  # type: ignore[no-untyped-def]
    from stint.opportunities import services
    from stint.opportunities.models import Opportunity
    from tests.opportunities.conftest import posting

    services.opportunity_update(
        actor=bob, opportunity_id=opportunity.pk, posting=posting(title="Quarterly ZEBRA report")
    )
    opportunity.refresh_from_db()
    assert "quarterly zebra report" in opportunity.search_text and "sql" in opportunity.search_text
    Opportunity.objects.filter(pk=opportunity.pk).update(search_text="")  # as a bulk insert
    assert services.refresh_search_text(missing_only=True) == 1
    opportunity.refresh_from_db()
    assert "zebra" in opportunity.search_text


def test_browse_count_is_capped(
    alice: User, make_opportunity, monkeypatch: pytest.MonkeyPatch, api_for
) -> None:  # type: ignore[no-untyped-def]
    for i in range(4):
        make_opportunity(title=f"Capped work {i}")
    monkeypatch.setattr(selectors.browsing, "COUNT_CAP", 3)
    monkeypatch.setattr(selectors.browsing, "PAGE_SIZE", 2)
    result = selectors.browse_page(alice, BrowseQuery())
    assert (result.total, result.total_capped, result.total_display) == (3, True, "3+")
    assert result.page.paginator.num_pages == 2
    body = api_for(alice).get("/api/v1/opportunities").json()
    assert body["total"] == 3 and body["total_capped"] is True
    monkeypatch.setattr(selectors.browsing, "COUNT_CAP", 4)
    result = selectors.browse_page(alice, BrowseQuery())
    assert (result.total, result.total_capped, result.total_display) == (4, False, "4")
