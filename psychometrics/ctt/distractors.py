"""The option (distractor) table, ตารางวิเคราะห์ตัวลวง: who chose what, in the whole group and in each group.

Blank (ไม่ตอบ, omitted or not reached) and several marks (ตอบซ้อน) have their own columns; both are
wrong for scoring (thai-practice.md §1.10 gotcha 2). For each option, following EVANA and
safeandjay2 (§1.4):

* r of the key = (H − L)/g; r of a distractor = (L − H)/g, positive when the lower group is drawn
  to it; EVANA's verdict words (ดี คนอ่อนหลงตอบมากกว่า, …);
* **dead** (ตัวลวงไม่มีคนเลือก): a distractor chosen by fewer than 5 % of all examinees (only when
  N ≥ `min_n`);
* **more than key** (ตัวลวงมีคนเลือกมากกว่าตัวถูก): a distractor chosen by more examinees than the key;
* **upper over lower** (คนเก่งเลือกมากกว่า): a distractor the upper group chose more often than the
  lower group. When such a distractor also beats the key overall, or within the upper group, the
  item is flagged **ตรวจเฉลย** (probable mis-key).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from psychometrics.ctt.groups import GroupSplit
from psychometrics.ctt.keying import (
    CREDIT_ALL,
    MULTIPLE,
    NOT_REACHED,
    OMITTED,
    OPTION_LABELS_EN,
    OPTION_LABELS_TH,
    KeyedResponses,
)
from psychometrics.ctt.verdicts import distractor_verdicts, round_half_up
from psychometrics.tables import Table

__all__ = ["DistractorAnalysis", "analyze_distractors"]


@dataclass(frozen=True, eq=False)
class DistractorAnalysis:
    """Counts and flags per item and option.

    Attributes
    ----------
    item_ids : tuple of str
    n_options : ndarray of int, shape (n_items,)
    is_key : ndarray of bool, shape (n_items, m)
        m = the largest number of options of any item; column c is option c + 1.
    count, upper, lower : ndarray of int, shape (n_items, m + 2)
        Choices in the whole group, the upper and the lower group; the last two columns are blank
        and several marks.
    n_persons, g : int
    r : ndarray, shape (n_items, m)
        (H − L)/g for a key, (L − H)/g for a distractor.
    dead, more_than_key, upper_over_lower : ndarray of bool, shape (n_items, m)
        Distractor flags (always False for a key and for options the item does not have).
    """

    item_ids: tuple[str, ...]
    n_options: np.ndarray
    is_key: np.ndarray
    count: np.ndarray
    upper: np.ndarray
    lower: np.ndarray
    n_persons: int
    g: int
    r: np.ndarray
    dead: np.ndarray
    more_than_key: np.ndarray
    upper_over_lower: np.ndarray
    dead_below: float = 0.05

    @property
    def has_option(self) -> np.ndarray:
        """(n_items, m): True where the item has that option."""
        m = self.is_key.shape[1]
        return np.arange(1, m + 1)[None, :] <= self.n_options[:, None]

    @property
    def is_distractor(self) -> np.ndarray:
        return self.has_option & ~self.is_key

    @property
    def bad(self) -> np.ndarray:
        """EVANA's bad distractor: nobody in either group chose it, or r < 0 on the 2-decimal value."""
        m = self.is_key.shape[1]
        nobody = (self.upper[:, :m] + self.lower[:, :m]) == 0
        return self.is_distractor & (nobody | (round_half_up(self.r) < 0))

    @property
    def check_key(self) -> np.ndarray:
        """(n_items,) probable mis-key (ตรวจเฉลย): some distractor is :attr:`suspect`."""
        return self.suspect.any(axis=1)

    @property
    def suspect(self) -> np.ndarray:
        """(n_items, m) distractors that draw the upper group more than the lower group *and* either
        beat the key overall or are chosen by more of the upper group than the key."""
        m = self.is_key.shape[1]
        key_upper = np.where(self.is_key, self.upper[:, :m], -1).max(axis=1)
        beats_in_upper = (
            self.is_distractor & (self.upper[:, :m] > key_upper[:, None]) & (key_upper[:, None] >= 0)
        )
        return self.upper_over_lower & (self.more_than_key | beats_in_upper)

    def _labels(self, locale: str) -> tuple[str, ...]:
        return OPTION_LABELS_EN if locale == "en" else OPTION_LABELS_TH

    def summary(self, locale: str = "th") -> Table:
        """Wide table: per item three rows (ทั้งหมด, กลุ่มสูง, กลุ่มต่ำ), one column per option + blank + multi.

        The key's options are listed in the เฉลย column; cells are counts (None for an option the item
        does not have).
        """
        th = locale != "en"
        m = self.is_key.shape[1]
        labels = self._labels(locale)[:m]
        cols = (
            ("ข้อ", "เฉลย", "กลุ่ม", "จำนวน", *labels, "ไม่ตอบ", "ตอบซ้อน")
            if th
            else ("item", "key", "group", "n", *labels, "blank", "multiple")
        )
        groups = (
            (("ทั้งหมด" if th else "all"), self.count, self.n_persons),
            (("กลุ่มสูง" if th else "upper"), self.upper, self.g),
            (("กลุ่มต่ำ" if th else "lower"), self.lower, self.g),
        )
        rows = []
        for j, item in enumerate(self.item_ids):
            key = ",".join(labels[c] for c in np.flatnonzero(self.is_key[j]))
            for name, counts, n in groups:
                cells = [int(counts[j, c]) if c < self.n_options[j] else None for c in range(m)]
                rows.append((item, key, name, n, *cells, int(counts[j, m]), int(counts[j, m + 1])))
        notes = (
            (
                f"ตัวลวงที่มีผู้เลือกน้อยกว่า {self.dead_below:.0%} ของผู้สอบทั้งหมดถือว่าไม่ทำงาน; "
                "ดูคอลัมน์ข้อสังเกตในตารางรายตัวเลือก"
            )
            if th
            else f"A distractor chosen by fewer than {self.dead_below:.0%} of all examinees is dead; "
            "see the flags in the per-option table",
        )
        return Table("ตารางวิเคราะห์ตัวลวง" if th else "Option table", cols, rows, notes)

    def option_table(self, locale: str = "th") -> Table:
        """Long table: one row per item and option with %, H, L, r, EVANA's verdict and the flags."""
        th = locale != "en"
        m = self.is_key.shape[1]
        labels = self._labels(locale)
        verdicts = distractor_verdicts(
            self.r.ravel(), (self.upper[:, :m] + self.lower[:, :m]).ravel(), locale
        )
        cols = (
            ("ข้อ", "ตัวเลือก", "เป็นเฉลย", "จำนวนผู้เลือก", "ร้อยละ", "H", "L", "r", "วิจารณ์", "ข้อสังเกต")
            if th
            else ("item", "option", "is_key", "n", "percent", "H", "L", "r", "verdict", "flags")
        )
        rows = []
        suspect = self.suspect
        for j, item in enumerate(self.item_ids):
            for c in range(int(self.n_options[j])):
                key = bool(self.is_key[j, c])
                flags = []
                if self.dead[j, c]:
                    flags.append("ไม่ทำงาน (<5%)" if th else "dead (<5%)")
                if self.more_than_key[j, c]:
                    flags.append("มีคนเลือกมากกว่าตัวถูก" if th else "chosen more than the key")
                if self.upper_over_lower[j, c]:
                    flags.append("กลุ่มสูงเลือกมากกว่ากลุ่มต่ำ" if th else "upper group chose it more")
                if suspect[j, c]:
                    flags.append("ตรวจเฉลย" if th else "check the key")
                verdict = "ตัวถูก" if th and key else ("key" if key else verdicts[j * m + c])
                rows.append(
                    (
                        item,
                        labels[c],
                        ("ใช่" if key else "") if th else key,
                        int(self.count[j, c]),
                        float(round_half_up(100 * self.count[j, c] / self.n_persons, 1)),
                        int(self.upper[j, c]),
                        int(self.lower[j, c]),
                        float(round_half_up(self.r[j, c], 2)),
                        verdict,
                        "; ".join(flags),
                    )
                )
        return Table("ตัวเลือกรายข้อ" if th else "Options by item", cols, rows)


