"""Booklet variants (ชุดข้อสอบ ก/ข/ค… or A/B/C…) of a frozen form, with their answer keys.

Pure and reproducible: the same form and seed always give the same variants. Within each
section items are shuffled, a passage set moves as one block with its items in their order,
options are shuffled except those marked fixed (e.g. "ถูกทุกข้อ" stays last) and those of an item whose
options carry an order (numbers, ages, ก < ข …: ``ordered_options``), and each variant
stores the mapping back to the form — variant position → form position and, per item, variant
option → form option — so scoring can undo it: a student who answers the key of any variant
gets full marks on the form.

The one representation of an item's answer
-------------------------------------------
Every item's answer is an :class:`exports.data.ItemKey` (re-exported here), from the bank to the
printed key, the answer sheet and scoring:

===========  ====================================================  =====================================
kind         fields                                                a response (what a student gives)
===========  ====================================================  =====================================
single       ``options=(o,)``: the right option, 0-based           an option index ``int`` (or a 1-tuple)
several      ``options``: every right option (ตอบได้มากกว่า 1 ข้อ)   the tuple of marked options; right only
                                                                   when it is exactly ``options``
numeric      ``accepted``: accepted spellings ("1,250", "1250")     a ``str``, compared after
                                                                   :func:`normalise_written` (Thai digits,
                                                                   commas, spaces)
text         ``accepted``                                          a ``str`` (whitespace and case folded)
matching     ``pairs[i]``: right option for left row i + 1         a tuple, one option (or None) per row;
                                                                   each right row earns points / rows
rubric       ``points`` (the top), ``rubric`` levels                the points a teacher gave (a number)
===========  ====================================================  =====================================

``points`` is the item's full score. Option indices refer to one printed order: a form's key to the
form's option order, a variant's key to the variant's (:func:`variant_answer` maps a form key into a
variant; :meth:`Variant.to_form` maps a variant's responses back). :func:`score_item` is the one
scoring rule; :func:`score_form` adds it up over a form.

Where to get it: ``testgen.booklets.build_answer_key(session, actor, form, variant)`` gives
``KeyEntry.item_key`` per printed item (variant order and options); the key CSV
(:func:`exports.keys.key_csv`) writes ``ItemKey.cell()`` in its ``key`` column and the kind in its
``answer_type`` column (``ข,ง`` = exactly ข and ง; numeric answers separated by `` | ``; matching
``1-ก,2-ค``; rubric: the full points); :func:`parse_key_cell` reads such a cell back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from exports.data import THAI_OPTION_LETTERS, ItemKey
from itembank.errors import column_letter
from testgen.errors import TestGenError

Answer = int | tuple[int, ...] | None
Response = int | tuple[int | None, ...] | str | float | None

__all__ = ["Answer", "FormItem", "ItemKey", "Response", "Variant", "answer_of", "form_key", "make_variants",
           "normalise_written", "parse_key_cell", "score_form", "score_item", "variant_answer", "variant_label"]

_THAI_TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def answer_of(item_type: str, option_labels: Sequence[str], key: Sequence[str], accepted: Sequence[str] = (),
              points: float = 1.0, rubric: Sequence[dict] = ()) -> ItemKey | None:
    """The :class:`ItemKey` of a bank item (its type, option labels, stored key, accepted answers,
    points and rubric), options in the bank's order. None when the item carries no usable key."""
    labels = list(option_labels)
    if item_type in ("multiple_choice", "true_false"):
        if not labels and item_type == "true_false":
            right = [{"true": 0, "ถูก": 0, "false": 1, "ผิด": 1}.get(str(k).strip().lower()) for k in key]
            options = tuple(sorted({r for r in right if r is not None}))
        else:
            options = tuple(sorted({labels.index(k) for k in key if k in labels}))
        if not options:
            return None
        return ItemKey("single" if len(options) == 1 else "several", options, points=points)
    if item_type == "matching":
        pairs: dict[int, int] = {}
        for k in key:
            row, _, label = str(k).partition("-")
            if row.strip().isdigit() and label.strip() in labels:
                pairs[int(row)] = labels.index(label.strip())
        if not pairs:
            return None
        return ItemKey("matching", pairs=tuple(pairs.get(r, -1) for r in range(1, max(pairs) + 1)), points=points)
    if item_type in ("numeric", "short_answer"):
        if not accepted:
            return None
        return ItemKey("numeric" if item_type == "numeric" else "text", accepted=tuple(accepted), points=points)
    if item_type == "constructed_response":
        levels = tuple(sorted(((float(r.get("points", 0)), str(r.get("description", ""))) for r in rubric),
                              key=lambda x: -x[0]))
        return ItemKey("rubric", points=points, rubric=levels)
    return None


def variant_answer(key: ItemKey, option_map: Sequence[int]) -> ItemKey:
    """A form-order key in a variant's option order (`option_map`: variant option → form option)."""
    if not option_map or not (key.is_choice or key.kind == "matching"):
        return key
    inverse = {form_o: var_o for var_o, form_o in enumerate(option_map)}
    if key.is_choice:
        return replace(key, options=tuple(sorted(inverse[o] for o in key.options)))
    return replace(key, pairs=tuple(inverse.get(o, -1) for o in key.pairs))


