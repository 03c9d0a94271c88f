"""Roadmaps (gap ranking, examples, progress), explore mode (novel occupations with
reasons), tailoring help, past interns' skill growth, the dashboard panel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from stint.accounts.models import User
from stint.applications import interviews
from stint.applications.models import Application
from stint.engagements.models import Engagement
from stint.growth import rules, selectors, services
from stint.matching.engine import search_occupations, search_skills, taxonomy
from stint.opportunities.models import Opportunity
from stint.orgs.models import Organisation
from stint.profiles.models import CandidateProfile, CareerGoal, SkillClaim
from stint.reviews.models import VerifiedSkill
from tests.growth.conftest import make_opportunity

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst_goal(alice_profile: CandidateProfile) -> CareerGoal:
    occ = search_occupations("data analyst", k=1)[0]
    return CareerGoal.objects.create(
        profile=alice_profile, occupation_id=occ["id"], label=occ["label"]
    )


def _essential(goal: CareerGoal) -> list[str]:
    essential, _ = taxonomy().occupation_skills(goal.occupation_id)
    return list(dict.fromkeys(essential))


def _skill(skill_id: str) -> dict[str, str]:
    return {"id": skill_id, "label": taxonomy().skill(skill_id).label}


# --- Roadmaps -------------------------------------------------------------------------------


def test_roadmap_ranks_gaps_by_importance_with_open_examples(
    analyst_goal: CareerGoal,
    alice: User,
    alice_profile: CandidateProfile,
    acme,
    bob: User,
    client_for,
    api_for,
) -> None:  # type: ignore[no-untyped-def]
    essential = _essential(analyst_goal)
    claimed, verified = essential[0], essential[1]
    SkillClaim.objects.create(profile=alice_profile, skill_id=claimed, label="c", source="self")
    SkillClaim.objects.create(
        profile=alice_profile, skill_id=verified, label="v", source="verified"
    )
    tax = taxonomy()
    missing = [s for s in essential if s not in (claimed, verified)]
    top = sorted(missing, key=lambda s: (-tax.skill_importance(s), tax.skill(s).label, s))[0]
    opp = make_opportunity(acme, bob, [_skill(top)], title="Quarterly numbers")
    draft = make_opportunity(acme, bob, [_skill(top)], title="Draft posting")
    Opportunity.objects.filter(pk=draft.pk).update(status="draft")

    roadmap = selectors.roadmap_for(alice, analyst_goal, gaps_shown=50)
    assert {s["id"]: s["how"] for s in roadmap.shown} == {claimed: "claimed", verified: "verified"}
    importances = [g["importance"] for g in roadmap.gaps]
    assert importances == sorted(importances, reverse=True)
    assert {g["skill_id"] for g in roadmap.gaps} == set(missing)
    assert roadmap.gaps[0]["skill_id"] == top
    top_gap = next(g for g in roadmap.gaps if g["skill_id"] == top)
    assert [o.pk for o in top_gap["examples"]] == [opp.pk]  # drafts are never examples
    assert roadmap.percent == round(100 * 2 / len(essential))
    assert len(roadmap.coverage) == 12

    page = client_for(alice).get(f"/growth/roadmaps/{analyst_goal.pk}/")
    assert (
        page.status_code == 200 and b"<svg" in page.content and b"Quarterly numbers" in page.content
    )
    data = api_for(alice).get(f"/api/v1/roadmaps/{analyst_goal.pk}").json()
    assert data["gaps"][0]["importance"] >= data["gaps"][-1]["importance"]
    assert api_for(alice).get("/api/v1/me/roadmaps").json()[0]["percent"] == roadmap.percent


def test_roadmap_progress_by_month(
    analyst_goal: CareerGoal, alice: User, alice_profile: CandidateProfile
) -> None:
    essential = _essential(analyst_goal)
    old = timezone.now() - timedelta(days=70)
    claim = SkillClaim.objects.create(profile=alice_profile, skill_id=essential[0], label="a")
    SkillClaim.objects.filter(pk=claim.pk).update(created_at=old)
    SkillClaim.objects.create(profile=alice_profile, skill_id=essential[1], label="b")
    coverage = selectors.roadmap_for(alice, analyst_goal).coverage
    one, two = round(100 / len(essential)), round(200 / len(essential))
    assert coverage[-1] == two and coverage[-3] == one and coverage[0] == 0


def test_roadmaps_are_their_owners_only(
    analyst_goal: CareerGoal, bob: User, eve: User, client_for, api_for
) -> None:  # type: ignore[no-untyped-def]
    for user in (bob, eve):
        assert client_for(user).get(f"/growth/roadmaps/{analyst_goal.pk}/").status_code == 404
        assert api_for(user).get(f"/api/v1/roadmaps/{analyst_goal.pk}").status_code == 404


# --- Explore ----------------------------------------------------------------------------------


def _claim(profile: CandidateProfile, *labels: str) -> list[dict[str, str]]:
    found = [search_skills(label)[0] for label in labels]
    for s in found:
        SkillClaim.objects.create(profile=profile, skill_id=s["id"], label=s["label"], level=3)
    return found


def test_explore_reaches_into_new_occupations_with_reasons(
    analyst_goal: CareerGoal,
    alice: User,
    alice_profile: CandidateProfile,
    acme: Organisation,
    bob: User,
    client_for,
    api_for,
) -> None:  # type: ignore[no-untyped-def]
    python, sql, copy = _claim(alice_profile, "python", "SQL", "perform copywriting")
    # Her own direction ranks high: eight data-analyst postings needing both skills.
    for i in range(8):
        make_opportunity(
            acme, bob, [python, sql], title=f"Data analyst {i}", needs=["essential"] * 2
        )
    copywriter = search_occupations("advertising copywriter", k=1)[0]
    lacking = next(
        s
        for s in taxonomy().occupation_skills(copywriter["id"])[0]
        if s not in (copy["id"], sql["id"])
    )
    far = make_opportunity(
        acme,
        bob,
        [copy, sql, _skill(lacking)],
        title="Advertising copywriter",
        needs=["essential"] * 3,
    )
    default_top = [r.opportunity.pk for r in selectors.recommendations_for(alice, k=8).items]
    assert far.pk not in default_top  # the usual ranking would not show it in the top 8
    items = selectors.explore_for(alice, k=8)
    assert len(items) == 8
    novel = [i for i in items if i.novel]
    assert [i.opportunity.pk for i in novel] == [far.pk]
    assert novel[0].occupation_id == copywriter["id"]
    # SQL counts toward the match but a copywriter has no use for it: only copywriting transfers
    assert "copywriting" in novel[0].reason and "SQL" not in novel[0].reason
    assert novel[0].reason.endswith("transfers to advertising copywriter.")
    assert all(not i.novel for i in items[:5])
    page = client_for(alice).get("/growth/explore/")
    assert page.status_code == 200 and page.content.count(b"new direction") == 1
    data = api_for(alice).get("/api/v1/me/explore").json()
    reasons = [d["reason"] for d in data if d["novel"]]
    assert reasons == [novel[0].reason]
    assert rules.EXPLORE_K == 10 and len(data) <= 10


def test_explore_tags_nothing_new_when_every_posting_is_in_the_goal_direction(
    analyst_goal: CareerGoal,
    alice: User,
    alice_profile: CandidateProfile,
    acme: Organisation,
    bob: User,
    client_for,
) -> None:  # type: ignore[no-untyped-def]
    python, sql = _claim(alice_profile, "python", "SQL")
    for i in range(6):
        make_opportunity(acme, bob, [python, sql], title=f"Data analyst {i}")
    # a neighbouring occupation (same ISCO minor group as data analyst) is no new direction
    make_opportunity(acme, bob, [python, sql], title="Data scientist")
    items = selectors.explore_for(alice, k=10)
    assert len(items) == 7
    assert [i for i in items if i.novel] == []
    page = client_for(alice).get("/growth/explore/")
    assert page.status_code == 200 and b"new direction" not in page.content


def test_explore_without_goals_counts_where_her_skills_already_point(
    alice: User, alice_profile: CandidateProfile, acme: Organisation, bob: User
) -> None:
    sql, analysis, stats = _claim(alice_profile, "SQL", "perform data analysis", "statistics")
    for i in range(4):
        make_opportunity(acme, bob, [sql, analysis, stats], title=f"Data analyst {i}")
    items = selectors.explore_for(alice, k=10)
    assert len(items) == 4 and not [i for i in items if i.novel]


def test_explore_counts_the_postings_she_applied_to_as_tried(
    alice: User,
    alice_profile: CandidateProfile,
    acme: Organisation,
    bob: User,
) -> None:  # type: ignore[no-untyped-def]
    copy, sql = _claim(alice_profile, "perform copywriting", "SQL")
    tried = make_opportunity(acme, bob, [copy], title="Advertising copywriter")
    Application.objects.create(opportunity=tried, candidate=alice, status="submitted")
    again = make_opportunity(acme, bob, [copy, sql], title="Advertising copywriter")
    items = {i.opportunity.pk: i for i in selectors.explore_for(alice, k=10)}
    assert again.pk in items and not items[again.pk].novel


def test_explore_needs_a_login(client_for, api_for) -> None:  # type: ignore[no-untyped-def]
    assert client_for(None).get("/growth/explore/").status_code == 302
    assert api_for(None).get("/api/v1/me/explore").status_code == 401


# --- Tailoring help ---------------------------------------------------------------------------


def test_tailoring_shows_matches_and_gaps_without_writing_anything(
    alice: User,
    alice_profile: CandidateProfile,
    acme: Organisation,
    bob: User,
    approved: Engagement,
    client_for,
    api_for,
) -> None:  # type: ignore[no-untyped-def]
    sql = search_skills("SQL")[0]
    python = search_skills("python")[0]
    mining = search_skills("data mining")[0]
    SkillClaim.objects.create(profile=alice_profile, skill_id=sql["id"], label=sql["label"])
    SkillClaim.objects.create(
        profile=alice_profile, skill_id=python["id"], label=python["label"], source="verified"
    )
    VerifiedSkill.objects.create(
        engagement=approved, candidate=alice, skill_id=python["id"], label=python["label"]
    )
    opp = make_opportunity(
        acme,
        bob,
        [python, sql, mining],
        title="Churn study",
        needs=["essential", "nice", "essential"],
    )
    t = selectors.tailoring_for(alice, opp)
    shows = {i.label: i for i in t.shows}
    assert shows[python["label"]].how == "verified"
    assert approved.title in shows[python["label"]].evidence
    assert shows[sql["label"]].how == "claimed"
    assert [m["label"] for m in t.missing] == [mining["label"]]
    assert t.emphasise == [python["label"]]
    before = alice.applications.count()
    data = api_for(alice).get(f"/api/v1/opportunities/{opp.pk}/tailoring").json()
    assert data["missing"][0]["label"] == mining["label"]
    assert {s["how"] for s in data["shows"]} == {"verified", "claimed"}
    # The inclusion tag for the apply page.
    request = RequestFactory().get("/")
    request.user = alice
    html = Template("{% load growth %}{% tailoring_help opportunity %}").render(
        Context({"request": request, "opportunity": opp})
    )
    assert "Lead with" in html and mining["label"] in html
    page = client_for(alice).get(f"/growth/opportunities/{opp.pk}/tailoring/")
    assert page.status_code == 200
    assert alice.applications.count() == before  # nothing is written for her


def test_tailoring_hides_unpublished_postings(
    alice: User, eve: User, opportunity: Opportunity, api_for, client_for
) -> None:  # type: ignore[no-untyped-def]
    Opportunity.objects.filter(pk=opportunity.pk).update(status="draft")
    for user in (alice, eve):
        assert (
            api_for(user).get(f"/api/v1/opportunities/{opportunity.pk}/tailoring").status_code
            == 404
        )
        assert (
            client_for(user).get(f"/growth/opportunities/{opportunity.pk}/tailoring/").status_code
            == 404
        )


# --- Past interns' skill growth ---------------------------------------------------------------


def test_employers_see_consenting_interns_growth_only(
    approved: Engagement,
    alice: User,
    bob: User,
    carol: User,
    globex: Organisation,
    eve: User,
    client_for,
    api_for,
) -> None:  # type: ignore[no-untyped-def]
    python = search_skills("python")[0]
    sql = search_skills("SQL")[0]
    v = VerifiedSkill.objects.create(
        engagement=approved, candidate=alice, skill_id=python["id"], label=python["label"]
    )
    VerifiedSkill.objects.filter(pk=v.pk).update(created_at=timezone.now() - timedelta(days=40))
    Engagement.objects.filter(pk=approved.pk).update(
        approved_at=timezone.now() - timedelta(days=40)
    )
    other_opp = make_opportunity(globex, carol, [sql], title="Globex job")
    from tests.growth.conftest import make_engagement

    later = make_engagement(other_opp, alice, status="approved")
    VerifiedSkill.objects.create(
        engagement=later, candidate=alice, skill_id=sql["id"], label=sql["label"]
    )
    org = approved.employer_id
    assert selectors.skill_growth_for(approved.employer) == []
    assert b"Alice" not in client_for(bob).get(f"/growth/orgs/{org}/interns/").content
    services.growth_settings_update(actor=alice, share_skill_growth=True)
    [g] = selectors.skill_growth_for(approved.employer)
    assert g.candidate == alice and g.since_you == 1
    assert [(t["label"], t["with_you"]) for t in g.timeline] == [
        (python["label"], True),
        (sql["label"], False),
    ]
    page = client_for(bob).get(f"/growth/orgs/{org}/interns/").content.decode()
    assert "Alice" in page and "Globex" not in page and "/reviews/follow-ups/" in page
    data = api_for(bob).get(f"/api/v1/orgs/{org}/intern-growth").json()
    assert data[0]["verified_since_you"] == 1 and data[0]["cumulative"][-1] == 2
    for user in (carol, eve, alice):
        assert client_for(user).get(f"/growth/orgs/{org}/interns/").status_code == 404
        assert api_for(user).get(f"/api/v1/orgs/{org}/intern-growth").status_code == 404


# --- Dashboard --------------------------------------------------------------------------------


def test_dashboard_panel(analyst_goal: CareerGoal, shortlisted, alice: User, bob: User) -> None:  # type: ignore[no-untyped-def]
    interview = interviews.interview_propose(
        actor=bob,
        application_id=shortlisted.pk,
        slots=[timezone.now() + timedelta(days=2)],
        time_zone="UTC",
    )
    panel = selectors.dashboard_candidate(alice)
    assert panel["picks"] == [interview]
    assert panel["roadmaps"][0]["goal"] == analyst_goal
    html = Template('{% include "growth/_dashboard_candidate.html" %}').render(
        Context({"growth": panel})
    )
    assert f"/growth/interviews/{interview.pk}/" in html and analyst_goal.label in html
