"""Helpers that turn a question, its key and its distractors into item parts.

Generators in this package return :class:`Draft` records (no code, author or reviewer yet);
:func:`demo.items.demo_items` numbers them, checks every indicator code against the shipped
curriculum and assigns authors, approvers and expert ratings.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

LABELS = ("ก", "ข", "ค", "ง", "จ", "ฉ", "ช", "ซ")
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


@dataclass
class Draft:
    """A demo item before it gets its code, author and reviewer."""

    type: str
    stem: str
    indicators: tuple[str, ...]
    cognitive_level: str
    options: tuple[dict[str, Any], ...] = ()
    key: tuple[str, ...] = ()
    accepted_answers: tuple[str, ...] = ()
    score_points: float = 1.0
    rubric: tuple[dict[str, Any], ...] = ()
    trait_codes: tuple[str, ...] = ()
    competency_codes: tuple[str, ...] = ()
    estimated_time_s: int = 60
    set_key: str | None = None
    set_position: int | None = None
    edition: str = "2551-rev2560"
    explanation: str = ""
    #: for checking arithmetic: the exact value the key stands for (tests recompute it)
    check: dict[str, Any] = field(default_factory=dict)

    def fingerprint(self) -> tuple:
        return (self.type, self.stem, tuple(o["text"] for o in self.options))


def fmt(n: int | float | Fraction) -> str:
    """A number as Thai schoolbooks print it: thousands separators, no trailing zeros."""
    if isinstance(n, Fraction):
        return frac(n)
    if isinstance(n, float) and not n.is_integer():
        return f"{n:,.3f}".rstrip("0").rstrip(".")
    return f"{int(n):,}"


def frac(q: Fraction, mixed: bool = False) -> str:
    """A fraction as text: 3/4, or the mixed number 1 1/2 when `mixed`."""
    if q.denominator == 1:
        return f"{q.numerator:,}"
    if mixed and abs(q) > 1:
        whole = q.numerator // q.denominator
        rest = q - whole
        return f"{whole} {rest.numerator}/{rest.denominator}"
    return f"{q.numerator}/{q.denominator}"


def mc(
    stem: str,
    correct: Any,
    distractors: list[Any],
    indicators: str | tuple[str, ...],
    cognitive_level: str,
    rng: random.Random,
    *,
    n_options: int = 4,
    fixed_last: str | None = None,
    **extra: Any,
) -> Draft | None:
    """A one-key multiple-choice draft; None when there are not enough distinct distractors."""
    right = str(correct)
    pool = list(dict.fromkeys(str(d) for d in distractors if str(d) != right and str(d).strip()))
    need = n_options - 1 - (1 if fixed_last else 0)
    if len(pool) < need:
        return None
    texts = [right, *rng.sample(pool, need)]
    rng.shuffle(texts)
    if fixed_last:
        texts.append(fixed_last)
    options = tuple({"label": LABELS[i], "text": t, "fixed": t == fixed_last} for i, t in enumerate(texts))
    key = (LABELS[texts.index(right)],)
    return Draft("mc", stem, _codes(indicators), cognitive_level, options=options, key=key, **extra)


def mc_multi(
    stem: str,
    correct: list[str],
    wrong: list[str],
    indicators: str | tuple[str, ...],
    cognitive_level: str,
    rng: random.Random,
    *,
    n_options: int = 5,
    **extra: Any,
) -> Draft | None:
    """A several-key multiple-choice draft ("ตอบได้มากกว่า 1 ข้อ")."""
    rights = list(dict.fromkeys(correct))
    wrongs = [w for w in dict.fromkeys(wrong) if w not in rights]
    if len(rights) < 2 or len(rights) + len(wrongs) < n_options:
        return None
    texts = rights + rng.sample(wrongs, n_options - len(rights))
    rng.shuffle(texts)
    options = tuple({"label": LABELS[i], "text": t, "fixed": False} for i, t in enumerate(texts))
    key = tuple(LABELS[i] for i, t in enumerate(texts) if t in rights)
    extra.setdefault("estimated_time_s", 90)
    return Draft(
        "mc_multi",
        stem + " (ตอบได้มากกว่า 1 ข้อ)",
        _codes(indicators),
        cognitive_level,
        options=options,
        key=key,
        **extra,
    )


def tf(
    statement: str, is_true: bool, indicators: str | tuple[str, ...], cognitive_level: str, **extra: Any
) -> Draft:
    """A true/false draft: the statement, judged ถูก or ผิด."""
    extra.setdefault("estimated_time_s", 30)
    return Draft(
        "tf",
        f"ข้อความต่อไปนี้ถูกหรือผิด: {statement}",
        _codes(indicators),
        cognitive_level,
        key=("true" if is_true else "false",),
        **extra,
    )


def numeric(
    stem: str,
    answer: int | float | Fraction,
    indicators: str | tuple[str, ...],
    cognitive_level: str,
    *,
    grouping: bool = True,
    **extra: Any,
) -> Draft:
    """A numeric-answer draft; the accepted answers are the exact value in its usual spellings.

    `grouping=False` for numbers never written with thousands separators (years: พ.ศ. 2568).
    """
    answers = [fmt(answer) if grouping else str(answer)]
    if isinstance(answer, Fraction) and answer.denominator != 1:
        answers = [frac(answer)]
        if abs(answer) > 1:
            answers.append(frac(answer, mixed=True))
    elif isinstance(answer, float) and not float(answer).is_integer():
        answers = [fmt(answer)]
    plain = [a.replace(",", "") for a in answers]
    accepted = tuple(dict.fromkeys(answers + plain))
    extra.setdefault("estimated_time_s", 90)
    return Draft(
        "numeric" if not isinstance(answer, Fraction) or answer.denominator == 1 else "short",
        stem,
        _codes(indicators),
        cognitive_level,
        accepted_answers=accepted,
        **extra,
    )


def short(
    stem: str, answers: list[str], indicators: str | tuple[str, ...], cognitive_level: str, **extra: Any
) -> Draft:
    extra.setdefault("estimated_time_s", 60)
    return Draft("short", stem, _codes(indicators), cognitive_level, accepted_answers=tuple(answers), **extra)


def matching(
    instruction: str,
    pairs: list[tuple[str, str]],
    extra_right: list[str],
    indicators: str | tuple[str, ...],
    cognitive_level: str,
    rng: random.Random,
    **extra: Any,
) -> Draft:
    """A matching draft: left column numbered 1..n in the stem, right column as options ก, ข, …"""
    rights = [r for _, r in pairs] + [x for x in extra_right if x not in {r for _, r in pairs}]
    rng.shuffle(rights)
    options = tuple({"label": LABELS[i], "text": t, "fixed": False} for i, t in enumerate(rights))
    rows = "".join(f"<tr><td>{i}. {left}</td></tr>" for i, (left, _) in enumerate(pairs, start=1))
    stem = f"{instruction}<table>{rows}</table>"
    key = tuple(f"{i}-{LABELS[rights.index(r)]}" for i, (_, r) in enumerate(pairs, start=1))
    extra.setdefault("estimated_time_s", 120)
    return Draft(
        "matching",
        stem,
        _codes(indicators),
        cognitive_level,
        options=options,
        key=key,
        score_points=float(len(pairs)),
        **extra,
    )


def rubric(
    points: int, descriptions: list[str], labels: list[str] | None = None
) -> tuple[dict[str, Any], ...]:
    """Holistic rubric levels from `points` down to 0; one description per level, highest first."""
    if len(descriptions) != points + 1:
        raise ValueError("one description per level from the top points down to 0")
    default = {
        4: ["ดีมาก", "ดี", "พอใช้", "ปรับปรุง", "ไม่ผ่าน"],
        3: ["ดีมาก", "ดี", "พอใช้", "ปรับปรุง"],
        2: ["ดี", "พอใช้", "ปรับปรุง"],
    }
    names = labels or default.get(points) or [str(p) for p in range(points, -1, -1)]
    return tuple(
        {"level": names[i], "points": points - i, "description": d} for i, d in enumerate(descriptions)
    )


def constructed(
    stem: str,
    levels: tuple[dict[str, Any], ...],
    indicators: str | tuple[str, ...],
    cognitive_level: str,
    **extra: Any,
) -> Draft:
    extra.setdefault("estimated_time_s", 600)
    return Draft(
        "constructed",
        stem,
        _codes(indicators),
        cognitive_level,
        score_points=float(max(lv["points"] for lv in levels)),
        rubric=levels,
        **extra,
    )


def _codes(indicators: str | tuple[str, ...]) -> tuple[str, ...]:
    return (indicators,) if isinstance(indicators, str) else tuple(indicators)


def thai_number_words(n: int) -> str:
    """จำนวนนับเป็นตัวหนังสือ (0 ≤ n < 10,000,000), e.g. 45302 → สี่หมื่นห้าพันสามร้อยสอง."""
    if n == 0:
        return "ศูนย์"
    digits = "ศูนย์ หนึ่ง สอง สาม สี่ ห้า หก เจ็ด แปด เก้า".split()
    places = ["", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน", "ล้าน"]
    s = str(n)
    out = []
    for i, ch in enumerate(s):
        d, pos = int(ch), len(s) - i - 1
        if d == 0:
            continue
        if pos == 1 and d == 1:
            out.append("สิบ")
        elif pos == 1 and d == 2:
            out.append("ยี่สิบ")
        elif pos == 0 and d == 1 and len(s) > 1 and s[-2] != "0":
            out.append("เอ็ด")
        else:
            out.append(digits[d] + places[pos])
    return "".join(out)


Fact = tuple  # (question, right, [wrong, ...], indicator code, cognitive level)
Statement = tuple  # (statement, is_true, indicator code, cognitive level)


def from_facts(rng: random.Random, facts: list[Fact], **extra: Any) -> list[Draft]:
    """One multiple-choice draft per fact; facts with too few distinct distractors are skipped."""
    out = []
    for question, right, wrong, code, level in facts:
        d = mc(question, right, list(wrong), code, level, rng, **extra)
        if d:
            out.append(d)
    return out


def from_statements(statements: list[Statement], **extra: Any) -> list[Draft]:
    return [tf(s, ok, code, level, **extra) for s, ok, code, level in statements]
