"""The demo district's item bank: ≥ 1,200 approved items for ป.3, ป.6 and ม.3, deterministic from a seed.

Each (grade, learning area) bank is generated with its own random stream (seeded from the seed,
the grade and the area), cleared of clones (a draft that copies or nearly copies an earlier one of
its bank, by :mod:`itembank.duplicates`, is dropped; parallel items that differ only in their numbers
stay, and assembly keeps them apart), numbered "P6-MA-0001", checked against the shipped curriculum of the item's
edition (every indicator must exist there for the item's grade and area), and given an author
(an officer), an approver (a reviewer who is not the author) and three or more expert ratings.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable
from functools import lru_cache

from demo.build import Draft
from demo.content import arts, career, english, health, math, science, social, thai
from demo.district import demo_users, experts_for
from demo.spec import ItemSetSpec, ItemSpec
from itembank.curriculum import Grade, LearningArea, load_curriculum
from itembank.duplicates import find_duplicates, item_text

GRADES = ("ป.3", "ป.6", "ม.3")
GENERATORS: dict[str, Callable[[random.Random, str], list[Draft]]] = {
    "ท": thai.generate,
    "ค": math.generate,
    "ว": science.generate,
    "ส": social.generate,
    "พ": health.generate,
    "ศ": arts.generate,
    "ง": career.generate,
    "ต": english.generate,
}
PASSAGES: dict[str, Callable[[str], list[tuple[str, str, str]]]] = {"ท": thai.passages, "ต": english.passages}
DEFAULT_SEED = 2568


def _stream(seed: int, grade: str, area: str) -> random.Random:
    return random.Random(zlib.crc32(f"{seed}|{grade}|{area}".encode()))


def _without_clones(drafts: list[Draft]) -> list[Draft]:
    """`drafts` less every one that is an exact or near copy of an earlier one (number variants stay)."""
    texts = [item_text(d.stem, d.options, d.key) for d in drafts]
    dropped: set[int] = set()
    for pair in sorted(find_duplicates(texts), key=lambda p: (p.first, p.second)):
        if pair.kind != "numbers" and pair.first not in dropped:
            dropped.add(pair.second)
    return [d for i, d in enumerate(drafts) if i not in dropped]


def _drafts(seed: int, grade: str, area: str) -> tuple[random.Random, list[Draft]]:
    """The bank's drafts in code order, and its random stream (which goes on to choose the raters)."""
    rng = _stream(seed, grade, area)
    return rng, _without_clones(GENERATORS[area](rng, grade))


def _check_indicators(draft: Draft, grade: str, area: str) -> tuple[str, ...]:
    cur = load_curriculum(draft.edition)
    codes = []
    for text in draft.indicators:
        code = cur.check_indicator(text)
        if str(code.grade) != grade or code.area != LearningArea(area):
            raise ValueError(f"{text}: not an indicator of {area} {grade}")
        codes.append(str(code))
    return tuple(codes)


def _ratings(rng: random.Random, area: str, author: str) -> tuple[tuple[str, int], ...]:
    """Three expert ratings (+1 / 0 / −1); most items +1 from all, some with one 0 (IOC 0.67)."""
    experts = [u.username for u in experts_for(area) if u.username != author]
    chosen = rng.sample(experts, 3)
    marks = [1, 1, 1] if rng.random() < 0.8 else [1, 1, 0]
    return tuple(zip(chosen, marks, strict=True))


@lru_cache(maxsize=8)
def _build(seed: int) -> tuple[tuple[ItemSpec, ...], tuple[ItemSetSpec, ...]]:
    users = demo_users()
    officers = [u.username for u in users if u.role == "officer"]
    items: list[ItemSpec] = []
    sets: list[ItemSetSpec] = []
    for grade in GRADES:
        g = Grade.parse(grade)
        for area in GENERATORS:
            rng, drafts = _drafts(seed, grade, area)
            if not drafts:
                continue
            prefix = f"{g.abbreviation}-{LearningArea(area).abbreviation}"
            set_members: dict[str, list[str]] = {}
            for n, d in enumerate(drafts, start=1):
                code = f"{prefix}-{n:04d}"
                author = officers[n % len(officers)]
                ratings = _ratings(rng, area, author)
                reviewer = ratings[0][0]
                set_code = f"SET-{d.set_key}" if d.set_key else None
                if set_code:
                    set_members.setdefault(set_code, []).append(code)
                items.append(
                    ItemSpec(
                        code=code,
                        type=d.type,
                        stem=d.stem,
                        grade=grade,
                        learning_area=area,
                        indicator_codes=_check_indicators(d, grade, area),
                        cognitive_level=d.cognitive_level,
                        options=d.options,
                        key=d.key,
                        accepted_answers=d.accepted_answers,
                        score_points=d.score_points,
                        rubric=d.rubric,
                        trait_codes=d.trait_codes,
                        competency_codes=d.competency_codes,
                        estimated_time_s=d.estimated_time_s,
                        set_code=set_code,
                        set_position=d.set_position,
                        author=author,
                        reviewer=reviewer,
                        ioc_ratings=ratings,
                        curriculum_edition=d.edition,
                        explanation=d.explanation,
                    )
                )
            for key, title, text in PASSAGES.get(area, lambda _g: [])(grade):
                set_code = f"SET-{key}"
                sets.append(
                    ItemSetSpec(set_code, title, text, grade, area, tuple(set_members.get(set_code, ())))
                )
    return tuple(items), tuple(sets)


def demo_items(seed: int = DEFAULT_SEED) -> list[ItemSpec]:
    """Every demo item (≥ 1,200), the same list for the same seed."""
    return list(_build(seed)[0])


def demo_item_sets(seed: int = DEFAULT_SEED) -> list[ItemSetSpec]:
    """The reading passages, each with the codes of its items in order."""
    return list(_build(seed)[1])


def item_checks(seed: int = DEFAULT_SEED) -> dict[str, dict]:
    """For tests and reviewers: how each computed key can be recomputed, by item code."""
    out = {}
    for grade in GRADES:
        g = Grade.parse(grade)
        for area in GENERATORS:
            _rng, drafts = _drafts(seed, grade, area)
            prefix = f"{g.abbreviation}-{LearningArea(area).abbreviation}"
            for n, d in enumerate(drafts, start=1):
                if d.check:
                    out[f"{prefix}-{n:04d}"] = d.check
    return out


__all__ = ["DEFAULT_SEED", "GRADES", "demo_item_sets", "demo_items", "item_checks"]
