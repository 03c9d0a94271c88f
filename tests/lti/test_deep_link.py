"""Deep linking: the teacher picks a program or projects inside the LMS and the
tool answers with a signed LtiDeepLinkingResponse, posted without inline script."""

from __future__ import annotations

import re
from html import unescape

import jwt
from django.test import Client

from stint.accounts.models import User
from stint.lti import rules
from stint.lti.models import Course, DeepLinkRequest, Platform
from stint.orgs.models import Organisation
from stint.programs.models import Program
from tests.applications.conftest import make_opportunity
from tests.lti import platform as sim


def _teacher_launch(lms: sim.SimulatedPlatform, email: str, sub: str = "t-1") -> tuple[Client, str]:
    client = Client()
    response = lms.launch(client, sub=sub, email=email, roles=[sim.INSTRUCTOR], deep_link=True)
    assert response.status_code == 302, response.content
    assert response["Location"].startswith("/lti/deep-link/")
    return client, response["Location"]


def test_teacher_picks_a_program_and_a_project_and_the_answer_is_signed(
    lms: sim.SimulatedPlatform,
    platform: Platform,
    dana: User,
    uni: Organisation,
    acme: Organisation,
    bob: User,
) -> None:
    program = Program.objects.create(institution=uni, name="Summer cohort", created_by=dana)
    opportunity = make_opportunity(acme, bob, [], title="Data cleanup")
    client, picker = _teacher_launch(lms, dana.email)
    page = client.get(picker)
    assert page.status_code == 200 and b"Summer cohort" in page.content
    response = client.post(picker, {"program": program.pk, "opportunities": [opportunity.pk]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html and "onload" not in html  # CSP: no inline script
    assert "lti/deep_link_submit.js" in html
    assert f'action="{sim.DEEP_LINK_RETURN}"' in html
    csp = response["Content-Security-Policy"]
    assert f"form-action 'self' {sim.ISSUER}" in csp
    assert "script-src 'self'" in csp
    token = unescape(re.search(r'name="JWT" value="([^"]+)"', html).group(1))  # type: ignore[union-attr]
    # The platform checks the signature with the tool's published key.
    keys = Client().get("/lti/jwks.json").json()["keys"]
    claims = jwt.decode(token, jwt.PyJWK(keys[0]).key, algorithms=["RS256"], audience=sim.ISSUER)
    assert claims["iss"] == sim.CLIENT_ID
    assert claims[rules.MESSAGE_TYPE_CLAIM] == "LtiDeepLinkingResponse"
    assert claims[rules.DEPLOYMENT_CLAIM] == sim.DEPLOYMENT
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "platform-opaque-42"
    items = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert [i["custom"] for i in items] == [
        {"stint_program": str(program.pk)},
        {"stint_opportunity": str(opportunity.pk)},
    ]
    assert all(
        i["type"] == "ltiResourceLink" and i["url"] == "http://testserver/lti/launch/"
        for i in items
    )
    assert items[0]["lineItem"]["scoreMaximum"] == 100
    course = Course.objects.get()
    assert course.program == program
    assert list(course.opportunities.all()) == [opportunity]
    # Used once: the same picker cannot sign a second answer.
    assert client.post(picker, {"opportunities": [opportunity.pk]}).status_code == 404


def test_a_teacher_who_is_not_staff_picks_projects_but_not_a_program(
    lms: sim.SimulatedPlatform,
    platform: Platform,
    dana: User,
    uni: Organisation,
    acme: Organisation,
    bob: User,
) -> None:
    program = Program.objects.create(institution=uni, name="Summer cohort", created_by=dana)
    opportunity = make_opportunity(acme, bob, [], title="Data cleanup")
    client, picker = _teacher_launch(lms, "prof@uni.example.edu", sub="t-prof")
    page = client.get(picker)
    assert b"Summer cohort" not in page.content
    refused = client.post(picker, {"program": program.pk})
    assert refused.status_code == 422
    assert Course.objects.get().program is None
    ok = client.post(picker, {"opportunities": [opportunity.pk]})
    assert ok.status_code == 200 and b'name="JWT"' in ok.content


def test_a_student_cannot_deep_link(lms: sim.SimulatedPlatform, platform: Platform) -> None:
    response = lms.launch(Client(), sub="s-1", email="sam@uni.example.edu", deep_link=True)
    assert response.status_code == 403
    assert not DeepLinkRequest.objects.exists()


def test_someone_else_cannot_use_the_teachers_picker(
    lms: sim.SimulatedPlatform, platform: Platform, dana: User, eve: User
) -> None:
    _, picker = _teacher_launch(lms, dana.email)
    other = Client()
    other.force_login(eve)
    assert other.get(picker).status_code == 404
