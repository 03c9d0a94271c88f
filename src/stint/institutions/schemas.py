from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema

TableName = Literal[
    "students",
    "applications",
    "selections",
    "completions",
    "earnings",
    "skills",
    "ratings",
    "follow_ups",
    "equity",
]


class InstitutionOut(Schema):
    id: int
    name: str
    is_staff: bool
    is_student: bool


class ConsentIn(Schema):
    """Only the choices named change; the others keep their value."""

    applications: bool | None = None
    selections: bool | None = None
    completions: bool | None = None
    skills: bool | None = None
    ratings: bool | None = None
    follow_ups: bool | None = None
    groups: bool | None = None

    model_config = {"extra": "forbid"}


class ConsentOut(Schema):
    institution_id: int
    applications: bool
    selections: bool
    completions: bool
    skills: bool
    ratings: bool
    follow_ups: bool
    groups: bool
    updated_at: datetime | None


class ConsentEventOut(Schema):
    scope: str
    granted: bool
    at: datetime


class GroupOut(Schema):
    id: int
    category: str
    label: str


class GroupIn(Schema):
    category: str = Field(..., min_length=1, max_length=60)
    label: str = Field(..., min_length=1, max_length=80)


class DeclarationIn(Schema):
    group_ids: list[int] = Field(default_factory=list, max_length=50)
    prefer_not_to_say: bool = False


class DeclarationOut(Schema):
    group_ids: list[int]
    prefer_not_to_say: bool
    declared_at: datetime | None


class ReportQuery(Schema):
    major: str | None = None
    graduation_year: str | None = None
    date_from: str | None = None
    date_to: str | None = None


class TableOut(Schema):
    table: str
    title: str
    columns: list[str]
    rows: list[dict[str, Any]]


class EquityRowOut(Schema):
    category: str
    group: str
    students: int | None
    applied_pct: float | None
    selected_pct: float | None
    completed_pct: float | None


class EarningsOut(Schema):
    currency: str
    students: int
    paid_engagements: int
    total_minor: int


class MonthOut(Schema):
    month: str
    active_students: int


class CountOut(Schema):
    label: str
    count: int


class DashboardOut(Schema):
    institution_id: int
    students_sharing: int
    applications: int
    selections: int
    completions: int
    cancelled: int
    completion_rate: float | None
    employers_engaged: int
    earnings: list[EarningsOut]
    participation: list[MonthOut]
    top_skills: list[CountOut]
    top_employers: list[CountOut]
    equity: list[EquityRowOut]


class EndorsementIn(Schema):
    opportunity_id: int
    note: str = Field("", max_length=1000)
    promoted: bool = False


class EndorsementOut(Schema):
    id: int
    institution_id: int
    opportunity_id: int
    note: str
    promoted: bool
    created_at: datetime


class OpportunityRowOut(Schema):
    id: int
    title: str
    employer: str
    fee_minor: int
    currency: str
    due_date: date | None
    exclusive: bool
    endorsed: bool
    promoted: bool
    note: str


# --- Roster import -----------------------------------------------------------------------


class RosterIn(Schema):
    csv: str = Field(
        ...,
        max_length=1024 * 1024,
        description="The CSV text: a header row naming email, name, programme, "
        "graduation_year, then one student a row.",
    )
    program_id: int | None = Field(
        None, description="A cohort program of the institution; none for the whole institution."
    )


class RosterCellErrorOut(Schema):
    row: int = Field(..., description="The row as a spreadsheet numbers it (the header is 1).")
    column: str
    message: str


class RosterPreviewRowOut(Schema):
    row: int
    email: str
    name: str
    programme: str
    graduation_year: int | None
    change: Literal["new", "update", "unchanged", "error"]
    has_account: bool
    linked: bool = Field(..., description="Has a Stint account linked to the institution.")
    errors: list[RosterCellErrorOut]


class RosterPreviewOut(Schema):
    ok: bool = Field(..., description="True when the roster can be imported as it is.")
    program_id: int | None
    new: int
    update: int
    unchanged: int
    errors: list[RosterCellErrorOut]
    ignored_columns: list[str]
    rows: list[RosterPreviewRowOut]


class RosterImportOut(Schema):
    program_id: int | None
    created: int
    updated: int
    unchanged: int
    cohort_added: int
    not_linked: int
    cohort_note: str


class RosterEntryOut(Schema):
    id: int
    program_id: int | None
    email: str
    full_name: str
    programme: str
    graduation_year: int | None
    updated_at: datetime
