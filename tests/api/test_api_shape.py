from __future__ import annotations

import pytest
from django.test import Client

from stint.accounts.models import User

pytestmark = pytest.mark.django_db


def test_openapi_schema_and_docs_are_served_without_a_cdn(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/orgs" in paths and "/api/v1/me" in paths
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn.jsdelivr" not in html


def test_every_error_shares_one_shape(alice: User, api_for) -> None:  # type: ignore[no-untyped-def]
    api = api_for(alice)
    bodies = [
        api.get("/api/v1/orgs/999999"),  # 404
        api.post("/api/v1/orgs", {"name": 5}, content_type="application/json"),  # 422
        api.post("/api/v1/orgs", "not json", content_type="application/json"),  # 400/422
        Client().get("/api/v1/me"),  # 401
    ]
    for r in bodies:
        assert r.status_code in {400, 401, 404, 422}
        body = r.json()
        assert isinstance(body["detail"], str) and body["detail"]
        assert isinstance(body["errors"], list)
        for e in body["errors"]:
            assert set(e) == {"field", "message"}


def test_wrong_types_in_path_are_422_not_500(alice: User, api_for) -> None:  # type: ignore[no-untyped-def]
    r = api_for(alice).get("/api/v1/orgs/abc")
    assert r.status_code in {404, 422}


def test_nul_characters_are_refused_with_the_field_named(alice: User, api_for) -> None:  # type: ignore[no-untyped-def]
    from stint.accounts.models import ApiToken

    api = api_for(alice)
    before = ApiToken.objects.count()
    r = api.post("/api/v1/tokens", {"name": "bad\x00name"}, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["errors"] == [
        {"field": "name", "message": "Text may not contain NUL characters."}
    ]
    assert ApiToken.objects.count() == before
    r = api.get("/api/v1/opportunities", {"q": "x\x00y"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "q"


def test_nul_in_html_forms_is_a_400(alice: User, client_for) -> None:  # type: ignore[no-untyped-def]
    r = client_for(alice).post("/account/settings/", {"action": "token", "name": "a\x00b"})
    assert r.status_code == 400


def test_ids_beyond_the_database_range_are_404_not_500(alice: User, api_for, client_for) -> None:  # type: ignore[no-untyped-def]
    huge = "489975594125795933552640"
    assert api_for(alice).delete(f"/api/v1/opportunities/{huge}/hide").status_code == 404
    assert api_for(alice).get(f"/api/v1/profiles/{huge}").status_code == 404
    assert client_for(alice).get(f"/opportunities/{huge}/").status_code == 404
    assert (
        api_for(alice).get(f"/api/v1/profiles/{2**63 - 1}").status_code == 404
    )  # in range: a normal miss
