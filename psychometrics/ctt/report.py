"""The whole classical analysis of one administration in one call, as a Thai report needs it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from psychometrics.ctt.criterion import CriterionAnalysis, criterion_analysis
from psychometrics.ctt.distractors import DistractorAnalysis, analyze_distractors
from psychometrics.ctt.evana import EvanaAnalysis, evana_analysis
from psychometrics.ctt.item_analysis import ItemAnalysis, analyze_items
from psychometrics.ctt.keying import OPTION_LABELS_EN, OPTION_LABELS_TH, KeyedResponses
from psychometrics.ctt.reliability import TestStatistics, test_statistics
from psychometrics.ctt.verdicts import decision_label, round_half_up
from psychometrics.errors import PsychometricsError
from psychometrics.tables import Table, table_from_columns

__all__ = ["CttReport", "analyze_test"]


@dataclass(frozen=True, eq=False)
class CttReport:
    """Item analysis, test statistics and (when asked) distractors, criterion and EVANA results.

    Attributes
    ----------
    items : ItemAnalysis
    test : TestStatistics
    distractors : DistractorAnalysis or None
        Present when raw answers were keyed.
    criterion : CriterionAnalysis or None
        Present when a cut score was given.
    evana : EvanaAnalysis or None
        Present in EVANA mode.
    keyed : KeyedResponses or None
    decision : tuple of str
        "good", "revise" or "drop" per item: drop when r < r_min; revise when p is out of range or a
        distractor is bad (nobody chose it, or the upper group chose it more); good otherwise.
    """

    items: ItemAnalysis
    test: TestStatistics
    decision: tuple[str, ...]
    distractors: DistractorAnalysis | None = None
    criterion: CriterionAnalysis | None = None
    evana: EvanaAnalysis | None = None
    keyed: KeyedResponses | None = None

    def summary(self, locale: str = "th") -> Table:
        """The item table with the decision column and the distractor notes, ready to print."""
        th = locale != "en"
        base = self.items.summary(locale)
        notes = [""] * len(self.items.item_ids)
        if self.distractors is not None:
            d = self.distractors
            bad = d.bad
            for j in range(len(notes)):
                parts = []
                if bad[j].any():
                    parts.append(("ตัวลวงไม่ดี " if th else "poor distractors ") + _labels(bad[j], locale))
                if d.dead[j].any():
                    parts.append(("ไม่ทำงาน " if th else "dead ") + _labels(d.dead[j], locale))
                if d.check_key[j]:
                    parts.append("ตรวจเฉลย" if th else "check the key")
                notes[j] = "; ".join(parts)
        cols = list(base.columns) + (["สรุป", "ข้อสังเกต"] if th else ["decision", "notes"])
        rows = [
            (*row, decision_label(dec, locale), note)
            for row, dec, note in zip(base.rows, self.decision, notes, strict=True)
        ]
        extra = ()
        if self.keyed is not None and self.keyed.cancelled_ids:
            ids = ", ".join(self.keyed.cancelled_ids)
            extra = (
                (f"ข้อที่ยกเลิก (ไม่นำมาวิเคราะห์และไม่นับคะแนน): {ids}",)
                if th
                else (f"Cancelled items (not analysed, not in totals): {ids}",)
            )
        return Table(base.title, tuple(cols), rows, base.notes + extra)

    def answer_codes_table(self, locale: str = "th") -> Table | None:
        """Omitted, not-reached and several-marks counts per item (None without raw answers)."""
        if self.keyed is None:
            return None
        th = locale != "en"
        k = self.keyed
        return table_from_columns(
            "การตอบรายข้อ" if th else "Answer codes by item",
            {
                ("ข้อ" if th else "item"): k.item_ids,
                ("ไม่ตอบ" if th else "omitted"): k.n_omitted,
                ("ทำไม่ถึง" if th else "not_reached"): k.n_not_reached,
                ("ตอบซ้อน" if th else "multiple"): k.n_multiple,
            },
            (
                (
                    "ช่องว่างท้ายแถวนับเป็น 'ทำไม่ถึง'; ไม่ตอบ ทำไม่ถึง และตอบซ้อน ให้ 0 คะแนน"
                    if k.not_reached_as == "wrong"
                    else "ช่องว่างท้ายแถวนับเป็น 'ทำไม่ถึง' และไม่นำมาคิด p ของข้อนั้น"
                )
                if th
                else (
                    "Trailing blanks count as not reached; omitted, not reached and multiple marks score 0"
                    if k.not_reached_as == "wrong"
                    else "Trailing blanks count as not reached and are left out of that item's p"
                ),
            ),
        )

    def named_tables(self, locale: str = "th") -> list[tuple[str, Table]]:
        """Every table of the report with a short stable name, in reading order.

        Names: ``items``, ``test``, ``alpha``, then when present ``options``, ``option_rows``,
        ``answer_codes``, ``criterion``, ``evana``, ``evana_options``.
        """
        out = [
            ("items", self.summary(locale)),
            ("test", self.test.summary(locale)),
            ("alpha", self.test.alpha_if_deleted_table(locale)),
        ]
        if self.distractors is not None:
            out += [
                ("options", self.distractors.summary(locale)),
                ("option_rows", self.distractors.option_table(locale)),
            ]
        codes = self.answer_codes_table(locale)
        if codes is not None:
            out.append(("answer_codes", codes))
        if self.criterion is not None:
            out.append(("criterion", self.criterion.summary(locale)))
        if self.evana is not None:
            out.append(("evana", self.evana.summary(locale)))
            opt = self.evana.option_summary(locale)
            if opt is not None:
                out.append(("evana_options", opt))
        return out

    def tables(self, locale: str = "th") -> list[Table]:
        """Every table of the report, in reading order (for the CLI, CSV and XLSX)."""
        return [table for _, table in self.named_tables(locale)]


def _labels(mask: np.ndarray, locale: str) -> str:
    labels = OPTION_LABELS_EN if locale == "en" else OPTION_LABELS_TH
    return ",".join(labels[c] for c in np.flatnonzero(mask))


def analyze_test(
    scores: ArrayLike | None = None,
    item_ids: Sequence[str] | None = None,
    *,
    keyed: KeyedResponses | None = None,
    groups: float | int | str = 27,
    cut: float | None = None,
    evana: bool | int = False,
    p_basis: str = "whole",
    p_min: float = 0.20,
    p_max: float = 0.80,
    r_min: float = 0.20,
    min_n: int = 6,
    ddof: int = 0,
    dead_below: float = 0.05,
    difficulty_table: str = "evana",
    discrimination_table: str = "evana",
    max_scores: ArrayLike | None = None,
    min_scores: ArrayLike | None = None,
) -> CttReport:
    """Run the whole classical analysis: items, test, distractors, criterion and EVANA mode.

    Parameters
    ----------
    scores : array_like, shape (n_persons, n_items), optional
        0/1 scores, or scores of any item type with `max_scores`; not needed when `keyed` is given
        (its scores are used).
    item_ids : sequence of str, optional
    keyed : KeyedResponses, optional
        Raw answers scored by :func:`.keying.score_answers`: adds the distractor table.
    groups : 25, 27, 33, 50 or a fraction, default=27
    cut : float, optional
        Raw cut score for Brennan's B and Livingston's reliability.
    evana : bool or {25, 27}, default=False
        EVANA mode: True means 27 % with Fan's table, 25 the simple formulas.
    p_basis, p_min, p_max, r_min, min_n, difficulty_table, discrimination_table
        See :func:`.item_analysis.analyze_items`.
    ddof : {0, 1}
        Variance divisor of every variance and SD (items and test), see
        :func:`.reliability.test_statistics`.
    dead_below : float, default=0.05
        Dead-distractor share, see :func:`.distractors.analyze_distractors`.
    max_scores, min_scores : float or array_like of shape (n_items,), optional
        Possible score range of each item for polytomous and mixed tests (rubric items, rating
        scales): p and r become Whitney–Sabers', and α (not KR-20) names the SEM. EVANA mode and the
        criterion-referenced indices need 0/1 items.
    """
    if keyed is not None:
        scores, item_ids = keyed.scores, keyed.item_ids
    if scores is None:
        raise PsychometricsError("ต้องให้คะแนน (scores) หรือคำตอบที่ตรวจแล้ว (keyed) / give scores or keyed")
    items = analyze_items(
        scores,
        item_ids,
        groups=groups,
        p_basis=p_basis,
        p_min=p_min,
        p_max=p_max,
        r_min=r_min,
        min_n=min_n,
        difficulty_table=difficulty_table,
        discrimination_table=discrimination_table,
        max_scores=max_scores,
        min_scores=min_scores,
        ddof=ddof,
    )
    test = test_statistics(scores, items.item_ids, ddof=ddof, max_scores=max_scores, min_scores=min_scores)
    if items.is_polytomous.any() and (evana or cut is not None):
        raise PsychometricsError(
            "โหมด EVANA และดัชนีแบบอิงเกณฑ์ใช้ได้กับข้อ 0/1 เท่านั้น / EVANA mode and cut scores need 0/1 items"
        )
    distractors = (
        analyze_distractors(keyed, items.groups, dead_below=dead_below, min_n=min_n)
        if keyed is not None
        else None
    )
    p2 = round_half_up(items.judged_p)
    r2 = round_half_up(items.r)
    bad = distractors.bad.any(axis=1) if distractors is not None else np.zeros(p2.shape, dtype=bool)
    decision = tuple(
        "too_few"
        if np.isnan(rr)
        else "drop"
        if rr < r_min - 1e-12
        else "revise"
        if (np.isnan(pp) or pp < p_min - 1e-12 or pp > p_max + 1e-12 or b)
        else "good"
        for pp, rr, b in zip(p2, r2, bad, strict=True)
    )
    crit = criterion_analysis(scores, cut, items.item_ids, ddof=ddof) if cut is not None else None
    ev = None
    if evana:
        technique = 27 if evana is True else int(evana)
        ev = evana_analysis(
            scores, items.item_ids, keyed=keyed, technique=technique, p_min=p_min, p_max=p_max, r_min=r_min
        )
    return CttReport(items, test, decision, distractors, crit, ev, keyed)
