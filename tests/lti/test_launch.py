"""Launch end to end against the simulated LMS: who signs in, where they land,
and every refused token (replayed nonce, wrong issuer, expired, wrong audience,
foreign signature, unknown deployment), each leaving nothing behind."""

from __future__ import annotations

import time
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.test import Client

from stint.accounts.models import User
from stint.lti.models import Course, CourseMember, LtiAccount, Platform, ToolKey
from stint.orgs.models import Affiliation, Organisation
from tests.lti import platform as sim


def _nothing_recorded(users_before: int) -> None:
    assert User.objects.count() == users_before
    assert not LtiAccount.objects.exists()
    assert not Course.objects.exists()


def test_it_signs_a_new_student_in_and_links_them_to_the_institution(
    lms: sim.SimulatedPlatform, platform: Platform, uni: Organisation
) -> None:
    client = Client()
    response = lms.launch(client, sub="s-1", email="new@uni.example.edu", name="New Student")
    course = Course.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/lti/courses/{course.pk}/"
    user = User.objects.get(email="new@uni.example.edu")
    assert user.full_name == "New Student" and user.is_candidate
    assert LtiAccount.objects.get(platform=platform, sub="s-1").user == user
    assert Affiliation.objects.filter(user=user, institution=uni).exists()
    # The university vouches for its own verified domain.
    assert EmailAddress.objects.get(user=user).verified
    assert CourseMember.objects.get(course=course).role == "learner"
    assert course.title == "Intro to CS" and course.memberships_url == sim.MEMBERS_URL
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"Intro to CS" in page.content


def test_a_second_launch_is_the_same_person(lms: sim.SimulatedPlatform, platform: Platform) -> None:
    lms.launch(Client(), sub="s-1", email="new@uni.example.edu")
    lms.launch(Client(), sub="s-1", email="new@uni.example.edu")
    assert User.objects.filter(email="new@uni.example.edu").count() == 1
    assert LtiAccount.objects.count() == 1


def test_it_links_an_existing_account_only_by_a_verified_address(
    lms: sim.SimulatedPlatform, platform: Platform, alice: User
) -> None:
    response = lms.launch(Client(), sub="s-alice", email="alice@example.com")
    assert response.status_code == 302
    assert LtiAccount.objects.get(sub="s-alice").user == alice


def test_it_never_takes_over_an_account_whose_address_is_unverified(
    lms: sim.SimulatedPlatform, platform: Platform
) -> None:
    owner = User.objects.create_user(email="mallory@uni.example.edu", password="x" * 12)
    EmailAddress.objects.create(user=owner, email=owner.email, verified=False, primary=True)
    client = Client()
    before = User.objects.count()
    response = lms.launch(client, sub="s-2", email="mallory@uni.example.edu")
    assert response.status_code == 403
    assert b"not verified" in response.content
    assert User.objects.count() == before
    assert not LtiAccount.objects.exists()
    assert "_auth_user_id" not in client.session


def test_a_different_sub_with_an_unverified_new_address_gets_its_own_account(
    lms: sim.SimulatedPlatform, platform: Platform, alice: User
) -> None:
    # Same display name, different address: no merging by name.
    lms.launch(Client(), sub="s-3", email="other@elsewhere.example", name="Alice Candidate")
    other = LtiAccount.objects.get(sub="s-3").user
    assert other != alice
    assert not EmailAddress.objects.get(user=other).verified  # outside the university's domain


