"""Recommendations and suggested candidates through the engine's indexes:
current as things change (through the change log), degraded while building."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from stint.accounts.models import User
from stint.applications.models import Application
from stint.matching import indexes
from stint.matching.engine import search_skills
from stint.matching.models import IndexChange
from stint.matching.recommend import recommendations_for, suggested_candidates
from stint.matching.tasks import candidate_changed, opportunity_changed
from stint.opportunities.models import HiddenOpportunity, Opportunity, RequiredSkill
from stint.orgs.models import Organisation
from stint.profiles.models import CandidateProfile, SkillClaim

pytestmark = pytest.mark.django_db


def _skill(q: str) -> tuple[str, str]:
    hit = search_skills(q, 1)[0]
    return hit["id"], hit["label"]


@pytest.fixture
def skills() -> dict[str, tuple[str, str]]:
    return {"python": _skill("python"), "sql": _skill("SQL"), "figma": _skill("Figma")}


def _opportunity(
    org: Organisation, title: str, skill_list: list[tuple[str, str]], **extra: object
) -> Opportunity:
    today = timezone.localdate()
    o = Opportunity.objects.create(
        employer=org,
        title=title,
        summary=f"{title}: a scoped paid project.",
        deliverables="A report",
        estimated_hours=10,
        fee_minor=50_000,
        currency="USD",
        apply_by=today + timedelta(days=10),
        start_date=today + timedelta(days=12),
        due_date=today + timedelta(days=40),
        status="published",
        published_at=timezone.now(),
        **extra,
    )
    for sid, label in skill_list:
        RequiredSkill.objects.create(
            opportunity=o, skill_id=sid, label=label, need="essential", level=2
        )
    return o


def _candidate(user: User, skill_list: list[tuple[str, str]]) -> CandidateProfile:
    profile, _ = CandidateProfile.objects.get_or_create(user=user, defaults={"hours_per_week": 15})
    for sid, label in skill_list:
        SkillClaim.objects.create(profile=profile, skill_id=sid, label=label, level=3)
    return profile


def test_recommendations_rank_by_fit_and_explain(alice: User, acme: Organisation, skills) -> None:  # type: ignore[no-untyped-def]
    _candidate(alice, [skills["python"], skills["sql"]])
    data = _opportunity(acme, "Data cleanup", [skills["python"], skills["sql"]])
    design = _opportunity(acme, "Logo refresh", [skills["figma"]])
    recs = recommendations_for(alice, k=5)
    assert not recs.degraded
    ids = [r.opportunity.pk for r in recs.items]
    assert ids[0] == data.pk
    assert design.pk not in ids[:1]
    top = recs.items[0]
    assert top.fit.score > 0.5
    assert any(
        "2 of 2" in line or "both" in line.lower() or "all" in line.lower()
        for line in top.fit.explanation
    )
    assert top.worth["sentences"] and top.worth["hourly_pay_minor"] == 5000


def test_index_follows_the_change_log(alice: User, acme: Organisation, skills) -> None:  # type: ignore[no-untyped-def]
    _candidate(alice, [skills["python"]])
    first = _opportunity(acme, "First", [skills["python"]])
    assert [r.opportunity.pk for r in recommendations_for(alice).items] == [first.pk]
    # A new posting is invisible to the built index until its change is logged...
    second = _opportunity(acme, "Second", [skills["python"]])
    assert (
        indexes.OPPORTUNITIES.index is not None and str(second.pk) not in indexes.OPPORTUNITIES.data
    )
    opportunity_changed.call(second.pk)  # what the service enqueues after commit
    assert {r.opportunity.pk for r in recommendations_for(alice).items} == {first.pk, second.pk}
    # ...and a closed one leaves it.
    Opportunity.objects.filter(pk=first.pk).update(status="closed")
    opportunity_changed.call(first.pk)
    assert [r.opportunity.pk for r in recommendations_for(alice).items] == [second.pk]
    assert str(first.pk) not in indexes.OPPORTUNITIES.data
    assert IndexChange.objects.filter(kind="opportunity").count() == 2


def test_publishing_through_the_service_logs_a_change(
    bob: User, acme: Organisation, skills, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from stint.opportunities.services import opportunity_transition

    acme.verified_at = timezone.now()
    acme.save()
    draft = _opportunity(acme, "Draft", [skills["python"]])
    Opportunity.objects.filter(pk=draft.pk).update(status="draft", published_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        opportunity_transition(actor=bob, opportunity_id=draft.pk, status="published")
    assert IndexChange.objects.filter(kind="opportunity", object_id=draft.pk).exists()


def test_applied_hidden_and_invite_only_are_not_recommended(
    alice: User, acme: Organisation, skills
) -> None:  # type: ignore[no-untyped-def]
    _candidate(alice, [skills["python"]])
    applied = _opportunity(acme, "Applied", [skills["python"]])
    hidden = _opportunity(acme, "Hidden", [skills["python"]])
    secret = _opportunity(acme, "Invite only", [skills["python"]], visibility="invite_only")
    shown = _opportunity(acme, "Shown", [skills["python"]])
    Application.objects.create(opportunity=applied, candidate=alice)
    HiddenOpportunity.objects.create(user=alice, opportunity=hidden, reason="not_interested")
    ids = [r.opportunity.pk for r in recommendations_for(alice).items]
    assert ids == [shown.pk]
    assert secret.pk not in ids


def test_degraded_while_the_index_builds(alice: User, acme: Organisation, skills, settings) -> None:  # type: ignore[no-untyped-def]
    settings.STINT_INDEX_BUILD = "background"
    indexes.reset_all()
    indexes.OPPORTUNITIES.building = True  # a build is under way in another thread
    _candidate(alice, [skills["python"]])
    o = _opportunity(acme, "Newest", [skills["python"]])
    recs = recommendations_for(alice)
    assert recs.degraded
    assert [r.opportunity.pk for r in recs.items] == [o.pk]
    assert recs.items[0].fit.explanation


def test_suggested_candidates_skip_applicants(
    bob: User, acme: Organisation, alice: User, eve: User, skills
) -> None:  # type: ignore[no-untyped-def]
    eve.is_candidate = True
    eve.save()
    _candidate(alice, [skills["python"], skills["sql"]])
    _candidate(eve, [skills["python"]])
    o = _opportunity(acme, "Data", [skills["python"], skills["sql"]])
    found = suggested_candidates(o)
    assert [s.candidate.pk for s in found.items] == [alice.pk, eve.pk]
    Application.objects.create(opportunity=o, candidate=alice)
    assert [s.candidate.pk for s in suggested_candidates(o).items] == [eve.pk]
    # Profile changes reach the candidate index through the change log.
    SkillClaim.objects.filter(profile__user=eve).delete()
    candidate_changed.call(eve.pk)
    assert suggested_candidates(o).items == []


def test_recommendation_pages_and_api(
    alice: User, acme: Organisation, bob: User, skills, client_for, api_for
) -> None:  # type: ignore[no-untyped-def]
    _candidate(alice, [skills["python"]])
    o = _opportunity(acme, "Python scripts", [skills["python"]])
    page = client_for(alice).get("/opportunities/recommended/")
    assert (
        page.status_code == 200
        and b"Python scripts" in page.content
        and b"Why this matches" in page.content
    )
    dash = client_for(alice).get("/dashboard/")
    assert b'id="recommended"' in dash.content and b"Python scripts" in dash.content
    body = api_for(alice).get("/api/v1/recommendations").json()
    assert body["items"][0]["opportunity_id"] == o.pk and body["items"][0]["worth"]
    assert api_for(bob).get("/api/v1/recommendations").status_code == 403


def test_suggested_candidates_are_for_the_employer_only(
    alice: User, acme: Organisation, bob: User, carol: User, globex, skills, api_for, client_for
) -> None:  # type: ignore[no-untyped-def]
    acme.verified_at = timezone.now()  # suggestions are for verified employers only
    acme.save(update_fields=["verified_at"])
    _candidate(alice, [skills["python"]])
    o = _opportunity(acme, "Python scripts", [skills["python"]])
    r = api_for(bob).get(f"/api/v1/opportunities/{o.pk}/suggested-candidates")
    assert r.status_code == 200 and [i["candidate_id"] for i in r.json()["items"]] == [alice.pk]
    assert (
        api_for(carol).get(f"/api/v1/opportunities/{o.pk}/suggested-candidates").status_code == 404
    )
    assert (
        api_for(alice).get(f"/api/v1/opportunities/{o.pk}/suggested-candidates").status_code == 404
    )
    page = client_for(bob).get(f"/applications/opportunity/{o.pk}/")
    assert b'id="suggested"' in page.content and b"Invite Alice" in page.content


def test_employer_follow_up_history_feeds_growth_potential(
    alice: User, acme: Organisation, bob: User, skills
) -> None:  # type: ignore[no-untyped-def]
    from stint.applications.models import Offer
    from stint.engagements.models import Engagement
    from stint.matching.engine import employer_stats_for
    from stint.reviews.models import FollowUpOffer
    from tests.personas import make_user

    _candidate(alice, [skills["python"]])
    past = _opportunity(acme, "Past work", [skills["python"]])
    for i in range(4):
        intern = make_user(f"intern{i}@example.com", candidate=True)
        application = Application.objects.create(
            opportunity=past, candidate=intern, status="accepted"
        )
        offer = Offer.objects.create(
            application=application,
            fee_minor=50_000,
            currency="USD",
            scope="s",
            expires_at=timezone.now(),
            status="accepted",
        )
        e = Engagement.objects.create(
            application=application,
            offer=offer,
            opportunity=past,
            candidate=intern,
            employer=acme,
            status="paid",
            approved_at=timezone.now(),
            paid_at=timezone.now(),
            funded_at=timezone.now(),
            released_minor=50_000,
            title="Past work",
            scope="s",
            fee_minor=50_000,
            currency="USD",
        )
        if i < 3:  # three of four interns were invited to a longer role
            FollowUpOffer.objects.create(
                engagement=e, employer=acme, candidate=intern, kind="job", role_title="Analyst"
            )
    stats = employer_stats_for([acme.pk])[acme.pk]
    assert stats.completed_engagements == 4 and stats.follow_up_offer_rate == 0.75
    Opportunity.objects.filter(pk=past.pk).update(status="closed")
    fresh = _opportunity(acme, "New work", [skills["python"]])
    rec = next(r for r in recommendations_for(alice).items if r.opportunity.pk == fresh.pk)
    assert rec.worth["growth_potential"]["value"] == 0.75
    assert (
        "3 of" in rec.worth["growth_potential"]["sentence"]
        or "75" in rec.worth["growth_potential"]["sentence"]
    )


def test_recommendations_are_cached_until_the_profile_or_the_index_changes(
    alice: User, acme: Organisation, skills, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from stint.matching import recommend

    profile = _candidate(alice, [skills["python"]])
    py = _opportunity(acme, "Python work", [skills["python"]])
    design = _opportunity(acme, "Design work", [skills["figma"]])
    assert [r.opportunity.pk for r in recommendations_for(alice).items] == [py.pk]

    calls = []
    real = recommend.recommend_opportunities
    monkeypatch.setattr(
        recommend, "recommend_opportunities", lambda *a, **kw: calls.append(1) or real(*a, **kw)
    )
    # Nothing changed: the cached ranking answers (rows re-read, no re-rank).
    assert [r.opportunity.pk for r in recommendations_for(alice).items] == [py.pk]
    assert calls == []

    # A profile change is a new key: the new skill counts at once.
    SkillClaim.objects.create(profile=profile, skill_id=skills["figma"][0], label="Figma", level=3)
    profile.updated_at = timezone.now()
    profile.save(update_fields=["updated_at"])
    assert {r.opportunity.pk for r in recommendations_for(alice).items} == {py.pk, design.pk}
    assert len(calls) == 1

    # A new change in the log is a new key too.
    more = _opportunity(acme, "More Python", [skills["python"]])
    opportunity_changed.call(more.pk)
    assert more.pk in {r.opportunity.pk for r in recommendations_for(alice).items}
    assert len(calls) == 2

    # Hiding is read fresh: no re-rank needed.
    HiddenOpportunity.objects.create(user=alice, opportunity=design, reason="not_interested")
    assert design.pk not in {r.opportunity.pk for r in recommendations_for(alice).items}
    assert len(calls) == 2

    # Applying is filtered at once and, since the learned ranker reads what the
    # candidate applied to, is a new key too.
    Application.objects.create(opportunity=py, candidate=alice)
    assert py.pk not in {r.opportunity.pk for r in recommendations_for(alice).items}
    assert len(calls) == 3


def test_a_large_index_is_kept_out_of_the_garbage_collectors_walk(
    alice: User, acme: Organisation, skills, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """After a build of at least FREEZE_AT_ITEMS items, what exists is frozen, so
    no full collection walks the index while serving; small builds are not."""
    import gc

    _opportunity(acme, "Python scripts", [skills["python"]])
    before = gc.get_freeze_count()
    try:
        indexes.OPPORTUNITIES.reset()
        indexes.OPPORTUNITIES.build()
        assert gc.get_freeze_count() == before  # one item: nothing frozen
        monkeypatch.setattr(indexes, "FREEZE_AT_ITEMS", 1)
        indexes.OPPORTUNITIES.reset()
        indexes.OPPORTUNITIES.build()
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()


def _lookups(cache_name: str, result: str) -> float:
    from stint.core import metrics

    found = re.search(
        rf'stint_cache_lookups_total\{{cache="{cache_name}",result="{result}"\}} ([0-9.e+]+)',
        metrics.render(),
    )
    return float(found.group(1)) if found else 0.0


def test_the_ranked_cache_counts_its_hits_and_misses(
    alice: User, acme: Organisation, skills
) -> None:  # type: ignore[no-untyped-def]
    """Issue 18 item 9: the load benchmark reports hit rates from these counters."""
    _candidate(alice, [skills["python"]])
    _opportunity(acme, "Data cleanup", [skills["python"]])
    misses, hits = _lookups("ranked", "miss"), _lookups("ranked", "hit")
    recommendations_for(alice)
    recommendations_for(alice)
    assert _lookups("ranked", "miss") == misses + 1
    assert _lookups("ranked", "hit") == hits + 1
