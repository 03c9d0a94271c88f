"""Process-local matching indexes, kept current from the database.

Each process holds one `OpportunityIndex` (published opportunities) and one
`CandidateIndex` (candidates with skills). They are built from the database (or
loaded from a snapshot under var/indexes/) and then follow the `IndexChange`
log, applying only the rows after the last one they saw. A build runs in a
background thread in web processes; until it is ready, callers get `None` and
fall back to a slower exact path, so recommendations still work, degraded.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import pickle
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Generic, TypeVar

from django.apps import apps
from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from stint.matching import engine
from stint.matching.models import IndexChange
from stint_engine.retrieval import CandidateIndex, OpportunityIndex, SkillSpace

log = logging.getLogger(__name__)

# A built index is millions of long-lived objects. Left to the cyclic garbage
# collector, the first full collection after a build walked all of them and
# stopped a worker for 7-8 s (the load benchmark's p99 of 7,150 ms,
# docs/bench/load.md). Freezing moves what exists now out of the collector's
# reach; reference counting still frees it when an index is replaced. Small
# indexes (tests, demos) are left alone: freezing there only keeps garbage.
FREEZE_AT_ITEMS = 10_000


def _settle_heap(items: int) -> None:
    if items >= FREEZE_AT_ITEMS:
        gc.freeze()


IndexT = TypeVar("IndexT", OpportunityIndex, CandidateIndex)

SNAPSHOT_FORMAT = 1


@lru_cache(maxsize=1)
def skill_space() -> SkillSpace:
    return SkillSpace.from_taxonomy(engine.taxonomy())


def _published_opportunities(ids: Iterable[int] | None = None) -> Any:
    model = apps.get_model("opportunities", "Opportunity")
    qs = model.objects.filter(status="published").prefetch_related("skills", "allowed_institutions")
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs


def _candidate_profiles(user_ids: Iterable[int] | None = None) -> Any:
    model = apps.get_model("profiles", "CandidateProfile")
    qs = model.objects.filter(
        user__is_candidate=True, user__is_active=True, skills__isnull=False
    ).distinct()
    qs = qs.select_related("user").prefetch_related("skills", "goals", "windows")
    if user_ids is not None:
        qs = qs.filter(user_id__in=list(user_ids))
    return qs


def _affiliations(user_ids: list[int]) -> dict[int, frozenset[str]]:
    out: dict[int, set[str]] = {}
    model = apps.get_model("orgs", "Affiliation")
    for uid, inst in model.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "institution_id"
    ):
        out.setdefault(uid, set()).add(str(inst))
    return {k: frozenset(v) for k, v in out.items()}


@dataclass
class Holder(Generic[IndexT]):
    """One index, its plain-data lookup, and how far along the change log it is."""

    kind: str
    make: Callable[[SkillSpace], IndexT]
    index: IndexT | None = None
    data: dict[str, Any] = field(default_factory=dict)
    last_change: int = 0
    building: bool = False
    built_at: float = 0.0
    caught_up_at: float = 0.0  # when this process last read the change log
    lock: threading.RLock = field(default_factory=threading.RLock)

    # --- loading rows -------------------------------------------------------------
    def _load(self, ids: Iterable[int] | None) -> list[Any]:
        if self.kind == IndexChange.Kind.OPPORTUNITY:
            rows = list(_published_opportunities(ids))
            stats = engine.employer_stats_for({o.employer_id for o in rows})
            return [engine.opportunity_data(o, stats[o.employer_id]) for o in rows]
        profiles = list(_candidate_profiles(ids))
        insts = _affiliations([p.user_id for p in profiles])
        return [
            engine.candidate_data(p.user, p, institution_ids=insts.get(p.user_id, frozenset()))
            for p in profiles
        ]

    # --- building ------------------------------------------------------------------
    def build(self) -> None:
        """Load a fresh-enough snapshot and catch up from the change log, or else
        build from the database (synchronously)."""
        if self.load_snapshot():
            while self.catch_up():
                pass
            _settle_heap(len(self.data))
            return
        started = time.perf_counter()
        last = (
            IndexChange.objects.filter(kind=self.kind)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
            or 0
        )
        items = self._load(None)
        index = self.make(skill_space())
        add_many = index.add_many
        add_many(items)
        with self.lock:
            self.index = index
            self.data = {item.id: item for item in items}
            self.last_change = last
            self.built_at = time.time()
        _settle_heap(len(items))
        log.info(
            "built %s index: %d items in %.2fs",
            self.kind,
            len(items),
            time.perf_counter() - started,
        )

    def _build_in_background(self) -> None:
        try:
            self.build()
        except Exception:
            log.exception("building the %s index failed; recommendations stay degraded", self.kind)
        finally:
            with self.lock:
                self.building = False
            connection.close()

    def ensure(self) -> IndexT | None:
        """The index, current with the change log; None while a first build runs."""
        with self.lock:
            if self.index is None:
                if getattr(settings, "STINT_INDEX_BUILD", "background") == "sync":
                    pass  # build below, outside the branch
                elif not self.building:
                    self.building = True
                    threading.Thread(
                        target=self._build_in_background, daemon=True, name=f"index-{self.kind}"
                    ).start()
                    return None
                else:
                    return None
        if self.index is None:
            self.build()
        elif self.caught_up_at and time.time() - self.caught_up_at > _idle_limit():
            # Asleep longer than the change log is kept: rows it never read may be pruned.
            log.info("%s index idle past the change log's retention; rebuilding", self.kind)
            self.build()
        self.catch_up()
        return self.index

    def catch_up(self) -> int:
        """Apply the change log rows after the last one seen; returns how many objects changed."""
        with self.lock:
            self.caught_up_at = time.time()
            rows = list(
                IndexChange.objects.filter(kind=self.kind, pk__gt=self.last_change)
                .order_by("pk")
                .values_list("pk", "object_id")[:5000]
            )
            if not rows or self.index is None:
                return 0
            ids = {object_id for _, object_id in rows}
            fresh = {item.id: item for item in self._load(ids)}
            for object_id in ids:
                key = str(object_id)
                item = fresh.get(key)
                if item is None:
                    self.index.remove(key)
                    self.data.pop(key, None)
                else:
                    self.index.update(item)
                    self.data[key] = item
            self.last_change = rows[-1][0]
            return len(ids)

    # --- snapshots -----------------------------------------------------------------
    def save_to(self, folder: Path) -> dict[str, Any]:
        """Write the index and its data to `folder`; returns this holder's snapshot meta."""
        with self.lock:
            if self.index is None:
                raise RuntimeError(f"the {self.kind} index is not built")
            self.index.save(folder / self.kind)
            with (folder / f"{self.kind}.data.pickle").open("wb") as fh:
                pickle.dump(self.data, fh, protocol=pickle.HIGHEST_PROTOCOL)
            return {
                "last_change": self.last_change,
                "fingerprint": _change_fingerprint(self.last_change),
                "items": len(self.data),
            }

    def load_snapshot(self, root: Path | None = None) -> bool:
        """Adopt the current snapshot if it is recent, of this database's change log,
        and readable; False (and nothing changed) otherwise."""
        if not getattr(settings, "OPS_INDEX_SNAPSHOT", True):
            return False
        current = (root or snapshot_root()) / "current"
        try:
            folder = current.resolve(strict=True)
            meta = json.loads((folder / "meta.json").read_text())
        except (OSError, ValueError):
            return False
        mine = meta.get("holders", {}).get(self.kind)
        max_age = getattr(settings, "OPS_INDEX_SNAPSHOT_MAX_AGE", 24 * 3600)
        if meta.get("format") != SNAPSHOT_FORMAT or not mine:
            return False
        if time.time() - float(meta.get("created_at", 0)) > max_age:
            log.info("%s index snapshot %s is too old; building instead", self.kind, folder)
            return False
        last = int(mine.get("last_change") or 0)
        # The change row the snapshot stopped at must still exist, unchanged: otherwise
        # the snapshot belongs to another database (or a restore) and is ignored.
        if last <= 0 or _change_fingerprint(last) != mine.get("fingerprint"):
            log.info("%s index snapshot %s does not match this database", self.kind, folder)
            return False
        started = time.perf_counter()
        try:
            cls = OpportunityIndex if self.kind == IndexChange.Kind.OPPORTUNITY else CandidateIndex
            index = cls.load(folder / self.kind)
            with (folder / f"{self.kind}.data.pickle").open("rb") as fh:
                # Written by snapshot_write into our own VAR_DIR, never from outside.
                data = pickle.load(fh)  # noqa: S301
        except Exception:
            log.exception("reading the %s index snapshot %s failed; building", self.kind, folder)
            return False
        with self.lock:
            self.index = index  # type: ignore[assignment]
            self.data = data
            self.last_change = last
            self.built_at = float(meta["created_at"])
        log.info(
            "loaded %s index snapshot: %d items at change %d in %.2fs",
            self.kind,
            len(data),
            last,
            time.perf_counter() - started,
        )
        return True

    def reset(self) -> None:
        with self.lock:
            self.index = None
            self.data = {}
            self.last_change = 0
            self.building = False


