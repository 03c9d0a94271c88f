from __future__ import annotations

import pytest

from stint.accounts.models import User
from stint.matching.engine import suggest_skills
from stint.opportunities.models import HiddenOpportunity, Opportunity, SavedSearch
from stint.orgs.models import Organisation
from tests.opportunities.conftest import PYTHON, SQL, future

pytestmark = pytest.mark.django_db


def form_data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Build a churn dashboard for our shop",
        "summary": "We want to understand which customers stop buying and why.",
        "deliverables": "- A cleaned CSV\n- A dashboard",
        "industry": "Retail",
        "estimated_hours": "10",
        "fee": "450.00",
        "currency": "USD",
        "apply_by": future(5).isoformat(),
        "start_date": future(7).isoformat(),
        "due_date": future(20).isoformat(),
        "work_mode": "remote",
        "time_zone": "Europe/Berlin",
        "openings": "1",
        "visibility": "public",
        "skill_id": [SQL, PYTHON],
        f"need_{SQL}": "essential",
        f"level_{SQL}": "3",
        f"need_{PYTHON}": "nice",
        f"level_{PYTHON}": "1",
        "questions": "Which tools do you use?\nAnything else? (optional)",
    }
    data.update(changes)
    return data


def test_employer_posts_edits_and_publishes_through_pages(
    bob: User, acme: Organisation, client_for
) -> None:  # type: ignore[no-untyped-def]
    page = client_for(bob)
    assert page.get(f"/opportunities/orgs/{acme.pk}/new/").status_code == 200
    r = page.post(f"/opportunities/orgs/{acme.pk}/new/", form_data())
    assert r.status_code == 302
    o = Opportunity.objects.get()
    assert o.fee_minor == 45000 and o.status == "draft" and o.time_zone == "Europe/Berlin"
    assert o.skills.get(skill_id=SQL).level == 3 and o.skills.get(skill_id=PYTHON).need == "nice"
    assert [q.required for q in o.questions.all()] == [True, False]

    edit = page.get(f"/opportunities/{o.pk}/edit/")
    assert edit.status_code == 200
    assert b"Clarity:" in edit.content and b'value="450.00"' in edit.content

    r = page.post(f"/opportunities/{o.pk}/status/", {"status": "published"})
    assert r.status_code == 302
    o.refresh_from_db()
    assert o.status == "published"
    detail = page.get(f"/opportunities/{o.pk}/")
    assert b"Close" in detail.content and b"Mark filled" in detail.content


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"estimated_hours": "4"}, "estimated_hours", b"5 to 40 hours"),
        ({"estimated_hours": "41"}, "estimated_hours", b"5 to 40 hours"),
        ({"fee": "100.00"}, "fee", b"at least 20.00 USD per hour"),
        ({"fee": "450.001"}, "fee", b"at most 2 decimal places"),
        (
            {"start_date": future(7).isoformat(), "due_date": future(6).isoformat()},
            "due_date",
            b"on or after the start",
        ),
        ({"skill_id": ["nope"]}, None, b"Unknown skill id"),
    ],
)
def test_bad_form_input_is_shown_and_nothing_is_saved(
    bob: User, acme: Organisation, client_for, changes: dict, field: str | None, message: bytes
) -> None:  # type: ignore[no-untyped-def]
    r = client_for(bob).post(f"/opportunities/orgs/{acme.pk}/new/", form_data(**changes))
    assert r.status_code == 200
    assert message in r.content
    if field:
        assert field in r.context["form"].errors
    assert Opportunity.objects.count() == 0


def test_unverified_employer_sees_why_it_cannot_publish(
    carol: User, globex: Organisation, client_for
) -> None:  # type: ignore[no-untyped-def]
    page = client_for(carol)
    page.post(f"/opportunities/orgs/{globex.pk}/new/", form_data())
    o = Opportunity.objects.get()
    r = page.post(f"/opportunities/{o.pk}/status/", {"status": "published"}, follow=True)
    assert b"must be verified by a platform admin" in r.content
    o.refresh_from_db()
    assert o.status == "draft"


