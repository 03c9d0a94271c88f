"""Cached opportunity cards and the SQLite search index: what the load
benchmark's speed-ups (docs/bench/load.md) must not change."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from django.db import connection
from django.test import Client
from django.utils.html import escape

from stint.accounts.models import User
from stint.opportunities import search, services
from stint.opportunities.models import HiddenOpportunity, Opportunity
from stint.opportunities.selectors import BrowseQuery, browse, browse_page
from stint.orgs.models import Organisation
from stint.orgs.services import organisation_update
from tests.opportunities.conftest import posting

pytestmark = pytest.mark.django_db


# --- Cards --------------------------------------------------------------------------------


def test_an_edited_posting_shows_its_new_card_at_once(
    alice: User, bob: User, opportunity: Opportunity, client_for
) -> None:  # type: ignore[no-untyped-def]
    page = client_for(alice)
    assert b"Build a churn dashboard" in page.get("/opportunities/").content
    services.opportunity_update(
        actor=bob,
        opportunity_id=opportunity.pk,
        posting=posting(title="Churn dashboard, second take", fee_minor=60000),
    )
    content = page.get("/opportunities/").content
    assert b"Churn dashboard, second take" in content
    assert b"Build a churn dashboard" not in content
    assert b"$600.00" in content


def test_a_renamed_employer_shows_on_cached_cards(
    alice: User, bob: User, acme: Organisation, opportunity: Opportunity, client_for
) -> None:  # type: ignore[no-untyped-def]
    page = client_for(alice)
    assert b"<strong>Acme</strong>" in page.get("/opportunities/").content
    organisation_update(actor=bob, organisation_id=acme.pk, name="Acme Analytics")
    assert b"<strong>Acme Analytics</strong>" in page.get("/opportunities/").content


def test_cards_carry_the_viewers_own_csrf_token_and_hiding_works(
    alice: User, eve: User, opportunity: Opportunity
) -> None:
    """The card body is shared; the hide form's token must be the viewer's, so a
    POST with it passes the CSRF check (a token from someone else's page would not)."""
    eve.is_candidate = True
    eve.save(update_fields=["is_candidate"])
    pages = {}
    for user in (eve, alice):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        html = client.get("/opportunities/").content.decode()
        form = re.search(
            rf'<form method="post" action="/opportunities/{opportunity.pk}/hide/".*?</form>',
            html,
            re.S,
        )
        assert form is not None
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(0))
        assert token is not None
        pages[user.email] = (client, token.group(1))
    client, token = pages[alice.email]
    r = client.post(
        f"/opportunities/{opportunity.pk}/hide/",
        {"reason": "pay_too_low", "csrfmiddlewaretoken": token, "next": "/opportunities/"},
    )
    assert r.status_code == 302
    assert (
        HiddenOpportunity.objects.get(user=alice, opportunity=opportunity).reason == "pay_too_low"
    )
    assert b"Build a churn dashboard" not in client.get("/opportunities/").content
    assert not HiddenOpportunity.objects.filter(user=eve).exists()


def test_the_match_line_is_each_viewers_own(
    alice: User, opportunity: Opportunity, client_for
) -> None:  # type: ignore[no-untyped-def]
    """Sorted by best match a card says how well it fits this candidate; the
    same card in the newest-first list (cached body) says nothing of fit."""
    page = client_for(alice)
    matched = page.get("/opportunities/", {"sort": "match"}).content
    # The match line names a band ("Strong match · 92%"), its meaning on hover.
    assert re.search(rb'class="badge match match-\w+"', matched) or b"Not a fit now" in matched
    assert b"badge match" not in page.get("/opportunities/").content
    anonymous = Client().get("/opportunities/").content
    assert b"Build a churn dashboard" in anonymous and b"/hide/" not in anonymous


