"""Equity of access: aggregate only, groups smaller than `rules.SUPPRESS_BELOW` hidden."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stint.institutions import rules
from stint.institutions.models import GroupDeclaration
from stint.institutions.rules import ReportFilters
from stint.institutions.selectors.access import groups_of
from stint.institutions.selectors.scope import (
    _applications,
    _completions,
    _selections,
    consenting_ids,
)
from stint.institutions.selectors.tables import Table
from stint.orgs.models import Organisation


@dataclass(frozen=True)
class EquityRow:
    category: str
    label: str
    students: int | None  # None: fewer than 5, hidden
    applied: float | None  # percent, None when suppressed
    selected: float | None
    completed: float | None


PREFER_NOT = ("—", "Prefer not to say")


def equity(inst: Organisation, f: ReportFilters) -> list[EquityRow]:
    declaring = consenting_ids(inst, "groups", f)
    live = {g.pk: g for g in groups_of(inst)}
    members: dict[tuple[str, str], set[int]] = {(g.category, g.label): set() for g in live.values()}
    through = GroupDeclaration.groups.through
    for sid, gid in through.objects.filter(
        equitygroup_id__in=list(live),
        groupdeclaration__institution=inst,
        groupdeclaration__student_id__in=declaring,
    ).values_list("groupdeclaration__student_id", "equitygroup_id"):
        g = live[gid]
        members[(g.category, g.label)].add(sid)
    members[PREFER_NOT] = set(
        GroupDeclaration.objects.filter(
            institution=inst, student_id__in=declaring, prefer_not_to_say=True
        ).values_list("student_id", flat=True)
    )
    metrics = {
        "applied": (
            set(consenting_ids(inst, "applications", f).values_list("student_id", flat=True)),
            set(_applications(inst, f).values_list("candidate_id", flat=True)),
        ),
        "selected": (
            set(consenting_ids(inst, "selections", f).values_list("student_id", flat=True)),
            set(_selections(inst, f).values_list("application__candidate_id", flat=True)),
        ),
        "completed": (
            set(consenting_ids(inst, "completions", f).values_list("student_id", flat=True)),
            set(_completions(inst, f).values_list("candidate_id", flat=True)),
        ),
    }
    rows = []
    for (category, label), ids in members.items():
        visible = rules.suppress(len(ids))
        shares: dict[str, float | None] = {}
        for name, (consenting, did) in metrics.items():
            base = ids & consenting
            shares[name] = rules.share(len(base & did), len(base)) if visible else None
        rows.append(
            EquityRow(
                category=category,
                label=label,
                students=visible,
                applied=shares["applied"],
                selected=shares["selected"],
                completed=shares["completed"],
            )
        )
    return rows


def _equity_table(inst: Organisation, f: ReportFilters) -> Table:
    def cell(v: float | int | None) -> Any:
        return "<5" if v is None else v

    return Table(
        "equity",
        "Equity of access (groups under 5 hidden)",
        ("category", "group", "students", "applied_pct", "selected_pct", "completed_pct"),
        iter(
            [
                (
                    r.category,
                    r.label,
                    cell(r.students),
                    cell(r.applied),
                    cell(r.selected),
                    cell(r.completed),
                )
                for r in equity(inst, f)
            ]
        ),
    )
