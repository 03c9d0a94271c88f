""" "Recommended for you" is ordered by the learned job ranker (the one
`eval recommend` measures) plus fit, not by fit alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from stint.accounts.models import User
from stint.applications.models import Application
from stint.matching import indexes
from stint.matching.recommend import recommendations_for
from stint.opportunities.models import Opportunity
from stint.orgs.models import Organisation
from tests.matching.test_recommend import _candidate, _opportunity, _skill

pytestmark = pytest.mark.django_db


@pytest.fixture
def skills() -> dict[str, tuple[str, str]]:
    return {"python": _skill("python"), "sql": _skill("SQL")}


def _set_up(alice: User, acme: Organisation, skills: dict[str, tuple[str, str]]) -> tuple[int, int]:
    _candidate(alice, [skills["python"], skills["sql"]])  # no headline: fit reads no text
    before = _opportunity(acme, "Data analyst: sales report", [skills["python"]])
    Application.objects.create(opportunity=before, candidate=alice)
    # Fit ranks the logo job at least as high (and first on a tie, by id) ...
    logo = _opportunity(acme, "Logo refresh", [skills["python"], skills["sql"]])
    # ... the ranker prefers the analyst job: its title matches the job
    # applied to before.
    analyst = _opportunity(acme, "Data analyst: churn dashboard", [skills["python"]])
    return logo.pk, analyst.pk


@pytest.mark.parametrize("build", ["ready", "degraded"])
def test_recommended_for_you_orders_by_the_learned_ranker(
    alice: User, acme: Organisation, skills: dict[str, tuple[str, str]], settings, build: str
) -> None:  # type: ignore[no-untyped-def]
    logo, analyst = _set_up(alice, acme, skills)
    if build == "degraded":  # the exact scan while an index builds uses the same ranking
        settings.STINT_INDEX_BUILD = "background"
        indexes.reset_all()
        indexes.OPPORTUNITIES.building = True
    recs = recommendations_for(alice, k=5)
    assert recs.degraded is (build == "degraded")
    by_id = {r.opportunity.pk: r for r in recs.items}
    assert set(by_id) == {logo, analyst}  # the one applied to is left out
    fit_order = sorted(by_id, key=lambda i: (-by_id[i].fit.score, str(i)))
    assert fit_order == [logo, analyst]  # what ordering by fit alone would show
    assert [r.opportunity.pk for r in recs.items] == [analyst, logo]


def test_without_history_fit_still_orders(
    alice: User, acme: Organisation, skills: dict[str, tuple[str, str]]
) -> None:
    _candidate(alice, [skills["python"], skills["sql"]])  # no headline, nothing applied to
    both = _opportunity(acme, "Logo refresh", [skills["python"], skills["sql"]])
    one = _opportunity(acme, "Churn dashboard", [skills["python"]])
    recs = recommendations_for(alice, k=5)
    got = [r.opportunity.pk for r in recs.items]
    assert set(got) == {both.pk, one.pk}
    scores = {r.opportunity.pk: r.fit.score for r in recs.items}
    assert got == sorted(got, key=lambda i: (-scores[i], str(i)))


def test_a_fresh_posting_is_not_pushed_down_for_an_old_application(
    alice: User, acme: Organisation, skills: dict[str, tuple[str, str]]
) -> None:
    """On the job site "posted around the time of the last view" meant recent;
    here it reads the posting's age, not its id's distance to the last
    application, which for a candidate who applied long ago favours old rows."""
    _candidate(alice, [skills["python"]])
    long_ago = timezone.now() - timedelta(days=120)
    applied = _opportunity(acme, "Data analyst: sales report", [skills["python"]])
    Application.objects.create(opportunity=applied, candidate=alice)
    old = _opportunity(acme, "Data analyst: churn dashboard", [skills["python"]])
    Opportunity.objects.filter(pk__in=[applied.pk, old.pk]).update(published_at=long_ago)
    for i in range(40):  # postings since then (gone now): ids move on
        _opportunity(acme, f"Filler {i}", []).delete()
    fresh = _opportunity(acme, "Data analyst: churn dashboard", [skills["python"]])
    assert fresh.pk - applied.pk > 40 and old.pk - applied.pk == 1
    recs = recommendations_for(alice, k=5)
    got = [r.opportunity.pk for r in recs.items]
    assert set(got) == {old.pk, fresh.pk}
    scores = {r.opportunity.pk: r.fit.score for r in recs.items}
    assert scores[old.pk] == scores[fresh.pk]  # only the ranker tells them apart
    assert got == [fresh.pk, old.pk]
