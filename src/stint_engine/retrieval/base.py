"""What both indexes share: the skill space, the slot table, string codes,
institution sets, top-k selection and saving to a folder."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from stint_engine.retrieval.space import SkillSpace
from stint_engine.retrieval.table import SlotTable

NO_DAY = np.iinfo(np.int32).max  # "no such date" for apply-by and due
FORMAT = 1
COMPACT_AT = 50_000  # changed rows before the postings are rebuilt


class Codes:
    """Small string -> int code book; 0 is the empty string."""

    def __init__(self, names: Iterable[str] = ("",)) -> None:
        self.names = list(names)
        self.code = {n: i for i, n in enumerate(self.names)}

    def __call__(self, name: str, *, add: bool = True) -> int:
        c = self.code.get(name)
        if c is None:
            if not add:
                return -1
            c = self.code[name] = len(self.names)
            self.names.append(name)
        return c


def top_k(scores: np.ndarray, k: int, slots: np.ndarray | None = None) -> list[tuple[int, float]]:
    """Best k (slot, score), ties by slot; -inf scores are left out.

    Scores are rounded to 6 decimals first so the postings and the table
    (which sum in different orders) rank ties the same way.
    """
    scores = np.round(scores.astype(np.float64), 6)
    n = len(scores)
    if n == 0 or k <= 0:
        return []
    part = np.argpartition(-scores, k - 1)[:k] if k < n else np.arange(n)
    order = part[np.lexsort((part if slots is None else slots[part], -scores[part]))]
    out = []
    for i in order:
        s = float(scores[i])
        if s == -np.inf:
            break
        out.append((int(i) if slots is None else int(slots[i]), s))
    return out


class BaseIndex:
    kind = "base"

    def __init__(self, space: SkillSpace, table: SlotTable) -> None:
        self.space = space
        self.table = table
        self.codes = Codes()
        self.inst_slots: dict[str, set[int]] = {}
        self.slot_insts: dict[int, frozenset[str]] = {}
        # postings: skill -> (slots, values), covering slots < base_n whose base_ok is set
        self.post_ptr = np.zeros(space.n + 1, dtype=np.int64)
        self.post_slot = np.zeros(0, dtype=np.int32)
        self.post_val = np.zeros(0, dtype=np.float32)
        self.base_n = 0
        self.base_ok = np.zeros(0, dtype=bool)
        self.delta: set[int] = set()

    # -- postings -------------------------------------------------------------------
    def compact(self, chunk: int = 100_000) -> None:
        """Rebuild the postings from the table (folds in every change).

        A counting sort by skill, filled chunk by chunk so the temporary
        arrays stay small next to the postings themselves.
        """
        t = self.table
        n = t.used
        pad = self.space.n
        counts = np.zeros(pad + 1, dtype=np.int64)
        for lo in range(0, n, chunk):
            hi = min(n, lo + chunk)
            live = t.idx[lo:hi][t.alive[lo:hi]]
            counts += np.bincount(live.ravel(), minlength=pad + 1)
        counts[pad] = 0
        ptr = np.zeros(pad + 1, dtype=np.int64)
        np.cumsum(counts[:pad], out=ptr[1:])
        post_slot = np.empty(int(ptr[-1]), dtype=np.int32)
        post_val = np.empty(int(ptr[-1]), dtype=np.float32)
        nxt = ptr[:-1].copy()
        for lo in range(0, n, chunk):
            hi = min(n, lo + chunk)
            idx, val = t.idx[lo:hi], t.val[lo:hi]
            keep = (idx != pad) & t.alive[lo:hi, None]
            rows = np.nonzero(keep)[0].astype(np.int32) + lo
            cols = idx[keep]
            vals = val[keep]
            order = np.argsort(cols, kind="stable")
            cols, rows, vals = cols[order], rows[order], vals[order]
            first = np.searchsorted(cols, cols, side="left")
            pos = nxt[cols] + (np.arange(len(cols)) - first)
            post_slot[pos] = rows
            post_val[pos] = vals
            nxt += np.bincount(cols, minlength=pad)
        self.post_ptr, self.post_slot, self.post_val = ptr, post_slot, post_val
        self.base_n = n
        self.base_ok = t.alive[:n].copy()
        self.delta = set()

    def _touch(self, slot: int) -> None:
        if slot < self.base_n:
            self.base_ok[slot] = False
        self.delta.add(slot)

    def _scores(self, dense: np.ndarray, req: np.ndarray) -> np.ndarray:
        """Exact scores of every slot through the postings (and the delta rows)."""
        n = self.table.used
        parts = [(self.post_ptr[r], self.post_ptr[r + 1], dense[r]) for r in req.tolist()]
        slots = np.concatenate([self.post_slot[a:b] for a, b, _ in parts]) if parts else None
        if slots is not None and len(slots):
            weights = np.concatenate([self.post_val[a:b] * w for a, b, w in parts])
            scores: np.ndarray = np.bincount(slots, weights=weights, minlength=n)
        else:
            scores = np.zeros(n)
        scores[: self.base_n][~self.base_ok] = 0.0
        if self.delta:
            d = np.fromiter(self.delta, dtype=np.int64, count=len(self.delta))
            scores[d] = self.table.scores(dense, d)
        return scores

    def maybe_compact(self) -> None:
        if len(self.delta) > COMPACT_AT or len(self.delta) > max(1000, len(self) // 4):
            self.compact()

    def __len__(self) -> int:
        return len(self.table)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self.table.slot_of

    def _set_insts(self, slot: int, insts: frozenset[str]) -> None:
        self._clear_insts(slot)
        if insts:
            self.slot_insts[slot] = insts
            for i in insts:
                self.inst_slots.setdefault(i, set()).add(slot)

    def _clear_insts(self, slot: int) -> None:
        for i in self.slot_insts.pop(slot, frozenset()):
            self.inst_slots[i].discard(slot)

    def _in_insts(self, insts: Iterable[str], n: int) -> np.ndarray:
        mask = np.zeros(n, dtype=bool)
        for i in insts:
            s = self.inst_slots.get(i)
            if s:
                mask[np.fromiter(s, dtype=np.int64, count=len(s))] = True
        return mask

    def remove(self, item_id: str) -> bool:
        slot = self.table.drop(item_id)
        if slot is None:
            return False
        self._clear_insts(slot)
        self._touch(slot)
        self._after_remove(slot)
        return True

    def _after_remove(self, slot: int) -> None:
        pass

    # -- persistence -------------------------------------------------------------
    def _extra_meta(self) -> dict[str, Any]:
        return {}

    def save(self, path: str | Path) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        meta = {
            "format": FORMAT,
            "kind": self.kind,
            "skills": self.space.ids,
            "codes": self.codes.names,
            "insts": {str(k): sorted(v) for k, v in self.slot_insts.items()},
            "table": self.table.meta(),
            **self._extra_meta(),
        }
        (folder / "meta.json").write_text(json.dumps(meta))
        arrays = {f"space_{k}": v for k, v in self.space.arrays().items()}
        arrays.update({f"table_{k}": v for k, v in self.table.arrays().items()})
        np.savez(folder / "arrays.npz", **arrays)  # type: ignore[arg-type]

    @staticmethod
    def _read(path: str | Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        folder = Path(path)
        meta = json.loads((folder / "meta.json").read_text())
        with np.load(folder / "arrays.npz", allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        return meta, arrays

    def _restore(self, meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> None:
        self.codes = Codes(meta["codes"])
        self.table.restore(
            meta["table"],
            {k[6:]: v for k, v in arrays.items() if k.startswith("table_")},
        )
        for slot, insts in meta["insts"].items():
            self._set_insts(int(slot), frozenset(insts))
        self.compact()

    @staticmethod
    def _space(meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> SkillSpace:
        return SkillSpace.from_arrays(
            list(meta["skills"]),
            {k[6:]: v for k, v in arrays.items() if k.startswith("space_")},
        )
