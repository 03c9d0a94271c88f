"""Fixed-width rows of (skill index, value) with attribute columns, by slot.

Both indexes keep their items here: adding, updating and removing by id
touch one row in place, so the index stays fresh without rebuilds. A removed
slot is reused by the next add.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np


class SlotTable:
    def __init__(self, pad: int, width: int, columns: Mapping[str, tuple[Any, Any]]) -> None:
        """`columns`: name -> (numpy dtype, value of an empty slot)."""
        self.pad = pad
        self.width = width
        self.columns = dict(columns)
        self.ids: list[str | None] = []
        self.slot_of: dict[str, int] = {}
        self.free: list[int] = []
        cap = 16
        self.idx = np.full((cap, width), pad, dtype=np.int32)
        self.val = np.zeros((cap, width), dtype=np.float32)
        self.alive = np.zeros(cap, dtype=bool)
        self.cols = {n: np.full(cap, empty, dtype=dt) for n, (dt, empty) in self.columns.items()}

    def __len__(self) -> int:
        return len(self.slot_of)

    @property
    def used(self) -> int:
        """Slots handed out so far (alive or free); arrays are valid up to here."""
        return len(self.ids)

    def reserve(self, capacity: int) -> None:
        cap = len(self.alive)
        if capacity <= cap:
            return
        new = max(capacity, cap * 2)

        def grow(a: np.ndarray, fill: Any) -> np.ndarray:
            out = np.full((new, *a.shape[1:]), fill, dtype=a.dtype)
            out[:cap] = a
            return out

        self.idx = grow(self.idx, self.pad)
        self.val = grow(self.val, 0.0)
        self.alive = grow(self.alive, False)
        self.cols = {n: grow(a, self.columns[n][1]) for n, a in self.cols.items()}

    def put(self, item_id: str, idx: np.ndarray, val: np.ndarray, attrs: Mapping[str, Any]) -> int:
        slot = self.slot_of.get(item_id)
        if slot is None:
            if self.free:
                slot = self.free.pop()
                self.ids[slot] = item_id
            else:
                slot = len(self.ids)
                self.reserve(slot + 1)
                self.ids.append(item_id)
            self.slot_of[item_id] = slot
        if len(idx) > self.width:
            keep = np.sort(np.argsort(-val, kind="stable")[: self.width])
            idx, val = idx[keep], val[keep]
        n = len(idx)
        self.idx[slot, :n] = idx
        self.idx[slot, n:] = self.pad
        self.val[slot, :n] = val
        self.val[slot, n:] = 0.0
        self.alive[slot] = True
        for name, (_, empty) in self.columns.items():
            self.cols[name][slot] = attrs.get(name, empty)
        return slot

    def drop(self, item_id: str) -> int | None:
        slot = self.slot_of.pop(item_id, None)
        if slot is None:
            return None
        self.ids[slot] = None
        self.alive[slot] = False
        self.idx[slot] = self.pad
        self.val[slot] = 0.0
        self.free.append(slot)
        return slot

    def scores(self, dense: np.ndarray, slots: np.ndarray | None = None) -> np.ndarray:
        """Row dot products with a full-length vector (padding slot last, zero)."""
        if slots is None:
            n = self.used
            return np.einsum("ij,ij->i", dense[self.idx[:n]], self.val[:n])
        return np.einsum("ij,ij->i", dense[self.idx[slots]], self.val[slots])

    # -- persistence -------------------------------------------------------------
    def arrays(self) -> dict[str, np.ndarray]:
        n = self.used
        out = {"idx": self.idx[:n], "val": self.val[:n], "alive": self.alive[:n]}
        out.update({f"col_{k}": v[:n] for k, v in self.cols.items()})
        return out

    def meta(self) -> dict[str, Any]:
        return {"ids": self.ids, "free": self.free, "width": self.width, "pad": self.pad}

    def restore(self, meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> None:
        self.ids = list(meta["ids"])
        self.free = list(meta["free"])
        self.slot_of = {s: i for i, s in enumerate(self.ids) if s is not None}
        n = len(self.ids)
        self.reserve(n)
        self.idx[:n] = arrays["idx"]
        self.val[:n] = arrays["val"]
        self.alive[:n] = arrays["alive"]
        for k in self.cols:
            self.cols[k][:n] = arrays[f"col_{k}"]
