"""Allocation runs: re-runs keep old rows, publishing is idempotent and only the latest run."""

from __future__ import annotations

from typing import Any

import pytest

from stint.accounts.models import User
from stint.applications.models import Application, Offer
from stint.core.errors import ConflictError
from stint.matching import allocation as engine_allocation
from stint.programs import services
from stint.programs.models import AllocationRun, Placement

pytestmark = pytest.mark.django_db


def _run(dana: User, program_id: int, capture: Any, optimal: str = "student") -> AllocationRun:
    with capture(execute=True):
        run = services.allocation_run_start(actor=dana, program_id=program_id, optimal=optimal)
    run.refresh_from_db()
    assert run.status == "done", run.error
    return run


def test_rerun_after_changes_and_publish_twice(
    ranking_program: dict[str, Any], dana: User, bob: User, django_capture_on_commit_callbacks: Any
) -> None:
    program = ranking_program["program"]
    churn, scraper, _survey = ranking_program["entries"]
    sam, tia, uma, _vic = ranking_program["students"]
    for s in (sam, tia):
        services.student_rankings_set(
            actor=s, program_id=program.pk, entry_ids=[scraper.pk, churn.pk]
        )
    services.program_window_close(actor=dana, program_id=program.pk)
    first = _run(dana, program.pk, django_capture_on_commit_callbacks)
    assert services.run_assignment(first)[sam.pk] == scraper.pk  # fit tie: lower id wins

    # Bob prefers tia; staff re-run. The first run's row is kept.
    services.employer_rankings_set(
        actor=bob, entry_id=scraper.pk, choices=[services.EmployerChoice(student_id=tia.pk, rank=1)]
    )
    second = _run(dana, program.pk, django_capture_on_commit_callbacks)
    assert AllocationRun.objects.filter(program=program).count() == 2
    assert services.run_assignment(second)[tia.pk] == scraper.pk
    assert services.run_assignment(second)[sam.pk] == churn.pk
    assert services.run_assignment(second)[uma.pk] is None  # ranked nothing
    assert second.stats["unmatched_students"][0]["reason"] == "did not rank any project"

    # Only the latest run can be published.
    with pytest.raises(ConflictError) as exc:
        services.allocation_publish(actor=dana, run_id=first.pk)
    assert exc.value.code == "run_outdated"
    assert not Offer.objects.exists()

    report = services.allocation_publish(actor=dana, run_id=second.pk)
    assert report.created == 2
    snapshot = (Application.objects.count(), Offer.objects.count(), Placement.objects.count())
    again = services.allocation_publish(actor=dana, run_id=second.pk)
    assert again.created == 0
    assert (
        Application.objects.count(),
        Offer.objects.count(),
        Placement.objects.count(),
    ) == snapshot
    program.refresh_from_db()
    assert program.status == "published"
    # No re-run or set-up change after publishing.
    with pytest.raises(ConflictError):
        services.allocation_run_start(actor=dana, program_id=program.pk)
    with pytest.raises(ConflictError):
        services.cohort_remove(actor=dana, program_id=program.pk, student_id=sam.pk)


def test_employer_optimal_and_institution_priority(
    ranking_program: dict[str, Any], dana: User, django_capture_on_commit_callbacks: Any
) -> None:
    program = ranking_program["program"]
    _, scraper, _ = ranking_program["entries"]
    sam, tia, _, _ = ranking_program["students"]
    for s in (sam, tia):
        services.student_rankings_set(actor=s, program_id=program.pk, entry_ids=[scraper.pk])
    type(program).objects.filter(pk=program.pk).update(priority_mode="override")
    services.priorities_set(actor=dana, program_id=program.pk, student_ids=[tia.pk, sam.pk])
    services.program_window_close(actor=dana, program_id=program.pk)
    run = _run(dana, program.pk, django_capture_on_commit_callbacks, optimal="project")
    assert services.run_assignment(run)[tia.pk] == scraper.pk
    assert run.optimal == "project" and run.stats["stable"]
    assert run.inputs["student_ids"] and run.engine_version


def test_a_failed_run_is_recorded(
    ranking_program: dict[str, Any], dana: User, monkeypatch: Any
) -> None:
    program = ranking_program["program"]
    services.program_window_close(actor=dana, program_id=program.pk)
    run = AllocationRun.objects.create(program=program, created_by=dana)

    def boom(*a: Any, **k: Any) -> Any:
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(engine_allocation, "solve", boom)
    with pytest.raises(RuntimeError):
        services.allocation_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "failed" and "exploded" in run.error
    # Idempotent: a run that is no longer queued is left alone.
    assert services.allocation_run_execute(run_id=run.pk).status == "failed"
