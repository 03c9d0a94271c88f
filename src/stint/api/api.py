"""The versioned JSON API: `/api/v1/`. Each app contributes a router; this
module only mounts them, sets authentication and the shared error shape."""

from __future__ import annotations

import typing
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from pydantic import BaseModel

from stint.accounts.api import router as accounts_router
from stint.api import errors
from stint.api.auth import AUTH
from stint.api.parser import StrictJsonParser
from stint.api.public import visitor
from stint.applications.api import router as applications_router
from stint.applications.interview_api import router as interviews_router
from stint.engagements.api import router as engagements_router
from stint.events.api import router as events_router
from stint.growth.api import router as growth_router
from stint.institutions.api import router as institutions_router
from stint.lti.api import router as lti_router
from stint.moderation.api import router as moderation_router
from stint.notifications.api import router as notifications_router
from stint.oauth.api import router as oauth_router
from stint.opportunities.api import router as opportunities_router
from stint.orgs.api import router as orgs_router
from stint.payments.api import router as payments_router
from stint.privacy.api import router as privacy_router
from stint.profiles.api import router as profiles_router
from stint.programs.api import router as programs_router
from stint.reviews.api import router as reviews_router
from stint.reviews.reference_api import router as references_router
from stint.sso.api import router as sso_router


def duplicate_schema_names(models: Iterable[type[BaseModel]]) -> dict[str, list[type[BaseModel]]]:
    """Schema classes that share a name: the OpenAPI document would keep only one
    of each (issue 15, item 12), documenting the wrong body for the others."""
    by_name: dict[str, list[type[BaseModel]]] = {}
    for model in models:
        same = by_name.setdefault(model.__name__, [])
        if model not in same:
            same.append(model)
    return {name: found for name, found in by_name.items() if len(found) > 1}


def _schema_classes(api: NinjaAPI) -> list[type[BaseModel]]:
    """Every schema class of the project that an operation reads or answers with."""
    found: list[type[BaseModel]] = []

    def walk(ann: object) -> None:
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            if ann in found:
                return
            if ann.__module__.startswith("stint."):
                found.append(ann)
            for f in ann.model_fields.values():
                walk(f.annotation)
        for arg in typing.get_args(ann):
            walk(arg)

    for _, router in api._routers:
        for view in router.path_operations.values():
            for op in view.operations:
                for model in [*op.models, *op.response_models.values()]:
                    walk(model)
    return found


# The noun an area's own operations start with, dropped from their operationIds so
# that `applications.application_list` reads `applications.list` (issue 16, item 7).
AREA_NOUNS = {
    "applications": "application",
    "engagements": "engagement",
    "institutions": "institution",
    "notifications": "notification",
    "orgs": "org",
    "profiles": "profile",
    "programs": "program",
}


def operation_id(view_func: Any) -> str:
    """`<area>.<action>`: the app that owns the endpoint and the endpoint function's
    own (hand-chosen) name, the one place operationIds come from."""
    area = view_func.__module__.split(".")[1]  # stint.<area>.api
    action = view_func.__name__
    noun = AREA_NOUNS.get(area)
    if noun and action.startswith(noun + "_"):
        action = action.removeprefix(noun + "_")
    return f"{area}.{action}"


# Each router's tag and what its area is for, in the users' words (the order the
# reference shows them in). A router mounted with a tag missing here fails at import.
TAGS = {
    "accounts": "Who you are, your roles, and the personal API tokens your scripts use.",
    "organisations": "Employers and institutions: members and roles, invitations, student "
    "email domains, and verification by a platform admin.",
    "single sign-on": "An institution's OpenID Connect or SAML sign-on for its students.",
    "profiles": "A candidate's profile: skills with levels from the ESCO taxonomy, career "
    "goals, education, availability and a resume parsed into suggested skills.",
    "opportunities": "Paid projects: employers draft and publish postings; candidates browse, "
    "search (no token needed for public postings), save, hide and get recommendations.",
    "applications": "Applying, the employer's ranked applicants, shortlists, offers and "
    "counter-offers, message threads and interviews.",
    "notifications": "What happened that concerns you, and how you want to hear of it.",
    "engagements": "The work once an offer is accepted: milestones, submissions, approval "
    "releasing escrow, cancellation, split proposals, disputes and time logs.",
    "payments": "Candidates' balances, payouts and payout set-up; employers' payment methods.",
    "reviews": "Double-blind reviews, reputation, verified skills, portfolios, Open Badges "
    "3.0 credentials anyone can verify, follow-up offers, references and outcomes.",
    "institutions": "Career services: students' consent, declared groups, the dashboard and "
    "reports, endorsed postings and roster imports.",
    "lti": "Stint inside a learning platform (LTI 1.3): platforms, courses, rosters, grades.",
    "programs": "Cohort programs: students and employers rank each other and a stable "
    "matching allocates projects; credit records.",
    "moderation": "Reports, employer verification requests, postings held for review and the "
    "audit log (platform admins).",
    "privacy": "Your data: a zip export of everything, and deleting your account.",
    "growth": "Growing from the work: tailoring, explore mode, career roadmaps, learning "
    "goals, mid-point feedback, reflections and connections.",
    "events and webhooks": "The events feed to catch up from a cursor, and signed webhooks "
    "an organisation subscribes to.",
    "oauth apps": "OAuth apps you register, and the apps you have allowed to act for you.",
}


class StintAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document is built once per path prefix: routes are fixed
    at import, and building the document walks every schema (over a second per call)."""

    _openapi_cache: dict[str, OpenAPISchema]

    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation_id(operation.view_func)

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        cache = self.__dict__.setdefault("_openapi_cache", {})
        if path_prefix not in cache:
            # Names unique by construction: refuse to publish a document that would
            # silently keep one of two classes named alike.
            twice = duplicate_schema_names(_schema_classes(self))
            if twice:
                raise ImproperlyConfigured(
                    "Schema class names must be unique across apps: "
                    + "; ".join(
                        f"{name}: " + ", ".join(f"{m.__module__}.{m.__qualname__}" for m in found)
                        for name, found in twice.items()
                    )
                )
            schema = super().get_openapi_schema(path_prefix=path_prefix)
            schema["tags"] = [{"name": name, "description": text} for name, text in TAGS.items()]
            cache[path_prefix] = schema
        return cache[path_prefix]


api = StintAPI(
    title="Stint API",
    version="1",
    description=(
        "The JSON API of Stint, the micro-internship platform. Authenticate with a personal "
        "token from your account settings (`Authorization: Bearer stint_…`), an OAuth app's "
        "access token (authorization code with PKCE at `/oauth/`; scopes `read`, `write`, "
        "`payments`, `profile`, `institution`; a missing scope is 403 `insufficient_scope`) "
        "or a browser session.\n\n"
        "**Errors**: every error answer, on every path under `/api/`, is JSON "
        '`{"detail", "errors": [{"field", "message"}], "code"}`; `code` is machine-readable '
        "(e.g. `not_found`, `unauthenticated`, `rate_limited`, or the rule's own code). "
        "A missing, bad or revoked token is 401. Over a rate limit: 429 with `Retry-After`.\n\n"
        "**Rate limits**: actions that notify other people (apply, send a message, report, "
        "propose a program entry) are limited per person, whatever token or session they come "
        "from; their answers carry `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` "
        "(seconds) and `RateLimit-Policy` (`<limit>;w=<window seconds>`), and they declare 429.\n\n"
        "**Pages**: paged lists take `page` from 1 (0 or less is 422) and answer `page`, "
        "`pages` and `total`; a page past the last one is an empty page, never another one.\n\n"
        "**Times**: every datetime you send needs a time zone (`Z` or `+02:00`); naive ones "
        "are 422. Amounts are integer minor units, at most 100000000."
    ),
    urls_namespace="api-1",
    auth=[*AUTH, visitor],  # visitor: public reads only (stint.api.public)
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=StrictJsonParser(),
)
errors.install(api)
api.add_router("/", accounts_router, tags=["accounts"])
api.add_router("/", orgs_router, tags=["organisations"])
api.add_router("/", sso_router, tags=["single sign-on"])
api.add_router("/", profiles_router, tags=["profiles"])
api.add_router("/", opportunities_router, tags=["opportunities"])
api.add_router("/", applications_router, tags=["applications"])
api.add_router("/", notifications_router, tags=["notifications"])
api.add_router("/", engagements_router, tags=["engagements"])
api.add_router("/", payments_router, tags=["payments"])
api.add_router("/", reviews_router, tags=["reviews"])
api.add_router("/", institutions_router, tags=["institutions"])
api.add_router("/", lti_router, tags=["lti"])
api.add_router("/", programs_router, tags=["programs"])
api.add_router("/", moderation_router, tags=["moderation"])
api.add_router("/", privacy_router, tags=["privacy"])
api.add_router("/", growth_router, tags=["growth"])
api.add_router("/", interviews_router, tags=["applications"])  # ADR 0018
api.add_router("/", references_router, tags=["reviews"])  # ADR 0018
api.add_router("/", events_router, tags=["events and webhooks"])
api.add_router("/", oauth_router, tags=["oauth apps"])
