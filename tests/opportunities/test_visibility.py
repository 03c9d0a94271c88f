"""Who sees which posting: public, institution-only, invite-only, and one's own."""

from __future__ import annotations

import pytest

from stint.accounts.models import User
from stint.applications.models import ApplyInvite
from stint.opportunities.selectors import BrowseQuery, browse
from stint.orgs.models import Organisation

pytestmark = pytest.mark.django_db


def ids(user: User) -> set[int]:
    return set(browse(user, BrowseQuery()).values_list("pk", flat=True))


@pytest.fixture
def postings(make_opportunity, uni: Organisation) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "public": make_opportunity(title="Public posting here"),
        "uni": make_opportunity(
            title="For Uni students only",
            visibility="institutions",
            allowed_institution_ids=(uni.pk,),
        ),
        "invite": make_opportunity(title="By invitation only", visibility="invite_only"),
        "draft": make_opportunity(title="Still a draft", publish=False),
    }


def test_institution_only_is_invisible_to_unaffiliated_candidates(
    alice: User, student: User, postings, client_for, api_for
) -> None:  # type: ignore[no-untyped-def]
    uni_only = postings["uni"]
    assert ids(alice) == {postings["public"].pk}
    assert ids(student) == {postings["public"].pk, uni_only.pk}
    assert client_for(alice).get(f"/opportunities/{uni_only.pk}/").status_code == 404
    assert api_for(alice).get(f"/api/v1/opportunities/{uni_only.pk}").status_code == 404
    assert client_for(student).get(f"/opportunities/{uni_only.pk}/").status_code == 200


def test_invite_only_is_seen_by_invited_candidates(
    alice: User, bob: User, eve: User, postings, api_for
) -> None:  # type: ignore[no-untyped-def]
    invite = postings["invite"]
    ApplyInvite.objects.create(opportunity=invite, candidate=alice, invited_by=bob)
    assert invite.pk in ids(alice)
    assert invite.pk not in ids(eve)
    assert api_for(alice).get(f"/api/v1/opportunities/{invite.pk}").status_code == 200
    assert api_for(eve).get(f"/api/v1/opportunities/{invite.pk}").status_code == 404


def test_employers_see_their_own_and_nobody_sees_drafts(
    bob: User, carol: User, globex, alice: User, postings, client_for
) -> None:  # type: ignore[no-untyped-def]
    published = {p.pk for k, p in postings.items() if k != "draft"}
    assert ids(bob) == published
    assert ids(carol) == {postings["public"].pk}
    assert client_for(bob).get(f"/opportunities/{postings['draft'].pk}/").status_code == 200
    for user in (alice, carol):
        assert client_for(user).get(f"/opportunities/{postings['draft'].pk}/").status_code == 404


def test_anonymous_visitors_browse_public_postings(postings, client_for) -> None:  # type: ignore[no-untyped-def]
    r = client_for(None).get("/opportunities/")
    assert r.status_code == 200
    assert [i.opportunity.pk for i in r.context["result"].items] == [postings["public"].pk]
    assert client_for(None).get(f"/opportunities/{postings['uni'].pk}/").status_code == 404


def test_closed_postings_leave_browse(bob: User, alice: User, postings) -> None:  # type: ignore[no-untyped-def]
    from stint.opportunities.services import opportunity_close

    opportunity_close(actor=bob, opportunity_id=postings["public"].pk)
    assert ids(alice) == set()
