"""Learning goals (1-3, at the start), mid-point feedback, reflections."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError, Forbidden, NotFound
from stint.engagements.models import Engagement
from stint.growth import selectors, services
from stint.growth.models import FeedbackRequest, LearningGoal, Reflection
from stint.notifications.models import Notification
from stint.orgs.models import Organisation
from tests.growth.conftest import JSON

pytestmark = pytest.mark.django_db


def test_goals_one_to_three_at_the_start(running: Engagement, alice: User, skills) -> None:  # type: ignore[no-untyped-def]
    goals = services.learning_goals_set(
        actor=alice,
        engagement_id=running.pk,
        goals=[{"skill_id": skills[1]["id"]}, {"text": "Present findings clearly"}],
    )
    assert [g.text for g in goals] == [skills[1]["label"], "Present findings clearly"]
    with pytest.raises(DomainError) as exc:
        services.learning_goals_set(
            actor=alice, engagement_id=running.pk, goals=[{"text": f"g{i}"} for i in range(4)]
        )
    assert exc.value.field == "goals"
    with pytest.raises(DomainError):
        services.learning_goals_set(actor=alice, engagement_id=running.pk, goals=[])
    assert LearningGoal.objects.filter(engagement=running).count() == 2


def test_goals_only_at_the_start_and_only_by_the_candidate(
    approved: Engagement, running: Engagement, alice: User, bob: User
) -> None:
    with pytest.raises(DomainError) as exc:
        services.learning_goals_set(actor=alice, engagement_id=approved.pk, goals=[{"text": "x"}])
    assert exc.value.field == "goals"
    with pytest.raises(Forbidden):
        services.learning_goals_set(actor=bob, engagement_id=running.pk, goals=[{"text": "x"}])


def test_feedback_opens_at_the_midpoint_and_the_employer_answers(
    acme: Organisation, bob: User, alice: User, running: Engagement
) -> None:
    running.start_date = timezone.localdate() - timedelta(days=2)
    running.due_date = timezone.localdate() + timedelta(days=20)
    running.save()
    with pytest.raises(DomainError) as exc:
        services.feedback_request(actor=alice, engagement_id=running.pk, question="How am I doing?")
    assert exc.value.field == "question"
    # A first version submitted opens it early.
    running.submitted_at = timezone.now()
    running.save()
    fr = services.feedback_request(
        actor=alice, engagement_id=running.pk, question="How am I doing?"
    )
    assert Notification.objects.filter(user=bob, kind="growth.feedback").exists()
    with pytest.raises(ConflictError):
        services.feedback_request(actor=alice, engagement_id=running.pk)
    with pytest.raises(Forbidden):
        services.feedback_answer(actor=alice, feedback_id=fr.pk, answer="Great")
    services.feedback_answer(actor=bob, feedback_id=fr.pk, answer="Good pace; document more.")
    assert Notification.objects.filter(user=alice, kind="growth.feedback").exists()
    assert selectors.dashboard_candidate(alice)["feedback"][0].answer.startswith("Good pace")


def test_reflection_only_after_completion_private_by_default(
    running: Engagement, approved: Engagement, alice: User, bob: User
) -> None:
    with pytest.raises(DomainError) as exc:
        services.reflection_save(actor=alice, engagement_id=running.pk, learned="A lot")
    assert exc.value.field == "engagement_id"
    assert not Reflection.objects.exists()
    r = services.reflection_save(actor=alice, engagement_id=approved.pk, learned="Pandas")
    assert r.on_portfolio is False
    assert selectors.public_reflections(alice) == []
    services.reflection_save(
        actor=alice, engagement_id=approved.pk, learned="Pandas", on_portfolio=True
    )
    assert [x.learned for x in selectors.public_reflections(alice)] == ["Pandas"]
    with pytest.raises(Forbidden):
        services.reflection_save(actor=bob, engagement_id=approved.pk, learned="x")
    # The employer's growth view never carries the reflection.
    assert selectors.engagement_growth(approved, "employer").reflection is None


def test_pages(
    running: Engagement, approved: Engagement, alice: User, bob: User, client_for
) -> None:  # type: ignore[no-untyped-def]
    page = client_for(alice).get(f"/growth/engagements/{running.pk}/")
    assert page.status_code == 200 and b"Learning goals" in page.content
    r = client_for(alice).post(
        f"/growth/engagements/{running.pk}/goals/", {"goal1": "SQL joins", "goal2": "Testing"}
    )
    assert r.status_code == 302
    assert LearningGoal.objects.filter(engagement=running).count() == 2
    # Mid-point has passed in the `running` fixture: she can ask.
    r = client_for(alice).post(f"/growth/engagements/{running.pk}/feedback/", {"question": "Pace?"})
    assert r.status_code == 302
    fr = FeedbackRequest.objects.get()
    employer_page = client_for(bob).get(f"/growth/engagements/{running.pk}/").content.decode()
    assert "Pace?" in employer_page and "Send feedback" in employer_page
    r = client_for(bob).post(f"/growth/feedback/{fr.pk}/answer/", {"answer": "Steady."})
    assert r.status_code == 302
    r = client_for(alice).post(
        f"/growth/engagements/{approved.pk}/reflection/",
        {"learned": "Cleaning", "differently": "Ask earlier", "next_steps": "Dashboards"},
    )
    assert r.status_code == 302
    assert Reflection.objects.get().on_portfolio is False
    employer_view = client_for(bob).get(f"/growth/engagements/{approved.pk}/").content.decode()
    assert "Ask earlier" not in employer_view


def test_page_bad_input_names_the_field_and_changes_nothing(
    running: Engagement, alice: User, client_for
) -> None:  # type: ignore[no-untyped-def]
    r = client_for(alice).post(f"/growth/engagements/{running.pk}/reflection/", {"learned": "x"})
    assert r.status_code == 422 and "once the work is approved" in r.content.decode()
    assert not Reflection.objects.exists()
    r = client_for(alice).post(f"/growth/engagements/{running.pk}/goals/", {"goal1": ""})
    assert r.status_code == 422
    assert not LearningGoal.objects.exists()


def test_api(running: Engagement, approved: Engagement, alice: User, bob: User, api_for) -> None:  # type: ignore[no-untyped-def]
    too_many = {"goals": [{"text": f"g{i}"} for i in range(4)]}
    r = api_for(alice).put(
        f"/api/v1/engagements/{running.pk}/learning-goals", json.dumps(too_many), content_type=JSON
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "goals"
    assert not LearningGoal.objects.exists()
    r = api_for(alice).put(
        f"/api/v1/engagements/{running.pk}/learning-goals",
        json.dumps({"goals": [{"text": "Write tests"}]}),
        content_type=JSON,
    )
    assert r.status_code == 200 and r.json()[0]["text"] == "Write tests"
    r = api_for(alice).post(
        f"/api/v1/engagements/{running.pk}/feedback-requests",
        json.dumps({"question": "Q"}),
        content_type=JSON,
    )
    assert r.status_code == 201
    fid = r.json()["id"]
    r = api_for(bob).post(
        f"/api/v1/feedback-requests/{fid}/answer", json.dumps({"answer": "A"}), content_type=JSON
    )
    assert r.status_code == 200 and r.json()["answer"] == "A"
    r = api_for(alice).put(
        f"/api/v1/engagements/{running.pk}/reflection",
        json.dumps({"learned": "x"}),
        content_type=JSON,
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "engagement_id"
    r = api_for(alice).put(
        f"/api/v1/engagements/{approved.pk}/reflection",
        json.dumps({"learned": "x", "on_portfolio": True}),
        content_type=JSON,
    )
    assert r.status_code == 200 and r.json()["on_portfolio"] is True
    g = api_for(alice).get(f"/api/v1/engagements/{running.pk}/growth").json()
    assert g["my_side"] == "candidate" and g["goals"][0]["text"] == "Write tests"
    assert (
        api_for(bob).get(f"/api/v1/engagements/{approved.pk}/growth").json()["reflection"] is None
    )


def test_outsiders_get_404(
    running: Engagement,
    approved: Engagement,
    alice: User,
    carol: User,
    globex,
    eve: User,
    root: User,
    api_for,
    client_for,
) -> None:  # type: ignore[no-untyped-def]
    services.learning_goals_set(actor=alice, engagement_id=running.pk, goals=[{"text": "x"}])
    fr = services.feedback_request(actor=alice, engagement_id=running.pk)
    for user in (carol, eve, root):
        api, page = api_for(user), client_for(user)
        assert api.get(f"/api/v1/engagements/{running.pk}/growth").status_code == 404
        assert page.get(f"/growth/engagements/{running.pk}/").status_code == 404
        assert (
            api.post(
                f"/api/v1/feedback-requests/{fr.pk}/answer",
                json.dumps({"answer": "spy"}),
                content_type=JSON,
            ).status_code
            == 404
        )
        assert (
            api.put(
                f"/api/v1/engagements/{approved.pk}/reflection",
                json.dumps({"learned": "x"}),
                content_type=JSON,
            ).status_code
            == 404
        )
    with pytest.raises(NotFound):
        services.feedback_answer(actor=eve, feedback_id=fr.pk, answer="x")
    fr.refresh_from_db()
    assert fr.answered_at is None and not Reflection.objects.exists()
