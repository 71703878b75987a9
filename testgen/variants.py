"""Booklet variants (ชุดข้อสอบ ก/ข/ค… or A/B/C…) of a frozen form, with their answer keys.

Pure and reproducible: the same form and seed always give the same variants. Within each
section items are shuffled, a passage set moves as one block with its items in their order,
options are shuffled except those marked fixed (e.g. "ถูกทุกข้อ" stays last), and each variant
stores the mapping back to the form — variant position → form position and, per item, variant
option → form option — so scoring can undo it: a student who answers the key of any variant
gets full marks on the form.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from itembank.errors import column_letter
from testgen.errors import TestGenError

Answer = int | tuple[int, ...] | None


@dataclass(frozen=True)
class FormItem:
    """An item as it stands in the frozen form.

    Parameters
    ----------
    item_id : str
    n_options : int
        Number of options (0 for items without options: short answer, rubric-scored).
    key : tuple of int
        Correct option indices in the form's option order (several = each accepted).
    fixed_options : tuple of int
        Options that keep their place in every variant.
    section : str
        Items move only within their section; sections keep their order.
    set_id : str
        Items of one passage set stay together and in order ("" for a discrete item).
    """

    item_id: str
    n_options: int = 0
    key: tuple[int, ...] = ()
    fixed_options: tuple[int, ...] = ()
    section: str = ""
    set_id: str = ""


@dataclass(frozen=True)
class Variant:
    """One booklet variant: the permutation of items and options, and its key."""

    label: str
    seed: int
    order: tuple[int, ...]                      # variant position p -> form position
    option_maps: tuple[tuple[int, ...], ...]    # per variant position: variant option v -> form option
    key: tuple[tuple[int, ...], ...]            # per variant position: correct variant options

    def form_position(self, p: int) -> int:
        return self.order[p]

    def to_form(self, answers: Sequence[Answer]) -> list[Answer]:
        """Answers given on this variant (in variant order, variant option indices) → form order and options."""
        if len(answers) != len(self.order):
            raise TestGenError("variant.answer_count", message_th=(
                f"ชุด {self.label}: มีคำตอบ {len(answers)} ข้อ แต่แบบทดสอบมี {len(self.order)} ข้อ"),
                message_en=f"variant {self.label}: {len(answers)} answers for {len(self.order)} items")
        out: list[Answer] = [None] * len(self.order)
        for p, a in enumerate(answers):
            omap = self.option_maps[p]
            if a is None or not omap:
                out[self.order[p]] = a
            elif isinstance(a, tuple):
                out[self.order[p]] = tuple(sorted(omap[v] for v in a))
            else:
                out[self.order[p]] = omap[a]
        return out


def variant_label(k: int) -> str:
    """A, B, …, Z, AA, AB, … (the letters of spreadsheet columns)."""
    return column_letter(k)


def _blocks(items: Sequence[FormItem]) -> list[tuple[str, list[int]]]:
    """(section, form positions) blocks in form order; a passage set's items form one block."""
    blocks: list[tuple[str, list[int]]] = []
    where: dict[tuple[str, str], int] = {}
    for q, it in enumerate(items):
        if it.set_id:
            k = where.get((it.section, it.set_id))
            if k is not None:
                if blocks[k][1][-1] != q - 1:
                    raise TestGenError("variant.set_split", message_th=(
                        f"ข้อสอบชุดบทอ่าน {it.set_id} ไม่อยู่ติดกันในฉบับ (ข้อ {blocks[k][1][-1] + 1} และ {q + 1})"),
                        message_en=f"passage set {it.set_id} is not contiguous in the form")
                blocks[k][1].append(q)
                continue
            where[(it.section, it.set_id)] = len(blocks)
        blocks.append((it.section, [q]))
    return blocks


def _check(items: Sequence[FormItem]) -> None:
    problems = []
    for q, it in enumerate(items):
        bad_key = [k for k in it.key if not 0 <= k < max(it.n_options, 1)] if it.n_options else []
        bad_fixed = [k for k in it.fixed_options if not 0 <= k < it.n_options]
        if bad_key or bad_fixed:
            problems.append(TestGenError("variant.bad_option", message_th=(
                f"ข้อ {q + 1} ({it.item_id}): เฉลยหรือตัวเลือกที่ตรึงไว้อ้างถึงตัวเลือกที่ไม่มี "
                f"(มี {it.n_options} ตัวเลือก)"), message_en=f"item {q + 1} ({it.item_id}): key or fixed option out of range"))
    if problems:
        raise TestGenError("variant.invalid", problems=problems)


def make_variants(items: Sequence[FormItem], count: int, seed: int, *, shuffle_items: bool = True,
                  shuffle_options: bool = True) -> tuple[Variant, ...]:
    """`count` variants of the form `items`, reproducible from `seed`.

    Parameters
    ----------
    items : sequence of FormItem
        The frozen form in its order.
    count : int
    seed : int
    shuffle_items, shuffle_options : bool

    Returns
    -------
    tuple of Variant, labelled A, B, C, …
    """
    _check(items)
    blocks = _blocks(items)
    sections = list(dict.fromkeys(sec for sec, _ in blocks))
    out = []
    for v in range(count):
        rng = np.random.default_rng([seed, v])
        order: list[int] = []
        for sec in sections:
            mine = [b for s, b in blocks if s == sec]
            idx = rng.permutation(len(mine)) if shuffle_items else np.arange(len(mine))
            for k in idx:
                order.extend(mine[k])
        maps, keys = [], []
        for q in order:
            it = items[q]
            omap = list(range(it.n_options))
            if shuffle_options and it.n_options > 1:
                movable = [o for o in omap if o not in set(it.fixed_options)]
                perm = rng.permutation(len(movable))
                for slot, k in zip(movable, perm, strict=True):
                    omap[slot] = movable[k]
            maps.append(tuple(omap))
            inverse = {form_o: var_o for var_o, form_o in enumerate(omap)}
            keys.append(tuple(sorted(inverse[k] for k in it.key)) if it.n_options else tuple(it.key))
        out.append(Variant(variant_label(v), seed, tuple(order), tuple(maps), tuple(keys)))
    return tuple(out)


def form_key(items: Sequence[FormItem]) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(it.key) for it in items)


def score_form(items: Sequence[FormItem], answers: Sequence[Answer]) -> int:
    """Number of items answered correctly, answers in form order and form option indices.

    An item with one key is right when the answer is that option (or a tuple holding exactly it);
    an item with several keys accepts any one of them.
    """
    right = 0
    for it, a in zip(items, answers, strict=True):
        if a is None or not it.key:
            continue
        chosen = a if isinstance(a, tuple) else (a,)
        if len(chosen) == 1 and chosen[0] in it.key:
            right += 1
    return right