def analyze_distractors(
    keyed: KeyedResponses, split: GroupSplit, *, dead_below: float = 0.05, min_n: int = 6
) -> DistractorAnalysis:
    """Build the option table from coded choices and the upper/lower groups.

    Parameters
    ----------
    keyed : KeyedResponses
        From :func:`.keying.score_answers`.
    split : GroupSplit
        From :func:`.groups.split_groups` on the same persons (usually via :func:`.item_analysis.analyze_items`).
    dead_below : float, default=0.05
        A distractor chosen by a smaller share of all examinees is dead (safeandjay2 ``deadDistractor``).
    min_n : int, default=6
        Below this many examinees nothing is flagged dead.
    """
    ch = keyed.choices
    n_persons = ch.shape[0]
    m = int(keyed.n_options.max())
    codes = [*range(1, m + 1)]

    def tally(rows: np.ndarray) -> np.ndarray:
        out = np.stack([(rows == c).sum(axis=0) for c in codes], axis=1)
        blank = ((rows == OMITTED) | (rows == NOT_REACHED)).sum(axis=0)
        multi = (rows == MULTIPLE).sum(axis=0)
        return np.column_stack([out, blank, multi]).astype(int)

    count, up, lo = tally(ch), tally(ch[split.upper]), tally(ch[split.lower])
    km = keyed.key_matrix()[:, 1 : m + 1]
    credit = np.array([k is CREDIT_ALL for k in keyed.keys])
    km[credit] = False  # a credit-all item has no key option to compare distractors with
    has = np.arange(1, m + 1)[None, :] <= keyed.n_options[:, None]
    g = split.g
    diff = (up[:, :m] - lo[:, :m]) / g
    r = np.where(km, diff, -diff)
    distractor = has & ~km & ~credit[:, None]
    key_count = np.where(km, count[:, :m], -1).max(axis=1)
    dead = distractor & (count[:, :m] < dead_below * n_persons) if n_persons >= min_n else np.zeros_like(km)
    more = distractor & (count[:, :m] > key_count[:, None]) & (key_count[:, None] >= 0)
    upper_more = distractor & (up[:, :m] > lo[:, :m])
    return DistractorAnalysis(
        item_ids=keyed.item_ids,
        n_options=keyed.n_options,
        is_key=km,
        count=count,
        upper=up,
        lower=lo,
        n_persons=n_persons,
        g=g,
        r=np.where(has, r, np.nan),
        dead=dead,
        more_than_key=more,
        upper_over_lower=upper_more,
        dead_below=dead_below,
    )
