"""The published schema and the validators are one thing (issue 15, "What to build").

For every write (POST, PUT, PATCH) with a JSON body, build bodies that the published
OpenAPI document says are valid (the required fields only, then every documented
field) and send them. Whatever the rules of the product then say (404 for an id that
does not exist, 409, a rule's own 422 code), request validation must not refuse them:
a 422 with code `invalid` means the schema documents a value the server refuses.

And the document names each schema class once, with the fields the class has."""

from __future__ import annotations

import json
import typing
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from pydantic import BaseModel

from stint.accounts.models import User
from stint.api.api import api

JSON = "application/json"
WRITES = {"post", "put", "patch"}


def _spec() -> dict[str, Any]:
    return api.get_openapi_schema()  # type: ignore[return-value]


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


STRING_FORMATS = {
    "date-time": "2031-05-04T10:30:00Z",
    "date": "2031-05-04",
    "time": "10:30:00",
    "email": "someone@example.com",
    "uri": "https://example.com/a",
    "uuid": "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
    "duration": "P1D",
}


def example(schema: dict[str, Any], spec: dict[str, Any], *, every: bool) -> Any:
    """A value the schema calls valid: the first choice of a union, an enum's first
    member, a number within its bounds, a string of a fitting length."""
    schema = _resolve(schema, spec)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if schema.get("examples"):
        return schema["examples"][0]
    if "default" in schema and schema["default"] is not None and not every:
        return schema["default"]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if _resolve(s, spec).get("type") != "null"]
            # What the field says beside the union (a format, a bound) holds for each choice.
            beside = {k: v for k, v in schema.items() if k not in {key, "default", "title"}}
            return example(
                {**_resolve((options or schema[key])[0], spec), **beside}, spec, every=every
            )
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(_resolve(part, spec))
        return example(merged, spec, every=every)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        names = list(props) if every else list(schema.get("required", []))
        return {name: example(props[name], spec, every=every) for name in names}
    if kind == "array":
        count = max(schema.get("minItems", 0), 1 if every else 0)
        return [example(schema.get("items", {}), spec, every=every) for _ in range(count)]
    if kind in ("integer", "number"):
        value = 1
        if "minimum" in schema:
            value = schema["minimum"]
        elif "exclusiveMinimum" in schema:
            value = schema["exclusiveMinimum"] + 1
        value = min(value, schema.get("maximum", value))
        return int(value) if kind == "integer" else float(value)
    if kind == "boolean":
        return True
    if kind == "string":
        if schema.get("format") in STRING_FORMATS:
            return STRING_FORMATS[schema["format"]]
        low, high = schema.get("minLength", 0), schema.get("maxLength", 40)
        return "Example"[: max(high, 0)].ljust(low, "x")
    return None


def _writes() -> Iterator[tuple[str, str, dict[str, Any]]]:
    spec = _spec()
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            if method not in WRITES:
                continue
            content = op.get("requestBody", {}).get("content", {})
            if JSON in content:
                yield method, path, content[JSON]["schema"]


# 422s a schema cannot rule out: the value has the documented shape, but refers to
# something that is not so (the writer's organisation is not an institution; a
# skill or occupation id that is not in the taxonomy; a window overlapping one
# just sent; a password that is not theirs). Any other 422 (`invalid` from the
# validators, or a rule's code such as `bad_currency`) is a schema that documents
# a value the server refuses.
ABOUT_THE_WORLD = {
    "not_institution",
    "unknown_skill",
    "unknown_occupation",
    "not_suggested",
    "bad_window",
    "bad_password",
    "insufficient_funds",  # a payout of a balance the writer does not have
    "own_opportunity",  # applying to, or reporting, the writer's own posting
    "own_target",
    "not_affiliated",  # students who are not the institution's (or not in the cohort)
    "not_in_cohort",
    "roster_invalid",  # the CSV inside the string: a file's content, not a field's shape
    "nothing_chosen",  # "student ids or emails": at least one of two lists, across fields
    "client_id_required",  # what sign-on needs depends on its protocol, across fields
    "url_refused",  # a webhook's host must resolve to a public address (no network here)
    "fee_too_low",  # the pay floor: per hour of `estimated_hours`, a rule across fields
    "credits_required",  # a credit-bearing program awards credits: a rule across fields
}

WRITE_OPERATIONS = sorted((m, p) for m, p, _ in _writes())


def _url(path: str, op: dict[str, Any], spec: dict[str, Any], ids: dict[str, int]) -> str:
    """The path with the writer's own ids where it has one (so the body reaches the
    service), else a well-formed id that may not exist (then 404 is fine)."""
    for param in op.get("parameters", []):
        if param["in"] == "path":
            name = param["name"]
            if name == "org_id" and path.startswith("/api/v1/institutions/"):
                name = "institution_id"
            value = ids.get(name, example(param.get("schema", {}), spec, every=False))
            path = path.replace("{" + param["name"] + "}", str(value))
    return path


@pytest.fixture
def writer(db: None) -> User:
    """Someone with every role, so authentication and the role checks pass and
    what is left to answer is the body."""
    from tests.personas import make_user

    return make_user("writer@stint.example", candidate=True, staff=True)


