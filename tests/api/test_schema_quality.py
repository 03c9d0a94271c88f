"""Issue 16 item 7: a schema that generates a good client. Names, descriptions and
types are checked over every operation, so a new endpoint cannot forget them."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import pytest

from stint.api.api import api

OPERATION_ID = re.compile(r"^[a-z_]+\.[a-z_]+$")


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    # As published (JSON: status codes are strings).
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))


def operations(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", op)
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
    ]


def test_every_operation_has_a_unique_hand_named_id(schema: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, op in operations(schema)]
    assert len(ids) > 200
    assert [i for i in ids if not OPERATION_ID.match(i)] == []
    assert [i for i, n in Counter(ids).items() if n > 1] == []


def test_operation_ids_name_the_area_and_the_action(schema: dict[str, Any]) -> None:
    by_id = {op["operationId"]: name for name, op in operations(schema)}
    assert by_id["engagements.submission_approve"] == (
        "POST /api/v1/engagements/{engagement_id}/approval"
    )
    assert by_id["applications.list"] == "GET /api/v1/applications"
    assert by_id["applications.interview_propose"].endswith("/interviews")
    assert by_id["reviews.reference_request"].endswith("/references")


def test_every_operation_says_what_it_does_who_may_call_it(schema: dict[str, Any]) -> None:
    missing = [name for name, op in operations(schema) if len(op.get("description", "")) < 30]
    assert missing == []


def test_every_tag_in_use_is_described(schema: dict[str, Any]) -> None:
    described = {t["name"]: t.get("description", "") for t in schema["tags"]}
    used = {tag for _, op in operations(schema) for tag in op["tags"]}
    assert used - set(described) == set()
    assert [name for name in used if not described[name]] == []


def _output_schemas(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every component an answer can contain, followed through references."""
    components = schema["components"]["schemas"]
    seen: dict[str, dict[str, Any]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                name = ref.rsplit("/", 1)[-1]
                if name not in seen:
                    seen[name] = components[name]
                    walk(components[name])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for _, op in operations(schema):
        for status, answer in op["responses"].items():
            if str(status).startswith("2"):
                walk(answer)
    return seen


def _is_plain_string(prop: dict[str, Any]) -> bool:
    options = prop.get("anyOf", [prop])
    return any(o.get("type") == "string" and "enum" not in o and "const" not in o for o in options)


# Named "kind" but a free label (an industry or occupation title), described as such.
FREE_LABELS = {"KindOut.kind"}


def test_no_status_or_kind_in_an_answer_is_a_plain_string(schema: dict[str, Any]) -> None:
    plain = [
        f"{name}.{prop}"
        for name, component in _output_schemas(schema).items()
        for prop, details in component.get("properties", {}).items()
        if prop in {"status", "kind", "state"} and _is_plain_string(details)
    ]
    assert set(plain) == FREE_LABELS


def test_every_answer_with_a_body_says_what_it_is(schema: dict[str, Any]) -> None:
    bare = [
        f"{name} {status}"
        for name, op in operations(schema)
        for status, answer in op["responses"].items()
        if str(status).startswith("2") and str(status) != "204" and "content" not in answer
    ]
    assert bare == []


FILES = {
    "GET /api/v1/applications/{application_id}/candidate/resume": "application/pdf",
    "GET /api/v1/applications/{application_id}/messages/{message_id}/attachment": (
        "application/octet-stream"
    ),
    "GET /api/v1/interviews/{interview_id}/calendar.ics": "text/calendar",
    "GET /api/v1/engagements/{engagement_id}/files/{item_id}": "application/octet-stream",
    "GET /api/v1/privacy/exports/{export_id}/download": "application/zip",
    "GET /api/v1/profiles/{user_id}/resume": "application/pdf",
}


def test_downloads_declare_a_binary_media_type(schema: dict[str, Any]) -> None:
    ops = dict(operations(schema))
    for name, media_type in FILES.items():
        content = ops[name]["responses"]["200"]["content"]
        assert "application/json" not in content, name
        assert content[media_type]["schema"] == {"type": "string", "format": "binary"}, name


MAIN_CREATES = [
    "POST /api/v1/opportunities",
    "POST /api/v1/applications",
    "POST /api/v1/applications/{application_id}/offers",
    "POST /api/v1/engagements/{engagement_id}/reviews",
    "POST /api/v1/orgs",
    "POST /api/v1/orgs/{org_id}/invitations",
    "POST /api/v1/orgs/{org_id}/webhooks",
    "POST /api/v1/tokens",
    "POST /api/v1/apps",
    "POST /api/v1/payments/payouts",
]


def test_the_main_create_operations_show_a_valid_example(schema: dict[str, Any]) -> None:
    from stint.api.api import _schema_classes

    classes = {c.__name__: c for c in _schema_classes(api)}
    ops = dict(operations(schema))
    for name in MAIN_CREATES:
        ref = ops[name]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        component = ref.rsplit("/", 1)[-1]
        examples = schema["components"]["schemas"][component].get("examples", [])
        assert examples, name
        for example in examples:
            classes[component].model_validate(example)  # the example is a valid body


def test_signed_documents_and_outcomes_are_typed(schema: dict[str, Any]) -> None:
    ops = dict(operations(schema))

    def answer(name: str, status: str = "200") -> dict[str, Any]:
        return ops[name]["responses"][status]["content"]["application/json"]["schema"]

    credential = "POST /api/v1/engagements/{engagement_id}/credential"
    assert answer(credential, "200") == answer(credential, "201")
    assert answer(credential, "201") == {"$ref": "#/components/schemas/CredentialOut"}
    for name in (
        "GET /api/v1/me/outcomes",
        "GET /api/v1/orgs/{org_id}/outcomes",
        "GET /api/v1/credentials/keys/platform",
        "GET /api/v1/credentials/status/{list_no}",
    ):
        assert "$ref" in answer(name), name