def test_an_account_with_a_second_factor_is_not_signed_in_by_the_platform(
    lms: sim.SimulatedPlatform, platform: Platform, alice: User
) -> None:
    Authenticator.objects.create(user=alice, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = Client()
    response = lms.launch(client, sub="s-alice", email="alice@example.com")
    assert response.status_code == 403
    assert b"two-factor" in response.content
    assert "_auth_user_id" not in client.session
    assert not LtiAccount.objects.exists() and not Course.objects.exists()
    # Signed in already (with the second factor): the launch continues that session.
    client.force_login(alice)
    assert lms.launch(client, sub="s-alice", email="alice@example.com").status_code == 302


def test_replayed_nonce_is_refused(lms: sim.SimulatedPlatform, platform: Platform) -> None:
    client = Client()
    state, nonce = lms.login(client)
    token = lms.id_token(nonce, sub="s-1", email="new@uni.example.edu")
    assert client.post("/lti/launch/", {"id_token": token, "state": state}).status_code == 302
    replay = client.post("/lti/launch/", {"id_token": token, "state": state})
    assert replay.status_code == 403
    assert b"already used" in replay.content
    assert LtiAccount.objects.count() == 1


def _refused(lms: sim.SimulatedPlatform, **token_args: Any) -> bytes:
    before = User.objects.count()
    client = Client()
    response = lms.launch(client, sub="s-9", email="x9@uni.example.edu", **token_args)
    assert response.status_code == 403
    _nothing_recorded(before)
    assert "_auth_user_id" not in client.session
    return bytes(response.content)


def test_wrong_issuer_is_refused(lms: sim.SimulatedPlatform, platform: Platform) -> None:
    assert b"Registration not found" in _refused(lms, iss="https://evil.example")


def test_expired_token_is_refused(lms: sim.SimulatedPlatform, platform: Platform) -> None:
    past = int(time.time()) - 3600
    assert b"expired" in _refused(lms, iat=past - 300, exp=past)


def test_wrong_audience_is_refused(lms: sim.SimulatedPlatform, platform: Platform) -> None:
    _refused(lms, aud="some-other-tool")
    # Several audiences without naming us as the authorised party.
    assert b"aud" in _refused(lms, aud=[sim.CLIENT_ID, "some-other-tool"])


def test_a_token_signed_by_another_key_is_refused(
    lms: sim.SimulatedPlatform, platform: Platform
) -> None:
    forged_pem, _ = sim.rsa_pem()
    assert b"Can&#x27;t decode id_token" in _refused(lms, key_pem=forged_pem)


def test_an_unknown_deployment_is_refused(lms: sim.SimulatedPlatform, platform: Platform) -> None:
    from stint.lti import rules

    assert b"deployment" in _refused(lms, **{rules.DEPLOYMENT_CLAIM: "deployment-unknown"})


def test_a_launch_without_login_state_is_refused(
    lms: sim.SimulatedPlatform, platform: Platform
) -> None:
    client = Client()
    token = lms.id_token("made-up-nonce")
    response = client.post("/lti/launch/", {"id_token": token, "state": "state-forged"})
    assert response.status_code == 403
    assert not LtiAccount.objects.exists()


def test_teacher_who_is_staff_lands_on_the_course_set_up(
    lms: sim.SimulatedPlatform, platform: Platform, dana: User
) -> None:
    response = lms.launch(
        Client(), sub="t-dana", email=dana.email, roles=[sim.INSTRUCTOR], name="Dana"
    )
    course = Course.objects.get()
    assert response["Location"] == f"/lti/courses/{course.pk}/manage/"
    assert LtiAccount.objects.get(sub="t-dana").user == dana


def test_teacher_who_is_not_staff_gets_the_course_page_only(
    lms: sim.SimulatedPlatform, platform: Platform
) -> None:
    client = Client()
    response = lms.launch(client, sub="t-x", email="prof@uni.example.edu", roles=[sim.INSTRUCTOR])
    course = Course.objects.get()
    assert response["Location"] == f"/lti/courses/{course.pk}/"
    assert client.get(f"/lti/courses/{course.pk}/manage/").status_code == 404
    # A teacher is not linked as a student of the institution.
    assert not Affiliation.objects.filter(user__email="prof@uni.example.edu").exists()


def test_an_observer_is_refused(lms: sim.SimulatedPlatform, platform: Platform) -> None:
    _refused(lms, roles=["http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor#x"])


def test_login_for_an_unknown_issuer_is_refused(
    lms: sim.SimulatedPlatform, platform: Platform
) -> None:
    response = Client().post("/lti/login/", {"iss": "https://evil.example", "login_hint": "h"})
    assert response.status_code == 400


def test_jwks_publishes_the_tool_key_and_the_private_half_is_encrypted(db: None) -> None:
    body = Client().get("/lti/jwks.json").json()
    key = ToolKey.objects.get()
    assert [k["kid"] for k in body["keys"]] == [key.kid]
    assert body["keys"][0]["kty"] == "RSA" and "d" not in body["keys"][0]
    assert b"PRIVATE KEY" not in bytes(key.private_encrypted)


def test_launch_needs_no_csrf_token_but_pages_do(
    lms: sim.SimulatedPlatform, platform: Platform, dana: User
) -> None:
    client = Client(enforce_csrf_checks=True)
    assert lms.launch(client, sub="s-1", email="new@uni.example.edu").status_code == 302
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(dana)
    course = Course.objects.get()
    refused = staff.post(f"/lti/courses/{course.pk}/manage/", {"action": "sync"})
    assert refused.status_code == 403


def test_a_new_address_outside_the_domain_is_not_verified(
    lms: sim.SimulatedPlatform, platform: Platform
) -> None:
    lms.launch(Client(), sub="s-5", email="someone@gmail.example")
    user = User.objects.get(email="someone@gmail.example")
    assert not EmailAddress.objects.get(user=user).verified


def test_a_student_lands_on_a_deep_linked_project_or_their_program(
    lms: sim.SimulatedPlatform, platform: Platform, uni: Organisation, dana: User
) -> None:
    from stint.lti import rules
    from stint.programs.models import CohortMember, Program

    client = Client()
    to_project = lms.launch(
        client,
        sub="s-1",
        email="new@uni.example.edu",
        **{rules.CLAIM + "custom": {"stint_opportunity": "42"}},
    )
    assert to_project["Location"] == "/opportunities/42/"
    course = Course.objects.get()
    program = Program.objects.create(institution=uni, name="Cohort", created_by=dana)
    course.program = program
    course.save()
    # Not in the cohort yet: the course's page says so.
    assert lms.launch(client, sub="s-1", email="new@uni.example.edu")["Location"] == (
        f"/lti/courses/{course.pk}/"
    )
    CohortMember.objects.create(
        program=program, student=User.objects.get(email="new@uni.example.edu")
    )
    assert lms.launch(client, sub="s-1", email="new@uni.example.edu")["Location"] == (
        f"/programs/{program.pk}/"
    )


def test_expired_login_state_is_pruned(lms: sim.SimulatedPlatform, platform: Platform) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from stint.lti.models import LaunchValue
    from stint.lti.tasks import launch_values_prune

    _, nonce = lms.login(Client())
    assert LaunchValue.objects.filter(key__endswith=nonce).exists()
    assert launch_values_prune.call() == 0
    waiting = LaunchValue.objects.count()
    LaunchValue.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert launch_values_prune.call() == waiting
    assert not LaunchValue.objects.exists()
    # An expired nonce no longer lets a launch through.
    client = Client()
    state, nonce = lms.login(client)
    LaunchValue.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    token = lms.id_token(nonce)
    assert client.post("/lti/launch/", {"id_token": token, "state": state}).status_code == 403
