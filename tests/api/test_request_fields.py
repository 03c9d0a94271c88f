"""Issue 15, item 18: an API error's `field` is a field of the request (`fee_minor`,
`answers.0.text`, `student_ids`), never a form's name (`fee`, `answer_4`, `students`).

Services name their inputs as the API does (their keyword arguments are the request
fields); a form that names a field otherwise maps it (`service_fields`, read by
`core.forms.form_field_for`). The first test holds every service to that."""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from stint.accounts.models import User
from stint.applications.models import Application
from stint.opportunities.models import Opportunity, ScreeningQuestion
from stint.orgs.models import Organisation
from tests.applications.conftest import (  # noqa: F401  (fixtures reused)
    esco_skills,
    published_opportunity,
    required_question,
)

JSON = "application/json"
SRC = Path(__file__).resolve().parents[2] / "src" / "stint"

# Fields named by services no API request carries, each with why.
NOT_REQUEST_FIELDS = {
    # The ledger's own arguments: engagements and offers check amounts first, so
    # these are invariant breaks between services, never a caller's input.
    "fee",
    "fee_part",
    "to_candidate",
    "employer_id",
    "ref",
    "session_id",  # Stripe's return URL (`?session_id=`), a page, not the API
    "output",  # `manage.py rotate_signing_key --output`
}


def _request_fields() -> set[str]:
    from stint.api.api import api

    spec = api.get_openapi_schema()
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            names.update(node.get("properties", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for name, schema in spec["components"]["schemas"].items():
        if not name.endswith("Out"):
            walk(schema)
    for operations in spec["paths"].values():
        for op in operations.values():
            names.update(p["name"] for p in op.get("parameters", []))
            walk(op.get("requestBody", {}))
    return names


def _fields_named_by_services() -> list[tuple[str, str]]:
    """(field, where) for each field a DomainError names in services and rules:
    literal strings, and the head of f-strings (`answers.{id}` → `answers`)."""
    found = []
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts or path.name in {"views.py", "forms.py"}:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            args = [k.value for k in node.keywords if k.arg == "field"]
            if name in {"DomainError", "ConflictError", "add"} and len(node.args) >= 3:
                args.append(node.args[2])
            for arg in args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    field = arg.value
                elif isinstance(arg, ast.JoinedStr) and isinstance(arg.values[0], ast.Constant):
                    field = str(arg.values[0].value)
                else:
                    continue
                where = f"{path.relative_to(SRC)}:{node.lineno}"
                found.append((field.split(".")[0], where))
    return found


def test_every_field_a_service_names_is_a_request_field() -> None:
    request_fields = _request_fields()
    named = _fields_named_by_services()
    assert len(named) > 50  # the scan sees the services
    wrong = sorted(
        f"{field} ({where})"
        for field, where in named
        if field not in request_fields and field not in NOT_REQUEST_FIELDS
    )
    assert not wrong, f"errors naming a field no API request has: {wrong}"


def test_rules_that_return_a_field_name_request_fields() -> None:
    from stint.opportunities import rules

    terms = {"currency": "USD", "estimated_hours": 10, "deliverables": "A report", "openings": 1}
    before = rules.Terms(fee_minor=50_000, **terms)
    after = rules.Terms(fee_minor=40_000, **terms)
    fields = {f for f, _ in rules.edit_violations(before, after)}
    assert fields == {"fee_minor"}


# --- The answers, endpoint by endpoint --------------------------------------------------


@pytest.mark.django_db
def test_a_draft_under_the_pay_floor_names_fee_minor_in_the_api_and_fee_on_the_page(
    bob: User, acme: Organisation, api_for: Callable[[User], Client], client_for: Any
) -> None:
    body = {
        "organisation_id": acme.pk,
        "title": "Clean our data",
        "summary": "Clean and de-duplicate our customer list.",
        "estimated_hours": 10,
        "fee_minor": 1,
        "currency": "USD",
    }
    r = api_for(bob).post("/api/v1/opportunities", json.dumps(body), content_type=JSON)
    assert r.status_code == 422, r.content
    assert [e["field"] for e in r.json()["errors"]] == ["fee_minor"]
    assert not Opportunity.objects.exists()
    page = client_for(bob).post(
        reverse("opportunity_create", args=[acme.pk]),
        {
            "title": "Clean our data",
            "summary": "Clean and de-duplicate our customer list.",
            "estimated_hours": "10",
            "fee": "0.01",
            "currency": "USD",
            "visibility": "public",
            "work_mode": "remote",
            "openings": "1",
            "time_zone": "UTC",
        },
    )
    assert "fee" in page.context["form"].errors
    assert not Opportunity.objects.exists()


@pytest.mark.django_db
def test_an_application_names_the_answer_as_sent(
    alice: User,
    published_opportunity: Opportunity,  # noqa: F811
    required_question: ScreeningQuestion,  # noqa: F811
    api_for: Callable[[User], Client],
) -> None:
    api = api_for(alice)
    optional = published_opportunity.questions.get(required=False)

    def apply(answers: list[dict[str, Any]]) -> Any:
        body = {"opportunity_id": published_opportunity.pk, "answers": answers}
        return api.post("/api/v1/applications", json.dumps(body), content_type=JSON)

    r = apply([{"question_id": optional.pk, "text": "No."}])
    assert r.status_code == 422 and [e["field"] for e in r.json()["errors"]] == ["answers"]
    assert "Which tools" in r.json()["errors"][0]["message"]
    r = apply(
        [{"question_id": required_question.pk, "text": "dbt"}, {"question_id": 10**9, "text": "?"}]
    )
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["answers.1.question_id"]
    r = apply([{"question_id": optional.pk, "text": "No."}, {"question_id": required_question.pk}])
    assert r.status_code == 422 and [e["field"] for e in r.json()["errors"]] == ["answers.1.text"]
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_the_apply_page_still_shows_the_answer_next_to_its_question(
    alice: User,
    published_opportunity: Opportunity,  # noqa: F811
    required_question: ScreeningQuestion,  # noqa: F811
) -> None:
    from stint.applications.forms import ApplyForm
    from stint.applications.services import application_submit
    from stint.core.forms import apply_domain_error

    form = ApplyForm({"note": ""}, opportunity=published_opportunity)
    form.fields[f"answer_{required_question.pk}"].required = False  # reach the service
    assert form.is_valid()
    with apply_domain_error(form):
        application_submit(
            actor=alice, opportunity_id=published_opportunity.pk, note="", answers={}
        )
    assert list(form.errors) == [f"answer_{required_question.pk}"]
    assert not Application.objects.exists()
