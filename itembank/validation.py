"""Checks of one ItemDraft: every problem collected, drafts returned in canonical form.

Used by the service before anything is written, and by importers that want the same checks per
row. Curriculum codes are normalised and checked through :mod:`itembank.curriculum` when it is
available (grammar, and whether the indicator exists in the draft's edition).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from itembank.errors import ItemBankError
from itembank.messages import bank_error
from itembank.option_order import order_options
from itembank.sanitize import sanitize_html
from itembank.schemas import CognitiveLevel, ItemDraft, ItemType, OptionDraft, ReviewStatus, RubricLevel

MAX_CODE_LENGTH = 64
LEARNING_AREAS = ("ท", "ค", "ว", "ส", "พ", "ศ", "ง", "ต")
_GRADE = re.compile(r"^(ป|ม)\.?\s*([1-6])$")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_SPACES = re.compile(r"\s+")
TRUE_WORDS = {"true", "t", "ถูก", "จริง", "1", "yes"}
FALSE_WORDS = {"false", "f", "ผิด", "เท็จ", "0", "no"}

CodeCheck = Callable[[str, str], str]  # (code, edition) -> normalised code, or raises ItemBankError


def _basic(code: str) -> str:
    return _SPACES.sub(" ", code.translate(_THAI_DIGITS)).strip()


def normalise_grade(text: str) -> str | None:
    """ "ป6", "ป. 6", "ป.๖" → "ป.6"; None when it is not a grade."""
    m = _GRADE.match(_basic(str(text)))
    return f"{m.group(1)}.{m.group(2)}" if m else None


def normalise_indicator(text: str) -> str:
    """The indicator code in its canonical spelling when it parses ("ค1.1 ป6/2" → "ค 1.1 ป.6/2"), else as given."""
    from itembank.curriculum import CurriculumError, IndicatorCode

    try:
        return str(IndicatorCode.parse(text))
    except CurriculumError:
        return text.strip()


def _reason(e: ItemBankError) -> str:
    """The curriculum's own Thai explanation, without the repeated code in front of it."""
    text = e.message_th or e.text("th")
    return text.split(": ", 1)[1] if ": " in text else text


def _curriculum_checkers() -> tuple[CodeCheck, CodeCheck, CodeCheck]:
    """Indicator, trait and competency checks against the curriculum data of the draft's edition."""
    from itembank import curriculum as cur  # loaded on first use, not at import

    def indicator(code: str, edition: str) -> str:
        try:
            return str(cur.load_curriculum(edition).check_indicator(code))
        except cur.CurriculumError as e:
            raise bank_error("item.indicator_invalid", value=code, reason=_reason(e)) from None

    def trait(code: str, edition: str) -> str:
        try:
            return str(cur.load_curriculum(edition).trait_indicator(code).code)
        except cur.CurriculumError as e:
            raise bank_error("item.trait_invalid", value=code, reason=_reason(e)) from None

    def competency(code: str, edition: str) -> str:
        try:
            return str(cur.load_curriculum(edition).competency(code).code)
        except cur.CurriculumError as e:
            raise bank_error("item.competency_invalid", value=code, reason=_reason(e)) from None

    return indicator, trait, competency


def _edition(key: str, code: str, problems: list[ItemBankError]) -> str:
    from itembank.curriculum import CurriculumError
    from itembank.curriculum.editions import edition

    try:
        return edition(key).key
    except CurriculumError as e:
        problems.append(bank_error("item.edition_unknown", code=code, value=key, reason=_reason(e)))
        return key


def _enum(value: Any, enum_type: type, code: str, err: str, problems: list[ItemBankError]) -> Any:
    try:
        return enum_type(str(value).strip())
    except ValueError:
        problems.append(bank_error(err, code=code, value=value, allowed=", ".join(e.value for e in enum_type)))
        return value


def _check_key(d: ItemDraft, problems: list[ItemBankError]) -> tuple[str, ...]:
    code, key = d.code, tuple(k.strip() for k in d.key if k.strip())
    if d.type in (ItemType.multiple_choice, ItemType.matching):
        if len(d.options) < 2:
            problems.append(bank_error("item.too_few_options", code=code))
        labels = [o.label for o in d.options]
        for label in {x for x in labels if labels.count(x) > 1}:
            problems.append(bank_error("item.option_label_duplicate", code=code, label=label))
        for o in d.options:
            if not o.text.strip():
                problems.append(bank_error("item.option_empty", code=code, label=o.label))
        if not key:
            problems.append(bank_error("item.key_missing", code=code))
        if d.type == ItemType.multiple_choice:
            for k in key:
                if k not in labels:
                    problems.append(bank_error("item.key_not_option", code=code, key=k, options=" ".join(labels)))
        else:
            for k in key:
                left, sep, right = k.partition("-")
                if not sep or not left.strip() or right.strip() not in labels:
                    problems.append(bank_error("item.key_matching", code=code, key=k))
    elif d.type == ItemType.true_false:
        words = {k.lower() for k in key}
        if len(key) != 1 or not words <= TRUE_WORDS | FALSE_WORDS:
            problems.append(bank_error("item.key_true_false", code=code, key=" ".join(key) or "-"))
        else:
            key = ("true",) if words <= TRUE_WORDS else ("false",)
    return key


