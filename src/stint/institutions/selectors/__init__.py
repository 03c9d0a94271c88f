"""Reads for career services.

Every staff read goes through `consenting_ids`, which reads the students'
*current* consent (and current affiliation) on each call: nothing is cached, so
a withdrawal hides the data on the very next request. Staff never see
messages, notes, answers or review texts, and declared groups only as totals
of at least `rules.SUPPRESS_BELOW`.

A package by area (access, scope, tables, equity, reports, endorsements, rosters);
callers import the package, which re-exports every public name.
"""

from __future__ import annotations

from stint.institutions.selectors.access import (
    InstitutionAccess,
    StudentPanelRow,
    access_institution,
    access_staff,
    access_student,
    consent_of,
    consent_scopes,
    dashboard_student,
    declaration_of,
    groups_of,
    is_affiliated,
    staff_institutions,
    staff_membership,
    student_institutions,
)
from stint.institutions.selectors.endorsements import (
    OpportunityRow,
    endorsable_q,
    endorsement_candidates,
    endorsements_for,
    institution_opportunities,
)
from stint.institutions.selectors.equity import PREFER_NOT, EquityRow, equity
from stint.institutions.selectors.reports import (
    TABLE_NAMES,
    TABLE_TITLES,
    TABLES,
    StaffDashboard,
    StaffPanelRow,
    dashboard,
    dashboard_staff,
    report_table,
)
from stint.institutions.selectors.rosters import (
    RosterPreview,
    RosterPreviewRow,
    RosterTarget,
    access_roster,
    roster_of,
    roster_preview,
    roster_programs,
)
from stint.institutions.selectors.scope import NO_FILTERS, consenting_ids, sharing_any_ids
from stint.institutions.selectors.tables import STUDENT_COLUMNS, StudentInfo, Table, earnings

__all__ = [
    "NO_FILTERS",
    "PREFER_NOT",
    "STUDENT_COLUMNS",
    "TABLES",
    "TABLE_NAMES",
    "TABLE_TITLES",
    "EquityRow",
    "InstitutionAccess",
    "OpportunityRow",
    "RosterPreview",
    "RosterPreviewRow",
    "RosterTarget",
    "StaffDashboard",
    "StaffPanelRow",
    "StudentInfo",
    "StudentPanelRow",
    "Table",
    "access_institution",
    "access_roster",
    "access_staff",
    "access_student",
    "consent_of",
    "consent_scopes",
    "consenting_ids",
    "dashboard",
    "dashboard_staff",
    "dashboard_student",
    "declaration_of",
    "earnings",
    "endorsable_q",
    "endorsement_candidates",
    "endorsements_for",
    "equity",
    "groups_of",
    "institution_opportunities",
    "is_affiliated",
    "report_table",
    "roster_of",
    "roster_preview",
    "roster_programs",
    "sharing_any_ids",
    "staff_institutions",
    "staff_membership",
    "student_institutions",
]