def test_other_employers_get_404_on_drafts_and_controls(
    carol: User, globex: Organisation, make_opportunity, client_for
) -> None:  # type: ignore[no-untyped-def]
    draft = make_opportunity(publish=False)
    live = make_opportunity()
    page = client_for(carol)
    assert page.get(f"/opportunities/{draft.pk}/").status_code == 404
    assert page.get(f"/opportunities/{draft.pk}/edit/").status_code == 404
    assert page.get(f"/opportunities/{live.pk}/edit/").status_code == 404
    assert (
        page.post(f"/opportunities/{live.pk}/edit/", form_data(title="Hacked")).status_code == 404
    )
    assert (
        page.post(f"/opportunities/{draft.pk}/status/", {"status": "published"}).status_code == 404
    )
    assert page.post(f"/opportunities/{live.pk}/status/", {"status": "closed"}).status_code == 404
    assert page.get(f"/opportunities/orgs/{draft.employer_id}/").status_code == 404
    assert page.get(f"/opportunities/orgs/{draft.employer_id}/new/").status_code == 404
    live_page = page.get(f"/opportunities/{live.pk}/")
    assert live_page.status_code == 200 and b"Mark filled" not in live_page.content
    draft.refresh_from_db()
    live.refresh_from_db()
    assert draft.status == "draft" and live.status == "published" and live.title != "Hacked"


def test_candidates_cannot_create_postings(alice: User, acme: Organisation, client_for) -> None:  # type: ignore[no-untyped-def]
    page = client_for(alice)
    assert page.get(f"/opportunities/orgs/{acme.pk}/new/").status_code == 404
    assert page.post(f"/opportunities/orgs/{acme.pk}/new/", form_data()).status_code == 404
    assert Opportunity.objects.count() == 0


def test_browse_searches_filters_and_sorts(alice: User, make_opportunity, client_for) -> None:  # type: ignore[no-untyped-def]
    cheap = make_opportunity(title="Clean up a product catalogue", fee_minor=20000, skills=())
    rich = make_opportunity(title="Write SQL reports for finance", fee_minor=90000)
    make_opportunity(title="Unpublished draft work", publish=False)
    page = client_for(alice)
    r = page.get("/opportunities/")
    assert r.status_code == 200
    titles = [i.opportunity.title for i in r.context["result"].items]
    assert titles == [rich.title, cheap.title]
    r = page.get("/opportunities/", {"q": "catalogue"})
    assert [i.opportunity.pk for i in r.context["result"].items] == [cheap.pk]
    r = page.get("/opportunities/", {"q": "sql"})  # matches the skill label too
    assert [i.opportunity.pk for i in r.context["result"].items] == [rich.pk]
    r = page.get("/opportunities/", {"min_hourly": "50", "currency": "USD"})
    assert [i.opportunity.pk for i in r.context["result"].items] == [rich.pk]
    r = page.get("/opportunities/", {"sort": "pay"})
    assert [i.opportunity.pk for i in r.context["result"].items] == [rich.pk, cheap.pk]
    r = page.get("/opportunities/", {"sort": "match"})
    assert r.status_code == 200
    assert {i.opportunity.pk for i in r.context["result"].items} == {rich.pk, cheap.pk}
    assert all(i.fit is not None for i in r.context["result"].items)


def test_browse_pages_by_20(alice: User, make_opportunity, client_for) -> None:  # type: ignore[no-untyped-def]
    for n in range(21):
        make_opportunity(title=f"Opportunity number {n}", skills=(), questions=())
    r = client_for(alice).get("/opportunities/")
    assert r.context["result"].total == 21 and len(r.context["result"].items) == 20
    r = client_for(alice).get("/opportunities/", {"page": 2})
    assert len(r.context["result"].items) == 1


