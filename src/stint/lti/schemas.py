from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema
from pydantic.config import JsonDict

from stint.lti.models import URL_MAX, Platform
from stint.lti.rules import MAX_ATTACHED, MAX_DEPLOYMENTS

NAME_MAX = Platform._meta.get_field("name").max_length
CLIENT_ID_MAX = Platform._meta.get_field("client_id").max_length


URI: JsonDict = {"format": "uri"}  # documented; the service checks it (core.text.web_url)


class PlatformIn(Schema):
    name: str = Field(min_length=1, max_length=NAME_MAX)
    issuer: str = Field(max_length=URL_MAX, json_schema_extra=URI)
    client_id: str = Field(min_length=1, max_length=CLIENT_ID_MAX)
    deployment_ids: list[str] = Field(min_length=1, max_length=MAX_DEPLOYMENTS)
    auth_login_url: str = Field(max_length=URL_MAX, json_schema_extra=URI)
    auth_token_url: str = Field(max_length=URL_MAX, json_schema_extra=URI)
    key_set_url: str = Field(max_length=URL_MAX, json_schema_extra=URI)
    auth_audience: str = Field("", max_length=URL_MAX)


class DeploymentsIn(Schema):
    deployment_ids: list[str] = Field(min_length=1, max_length=MAX_DEPLOYMENTS)


class PlatformOut(Schema):
    id: int
    institution_id: int
    name: str
    issuer: str
    client_id: str
    deployment_ids: list[str]
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    auth_audience: str
    created_at: datetime


class ToolUrlsOut(Schema):
    login: str
    launch: str
    deep_link: str
    jwks: str


class CourseOut(Schema):
    id: int
    platform_id: int
    context_id: str
    title: str
    program_id: int | None
    opportunity_ids: list[int]
    grade_mode: str
    has_roster_service: bool
    has_grade_service: bool
    roster_synced_at: datetime | None


class CourseAttachIn(Schema):
    program_id: int | None = None
    opportunity_ids: list[int] = Field(default_factory=list, max_length=MAX_ATTACHED)
    grade_mode: Literal["completion", "rating"] = "completion"


class RosterSyncOut(Schema):
    created: int
    updated: int
    unchanged: int
    cohort_added: int
    not_linked: int
    cohort_note: str


class GradesQueuedOut(Schema):
    queued: int


class OutcomeOut(Schema):
    name: str
    label: str
    value: int
    sharing: int | None
    note: str


class OutcomesOut(Schema):
    title: str
    students: int
    outcomes: list[OutcomeOut]