@pytest.fixture
def ids(writer: User) -> dict[str, int]:
    """The writer's employer (verified), institution, posting and program."""
    from django.utils import timezone

    from stint.opportunities.models import Opportunity
    from stint.orgs.services import domain_add, organisation_create
    from stint.programs.services import program_create

    employer = organisation_create(actor=writer, kind="employer", name="Writer Works")
    employer.verified_at = timezone.now()
    employer.save(update_fields=["verified_at"])
    uni = organisation_create(actor=writer, kind="institution", name="Writer University")
    domain_add(actor=writer, organisation_id=uni.pk, domain="writer.example.edu")
    posting = Opportunity.objects.create(
        employer=employer,
        created_by=writer,
        title="Clean our customer list",
        summary="Clean and de-duplicate our customer list with Python.",
        estimated_hours=10,
        fee_minor=50_000,
        currency="USD",
        status="published",
        published_at=timezone.now(),
    )
    program = program_create(
        actor=writer, institution_id=uni.pk, name="Writers' cohort", credit_bearing=False, credits=0
    )
    return {
        "org_id": employer.pk,
        "organisation_id": employer.pk,
        "institution_id": uni.pk,
        "opportunity_id": posting.pk,
        "program_id": program.pk,
        "candidate_id": writer.pk,
    }


def _with_ids(body: Any, ids: dict[str, int]) -> Any:
    """Ids in the body point at the writer's own objects, as in the path: an id of 1
    is someone else's (or nobody's) on PostgreSQL, whose sequences do not restart."""
    if isinstance(body, dict):
        return {k: ids[k] if k in ids else _with_ids(v, ids) for k, v in body.items()}
    if isinstance(body, list):
        return [_with_ids(v, ids) for v in body]
    return body


@pytest.mark.parametrize(("method", "path"), WRITE_OPERATIONS)
@pytest.mark.parametrize("every", [False, True], ids=["required", "every-field"])
def test_a_body_valid_by_the_schema_passes_validation(
    method: str,
    path: str,
    every: bool,
    writer: User,
    ids: dict[str, int],
    api_for: Callable[[User], Client],
) -> None:
    spec = _spec()
    op = spec["paths"][path][method]
    body = _with_ids(example(op["requestBody"]["content"][JSON]["schema"], spec, every=every), ids)
    client = api_for(writer)
    r = getattr(client, method)(_url(path, op, spec, ids), json.dumps(body), content_type=JSON)
    assert r.status_code < 500, (r.status_code, r.content[:300])
    if r.status_code == 422:
        answer = r.json()
        assert answer["code"] in ABOUT_THE_WORLD, (
            f"{method.upper()} {path} refused a body its schema documents as valid: "
            f"{json.dumps(body)} -> {answer['code']} {answer['errors']}"
        )


def test_every_write_with_a_json_body_is_covered() -> None:
    assert len(WRITE_OPERATIONS) > 60  # the generated document has them all


# --- Schema classes: one name each, documented as they are ------------------------------


def _models() -> dict[type[BaseModel], str]:
    """Every pydantic model the API reads or answers with, and where it is used."""
    found: dict[type[BaseModel], str] = {}

    def walk(ann: object, where: str) -> None:
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            if ann in found:
                return
            found[ann] = where
            for f in ann.model_fields.values():
                walk(f.annotation, where)
        for arg in typing.get_args(ann):
            walk(arg, where)

    for _, router in api._routers:
        for path, view in router.path_operations.items():
            for op in view.operations:
                for model in [*op.models, *op.response_models.values()]:
                    walk(model, f"{op.methods} {path}")
    return found


def _documented(model: type[BaseModel]) -> bool:
    """Ninja's wrappers of an operation's parameters are not schema classes."""
    return model.__module__.startswith("stint.") and "ninja" not in model.__module__


def test_no_two_schema_classes_share_a_name() -> None:
    by_name: dict[str, set[str]] = {}
    for model in _models():
        if _documented(model):
            by_name.setdefault(model.__name__, set()).add(
                f"{model.__module__}.{model.__qualname__}"
            )
    twice = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert not twice, f"schema class names defined twice (the document keeps one): {twice}"


def test_every_schema_class_is_documented_with_its_own_fields() -> None:
    components = _spec()["components"]["schemas"]
    wrong = []
    for model in _models():
        if not _documented(model) or model.__name__ not in components:
            continue
        fields = {f.alias or name for name, f in model.model_fields.items()}
        documented = set(components[model.__name__].get("properties", {}))
        if fields != documented:
            wrong.append((model.__qualname__, sorted(fields ^ documented)))
    assert not wrong, f"components that do not match their class: {wrong}"


def test_the_api_refuses_to_publish_two_schemas_of_one_name() -> None:
    from stint.api.api import duplicate_schema_names

    class One(BaseModel):
        a: int

    first = One

    class One(BaseModel):  # type: ignore[no-redef]
        b: int

    assert duplicate_schema_names([first, One]) == {"One": [first, One]}
    assert duplicate_schema_names([first]) == {}
