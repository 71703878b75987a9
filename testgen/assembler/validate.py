"""An independent check of assembled forms against the blueprint and the pool.

It does not reuse the solver's model: every rule is re-counted from the item arrays, so a
solver bug (or a hand-edited form) is caught. Each violation names its constraint group and
says in Thai what is wrong and where.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from testgen.assembler.problem import Problem
from testgen.blueprint import CttTarget


@dataclass(frozen=True)
class Violation:
    group: str
    form: int | None
    message_th: str
    message_en: str


def _range_th(lo: float | None, hi: float | None) -> str:
    if lo is not None and hi is not None:
        return f"{lo:g}" if lo == hi else f"{lo:g}–{hi:g}"
    return f"≥ {lo:g}" if lo is not None else f"≤ {hi:g}"


def _outside(v: float, lo: float | None, hi: float | None, tol: float = 1e-9) -> bool:
    return (lo is not None and v < lo - tol) or (hi is not None and v > hi + tol)


def validate(prob: Problem, forms: list[np.ndarray], anchors: np.ndarray | None = None) -> list[Violation]:
    """Every rule of the blueprint that `forms` (item indices per form, anchors included) break."""
    bp, pool = prob.blueprint, prob.pool
    ids = pool.item_ids
    out: list[Violation] = []

    def add(group: str, f: int | None, th: str, en: str) -> None:
        where = f"ฉบับที่ {f + 1}: " if f is not None else ""
        where_en = f"form {f + 1}: " if f is not None else ""
        out.append(Violation(group, f, where + th, where_en + en))

    forms = [np.asarray(f, dtype=int) for f in forms]
    if len(forms) != bp.n_forms:
        add("forms", None, f"ได้ {len(forms)} ฉบับ แต่ผังกำหนด {bp.n_forms} ฉบับ",
            f"{len(forms)} forms, the blueprint asks for {bp.n_forms}")
    excluded = pool.mask("excluded")
    for f, items in enumerate(forms):
        if len(np.unique(items)) != len(items):
            add("forms", f, "มีข้อสอบซ้ำในฉบับเดียวกัน", "an item appears twice")
        bad = items[excluded[items]]
        if len(bad):
            add("excluded", f, f"ใช้ข้อสอบที่ถูกห้ามใช้ {', '.join(ids[i] for i in bad)}",
                f"uses excluded item(s) {', '.join(ids[i] for i in bad)}")
        if prob.length is not None and len(items) != prob.length:
            add("length", f, f"มี {len(items)} ข้อ แต่ผังกำหนด {prob.length} ข้อ",
                f"{len(items)} items, the blueprint asks for {prob.length}")
        for r, row in enumerate(bp.rows):
            n = int(prob.row_items[r, items].sum())
            if _outside(n, row.min_items, row.max_items):
                add(f"row:{r}", f, f"แถวผัง {row.label} มี {n} ข้อ ผังกำหนด {_range_th(row.min_items, row.max_items)} ข้อ",
                    f"row {row.label} has {n} items, blueprint {_range_th(row.min_items, row.max_items)}")
            pts = float(prob.row_points[r, items].sum())
            if _outside(pts, row.min_points, row.max_points):
                add(f"row:{r}", f, f"แถวผัง {row.label} ได้ {pts:g} คะแนน ผังกำหนด "
                    f"{_range_th(row.min_points, row.max_points)} คะแนน",
                    f"row {row.label} has {pts:g} points, blueprint {_range_th(row.min_points, row.max_points)}")
        for k, (_name, q, lo, hi, label) in enumerate(prob.quantities):
            tot = float(q[items].sum())
            if _outside(tot, lo, hi):
                add(f"qty:{k}", f, f"{label} {tot:g} ผังกำหนด {_range_th(lo, hi)}",
                    f"{_name} total {tot:g}, blueprint {_range_th(lo, hi)}")
        if bp.enemies and len(prob.pool.enemies):
            inside = np.zeros(pool.n_items, dtype=bool)
            inside[items] = True
            e = np.asarray(pool.enemies, dtype=int).reshape(-1, 2)
            for i, j in e[inside[e[:, 0]] & inside[e[:, 1]]]:
                add("enemies", f, f"ข้อสอบ {ids[i]} และ {ids[j]} เป็นคู่ห้ามอยู่ด้วยกัน แต่อยู่ในฉบับเดียวกัน",
                    f"enemy items {ids[i]} and {ids[j]} are together")
        if bp.sets.enforce and prob.sets:
            inside = np.zeros(pool.n_items, dtype=bool)
            inside[items] = True
            n_sets = 0
            lo_i, hi_i = bp.sets.min_items, bp.sets.max_items
            for k, members in enumerate(prob.sets):
                have = int(inside[members].sum())
                if not have:
                    continue
                n_sets += 1
                lo = len(members) if lo_i is None and hi_i is None else min(lo_i or 1, len(members))
                hi = len(members) if hi_i is None else hi_i
                if have < lo or have > hi:
                    add("sets", f, f"ชุดบทอ่าน {prob.set_names[k]} ใช้ {have} จาก {len(members)} ข้อ "
                        f"(ต้อง {_range_th(lo, hi)} ข้อ)",
                        f"passage set {prob.set_names[k]} has {have} of {len(members)} items")
            if _outside(n_sets, bp.sets.min_sets or None, bp.sets.max_sets):
                add("sets", f, f"มีชุดบทอ่าน {n_sets} ชุด ผังกำหนด {_range_th(bp.sets.min_sets, bp.sets.max_sets)} ชุด",
                    f"{n_sets} passage sets, blueprint {_range_th(bp.sets.min_sets, bp.sets.max_sets)}")
        obj = bp.objective
        if isinstance(obj, CttTarget) and len(items):
            p = float(np.mean(prob.p_value[items]))
            if not obj.p_min - 1e-9 <= p <= obj.p_max + 1e-9:
                add("ctt", f, f"ค่า p เฉลี่ย {p:.3f} อยู่นอกช่วง {obj.p_min:g}–{obj.p_max:g}",
                    f"mean p {p:.3f} outside {obj.p_min:g}–{obj.p_max:g}")
            if obj.r_min is not None:
                low = items[~(np.nan_to_num(prob.discrimination[items], nan=-np.inf) >= obj.r_min)]
                if len(low):
                    add("ctt", f, f"ข้อสอบ {', '.join(ids[i] for i in low)} มีค่า r ต่ำกว่า {obj.r_min:g}",
                        f"item(s) {', '.join(ids[i] for i in low)} have r below {obj.r_min:g}")

    # across forms: anchors, overlap, usage, forced
    F = len(forms)
    usage = np.zeros(pool.n_items, dtype=int)
    for items in forms:
        usage[np.unique(items)] += 1
    common = np.flatnonzero(usage == F) if F > 1 else np.zeros(0, dtype=int)
    anchors = common if anchors is None else np.asarray(anchors, dtype=int)
    if F > 1:
        if prob.uses_anchors:
            if len(common) != prob.n_anchors:
                add("anchors", None, f"มีข้อสอบร่วมทุกฉบับ {len(common)} ข้อ ผังกำหนด {prob.n_anchors} ข้อ",
                    f"{len(common)} items common to all forms, blueprint asks for {prob.n_anchors}")
            missing = [ids[i] for i in np.flatnonzero(prob.pool_anchors) if usage[i] != F]
            if missing:
                add("anchors", None, f"ข้อสอบร่วมที่กำหนด {', '.join(missing)} ไม่ได้อยู่ทุกฉบับ",
                    f"required anchor(s) {', '.join(missing)} not in every form")
            for k, row in enumerate(bp.anchor_rows):
                n = int(prob.anchor_row_items[k, common].sum())
                if _outside(n, row.min_items, row.max_items):
                    add(f"anchor_row:{k}", None, f"ข้อสอบร่วมกลุ่ม {row.label} มี {n} ข้อ ผังกำหนด "
                        f"{_range_th(row.min_items, row.max_items)} ข้อ",
                        f"anchor block has {n} item(s) of {row.label}")
            in_set = common[prob.set_index[common] >= 0]
            if len(in_set):
                add("anchors", None, f"ข้อสอบร่วม {', '.join(ids[i] for i in in_set)} อยู่ในชุดบทอ่าน",
                    "anchor items belong to passage sets")
        is_anchor = np.zeros(pool.n_items, dtype=bool)
        is_anchor[common] = True
        for a, b in itertools.combinations(range(F), 2):
            shared = np.intersect1d(forms[a], forms[b])
            shared = shared[~is_anchor[shared]] if prob.uses_anchors else shared
            if len(shared) > bp.max_overlap:
                add("overlap", None, f"ฉบับที่ {a + 1} และ {b + 1} ใช้ข้อสอบซ้ำกัน {len(shared)} ข้อ "
                    f"(ไม่รวมข้อสอบร่วม) เกินที่กำหนด {bp.max_overlap} ข้อ",
                    f"forms {a + 1} and {b + 1} share {len(shared)} non-anchor items, limit {bp.max_overlap}")
    over = np.flatnonzero(usage > prob.caps)
    if len(over):
        add("usage", None, f"ข้อสอบ {', '.join(ids[i] for i in over[:10])} ถูกใช้เกินจำนวนครั้งที่อนุญาต",
            f"item(s) {', '.join(ids[i] for i in over[:10])} used more often than allowed")
    unforced = [ids[i] for i in np.flatnonzero(pool.mask("forced")) if usage[i] == 0]
    if unforced:
        add("forced", None, f"ข้อสอบที่บังคับใช้ {', '.join(unforced)} ไม่อยู่ในฉบับใดเลย",
            f"forced item(s) {', '.join(unforced)} are in no form")
    return out
