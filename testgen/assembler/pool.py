"""The item pool the assembler core reads: item attributes as arrays, no database.

The bank adapter turns approved item versions into one :class:`ItemPool`; the benchmark
adapter builds one from a CSV file. Everything the assembler needs about an item is here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from psychometrics.irt.models import ItemParameters, item_information


@dataclass(frozen=True)
class ItemPool:
    """Items the assembler may draw from.

    Parameters
    ----------
    item_ids : tuple of str
        Stable identifiers (item version ids in the bank), in pool order.
    tags : mapping attribute -> sequence of tuple of str
        Categorical attributes per item; an item may carry several values (first = primary),
        e.g. ``{"area": [("ค",), ...], "indicator": [("ค 1.1 ป.6/2", "ค 1.1 ป.6/3"), ...]}``.
    quantities : mapping name -> ndarray of shape (n_items,)
        Summable quantities such as ``"time"`` (seconds) and ``"points"``.
    parameters : ItemParameters or None
        IRT parameters of every item (dichotomous, GRM, GPCM); NaN discrimination marks an
        item without parameters.
    p_value, discrimination : ndarray of shape (n_items,) or None
        Classical statistics (NaN = unknown) for CTT targets.
    set_ids : tuple of str
        Passage set of each item ("" for a discrete item).
    set_order : ndarray of int
        Position of the item within its set (items are printed in this order).
    enemies : ndarray of shape (n_pairs, 2)
        Index pairs of items that must not be in one form.
    excluded : ndarray of bool
        Items that may not be used (compromised, retired, used within N years).
    forced : ndarray of bool
        Items that must appear in at least one form.
    anchors : ndarray of bool
        Items that must be anchors (in every form).
    usage_cap : ndarray of int
        Most forms an item may appear in (anchors count once per form).
    """

    item_ids: tuple[str, ...]
    tags: Mapping[str, Sequence[tuple[str, ...]]] = field(default_factory=dict)
    quantities: Mapping[str, np.ndarray] = field(default_factory=dict)
    parameters: ItemParameters | None = None
    p_value: np.ndarray | None = None
    discrimination: np.ndarray | None = None
    set_ids: tuple[str, ...] = ()
    set_order: np.ndarray | None = None
    enemies: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=int))
    excluded: np.ndarray | None = None
    forced: np.ndarray | None = None
    anchors: np.ndarray | None = None
    usage_cap: np.ndarray | None = None

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    def set_of(self) -> tuple[str, ...]:
        return self.set_ids if self.set_ids else ("",) * self.n_items

    def order_in_set(self) -> np.ndarray:
        return np.zeros(self.n_items, dtype=int) if self.set_order is None else np.asarray(self.set_order, int)

    def mask(self, name: str) -> np.ndarray:
        v = getattr(self, name)
        return np.zeros(self.n_items, dtype=bool) if v is None else np.asarray(v, dtype=bool)

    def caps(self, n_forms: int) -> np.ndarray:
        if self.usage_cap is None:
            return np.full(self.n_items, n_forms, dtype=int)
        return np.minimum(np.asarray(self.usage_cap, dtype=int), n_forms)

    def quantity(self, name: str) -> np.ndarray:
        if name in self.quantities:
            return np.asarray(self.quantities[name], dtype=float)
        if name == "points":
            return np.ones(self.n_items)
        raise KeyError(name)

    def has_parameters(self) -> np.ndarray:
        """Items whose IRT parameters are known (finite discrimination and difficulties)."""
        p = self.parameters
        if p is None:
            return np.zeros(self.n_items, dtype=bool)
        thr_ok = np.isfinite(p.thresholds[:, 0])
        return np.isfinite(p.a) & thr_ok

    def information(self, theta: Sequence[float]) -> np.ndarray:
        """Item information at `theta`, shape (n_items, n_theta); 0 where parameters are unknown."""
        theta = np.asarray(theta, dtype=float)
        if self.parameters is None or theta.size == 0:
            return np.zeros((self.n_items, theta.size))
        ok = self.has_parameters()
        info = np.zeros((self.n_items, theta.size))
        if ok.any():
            info[ok] = item_information(self.parameters.subset(np.flatnonzero(ok)), theta).T
        return info