OPPORTUNITIES: Holder[OpportunityIndex] = Holder(
    IndexChange.Kind.OPPORTUNITY, lambda space: OpportunityIndex(space)
)
CANDIDATES: Holder[CandidateIndex] = Holder(
    IndexChange.Kind.CANDIDATE, lambda space: CandidateIndex(space)
)


def _idle_limit() -> float:
    """Seconds a process may go without reading the change log before it rebuilds:
    a day less than the log is kept (`prune_changes`)."""
    return max(getattr(settings, "OPS_INDEX_CHANGE_DAYS", 7) - 1, 0.5) * 24 * 3600


def prune_changes(now: datetime | None = None) -> int:
    """Delete change-log rows older than OPS_INDEX_CHANGE_DAYS, keeping each kind's
    newest (a fresh build starts after it and snapshots are checked against it).
    Processes idle for longer rebuild instead of catching up (`IndexHolder.ensure`)."""
    cutoff = (now or timezone.now()) - timedelta(days=getattr(settings, "OPS_INDEX_CHANGE_DAYS", 7))
    newest = [
        pk
        for kind in IndexChange.Kind.values
        if (
            pk := IndexChange.objects.filter(kind=kind)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
    ]
    deleted, _ = IndexChange.objects.filter(created_at__lt=cutoff).exclude(pk__in=newest).delete()
    return deleted


def _change_fingerprint(change_id: int) -> str | None:
    row = (
        IndexChange.objects.filter(pk=change_id)
        .values_list("kind", "object_id", "created_at")
        .first()
    )
    return f"{row[0]}:{row[1]}:{row[2].isoformat()}" if row else None


def snapshot_root() -> Path:
    return Path(getattr(settings, "OPS_INDEX_SNAPSHOT_DIR", "") or settings.VAR_DIR / "indexes")


def snapshot_write(root: Path | None = None) -> Path:
    """Bring this process's indexes up to date (loading the last snapshot or building),
    then write both with their last change id to a new folder under `root` and
    switch the `current` symlink to it atomically. Returns the new folder."""
    root = root or snapshot_root()
    root.mkdir(parents=True, exist_ok=True)
    for holder in (OPPORTUNITIES, CANDIDATES):
        if not IndexChange.objects.filter(kind=holder.kind).exists():
            # A bulk import (seed_scale, a restore) writes no change rows, and a snapshot
            # must name the row it stopped at to be adopted: mark the log's start.
            IndexChange.objects.create(kind=holder.kind, object_id=0)
            holder.reset()
        if holder.index is None:
            holder.build()
        while holder.catch_up():
            pass
    tag = f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:8]}"
    tmp = root / f".tmp-{tag}"
    tmp.mkdir()
    try:
        holders = {h.kind: h.save_to(tmp) for h in (OPPORTUNITIES, CANDIDATES)}
        meta = {"format": SNAPSHOT_FORMAT, "created_at": time.time(), "holders": holders}
        (tmp / "meta.json").write_text(json.dumps(meta))
        final = root / f"snap-{tag}"
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    link = root / f".current-{tag}"
    os.symlink(final.name, link)
    os.replace(link, root / "current")  # atomic: readers see the old or the new snapshot
    # Keep the newest two, so a reader that resolved the previous one can finish.
    older = sorted((p for p in root.glob("snap-*") if p != final), key=lambda p: p.stat().st_mtime)
    for old in older[:-1]:
        shutil.rmtree(old, ignore_errors=True)
    log.info("wrote index snapshot %s", final)
    return final


def reset_all() -> None:
    """Forget the process's indexes (tests, and after a restore)."""
    OPPORTUNITIES.reset()
    CANDIDATES.reset()


def status() -> dict[str, Any]:
    out = {}
    for holder in (OPPORTUNITIES, CANDIDATES):
        out[holder.kind] = {
            "ready": holder.index is not None,
            "building": holder.building,
            "items": len(holder.data),
            "last_change": holder.last_change,
            "built_at": datetime.fromtimestamp(holder.built_at, tz=UTC).isoformat()
            if holder.built_at
            else None,
        }
    return out


def warm_up() -> None:
    """Called by `manage.py matching_warm_up` and optionally at web start: builds both indexes."""
    close_old_connections()
    for holder in (OPPORTUNITIES, CANDIDATES):
        if holder.index is None:
            holder.build()