def normalise_written(text: object) -> str:
    """A written answer as compared: Thai digits as Arabic, no thousands commas, no spaces, folded case."""
    s = str(text or "").translate(_THAI_TO_ARABIC).strip().casefold()
    s = re.sub(r"(?<=\d),(?=\d{3}\b)", "", s)
    return re.sub(r"\s+", "", s)


def score_item(key: ItemKey | None, response: Response) -> float:
    """Points earned by `response` on an item keyed `key` (both in the same option order)."""
    if key is None or response is None:
        return 0.0
    if key.is_choice:
        if isinstance(response, str):
            return 0.0
        chosen = set(response) if isinstance(response, tuple) else {response}
        return key.points if chosen == set(key.options) else 0.0
    if key.kind in ("numeric", "text"):
        got = normalise_written(response)
        return key.points if got and got in {normalise_written(a) for a in key.accepted} else 0.0
    if key.kind == "matching":
        if not isinstance(response, tuple) or not key.pairs:
            return 0.0
        right = sum(1 for r, k in zip(response, key.pairs, strict=False) if r is not None and r == k)
        return key.points * right / len(key.pairs)
    if key.kind == "rubric":
        try:
            given = float(response)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return 0.0
        return min(max(given, 0.0), key.points)
    return 0.0


def parse_key_cell(cell: str, kind: str, points: float = 1.0,
                   letters: Sequence[str] = THAI_OPTION_LETTERS) -> ItemKey:
    """Read back a key cell as :meth:`ItemKey.cell` writes it (the key CSV's ``key`` column)."""
    cell = cell.strip().lstrip("'")
    if kind in ("single", "several"):
        return ItemKey(kind, tuple(sorted(letters.index(x.strip()) for x in cell.split(",") if x.strip())),
                       points=points)
    if kind == "matching":
        pairs = [p.strip().partition("-") for p in cell.split(",") if p.strip()]
        return ItemKey(kind, pairs=tuple(letters.index(lbl.strip()) for _, _, lbl in pairs), points=points)
    if kind == "rubric":
        return ItemKey(kind, points=float(cell or points))
    return ItemKey(kind, accepted=tuple(a.strip() for a in cell.split(" | ") if a.strip()), points=points)


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
    answer : ItemKey, optional
        The whole answer (form option order); without it, `key` with one index is a ``single`` key
        and with several a ``several`` key worth one point.
    ordered_options : bool
        The options carry an order (numbers, ages, ก < ข …): every variant prints them as the form does.
    """

    item_id: str
    n_options: int = 0
    key: tuple[int, ...] = ()
    fixed_options: tuple[int, ...] = ()
    section: str = ""
    set_id: str = ""
    answer: ItemKey | None = None
    ordered_options: bool = False

    @property
    def item_key(self) -> ItemKey | None:
        if self.answer is not None:
            return self.answer
        if self.key:
            return ItemKey("single" if len(self.key) == 1 else "several", tuple(sorted(self.key)))
        return None


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

    def answers(self, items: Sequence[FormItem]) -> tuple[ItemKey | None, ...]:
        """The key of this variant, item by item in variant order, options in variant order."""
        out = []
        for p, q in enumerate(self.order):
            k = items[q].item_key
            out.append(None if k is None else variant_answer(k, self.option_maps[p]))
        return tuple(out)

    def to_form(self, answers: Sequence[Response]) -> list[Response]:
        """Answers given on this variant (in variant order, variant option indices) → form order and options."""
        if len(answers) != len(self.order):
            raise TestGenError("variant.answer_count", message_th=(
                f"ชุด {self.label}: มีคำตอบ {len(answers)} ข้อ แต่แบบทดสอบมี {len(self.order)} ข้อ"),
                message_en=f"variant {self.label}: {len(answers)} answers for {len(self.order)} items")
        out: list[Response] = [None] * len(self.order)
        for p, a in enumerate(answers):
            omap = self.option_maps[p]
            if a is None or not omap or isinstance(a, (str, float)):
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
                perm = rng.permutation(len(movable))  # drawn for an ordered item too: the others' stay as they were
                if it.ordered_options:
                    perm = np.arange(len(movable))
                for slot, k in zip(movable, perm, strict=True):
                    omap[slot] = movable[k]
            maps.append(tuple(omap))
            inverse = {form_o: var_o for var_o, form_o in enumerate(omap)}
            keys.append(tuple(sorted(inverse[k] for k in it.key)) if it.n_options else tuple(it.key))
        out.append(Variant(variant_label(v), seed, tuple(order), tuple(maps), tuple(keys)))
    return tuple(out)


def form_key(items: Sequence[FormItem]) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(it.key) for it in items)


def score_form(items: Sequence[FormItem], answers: Sequence[Response]) -> float:
    """Points earned, answers in form order and form option indices (:func:`score_item` per item).

    A one-key choice item is right when the answer is that option; a several-key item
    (ตอบได้มากกว่า 1 ข้อ) only when exactly its right options are marked.
    """
    return float(sum(score_item(it.item_key, a) for it, a in zip(items, answers, strict=True)))
