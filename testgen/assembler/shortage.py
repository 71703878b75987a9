"""Before solving: which blueprint rows the bank cannot fill (รายงานข้อสอบไม่พอ)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from psychometrics.tables import Table
from testgen.assembler.problem import Problem, problem
from testgen.errors import TestGenError


@dataclass(frozen=True)
class Shortage:
    """A blueprint row (or the test length) that the eligible items cannot fill."""

    label: str
    per_form: int
    needed: int       # distinct items needed over all forms (a lower bound)
    available: int    # eligible items the row selects

    def text_th(self, n_forms: int) -> str:
        if n_forms == 1:
            return (f"ผังต้องการ {self.label} {self.per_form} ข้อ "
                    f"แต่คลังมีข้อสอบที่อนุมัติแล้ว {self.available} ข้อ")
        return (f"ผังต้องการ {self.label} {self.per_form} ข้อต่อฉบับ × {n_forms} ฉบับ "
                f"(ข้อไม่ซ้ำกันอย่างน้อย {self.needed} ข้อ) แต่คลังมีข้อสอบที่อนุมัติแล้ว {self.available} ข้อ")

    def text_en(self, n_forms: int) -> str:
        return (f"the blueprint needs {self.per_form} item(s) of {self.label} per form "
                f"(at least {self.needed} distinct over {n_forms} form(s)); the bank has {self.available} approved")

    def error(self, n_forms: int) -> TestGenError:
        return problem("blueprint.shortage", self.text_th(n_forms), self.text_en(n_forms), row=self.label,
                       needed=self.needed, available=self.available)


def _distinct_needed(m: int, prob: Problem) -> int:
    """Fewest distinct items that give every form `m` items of a kind (anchors and allowed overlap reused)."""
    share = prob.n_anchors
    need = m
    for k in range(1, prob.n_forms):
        need += max(0, m - share - prob.blueprint.max_overlap * k)
    return need


def shortages(prob: Problem) -> list[Shortage]:
    """Every row whose minimum the eligible items cannot reach, and the test length."""
    out = []
    ok = prob.eligible
    for r, row in enumerate(prob.blueprint.rows):
        if row.min_items <= 0:
            continue
        have = int((ok & (prob.row_items[r] > 0)).sum())
        need = _distinct_needed(row.min_items, prob)
        if have < need:
            out.append(Shortage(row.label, row.min_items, need, have))
    L = prob.length
    if L:
        have = int(ok.sum())
        need = _distinct_needed(L, prob)
        if have < need:
            out.append(Shortage("ความยาวแบบทดสอบ (ทุกข้อ)", L, need, have))
    return out


def shortage_table(prob: Problem) -> Table:
    """Supply against demand for every row, for the officer's screen before assembling."""
    rows = []
    for r, row in enumerate(prob.blueprint.rows):
        have = int((prob.eligible & (prob.row_items[r] > 0)).sum())
        need = _distinct_needed(row.min_items, prob)
        rows.append((row.label, row.min_items, need, have, "ไม่พอ" if have < need else "พอ"))
    return Table("ข้อสอบในคลังเทียบกับผัง (supply vs blueprint)",
                 ("แถวผัง", "ต่อฉบับ", "ต้องการ (ไม่ซ้ำ)", "มีในคลัง", "สถานะ"), rows,
                 notes=(f"{prob.n_forms} ฉบับ, ข้อสอบที่ใช้ได้ {int(np.sum(prob.eligible))} ข้อ",))


def raise_if_short(prob: Problem) -> None:
    found = shortages(prob)
    if found:
        raise TestGenError("blueprint.shortage", problems=[s.error(prob.n_forms) for s in found])