def _check_answers(d: ItemDraft, problems: list[ItemBankError]) -> None:
    if d.type in (ItemType.short_answer, ItemType.numeric) and not [a for a in d.accepted_answers if a.strip()]:
        problems.append(bank_error("item.accepted_missing", code=d.code))
    if d.type == ItemType.numeric:
        for a in d.accepted_answers:
            try:
                float(a.translate(_THAI_DIGITS).replace(",", ""))
            except ValueError:
                problems.append(bank_error("item.accepted_not_number", code=d.code, value=a))
    if d.type == ItemType.constructed_response:
        if not d.rubric:
            problems.append(bank_error("item.rubric_missing", code=d.code))
        else:
            top = max(level.points for level in d.rubric)
            if not math.isclose(top, float(d.score_points)):
                problems.append(bank_error("item.rubric_points", code=d.code, top=top, points=d.score_points))


def _check_codes(d: ItemDraft, checks: tuple[CodeCheck, CodeCheck, CodeCheck],
                 problems: list[ItemBankError]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    fields = ("indicator_codes", "trait_codes", "competency_codes")
    errs = ("item.indicator_invalid", "item.trait_invalid", "item.competency_invalid")
    for name, check, err in zip(fields, checks, errs, strict=True):
        normalised = []
        for raw in getattr(d, name):
            try:
                normalised.append(check(raw, d.curriculum_edition))
            except ItemBankError as e:
                reason = e.message_th or e.text("th")
                if e.code == err:
                    problems.append(bank_error(err, code=d.code, value=raw, reason=e.params.get("reason", reason)))
                else:
                    problems.append(bank_error(err, code=d.code, value=raw, reason=reason))
        out[name] = tuple(dict.fromkeys(normalised))
    if d.learning_area in LEARNING_AREAS:
        for ind in out["indicator_codes"]:
            if not ind.startswith(d.learning_area):
                problems.append(bank_error("item.edition_mismatch", code=d.code, value=ind, area=d.learning_area))
    return out


def check_draft(draft: ItemDraft, checks: tuple[CodeCheck, CodeCheck, CodeCheck] | None = None
                ) -> tuple[ItemDraft, list[ItemBankError]]:
    """(canonical draft, problems): text sanitised, codes normalised, enums and key checked."""
    checks = checks or _curriculum_checkers()
    problems: list[ItemBankError] = []
    code = draft.code.strip()
    if not code:
        problems.append(bank_error("item.code_empty"))
    elif len(code) > MAX_CODE_LENGTH:
        problems.append(bank_error("item.code_too_long", code=code, max=MAX_CODE_LENGTH))
    d = replace(draft, code=code)
    item_type = _enum(d.type, ItemType, code, "item.type_unknown", problems)
    status = _enum(d.status, ReviewStatus, code, "item.status_unknown", problems)
    level = None if d.cognitive_level in (None, "") else _enum(
        d.cognitive_level, CognitiveLevel, code, "item.cognitive_unknown", problems)
    stem = sanitize_html(d.stem)
    if not stem.strip():
        problems.append(bank_error("item.stem_empty", code=code))
    grade = None
    if d.grade not in (None, ""):
        grade = normalise_grade(str(d.grade))
        if grade is None:
            problems.append(bank_error("item.grade_invalid", code=code, value=d.grade))
    area = None if d.learning_area in (None, "") else str(d.learning_area).strip()
    if area is not None and area not in LEARNING_AREAS:
        problems.append(bank_error("item.area_invalid", code=code, value=area))
    if not (float(d.score_points) > 0):
        problems.append(bank_error("item.points_invalid", code=code, value=d.score_points))
    if d.estimated_time_s is not None and d.estimated_time_s <= 0:
        problems.append(bank_error("item.time_invalid", code=code, value=d.estimated_time_s))
    d = replace(
        d, type=item_type, status=status, cognitive_level=level, stem=stem, grade=grade, learning_area=area,
        score_points=float(d.score_points),
        options=tuple(OptionDraft(o.label.strip(), sanitize_html(o.text), bool(o.fixed)) for o in d.options),
        rubric=tuple(RubricLevel(float(r.points), sanitize_html(r.description), r.label.strip())
                     for r in d.rubric),
        accepted_answers=tuple(a.strip() for a in d.accepted_answers if a.strip()),
        enemy_codes=tuple(dict.fromkeys(e.strip() for e in d.enemy_codes if e.strip())),
        set_code=(d.set_code or "").strip() or None,
    )
    if isinstance(item_type, ItemType):
        d = replace(d, key=_check_key(d, problems))
        _check_answers(d, problems)
    d = order_options(d)  # ordered options (numbers, ก < ข …) decided, numbers stored ascending
    if d.set_code and d.set_position is None:
        problems.append(bank_error("item.set_position_missing", code=code, set_code=d.set_code))
    if code in d.enemy_codes:
        problems.append(bank_error("item.enemy_self", code=code))
    d = replace(d, curriculum_edition=_edition(d.curriculum_edition, code, problems))
    if not any(p.code == "item.edition_unknown" for p in problems):
        d = replace(d, **_check_codes(d, checks, problems))
    if not d.indicator_codes and not any(p.code == "item.indicator_invalid" for p in problems):
        problems.append(bank_error("item.indicator_missing", code=code))
    return d, problems
