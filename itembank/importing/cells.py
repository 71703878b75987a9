"""Reading one row of the item template into an :class:`~itembank.schemas.ItemDraft`, field by field.

Each ``read_*`` method turns one or a few cells into a draft field; every problem is added to the
shared list with this row and the column's header as the file spells it, and the row is marked failed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from itembank.errors import ItemBankError
from itembank.importing.codes import CodeBook
from itembank.importing.files import problem
from itembank.sanitize import sanitize_html
from itembank.schemas import (
    COGNITIVE_LEVEL_TH,
    DEFAULT_CURRICULUM_EDITION,
    CognitiveLevel,
    ItemDraft,
    ItemType,
    OptionDraft,
    RubricLevel,
)
from itembank.template import OPTION_COLUMNS, OPTION_LABELS, split_answers, split_codes

__all__ = ["ITEM_CODE_MAX", "RowReader", "TYPE_TH", "sanitize"]

ITEM_CODE_MAX = 64
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

#: Thai names of the item types, as the template writes them (the English names are accepted too).
TYPE_TH = {
    ItemType.multiple_choice: "เลือกตอบ",
    ItemType.true_false: "ถูกผิด",
    ItemType.short_answer: "เติมคำ",
    ItemType.numeric: "ตอบเป็นตัวเลข",
    ItemType.matching: "จับคู่",
    ItemType.constructed_response: "เขียนตอบ",
}
_TYPE_ALIASES = {
    ItemType.multiple_choice: ("ปรนัย", "ปรนัยเลือกตอบ", "mc", "choice", "หลายตัวเลือก"),
    ItemType.true_false: ("ถูก-ผิด", "จริงเท็จ", "tf"),
    ItemType.short_answer: ("เติมคำตอบ", "ตอบสั้น", "เติมคำตอบสั้น", "short"),
    ItemType.numeric: ("ตัวเลข", "number"),
    ItemType.matching: ("match",),
    ItemType.constructed_response: ("อัตนัย", "เขียนตอบแบบอิสระ", "constructed", "essay"),
}


def _norm_word(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.strip().casefold())


_TYPES: dict[str, ItemType] = {}
for _t in ItemType:
    for _name in (_t.value, TYPE_TH[_t], *_TYPE_ALIASES[_t]):
        _TYPES[_norm_word(_name)] = _t
_LEVELS: dict[str, CognitiveLevel] = {}
for _level in CognitiveLevel:
    for _name in (_level.value, COGNITIVE_LEVEL_TH[_level]):
        _LEVELS[_norm_word(_name)] = _level
_LEVELS[_norm_word("analyse")] = CognitiveLevel.analyze
_LEVELS[_norm_word("ประเมิน")] = CognitiveLevel.evaluate
_LEVELS[_norm_word("สร้างสรรค์")] = CognitiveLevel.create

_TRUE = frozenset(_norm_word(w) for w in ("true", "t", "ถูก", "จริง", "ใช่", "✓", "yes"))
_FALSE = frozenset(_norm_word(w) for w in ("false", "f", "ผิด", "เท็จ", "ไม่ใช่", "✗", "no"))
_ORDERED_YES = frozenset(_norm_word(w) for w in ("1", "y", "เรียง", "เรียงลำดับ", "ordered"))
_ORDERED_NO = frozenset(_norm_word(w) for w in ("0", "n", "ไม่", "ไม่เรียง", "สลับได้", "unordered"))
_LATIN_LABELS = {c: OPTION_LABELS[i] for i, c in enumerate("abcdef")}
_GRADE = re.compile(r"^(ป|ม)\s*\.?\s*([1-6])$")
_GRADE_LONG = re.compile(r"^(ประถมศึกษาปีที่|มัธยมศึกษาปีที่)\s*([1-6])$")
_AREAS = frozenset("ทควสพศงต")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_RUBRIC_LINE = re.compile(r"^(?:(?P<label>[^|]*?)\s*\|\s*)?(?P<points>[0-9]+(?:\.[0-9]+)?)\s*(?:คะแนน)?\s*[:：]\s*(?P<text>.*)$")
_PAIR = re.compile(r"^(?P<premise>[0-9]+)\s*(?:-|–|:|=|>|->|=>)\s*(?P<label>\S+)$")
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what XML 1.0 (so XLSX) cannot hold
_SAFE_TEXT = re.compile(r"^[^<>&\x00-\x08\x0b-\x1f\x7f-\xa0]*$")


def sanitize(text: str) -> str:
    """The allowlisted form of `text` (:func:`itembank.sanitize.sanitize_html`), fast for plain text."""
    return text if _SAFE_TEXT.match(text) else sanitize_html(text)



class RowReader:
    """Reads one row; every problem goes to the shared list with this row and the column's header."""

    def __init__(self, file: str, row: int, cells: list[str], index: dict[str, int], headers: dict[str, str],
                 codebook: CodeBook, problems: list[ItemBankError], notices: list[ItemBankError]):
        self.file, self.row, self.cells, self.index, self.headers = file, row, cells, index, headers
        self.codebook, self.problems, self.notices = codebook, problems, notices
        self.failed = False

    def raw(self, name: str) -> str:
        """The cell as written (text cells keep their spaces: they are part of the stored content)."""
        i = self.index.get(name)
        if i is None or i >= len(self.cells):
            return ""
        return self.cells[i]

    def cell(self, name: str) -> str:
        return self.raw(name).strip()

    def problem(self, code: str, column: str, th: str, en: str) -> ItemBankError:
        self.failed = True
        return problem(code, self.file, self.row, self.headers.get(column, column), th, en)

    def add(self, code: str, column: str, th: str, en: str) -> None:
        self.problems.append(self.problem(code, column, th, en))

    def clean(self, name: str, text: str) -> str:
        if _CONTROL.search(text):  # invisible control characters (pasted from other programs): XML cannot hold them
            text = _CONTROL.sub("", text)
            self.notices.append(problem(
                "import.control_characters", self.file, self.row, self.headers.get(name, name),
                "มีอักขระควบคุมที่มองไม่เห็น (เช่น จากการคัดลอกจากโปรแกรมอื่น) ตัดออกแล้ว",
                "invisible control characters (e.g. pasted from another program) were removed",
            ))
        cleaned = sanitize(text)
        if cleaned != text and html.unescape(cleaned) != html.unescape(text).replace("\r\n", "\n"):
            self.notices.append(problem(
                "import.sanitised", self.file, self.row, self.headers.get(name, name),
                "มีโค้ด HTML ที่ไม่ปลอดภัย (เช่น <script> หรือ onerror=) ตัดออกแล้ว เก็บเฉพาะส่วนที่ปลอดภัย",
                "unsafe HTML (such as <script> or onerror=) was removed; the safe part is stored",
            ))
        return cleaned

    # ---------------------------------------------------------------------------------- the row

    def read(self) -> ItemDraft | None:
        code = self.cell("code")
        if not code:
            self.add("import.code_empty", "code", "ไม่มีรหัสข้อสอบ", "the item code is empty")
        elif len(code) > ITEM_CODE_MAX:
            self.add("import.code_too_long", "code", f"รหัสข้อสอบยาวเกิน {ITEM_CODE_MAX} ตัวอักษร",
                     f"the item code is longer than {ITEM_CODE_MAX} characters")
        item_type = self.read_type()
        stem = self.raw("stem")
        if not stem.strip():
            self.add("import.stem_empty", "stem", "โจทย์ว่าง: ทุกข้อต้องมีโจทย์", "the stem is empty")
        else:
            stem = self.clean("stem", stem)
            if not stem.strip():
                self.add("import.stem_empty", "stem", "โจทย์ว่างหลังตัดโค้ดที่ไม่ปลอดภัยออก",
                         "the stem is empty once unsafe HTML is removed")
        points = self.read_points()
        fields = self.read_answer_fields(item_type, points)
        edition = self.cell("curriculum_edition") or DEFAULT_CURRICULUM_EDITION
        if not self.codebook.has_edition(edition):
            self.add("import.edition_unknown", "curriculum_edition", f"ไม่รู้จักฉบับหลักสูตร {edition}",
                     f"unknown curriculum edition {edition}")
            indicators: tuple[str, ...] = ()
        else:
            indicators = self.read_indicators(edition)
            if not indicators and not self.cell("indicators"):
                self.add("import.indicator_missing", "indicators", "ต้องระบุตัวชี้วัดอย่างน้อย 1 ตัว (เช่น ค 1.1 ป.6/2)",
                         "tag at least one indicator (e.g. ค 1.1 ป.6/2)")
        traits = self.read_traits(edition)
        competencies = self.read_competencies()
        area = self.read_area(indicators)
        set_code, set_position = self.read_set()
        draft_fields = dict(
            code=code, type=item_type or ItemType.multiple_choice, stem=stem, score_points=points,
            indicator_codes=indicators, trait_codes=traits, competency_codes=competencies,
            cognitive_level=self.read_level(), grade=self.read_grade(), learning_area=area,
            estimated_time_s=self.read_minutes(), set_code=set_code, set_position=set_position,
            media=self.read_media(), enemy_codes=self.read_enemies(code), curriculum_edition=edition,
            options_ordered=self.read_ordered(), **fields,
        )
        return ItemDraft(**draft_fields) if code else None

    def read_type(self) -> ItemType | None:
        raw = self.cell("type")
        found = _TYPES.get(_norm_word(raw)) if raw else None
        if found is None:
            allowed = " ".join(TYPE_TH.values())
            self.add("import.type_unknown", "type",
                     f"ไม่รู้จักชนิดข้อสอบ {raw!r} (ใช้ {allowed})" if raw else f"ไม่ได้ระบุชนิดข้อสอบ (ใช้ {allowed})",
                     f"unknown item type {raw!r} (use {', '.join(t.value for t in ItemType)})")
        return found

    def number(self, name: str, text: str) -> float | None:
        t = text.translate(_THAI_DIGITS).replace(",", "")
        if not _NUMBER.match(t):
            self.add("import.not_number", name, f"{text!r} ไม่ใช่ตัวเลข", f"{text!r} is not a number")
            return None
        return float(t)

    def read_points(self) -> float:
        raw = self.cell("score_points")
        if not raw:
            return 1.0
        value = self.number("score_points", raw)
        if value is None:
            return 1.0
        if value <= 0:
            self.add("import.points_invalid", "score_points", f"คะแนนเต็มต้องมากกว่า 0 (ได้ {raw})",
                     f"score points must be more than 0 (got {raw})")
        return value

    # --------------------------------------------------------------------- options and keys

    def read_options(self) -> list[OptionDraft]:
        options: list[OptionDraft] = []
        gap: str | None = None
        for name, label in zip(OPTION_COLUMNS, OPTION_LABELS, strict=True):
            text = self.raw(name)
            if not text.strip():
                gap = gap or name
                continue
            if gap is not None:
                missing = OPTION_LABELS[OPTION_COLUMNS.index(gap)]
                self.add("import.option_gap", gap, f"ตัวเลือก {missing} ว่าง แต่มีตัวเลือก {label} ถัดไป",
                         f"option {missing} is empty but option {label} follows")
                gap = None
            options.append(OptionDraft(label, self.clean(name, text)))
        fixed_raw = self.cell("fixed_options")
        if fixed_raw:
            labels = {o.label for o in options}
            fixed = set()
            for token in split_codes(fixed_raw.replace(" ", ",")):
                label = self._label(token)
                if label not in labels:
                    self.add("import.fixed_unknown", "fixed_options",
                             f"ตัวเลือกตรึงตำแหน่ง {token} ไม่อยู่ในตัวเลือก ({' '.join(sorted(labels))})",
                             f"fixed option {token} is not among the options")
                fixed.add(label)
            options = [OptionDraft(o.label, o.text, o.label in fixed) for o in options]
        return options

    def read_ordered(self) -> bool | None:
        """The options_ordered cell: ใช่/yes, ไม่ใช่/no, or blank (decided from the options when saved)."""
        raw = self.cell("options_ordered")
        if not raw:
            return None
        word = _norm_word(raw)
        if word in _TRUE or word in _ORDERED_YES:
            return True
        if word in _FALSE or word in _ORDERED_NO:
            return False
        self.add("import.ordered_invalid", "options_ordered",
                 f"ตัวเลือกเรียงลำดับต้องเป็น ใช่ หรือ ไม่ใช่ หรือเว้นว่างให้ตรวจจากตัวเลือก (ได้ {raw!r})",
                 f"options_ordered must be yes or no, or blank to decide from the options (got {raw!r})")
        return None

    @staticmethod
    def _label(token: str) -> str:
        t = token.strip().translate(_THAI_DIGITS).casefold()
        if t.isdigit() and 1 <= int(t) <= len(OPTION_LABELS):
            return OPTION_LABELS[int(t) - 1]
        return _LATIN_LABELS.get(t, token.strip())

    def read_answer_fields(self, item_type: ItemType | None, points: float) -> dict:
        key_raw = self.cell("key")
        out: dict = {}
        if item_type in (ItemType.multiple_choice, None):
            options = self.read_options()
            out["options"] = tuple(options)
            if item_type is not None:
                out["key"] = self.read_choice_key(key_raw, options)
        elif item_type is ItemType.true_false:
            out["key"] = self.read_true_false(key_raw)
        elif item_type is ItemType.matching:
            out["options"], out["key"] = self.read_matching(key_raw)
        elif item_type in (ItemType.short_answer, ItemType.numeric):
            out["key"], out["accepted_answers"] = self.read_answers(key_raw, item_type)
        else:
            out["key"] = split_answers(key_raw)
        rubric = self.read_rubric(points)
        if item_type is ItemType.constructed_response and not rubric:
            self.add("import.rubric_missing", "rubric", "ข้อเขียนตอบต้องมีเกณฑ์การให้คะแนน",
                     "a constructed-response item needs a rubric")
        out["rubric"] = rubric
        return out

    def read_choice_key(self, raw: str, options: list[OptionDraft]) -> tuple[str, ...]:
        if len(options) < 2:
            self.add("import.too_few_options", "option_1", "ข้อเลือกตอบต้องมีตัวเลือกอย่างน้อย 2 ตัว",
                     "a multiple-choice item needs at least 2 options")
        if not raw:
            self.add("import.key_missing", "key", "ไม่มีเฉลย", "no key")
            return ()
        labels = [o.label for o in options]
        keys = []
        for token in re.split(r"[\s,;|]+", raw):
            if not token:
                continue
            label = self._label(token)
            if label not in labels:
                self.add("import.key_not_option", "key",
                         f"เฉลย {token} ไม่อยู่ในตัวเลือก ({' '.join(labels) or 'ไม่มีตัวเลือก'})",
                         f"key {token} is not among the options ({' '.join(labels) or 'none'})")
            elif label not in keys:
                keys.append(label)
        return tuple(keys)  # in the order written: the order is part of the stored content

    def read_true_false(self, raw: str) -> tuple[str, ...]:
        word = _norm_word(raw)
        if word in _TRUE:
            return ("true",)
        if word in _FALSE:
            return ("false",)
        self.add("import.key_true_false", "key",
                 f"เฉลยข้อถูกผิดต้องเป็น ถูก หรือ ผิด (ได้ {raw!r})" if raw else "ไม่มีเฉลย (ถูก หรือ ผิด)",
                 f"a true/false key must be true or false (got {raw!r})")
        return ()

    def read_matching(self, raw: str) -> tuple[tuple[OptionDraft, ...], tuple[str, ...]]:
        premises_raw = self.cell("matching_premises")
        # premises in their own column (labelled 1, 2, 3 …), or written in the stem when the column is empty
        premises = [line.strip() for line in premises_raw.splitlines() if line.strip()]
        responses = self.read_options()
        if len(responses) < 2:
            self.add("import.too_few_options", "option_1", "ข้อจับคู่ต้องมีตัวเลือกอย่างน้อย 2 ตัว",
                     "a matching item needs at least 2 responses")
        options = tuple(OptionDraft(str(i + 1), self.clean("matching_premises", p))
                        for i, p in enumerate(premises)) + tuple(responses)
        labels = {o.label for o in responses}
        pairs = []
        for token in re.split(r"\s*[,;\n]\s*", raw.translate(_THAI_DIGITS)):
            if not token:
                continue
            m = _PAIR.match(token)
            if m is None:
                self.add("import.key_matching", "key", f"เฉลยจับคู่ {token!r} ต้องเขียนแบบ 1-ก",
                         f"matching key {token!r} must look like 1-ก")
                continue
            premise, label = int(m["premise"]), self._label(m["label"])
            if premise < 1 or (premises and premise > len(premises)):
                self.add("import.key_matching", "key", f"เฉลย {token}: ไม่มีข้อคำถามที่ {premise}",
                         f"key {token}: there is no premise {premise}")
            elif label not in labels:
                self.add("import.key_not_option", "key",
                         f"เฉลย {token}: {label} ไม่อยู่ในตัวเลือก ({' '.join(sorted(labels))})",
                         f"key {token}: {label} is not among the options")
            else:
                pairs.append(f"{premise}-{label}")
        if not pairs and not self.failed:
            self.add("import.key_missing", "key", "ไม่มีเฉลยการจับคู่ (เช่น 1-ข, 2-ก)", "no matching key (e.g. 1-ข, 2-ก)")
        return options, tuple(pairs)

    def read_answers(self, key_raw: str, item_type: ItemType) -> tuple[tuple[str, ...], tuple[str, ...]]:
        key = split_answers(key_raw)
        accepted = split_answers(self.cell("accepted_answers")) or key
        if not accepted:
            self.add("import.key_missing", "key", "ต้องมีคำตอบที่ยอมรับอย่างน้อย 1 คำตอบ",
                     "give at least one accepted answer")
        if item_type is ItemType.numeric:
            for name, values in (("key", key), ("accepted_answers", accepted)):
                for value in values:
                    if not _NUMBER.match(value.translate(_THAI_DIGITS).replace(",", "")):
                        self.add("import.not_number", name if name in self.index else "key",
                                 f"คำตอบ {value!r} ไม่ใช่ตัวเลข", f"answer {value!r} is not a number")
        return key, accepted

    def read_rubric(self, points: float) -> tuple[RubricLevel, ...]:
        raw = self.cell("rubric")
        if not raw:
            return ()
        levels = []
        for line in raw.splitlines():
            line = line.strip()
            if not line:
                continue
            m = _RUBRIC_LINE.match(line.translate(_THAI_DIGITS))
            if m is None:
                self.add("import.rubric_line", "rubric",
                         f"บรรทัด {line!r} ของเกณฑ์ต้องเขียนแบบ 2: คำอธิบาย", f"rubric line {line!r} must look like 2: text")
                continue
            text = line[line.index(m["text"]):] if m["text"] else ""  # keep Thai digits in the text
            levels.append(RubricLevel(float(m["points"]), self.clean("rubric", text.strip()), (m["label"] or "").strip()))
        if levels:
            top = max(level.points for level in levels)
            if top != points:
                self.add("import.rubric_points", "rubric",
                         f"คะแนนสูงสุดของเกณฑ์ ({top:g}) ไม่เท่ากับคะแนนเต็มของข้อ ({points:g})",
                         f"the rubric's top level ({top:g}) does not equal the item's points ({points:g})")
        return tuple(levels)

    # --------------------------------------------------------------------------------- tags

    def _codes(self, name: str, parse: Callable[[str], str]) -> tuple[str, ...]:
        raw = self.cell(name)
        out: list[str] = []
        for token in split_codes(raw) if raw else ():
            try:
                code = parse(token)
            except ItemBankError as e:
                self.add(e.code, name, e.message_th or e.text("th"), e.message_en or e.text("en"))
                continue
            if code not in out:
                out.append(code)
        return tuple(out)

    def read_indicators(self, edition: str) -> tuple[str, ...]:
        return self._codes("indicators", lambda t: self.codebook.indicator(t, edition))

    def read_traits(self, edition: str) -> tuple[str, ...]:
        return self._codes("traits", lambda t: self.codebook.trait(t, edition))

    def read_competencies(self) -> tuple[str, ...]:
        return self._codes("competencies", self.codebook.competency)

    def read_level(self) -> CognitiveLevel | None:
        raw = self.cell("cognitive_level")
        if not raw:
            return None
        level = _LEVELS.get(_norm_word(raw))
        if level is None:
            self.add("import.level_unknown", "cognitive_level",
                     f"ไม่รู้จักระดับพฤติกรรม {raw!r} (ใช้ {' '.join(COGNITIVE_LEVEL_TH.values())})",
                     f"unknown cognitive level {raw!r} (use {', '.join(c.value for c in CognitiveLevel)})")
        return level

    def read_grade(self) -> str | None:
        raw = self.cell("grade")
        if not raw:
            return None
        text = raw.translate(_THAI_DIGITS)
        m = _GRADE.match(text) or _GRADE_LONG.match(text)
        if m is None:
            self.add("import.grade_invalid", "grade", f"ชั้น {raw!r} ไม่ถูกต้อง (เช่น ป.6 หรือ ม.3)",
                     f"grade {raw!r} is not valid (e.g. ป.6 or ม.3)")
            return None
        return f"{m[1][0]}.{m[2]}"

    def read_area(self, indicators: tuple[str, ...]) -> str | None:
        raw = self.cell("learning_area")
        if not raw:
            return indicators[0].split(" ", 1)[0] if indicators else None
        if raw not in _AREAS:
            self.add("import.area_invalid", "learning_area",
                     f"กลุ่มสาระ {raw!r} ไม่ถูกต้อง (ใช้ ท ค ว ส พ ศ ง ต)", f"learning area {raw!r} is not valid")
            return None
        return raw

    def read_minutes(self) -> int | None:
        raw = self.cell("estimated_minutes")
        if not raw:
            return None
        minutes = self.number("estimated_minutes", raw)
        if minutes is None:
            return None
        if minutes <= 0 or minutes > 600:
            self.add("import.time_invalid", "estimated_minutes", f"เวลา {raw} นาทีไม่สมเหตุผล (0–600)",
                     f"{raw} minutes is not plausible (0–600)")
            return None
        return round(minutes * 60)

    def read_set(self) -> tuple[str | None, int | None]:
        set_code = self.cell("set_code") or None
        raw = self.cell("set_position")
        position = None
        if raw:
            value = self.number("set_position", raw)
            if value is not None and (not value.is_integer() or value < 1):
                self.add("import.set_position", "set_position", f"ลำดับในชุดต้องเป็นจำนวนเต็ม 1 ขึ้นไป (ได้ {raw})",
                         f"the position in the set must be a whole number ≥ 1 (got {raw})")
            elif value is not None:
                position = int(value)
        if set_code and position is None and not raw:
            self.add("import.set_position_missing", "set_position", f"ต้องระบุลำดับในชุด {set_code}",
                     f"give the item's position in set {set_code}")
        return set_code, position

    def read_media(self) -> tuple[str, ...]:
        raw = self.cell("media")
        out = []
        for token in split_codes(raw) if raw else ():
            if not _SHA256.match(token.lower()):
                self.add("import.media_invalid", "media", f"{token!r} ไม่ใช่รหัส sha256 ของสื่อ (ตัวอักษรฐานสิบหก 64 ตัว)",
                         f"{token!r} is not a media sha256 (64 hex digits)")
            else:
                out.append(token.lower())
        return tuple(out)

    def read_enemies(self, code: str) -> tuple[str, ...]:
        raw = self.cell("enemies")
        enemies = split_codes(raw) if raw else ()
        if code and code in enemies:
            self.add("import.enemy_self", "enemies", "ระบุตัวเองเป็นข้อสอบคู่ห้ามไม่ได้", "an item cannot be its own enemy")
        return tuple(dict.fromkeys(e for e in enemies if e != code))
