"""Regression tests for issue 15 (hardening): each fails on main at d613e32."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from stint.accounts.models import User
from stint.matching.engine import search_skills
from stint.opportunities import rules as opportunity_rules
from stint.opportunities.models import Opportunity, RequiredSkill
from stint.orgs.models import Organisation
from stint.profiles.models import CandidateProfile, SkillClaim

JSON = "application/json"


def _python() -> tuple[str, str]:
    hit = search_skills("python", 1)[0]
    return hit["id"], hit["label"]


def _posting(org: Organisation, *, status: str) -> Opportunity:
    today = timezone.localdate()
    o = Opportunity.objects.create(
        employer=org,
        title="Python scripts",
        summary="Python scripts: a scoped paid project.",
        deliverables="A report",
        estimated_hours=10,
        fee_minor=50_000,
        currency="USD",
        apply_by=today + timedelta(days=10),
        start_date=today + timedelta(days=12),
        due_date=today + timedelta(days=40),
        status=status,
        published_at=timezone.now() if status == "published" else None,
    )
    sid, label = _python()
    RequiredSkill.objects.create(
        opportunity=o, skill_id=sid, label=label, need="essential", level=2
    )
    return o


# --- Item 2: suggested candidates need a verified organisation and a published posting ----


def test_suggestions_rule() -> None:
    assert opportunity_rules.suggestions_refusal(status="published", employer_verified=True) is None
    assert "verified" in (
        opportunity_rules.suggestions_refusal(status="published", employer_verified=False) or ""
    )
    assert "published" in (
        opportunity_rules.suggestions_refusal(status="draft", employer_verified=True) or ""
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("verified", "status"), [(False, "published"), (True, "draft")])
def test_suggested_candidates_refused_unless_verified_and_published(
    verified: bool,
    status: str,
    alice: User,
    bob: User,
    acme: Organisation,
    api_for: Callable[[User | None], Client],
    client_for: Callable[[User | None], Client],
) -> None:
    if verified:
        acme.verified_at = timezone.now()
        acme.save(update_fields=["verified_at"])
    profile, _ = CandidateProfile.objects.get_or_create(user=alice)
    sid, label = _python()
    SkillClaim.objects.create(profile=profile, skill_id=sid, label=label, level=3)
    o = _posting(acme, status=status)
    r = api_for(bob).get(f"/api/v1/opportunities/{o.pk}/suggested-candidates")
    assert r.status_code == 409, r.content
    assert r.json()["code"] == "suggestions_unavailable"
    assert "Alice" not in r.content.decode()
    page = client_for(bob).get(f"/applications/opportunity/{o.pk}/")
    assert page.status_code == 200 and b'id="suggested"' not in page.content


# --- Item 3: uploads are read within a budget; parser failures are 422 on the field --------


def _docx_with_document_xml(xml: bytes) -> bytes:
    import io
    import zipfile

    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = xml if item.filename == "word/document.xml" else source.read(item.filename)
            target.writestr(item.filename, body)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("xml", "reason"),
    [
        (b"<w:document><w:body><w:p>broken", "not a readable DOCX"),
        (b"<w:document>" + b" " * (4 << 20) + b"</w:document>", "zip bomb"),
    ],
)
def test_resume_upload_refuses_malformed_and_bomb_docx_with_422(
    xml: bytes,
    reason: str,
    alice: User,
    api_for: Callable[[User | None], Client],
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    CandidateProfile.objects.get_or_create(user=alice)
    upload = SimpleUploadedFile("cv.docx", _docx_with_document_xml(xml), "application/octet-stream")
    r = api_for(alice).post("/api/v1/profile/resume", {"resume": upload})
    assert r.status_code == 422, r.content[:300]
    body = r.json()
    assert body["errors"][0]["field"] == "resume" and reason in body["detail"]
    profile = CandidateProfile.objects.get(user=alice)
    assert not profile.resume and not profile.resume_text  # nothing was kept


# --- Item 6: one documented maximum for money amounts ---------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("fee", [9_000_000_000_000_000_000, 2**64, 100_000_001])
def test_fee_above_the_maximum_is_422_naming_the_field(
    fee: int, bob: User, acme: Organisation, api_for: Callable[[User | None], Client]
) -> None:
    body = {
        "organisation_id": acme.pk,
        "title": "Build a churn dashboard for our shop",
        "summary": "We want to understand which customers stop buying; a weekly view.",
        "estimated_hours": 10,
        "fee_minor": fee,
        "currency": "USD",
    }
    r = api_for(bob).post("/api/v1/opportunities", json.dumps(body), content_type=JSON)
    assert r.status_code == 422, r.content
    assert [e["field"] for e in r.json()["errors"]] == ["fee_minor"]
    assert not Opportunity.objects.exists()


def test_amount_rule_and_form_share_the_maximum() -> None:
    from stint.core.money import MAX_AMOUNT_MINOR, amount_refusal
    from stint.opportunities.forms import OpportunityForm

    assert amount_refusal(MAX_AMOUNT_MINOR, "USD") is None
    assert amount_refusal(MAX_AMOUNT_MINOR + 1, "USD") == "Amounts are at most 1,000,000.00 USD."
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    data.update(
        {
            "title": "Build a churn dashboard for our shop",
            "summary": "A weekly view.",
            "estimated_hours": "10",
            "fee": "1000000.01",
            "currency": "USD",
        }
    )
    form = OpportunityForm(data=data)
    assert not form.is_valid() and "at most 1,000,000.00 USD" in str(form.errors["fee"])


@pytest.mark.django_db
def test_the_database_refuses_a_fee_above_the_maximum(acme: Organisation) -> None:
    from django.db import IntegrityError, transaction

    o = _posting(acme, status="draft")
    with pytest.raises(IntegrityError), transaction.atomic():
        Opportunity.objects.filter(pk=o.pk).update(fee_minor=100_000_001)


# --- Items 9 and 10: one validation path per field (URLs, control characters) ------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["Chloe\r\nBcc: victim@evil.example", "Chloe\nSmith", "Chloe\tSmith", "Chlo\x85e"]
)
def test_control_characters_in_a_name_are_refused_by_api_and_page(
    name: str,
    alice: User,
    api_for: Callable[[User | None], Client],
    client_for: Callable[[User | None], Client],
) -> None:
    r = api_for(alice).patch("/api/v1/me", json.dumps({"full_name": name}), content_type=JSON)
    assert r.status_code == 422, r.content
    assert r.json()["errors"][0]["field"] == "full_name" and r.json()["code"]
    page = client_for(alice).post(
        "/account/settings/", {"action": "basics", "full_name": name, "is_candidate": "on"}
    )
    assert page.status_code == 200 and b"no line breaks" in page.content  # shown on the field
    alice.refresh_from_db()
    assert "\n" not in alice.full_name and "\t" not in alice.full_name
    assert alice.full_name != name


@pytest.mark.django_db
def test_organisation_and_posting_titles_refuse_line_breaks(
    bob: User, acme: Organisation, api_for: Callable[[User | None], Client]
) -> None:
    api = api_for(bob)
    r = api.patch(f"/api/v1/orgs/{acme.pk}", json.dumps({"name": "Acme\r\nX"}), content_type=JSON)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "name"
    body = {
        "organisation_id": acme.pk,
        "title": "Build a dashboard\r\nBcc: x@evil.example",
        "summary": "A weekly view\nof churn.",  # multi-line fields keep their line breaks
        "estimated_hours": 10,
        "fee_minor": 50_000,
        "currency": "USD",
    }
    r = api.post("/api/v1/opportunities", json.dumps(body), content_type=JSON)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "title"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "website", ["javascript:alert(document.cookie)", "data:text/html,<script>", "http://"]
)
def test_api_refuses_non_web_urls_as_the_form_does(
    website: str, bob: User, acme: Organisation, api_for: Callable[[User | None], Client]
) -> None:
    from stint.orgs.forms import OrganisationEditForm

    form = OrganisationEditForm(data={"name": "Acme", "website": website})
    assert not form.is_valid() and "website" in form.errors
    r = api_for(bob).patch(
        f"/api/v1/orgs/{acme.pk}", json.dumps({"website": website}), content_type=JSON
    )
    assert r.status_code == 422, r.content
    assert r.json()["errors"][0]["field"] == "website"
    acme.refresh_from_db()
    assert acme.website == ""


@pytest.mark.django_db
def test_api_takes_a_bare_host_as_the_form_does(
    bob: User, acme: Organisation, api_for: Callable[[User | None], Client]
) -> None:
    r = api_for(bob).patch(
        f"/api/v1/orgs/{acme.pk}", json.dumps({"website": "acme.example"}), content_type=JSON
    )
    assert r.status_code == 200 and r.json()["website"] == "https://acme.example"


# --- Items 11, 16, 17: routing, authentication and the error shape --------------------------


def test_no_api_route_is_shadowed_by_an_earlier_one() -> None:
    """A literal path (`invitations/accept`) must not be swallowed by an earlier
    pattern with a parameter (`invitations/<invitation_id>`)."""
    import re

    from stint.api.api import api

    patterns = api.urls[0]
    for i, p in enumerate(patterns):
        route = str(p.pattern)
        sample = re.sub(
            r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m.group(1) == "int" else "x1", route
        )
        for q in patterns[:i]:
            assert str(q.pattern) == route or not q.pattern.match(sample), (
                f"{route} is shadowed by {q.pattern}"
            )


@pytest.mark.django_db
def test_invitation_accept_is_reachable(
    eve: User, api_for: Callable[[User | None], Client]
) -> None:
    r = api_for(eve).post(
        "/api/v1/invitations/accept", json.dumps({"token": "no-such-token"}), content_type=JSON
    )
    assert r.status_code not in (405, 500), r.content
    assert r.json()["code"]


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["stint_not-a-real-token", "garbage"])
def test_a_bad_bearer_token_on_a_write_is_401(
    token: str, alice: User, client_for: Callable[[User | None], Client]
) -> None:
    anonymous = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    r = anonymous.post("/api/v1/reports", json.dumps({}), content_type=JSON)
    assert r.status_code == 401 and r.json()["code"] == "unauthenticated"
    # Even beside a logged-in session, a bad token is judged alone (no CSRF, no fallback).
    session = client_for(alice)
    session.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    r = session.post("/api/v1/reports", json.dumps({}), content_type=JSON)
    assert r.status_code == 401


@pytest.mark.django_db
def test_a_revoked_token_is_401(alice: User, token_for: Callable[[User], str]) -> None:
    from stint.accounts.models import ApiToken

    secret = token_for(alice)
    ApiToken.objects.filter(user=alice).delete()
    r = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").patch(
        "/api/v1/me", json.dumps({"full_name": "A"}), content_type=JSON
    )
    assert r.status_code == 401


@pytest.mark.django_db
def test_every_api_error_is_json_with_a_code(
    alice: User, api_for: Callable[[User | None], Client]
) -> None:
    api = api_for(alice)
    cases = [
        (api.put("/api/v1/me", json.dumps({}), content_type=JSON), 405),
        (api.get("/api/v1/no-such-thing"), 404),
        (api.get("/api/v1/opportunities/999999"), 404),
        (Client().get("/api/v1/me"), 401),
        (api.get("/api/v1/opportunities/99999999999999999999999"), 404),
        (api.post("/api/v1/reports", json.dumps({}), content_type=JSON), 422),
    ]
    for r, status in cases:
        assert r.status_code == status, (status, r.content[:200])
        assert r["Content-Type"].startswith("application/json"), r["Content-Type"]
        body = r.json()
        assert body["code"] and "detail" in body and "errors" in body, body


# --- Item 14: naive datetimes are refused with 422 everywhere -------------------------------


def _input_models() -> list[tuple[str, type]]:
    import typing

    from pydantic import BaseModel

    from stint.api.api import api

    found: list[tuple[str, type]] = []
    seen: set[type] = set()

    def walk(model: type, where: str) -> None:
        if model in seen:
            return
        seen.add(model)
        found.append((where, model))
        for f in model.model_fields.values():  # type: ignore[attr-defined]
            stack = [f.annotation]
            while stack:
                ann = stack.pop()
                if isinstance(ann, type) and issubclass(ann, BaseModel):
                    walk(ann, where)
                stack.extend(typing.get_args(ann))

    for _, router in api._routers:
        for path, view in router.path_operations.items():
            for op in view.operations:
                for model in op.models:
                    walk(model, f"{op.methods} {path}")
    return found


def test_no_input_takes_a_naive_datetime() -> None:
    import datetime as dt
    import typing

    for where, model in _input_models():
        for name, f in model.model_fields.items():  # type: ignore[attr-defined]
            stack = [f.annotation]
            while stack:
                ann = stack.pop()
                assert ann is not dt.datetime, f"{where}: {model.__name__}.{name} takes naive"
                stack.extend(typing.get_args(ann))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("opens", "closes"),
    [
        ("2030-01-01T10:00:00", "2030-01-02T10:00:00+00:00"),  # was a 500
        ("2030-01-01T10:00:00", "2030-01-02T10:00:00"),  # was silently UTC
    ],
)
def test_program_window_refuses_naive_times(
    opens: str,
    closes: str,
    dana: User,
    uni: Organisation,
    api_for: Callable[[User | None], Client],
) -> None:
    from stint.programs import services as program_services

    program = program_services.program_create(
        actor=dana, institution_id=uni.pk, name="Summer cohort", credit_bearing=False, credits=0
    )
    r = api_for(dana).post(
        f"/api/v1/programs/{program.pk}/window",
        json.dumps({"ranking_opens": opens, "ranking_closes": closes}),
        content_type=JSON,
    )
    assert r.status_code == 422, r.content
    assert "ranking_opens" in [e["field"] for e in r.json()["errors"]]
    program.refresh_from_db()
    assert program.ranking_opens is None


# --- Item 7: programs see only what the institution's students may see ----------------------


@pytest.mark.django_db
def test_a_program_cannot_take_another_institutions_exclusive_posting(
    eve: User,
    dana: User,
    uni: Organisation,
    bob: User,
    acme: Organisation,
    api_for: Callable[[User | None], Client],
) -> None:
    from stint.notifications.models import Notification
    from stint.orgs.services import organisation_create
    from stint.programs import services as program_services
    from stint.programs.models import ProgramOpportunity

    acme.verified_at = timezone.now()
    acme.save(update_fields=["verified_at"])
    exclusive = _posting(acme, status="published")
    exclusive.visibility = "institutions"
    exclusive.save(update_fields=["visibility"])
    exclusive.allowed_institutions.add(uni)
    poly = organisation_create(actor=eve, kind="institution", name="Poly of Elsewhere")
    program = program_services.program_create(
        actor=eve, institution_id=poly.pk, name="Poly cohort", credit_bearing=False, credits=0
    )
    r = api_for(eve).post(
        f"/api/v1/programs/{program.pk}/opportunities",
        json.dumps({"opportunity_id": exclusive.pk}),
        content_type=JSON,
    )
    assert r.status_code == 422, r.content
    assert r.json()["errors"][0]["field"] == "opportunity_id"
    assert "Python scripts" not in r.content.decode() and "Acme" not in r.content.decode()
    assert not ProgramOpportunity.objects.exists()
    assert not Notification.objects.filter(user=bob).exists()
    # The institution it is exclusive to may take it.
    own = program_services.program_create(
        actor=dana, institution_id=uni.pk, name="Uni cohort", credit_bearing=False, credits=0
    )
    r = api_for(dana).post(
        f"/api/v1/programs/{own.pk}/opportunities",
        json.dumps({"opportunity_id": exclusive.pk}),
        content_type=JSON,
    )
    assert r.status_code == 201, r.content


# --- Item 19: a page past the end is empty, page 0 is refused -------------------------------


@pytest.mark.django_db
def test_browse_pages_are_what_was_asked(
    alice: User, acme: Organisation, api_for: Callable[[User | None], Client]
) -> None:
    acme.verified_at = timezone.now()
    acme.save(update_fields=["verified_at"])
    o = _posting(acme, status="published")
    api = api_for(alice)
    first = api.get("/api/v1/opportunities", {"page": 1}).json()
    assert [i["id"] for i in first["items"]] == [o.pk] and first["pages"] == 1
    far = api.get("/api/v1/opportunities", {"page": 9999})
    assert far.status_code == 200
    assert far.json()["items"] == [] and far.json()["page"] == 9999 and far.json()["total"] == 1
    for bad in (0, -1):
        r = api.get("/api/v1/opportunities", {"page": bad})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "page"


# --- Item 12: schema class names are unique, so openapi.json documents every body -----------


def test_schema_class_names_are_unique() -> None:
    names: dict[str, set[str]] = {}
    for _, model in _input_models() + _output_models():
        names.setdefault(model.__name__, set()).add(f"{model.__module__}.{model.__qualname__}")
    twice = {n: sorted(m) for n, m in names.items() if len(m) > 1}
    assert not twice, f"schema names defined twice (openapi.json keeps one): {twice}"


def _output_models() -> list[tuple[str, type]]:
    import typing

    from pydantic import BaseModel

    from stint.api.api import api

    found: list[tuple[str, type]] = []
    seen: set[type] = set()

    def walk(ann: object, where: str) -> None:
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            if ann in seen:
                return
            seen.add(ann)
            found.append((where, ann))
            for f in ann.model_fields.values():
                walk(f.annotation, where)
        for arg in typing.get_args(ann):
            walk(arg, where)

    for _, router in api._routers:
        for path, view in router.path_operations.items():
            for op in view.operations:
                for model in op.response_models.values():
                    walk(model, f"{op.methods} {path}")
    return found


def test_published_schema_documents_the_bodies_the_server_takes() -> None:
    from stint.api.api import api

    spec = api.get_openapi_schema()
    schemas = spec["components"]["schemas"]
    assert set(schemas["WindowIn"]["properties"]) == {"start", "end"}
    assert set(schemas["RankingWindowIn"]["properties"]) == {"ranking_opens", "ranking_closes"}
    assert {"to_candidate_minor"} <= set(schemas["ResolveIn"]["properties"])