def test_recommendations_render_why_worth_and_a_not_for_me_form(
    alice: User, acme: Organisation, client_for
) -> None:  # type: ignore[no-untyped-def]
    from tests.matching.test_recommend import _candidate, _opportunity, _skill

    python = _skill("python")
    _candidate(alice, [python])
    o = _opportunity(acme, "Python <scripts> & more", [python])
    r = client_for(alice).get("/opportunities/recommended/")
    assert r.status_code == 200
    (item,) = r.context["recs"].items
    html = r.content.decode()
    assert f'id="rec-{o.pk}"' in html
    assert "Python &lt;scripts&gt; &amp; more" in html  # escaped, never raw
    assert "Why this matches:" in html and "Is it worth your time?" in html
    assert item.fit.explanation and item.worth["sentences"]
    # Acme has no finished engagements: its "too little history" sentence is said once
    # above the list instead of on every card (issue 17).
    no_history = item.worth["growth_potential"]["sentence"]
    assert "too little history" in no_history and escape(no_history) not in html
    assert html.count("too little history") == 1
    for line in [*item.fit.explanation, *item.worth["sentences"]]:
        if line != no_history:
            assert f"<li>{escape(line)}</li>" in html
    assert f'action="/opportunities/{o.pk}/hide/"' in html
    assert 'name="csrfmiddlewaretoken"' in html and "Not for me" in html


# --- Search ------------------------------------------------------------------------------

TEXTS = [
    ("Data pipeline for a bakery", "Clean the sales data and load it nightly."),
    ("Survey analysis", "Analyse a customer survey; we hold the database export."),
    ("Logo refresh", "A new logo in two colours, with a short style guide."),
    ("Café menu translation", "Translate our menu into English: crêpes, gâteaux, et al."),
    ('Quote "unusual" words', 'Handles the "quoted" phrase and a 50% discount.'),
    ("R scripts tidy-up", "Tidy R scripts and an ML notebook."),
]
QUERIES = [
    "data",
    "DATA",
    "data nightly",
    "analys",
    "crêpes",
    "café",
    '"quoted"',
    "50%",
    "r",
    "ml notebook",
    "ta",
    "logo colours style",
    "nothing-like-this",
    "_",
]


@pytest.fixture
def texts(make_opportunity) -> list[Opportunity]:  # type: ignore[no-untyped-def]
    return [
        make_opportunity(title=title, summary=summary + " " * 60, skills=(), questions=())
        for title, summary in TEXTS
    ]


def _ids(user: User, q: str, *, use_index: bool) -> set[int]:
    return set(browse(user, BrowseQuery(q=q), use_index=use_index).values_list("pk", flat=True))


@pytest.mark.parametrize("q", QUERIES)
def test_the_index_finds_exactly_what_a_scan_finds(alice: User, texts, q: str) -> None:  # type: ignore[no-untyped-def]
    by_index = _ids(alice, q, use_index=True)
    assert by_index == _ids(alice, q, use_index=False)
    expected = {o.pk for o in texts if all(w.lower() in o.search_text for w in q.split())}
    assert by_index == expected


def test_sqlite_has_the_index(db: None) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 table is SQLite's; PostgreSQL uses pg_trgm (migration 0004)")
    assert search.sqlite_index_ready()


def test_the_index_follows_edits_and_deletions(
    alice: User, bob: User, texts: list[Opportunity]
) -> None:
    bakery = texts[0]
    assert _ids(alice, "bakery", use_index=True) == {bakery.pk}
    services.opportunity_update(
        actor=bob,
        opportunity_id=bakery.pk,
        posting=replace(posting(), title="Data pipeline for a brewery", skills=(), questions=()),
    )
    assert _ids(alice, "bakery", use_index=True) == set()
    assert _ids(alice, "brewery", use_index=True) == {bakery.pk}
    Opportunity.objects.filter(pk=bakery.pk).delete()
    assert _ids(alice, "brewery", use_index=True) == set()
    assert _ids(alice, "survey", use_index=True) == {texts[1].pk}


def test_a_common_word_pages_like_a_rare_one(alice: User, make_opportunity, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Over the count cap, the page comes from walking the newest rows: the same
    rows, in the same order, as from the index."""
    from stint.opportunities import selectors

    for n in range(7):
        make_opportunity(title=f"Data task {n}", skills=(), questions=())
    make_opportunity(title="Something else", skills=(), questions=())
    monkeypatch.setattr(selectors.browsing, "COUNT_CAP", 5)
    result = browse_page(alice, BrowseQuery(q="data"), 1, with_skills=False)
    assert result.total_capped and result.total == 5
    walked = [item.opportunity.pk for item in result.items]
    by_index = list(
        browse(alice, BrowseQuery(q="data"), use_index=True).values_list("pk", flat=True)
    )
    assert len(by_index) == 7 and walked == by_index[:5]