def test_browse_page_query_count_does_not_grow(
    alice: User, make_opportunity, client_for, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for n in range(12):
        make_opportunity(title=f"Opportunity number {n}")
    page = client_for(alice)
    page.get("/opportunities/")  # warm caches (taxonomy, sessions)
    with django_assert_max_num_queries(8):
        r = page.get("/opportunities/")
    assert len(r.context["result"].items) == 12


def test_detail_explains_the_match_to_a_candidate(
    alice: User, opportunity: Opportunity, client_for
) -> None:  # type: ignore[no-untyped-def]
    r = client_for(alice).get(f"/opportunities/{opportunity.pk}/")
    assert r.status_code == 200
    assert b"Why this matches you" in r.content
    assert r.context["insight"] is not None
    assert b"Mark filled" not in r.content


def test_hiding_removes_it_from_browse(alice: User, opportunity: Opportunity, client_for) -> None:  # type: ignore[no-untyped-def]
    page = client_for(alice)
    r = page.post(f"/opportunities/{opportunity.pk}/hide/", {"reason": "pay_too_low"})
    assert r.status_code == 302
    assert HiddenOpportunity.objects.get(user=alice).reason == "pay_too_low"
    assert page.get("/opportunities/").context["result"].total == 0
    assert page.get("/opportunities/", {"sort": "match"}).context["result"].total == 0
    page.post(f"/opportunities/{opportunity.pk}/unhide/")
    assert page.get("/opportunities/").context["result"].total == 1


def test_hide_does_not_redirect_off_site(alice: User, opportunity: Opportunity, client_for) -> None:  # type: ignore[no-untyped-def]
    r = client_for(alice).post(
        f"/opportunities/{opportunity.pk}/hide/", {"next": "https://evil.example/"}
    )
    assert r["Location"] == "/opportunities/"


def test_saved_searches_through_pages(alice: User, opportunity: Opportunity, client_for) -> None:  # type: ignore[no-untyped-def]
    page = client_for(alice)
    r = page.post(
        "/opportunities/saved/",
        {"name": "SQL work", "q": "sql", "min_hourly": "25.50", "currency": "USD"},
    )
    assert r.status_code == 302
    saved = SavedSearch.objects.get(user=alice)
    assert saved.query == {"q": "sql", "min_hourly_minor": 2550, "currency": "USD"}
    listing = page.get("/opportunities/saved/")
    assert b"SQL work" in listing.content
    r = page.get("/opportunities/", {"saved": saved.pk})
    assert r.context["result"].total == 1
    page.post(f"/opportunities/saved/{saved.pk}/delete/")
    assert not SavedSearch.objects.exists()


def test_employer_postings_list_shows_counts(
    bob: User, acme: Organisation, opportunity: Opportunity, client_for
) -> None:  # type: ignore[no-untyped-def]
    page = client_for(bob)
    assert page.get("/opportunities/mine/")["Location"] == f"/opportunities/orgs/{acme.pk}/"
    r = page.get(f"/opportunities/orgs/{acme.pk}/")
    assert r.status_code == 200 and opportunity.title.encode() in r.content
    assert r.context["postings"][0].application_count == 0


def test_skill_autocomplete_and_suggestions(bob: User, acme: Organisation, client_for) -> None:  # type: ignore[no-untyped-def]
    page = client_for(bob)
    r = page.get("/opportunities/skills/search/", {"skill_q": "python"})
    assert b"Python (computer programming)" in r.content
    r = page.get("/opportunities/skills/row/", {"id": SQL})
    assert b'name="skill_id"' in r.content and b"SQL" in r.content
    assert page.get("/opportunities/skills/row/", {"id": "nope"}).status_code == 404
    text = "Analyse data with Python and SQL"
    expected = [s["id"] for s in suggest_skills(text) if s["id"] != SQL]
    r = page.post("/opportunities/skills/suggest/", {"summary": text, "skill_id": [SQL]})
    assert [row["id"] for row in r.context["rows"]] == expected[:12]
    assert b'value="' + SQL.encode() not in r.content  # already chosen


def test_browse_filter_form_is_cached_per_query_string(alice: User, client_for) -> None:  # type: ignore[no-untyped-def]
    page = client_for(alice)
    for _ in range(2):  # the second answer comes from the cache
        first = page.get("/opportunities/", {"q": "alpha", "max_hours": "12"}).content
        assert b'value="alpha"' in first and b'value="12"' in first
        other = page.get("/opportunities/", {"q": "beta"}).content
        assert b'value="beta"' in other and b'value="alpha"' not in other
    assert b'value="alpha"' in page.get("/opportunities/", {"q": "alpha", "page": "2"}).content
