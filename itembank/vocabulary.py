"""คำศัพท์ของคลัง (vocabulary): the Thai and English words for the bank's codes, usable anywhere.

Pages, commands, documents and jobs show item types, statuses, cognitive levels and instrument
purposes and kinds with these words; filters accept the code, the Thai word or the English word.
Plain data: no Flask, no database. The web's English catalogue is this table's English column.
"""

from __future__ import annotations

import re

from itembank.errors import ItemBankError

#: kind → code → (Thai, English). The order is the order shown to people.
VOCABULARY: dict[str, dict[str, tuple[str, str]]] = {
    "item_type": {
        "multiple_choice": ("เลือกตอบ", "Multiple choice"),
        "true_false": ("ถูก-ผิด", "True/false"),
        "short_answer": ("เติมคำตอบสั้น", "Short answer"),
        "numeric": ("ตอบเป็นตัวเลข", "Numeric answer"),
        "matching": ("จับคู่", "Matching"),
        "constructed_response": ("เขียนตอบ", "Constructed response"),
    },
    "status": {
        "draft": ("ฉบับร่าง", "Draft"),
        "in_review": ("รอพิจารณา", "In review"),
        "approved": ("อนุมัติแล้ว", "Approved"),
        "retired": ("เลิกใช้", "Retired"),
    },
    "cognitive_level": {
        "remember": ("จำ", "Remember"),
        "understand": ("เข้าใจ", "Understand"),
        "apply": ("นำไปใช้", "Apply"),
        "analyze": ("วิเคราะห์", "Analyse"),
        "evaluate": ("ประเมินค่า", "Evaluate"),
        "create": ("สร้างสรรค์", "Create"),
    },
    "purpose": {
        "desired_trait": ("คุณลักษณะอันพึงประสงค์", "Desired characteristics"),
        "reading_thinking_writing": ("การอ่าน คิดวิเคราะห์ และเขียน", "Reading, thinking and writing"),
        "authentic": ("การประเมินตามสภาพจริง", "Authentic assessment"),
        "competency": ("สมรรถนะสำคัญของผู้เรียน", "Key competencies"),
    },
    "instrument_kind": {
        "rating_scale": ("มาตรประมาณค่า", "Rating scale"),
        "rubric": ("เกณฑ์การให้คะแนน", "Scoring rubric"),
        "checklist": ("แบบตรวจสอบรายการ", "Checklist"),
    },
}

#: What each kind is called, for messages: (Thai, English).
KIND_NAMES: dict[str, tuple[str, str]] = {
    "item_type": ("ชนิดข้อสอบ", "item type"),
    "status": ("สถานะ", "status"),
    "cognitive_level": ("ระดับพฤติกรรม", "cognitive level"),
    "purpose": ("จุดประสงค์ของแบบประเมิน", "instrument purpose"),
    "instrument_kind": ("ชนิดแบบประเมิน", "instrument kind"),
}

#: Other words people type for the same code (spellings, short forms); never shown.
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "item_type": {
        "multiple_choice": ("ปรนัย", "mc"),
        "true_false": ("ถูกผิด", "tf"),
        "short_answer": ("เติมคำ", "ตอบสั้น", "short"),
        "constructed_response": ("อัตนัย", "essay"),
    },
    "status": {"in_review": ("review",)},
    "cognitive_level": {"analyze": ("analyse",), "evaluate": ("ประเมิน",)},
}


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-/]+", "", text.strip().casefold())


def _index(kind: str) -> dict[str, str]:
    words: dict[str, str] = {}
    for code, (th, en) in VOCABULARY[kind].items():
        for word in (code, th, en, *ALIASES.get(kind, {}).get(code, ())):
            words.setdefault(_norm(word), code)
    return words


_WORDS: dict[str, dict[str, str]] = {kind: _index(kind) for kind in VOCABULARY}


def _kind(kind: str) -> dict[str, tuple[str, str]]:
    try:
        return VOCABULARY[kind]
    except KeyError:
        raise ValueError(f"unknown vocabulary {kind!r}; one of {', '.join(VOCABULARY)}") from None


def codes(kind: str) -> tuple[str, ...]:
    """The codes of `kind`, in the order shown to people."""
    return tuple(_kind(kind))


def label(kind: str, code: str | None, lang: str = "th") -> str:
    """The word for `code` in `lang` ("th" or "en"); an unknown code is shown as it is."""
    if code is None:
        return ""
    words = _kind(kind).get(str(code))
    if words is None:
        return str(code)
    return words[1] if lang == "en" else words[0]


def labels(kind: str, lang: str = "th") -> dict[str, str]:
    """code → word in `lang`, in the order shown to people."""
    return {code: label(kind, code, lang) for code in _kind(kind)}


def allowed(kind: str, lang: str = "th") -> str:
    """The allowed values as a person reads them: ``นำไปใช้ (apply), …``."""
    return ", ".join(f"{label(kind, c, lang)} ({c})" for c in _kind(kind))


def parse(kind: str, text: str) -> str:
    """The code for what a person typed: the code, the Thai or the English word (any case, spacing).

    Raises ItemBankError("vocabulary.unknown") listing the allowed values for anything else.
    """
    _kind(kind)
    code = _WORDS[kind].get(_norm(str(text)))
    if code is None:
        name_th, name_en = KIND_NAMES[kind]
        raise ItemBankError(
            "vocabulary.unknown", kind="invalid", vocabulary=kind, value=text,
            message_th=f"ไม่รู้จัก{name_th} {text!r}: ใช้ได้ {allowed(kind, 'th')}",
            message_en=f"unknown {name_en} {text!r}: use one of {allowed(kind, 'en')}",
        )
    return code
