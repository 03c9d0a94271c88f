"""Shared state: the matching indexes are never only in one process. A snapshot on
disk (written atomically) plus the change log gives a new process the same answers."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from stint.accounts.models import User
from stint.matching import indexes
from stint.matching.recommend import recommendations_for, suggested_candidates
from stint.matching.tasks import candidate_changed, opportunity_changed
from stint.orgs.models import Organisation
from tests.matching.test_recommend import _candidate, _opportunity, _skill

pytestmark = pytest.mark.django_db


@pytest.fixture
def snapdir(settings: Any, tmp_path: Path) -> Path:
    settings.OPS_INDEX_SNAPSHOT_DIR = str(tmp_path / "indexes")
    settings.OPS_INDEX_SNAPSHOT = True
    return tmp_path / "indexes"


def _answers(alice: User, opportunity: Any) -> tuple[list[Any], list[Any]]:
    recs = recommendations_for(alice, k=10)
    sugg = suggested_candidates(opportunity, k=10)
    assert not recs.degraded and not sugg.degraded
    return (
        [(r.opportunity.pk, round(r.fit.score, 6)) for r in recs.items],
        [(s.candidate.pk, round(s.fit.score, 6)) for s in sugg.items],
    )


def test_snapshot_then_catch_up_gives_the_same_recommendations(
    snapdir: Path, alice: User, eve: User, acme: Organisation
) -> None:
    python, sql, figma = _skill("python"), _skill("SQL"), _skill("Figma")
    eve.is_candidate = True
    eve.save(update_fields=["is_candidate"])
    _candidate(alice, [python, sql])
    _candidate(eve, [python])
    data = _opportunity(acme, "Data cleanup", [python, sql])
    _opportunity(acme, "Logo refresh", [figma])
    opportunity_changed.call(data.pk)
    candidate_changed.call(alice.pk)

    # "Process 1": builds from the database and writes the snapshot.
    indexes.reset_all()
    assert indexes.OPPORTUNITIES.ensure() is not None
    folder = indexes.snapshot_write()
    assert (snapdir / "current").resolve() == folder.resolve()
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["holders"]["opportunity"]["items"] == 2
    assert meta["holders"]["candidate"]["items"] == 2
    assert meta["holders"]["opportunity"]["last_change"] > 0

    # Changes after the snapshot, only in the change log.
    late = _opportunity(acme, "SQL reporting", [sql])
    opportunity_changed.call(late.pk)
    data.status = "closed"
    data.save()
    opportunity_changed.call(data.pk)
    _candidate(eve, [sql])
    candidate_changed.call(eve.pk)

    # "Process 2": loads the snapshot, then catches up from the log.
    indexes.reset_all()
    assert indexes.OPPORTUNITIES.load_snapshot() is True
    assert indexes.OPPORTUNITIES.last_change == meta["holders"]["opportunity"]["last_change"]
    indexes.reset_all()
    from_snapshot = _answers(alice, late)
    assert indexes.OPPORTUNITIES.built_at == pytest.approx(meta["created_at"])

    # A cold build from the database answers the same.
    indexes.reset_all()
    from django.conf import settings

    settings.OPS_INDEX_SNAPSHOT = False
    cold = _answers(alice, late)
    assert from_snapshot == cold
    ids = [pk for pk, _ in cold[0]]
    assert late.pk in ids and data.pk not in ids


def test_a_snapshot_of_another_database_or_too_old_is_ignored(
    snapdir: Path, settings: Any, alice: User, acme: Organisation
) -> None:
    python = _skill("python")
    o = _opportunity(acme, "Data cleanup", [python])
    opportunity_changed.call(o.pk)
    indexes.reset_all()
    folder = indexes.snapshot_write()
    indexes.reset_all()
    assert indexes.OPPORTUNITIES.load_snapshot() is True
    indexes.reset_all()

    meta_path = folder / "meta.json"
    meta = json.loads(meta_path.read_text())
    good = json.dumps(meta)
    meta["holders"]["opportunity"]["fingerprint"] = "opportunity:1:2001-01-01T00:00:00+00:00"
    meta_path.write_text(json.dumps(meta))
    assert indexes.OPPORTUNITIES.load_snapshot() is False

    meta_path.write_text(good)
    settings.OPS_INDEX_SNAPSHOT_MAX_AGE = 0
    assert indexes.OPPORTUNITIES.load_snapshot() is False
    assert indexes.OPPORTUNITIES.index is None


def test_snapshot_is_switched_atomically_and_old_ones_pruned(
    snapdir: Path, alice: User, acme: Organisation
) -> None:
    o = _opportunity(acme, "Data cleanup", [_skill("python")])
    opportunity_changed.call(o.pk)
    folders = [indexes.snapshot_write() for _ in range(4)]
    current = (snapdir / "current").resolve()
    assert os.path.islink(snapdir / "current")
    assert current == folders[-1].resolve()
    left = sorted(p.name for p in snapdir.glob("snap-*"))
    assert len(left) == 2 and folders[-1].name in left
    assert not list(snapdir.glob(".tmp-*")) and not list(snapdir.glob(".current-*"))


def test_matching_snapshot_command(snapdir: Path, capsys: Any, acme: Organisation) -> None:
    o = _opportunity(acme, "Data cleanup", [_skill("python")])
    opportunity_changed.call(o.pk)
    call_command("matching_snapshot")
    assert "snapshot written" in capsys.readouterr().out
    assert (snapdir / "current" / "meta.json").exists()


def test_the_change_log_is_pruned_and_idle_processes_rebuild(
    settings: Any, alice: User, acme: Organisation
) -> None:
    """The log was never pruned; now rows older than OPS_INDEX_CHANGE_DAYS go, each
    kind's newest stays, and a process that slept past the window rebuilds instead of
    missing what was pruned."""
    from datetime import timedelta

    from django.utils import timezone

    from stint.matching.models import IndexChange

    settings.STINT_INDEX_BUILD = "sync"
    settings.OPS_INDEX_SNAPSHOT = False
    python = _skill("python")
    _candidate(alice, [python])
    first = _opportunity(acme, "Data cleanup", [python])
    opportunity_changed.call(first.pk)
    indexes.reset_all()
    holder = indexes.OPPORTUNITIES
    assert holder.ensure() is not None and str(first.pk) in holder.data

    # Long ago: a second posting changed, then the process slept past the window.
    second = _opportunity(acme, "Survey analysis", [python])
    opportunity_changed.call(second.pk)
    opportunity_changed.call(first.pk)
    old = timezone.now() - timedelta(days=settings.OPS_INDEX_CHANGE_DAYS + 1)
    IndexChange.objects.update(created_at=old)
    newest = IndexChange.objects.filter(kind="opportunity").order_by("-pk").first()
    assert indexes.prune_changes() >= 2
    assert list(IndexChange.objects.filter(kind="opportunity")) == [newest]  # newest kept

    holder.caught_up_at -= (settings.OPS_INDEX_CHANGE_DAYS + 1) * 24 * 3600
    assert holder.ensure() is not None
    assert {str(first.pk), str(second.pk)} <= set(holder.data)  # rebuilt, nothing missed


def test_a_snapshot_taken_with_an_empty_change_log_is_adopted(
    snapdir: Path, alice: User, acme: Organisation
) -> None:
    """After a bulk import nothing is in the change log; the snapshot still names a
    row, so other processes adopt it instead of each rebuilding (issue 18)."""
    from stint.matching.models import IndexChange

    _opportunity(acme, "Data cleanup", [_skill("python")])
    IndexChange.objects.all().delete()
    indexes.reset_all()
    folder = indexes.snapshot_write()
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["holders"]["opportunity"]["last_change"] > 0
    assert meta["holders"]["opportunity"]["items"] == 1
    indexes.reset_all()
    assert indexes.OPPORTUNITIES.load_snapshot() is True
    assert indexes.CANDIDATES.load_snapshot() is True
