"""แม่แบบข้อสอบ (the item template): the columns of the CSV/XLSX file that imports and exports items.

One row is one item version. The first row holds the headers; each header may be written in Thai or
in English (either one of the names below), columns may come in any order, and only ``code``,
``type`` and ``stem`` are required. A column named ``note`` / ``หมายเหตุ`` is ignored; any other
unknown header is refused so that a misspelt column never drops data silently.

=====================  =========================  ================================================
English header          Thai header                 how the cell is written
=====================  =========================  ================================================
code                    รหัสข้อสอบ                   stable item code, e.g. ``M6-0001`` (unique in the file)
type                    ชนิดข้อสอบ                   ``multiple_choice`` เลือกตอบ · ``true_false`` ถูกผิด ·
                                                    ``short_answer`` เติมคำ · ``numeric`` ตอบเป็นตัวเลข ·
                                                    ``matching`` จับคู่ · ``constructed_response`` เขียนตอบ
stem                    โจทย์                        the question; HTML is cleaned by an allowlist
option_1 … option_6     ตัวเลือก ก … ตัวเลือก ฉ        option texts; their labels are ก ข ค ง จ ฉ
fixed_options           ตัวเลือกตรึงตำแหน่ง            labels that booklet variants must not move: ``ง``
options_ordered         ตัวเลือกเรียงลำดับ              ``ใช่``: the options carry an order (ก < ข …) that variants keep;
                                                    ``ไม่ใช่``: they may be shuffled; blank: numbers in order
                                                    (``10 ซม.``, ``๒๐ ซม.``, ``1 1/2`` …), months or days in order,
                                                    or an option such as ``ไม่มีข้อใดถูก`` make it ordered;
                                                    numbers are stored ascending (that option stays last)
matching_premises       ข้อคำถามจับคู่                  matching items: one premise per line, labelled 1, 2, 3 …
                                                    (or leave it empty and number the premises in the stem)
key                     เฉลย                        choice: ``ค`` or ``ก, ค`` (1–6 and ๑–๖ mean ก–ฉ) ·
                                                    true/false: ``ถูก``/``ผิด`` (true/false) · matching:
                                                    ``1-ข, 2-ก`` · short answer/numeric: ``42 | ๔๒``
accepted_answers        คำตอบที่ยอมรับ                short answer/numeric: answers separated by ``|``
score_points            คะแนน                       points, default 1
rubric                  เกณฑ์การให้คะแนน               one level per line: ``2: แสดงวิธีทำและตอบถูก``; an
                                                    analytic rubric names its criterion first:
                                                    ``วิธีทำ | 2: ถูกทุกขั้น``
indicators              ตัวชี้วัด                     ``ค 1.1 ป.6/2; ค 1.2 ป.6/1`` (``;``, ``,`` or new line)
traits                  คุณลักษณะอันพึงประสงค์          trait indicators ``1.2; 3.1``
competencies            สมรรถนะสำคัญ                  ``1; 3`` (1–5)
cognitive_level         ระดับพฤติกรรม                  จำ · เข้าใจ · นำไปใช้ · วิเคราะห์ · ประเมินค่า · สร้างสรรค์
                                                    (or remember … create)
grade                   ชั้น                         ``ป.6`` (``ป6``, ``ป.๖`` are accepted)
learning_area           กลุ่มสาระ                     ท ค ว ส พ ศ ง ต; taken from the first indicator if blank
estimated_minutes       เวลา (นาที)                  minutes, e.g. ``1.5``
set_code                รหัสชุดข้อสอบ                  the passage/stimulus set the item belongs to
set_position            ลำดับในชุด                    1, 2, 3 … within the set
media                   สื่อ                          sha256 of pictures already in the bank
enemies                 ข้อสอบคู่ห้ามอยู่ฉบับเดียวกัน      codes of items that must not share a form
curriculum_edition      ฉบับหลักสูตร                   default ``2551-2560``
note                    หมายเหตุ                      ignored
=====================  =========================  ================================================

An XLSX may carry a second sheet named ``ชุดข้อสอบ`` (or ``sets``) with the passages the items refer
to: columns ``set_code`` รหัสชุดข้อสอบ, ``title`` ชื่อชุด, ``stimulus`` บทอ่าน, ``media`` สื่อ. An export
writes it, so an XLSX export imports into an empty bank; a CSV's sets must already be in the bank.

Rubric points must add up: without criteria the highest level equals ``score_points``; with
criteria the highest levels of all criteria sum to ``score_points``.

Apostrophes and formulas (CSV injection): a cell is never a formula. On **export** a CSV cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return, a new line or an apostrophe gets
one leading apostrophe ``'``; on **import** from CSV one leading apostrophe is always removed, so an
export imports back to exactly the same text (``-5`` → ``'-5`` → ``-5``; ``'x`` → ``''x`` → ``'x``).
A CSV cell that starts with ``=`` without the apostrophe is refused as a formula. In XLSX the text is
written unchanged as a text cell with Excel's "quote prefix" style (what Excel stores when you type
``'=``), so it shows and reads back as the same text; a real formula cell in an imported XLSX is
refused with its row and column (Khlang never evaluates formulas).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "COLUMNS",
    "Column",
    "OPTION_LABELS",
    "column_for_header",
    "csv_neutralise",
    "csv_unneutralise",
    "format_rubric",
    "join_answers",
    "join_codes",
    "split_answers",
    "split_codes",
]

#: Option labels as Thai booklets print them (ก ข ค ง จ ฉ), in column order.
OPTION_LABELS = ("ก", "ข", "ค", "ง", "จ", "ฉ")
N_OPTIONS = len(OPTION_LABELS)


@dataclass(frozen=True)
class Column:
    """One template column: its English and Thai header, other accepted spellings, and a help text."""

    name: str  # English header, also the internal name
    th: str  # Thai header
    help_th: str
    help_en: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    example: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("code", "รหัสข้อสอบ", "รหัสข้อสอบ ไม่ซ้ำกันในไฟล์", "stable item code, unique in the file", True,
           ("item_code", "รหัส"), "M6-0001"),
    Column("type", "ชนิดข้อสอบ", "เลือกตอบ ถูกผิด เติมคำ ตอบเป็นตัวเลข จับคู่ หรือ เขียนตอบ",
           "multiple_choice, true_false, short_answer, numeric, matching or constructed_response", True,
           ("item_type", "ประเภท", "ประเภทข้อสอบ", "ชนิด"), "เลือกตอบ"),
    Column("stem", "โจทย์", "คำถาม (HTML จะถูกทำความสะอาด)", "the question (HTML is sanitised)", True,
           ("question", "คำถาม"), "๗ × ๘ มีค่าเท่าใด"),
    *(
        Column(f"option_{i + 1}", f"ตัวเลือก {label}", f"ข้อความตัวเลือก {label}", f"text of option {label}",
               aliases=(f"option {label}", f"ตัวเลือก {i + 1}", f"ตัวเลือกที่ {i + 1}", f"choice_{i + 1}"),
               example=("54", "56", "58", "64", "", "")[i])
        for i, label in enumerate(OPTION_LABELS)
    ),
    Column("fixed_options", "ตัวเลือกตรึงตำแหน่ง", "ตัวเลือกที่สลับตำแหน่งไม่ได้ เช่น ง (ถูกทุกข้อ)",
           "option labels booklet variants must not move"),
    Column("options_ordered", "ตัวเลือกเรียงลำดับ",
           "ใช่ = ตัวเลือกมีลำดับ ห้ามสลับ · ไม่ใช่ = สลับได้ · ว่าง = ตรวจจากตัวเลือก: ตัวเลขหรือเดือนที่เขียนเรียงไว้ "
           "หรือมีตัวเลือก ถูกทุกข้อ/ไม่มีข้อใดถูก ถือว่ามีลำดับ (ตัวเลขเก็บจากน้อยไปมาก)",
           "yes = the options carry an order variants keep · no = may be shuffled · blank = decided from the options: "
           "numbers or months written in order, or an option such as none of the above (numbers stored ascending)",
           aliases=("ordered_options", "เรียงลำดับตัวเลือก")),
    Column("matching_premises", "ข้อคำถามจับคู่", "ข้อจับคู่ บรรทัดละข้อ เรียกว่า 1 2 3 …",
           "matching premises, one per line, labelled 1, 2, 3 …", aliases=("premises",)),
    Column("key", "เฉลย", "ก หรือ ก, ค · ถูก/ผิด · 1-ข, 2-ก · คำตอบ | คำตอบ",
           "ก or ก, ค · true/false · 1-ข, 2-ก · answer | answer", aliases=("answer", "คำตอบ", "คำตอบที่ถูก"),
           example="ข"),
    Column("accepted_answers", "คำตอบที่ยอมรับ", "คำตอบที่ยอมรับ คั่นด้วย |", "accepted answers separated by |"),
    Column("score_points", "คะแนน", "คะแนนเต็มของข้อ (ค่าเริ่มต้น 1)", "points (default 1)", aliases=("points", "score"),
           example="1"),
    Column("rubric", "เกณฑ์การให้คะแนน", "บรรทัดละระดับ เช่น 2: แสดงวิธีทำและตอบถูก",
           "one level per line, e.g. 2: shows the working and the right answer"),
    Column("indicators", "ตัวชี้วัด", "รหัสตัวชี้วัด คั่นด้วย ; เช่น ค 1.1 ป.6/2",
           "indicator codes separated by ;", aliases=("indicator", "indicator_codes"), example="ค 1.1 ป.6/2"),
    Column("traits", "คุณลักษณะอันพึงประสงค์", "ตัวชี้วัดคุณลักษณะ เช่น 1.2", "desired-trait indicators, e.g. 1.2",
           aliases=("trait", "trait_codes", "คุณลักษณะ")),
    Column("competencies", "สมรรถนะสำคัญ", "สมรรถนะสำคัญ 1–5", "key competencies 1–5",
           aliases=("competency", "competency_codes", "สมรรถนะ")),
    Column("cognitive_level", "ระดับพฤติกรรม", "จำ เข้าใจ นำไปใช้ วิเคราะห์ ประเมินค่า สร้างสรรค์",
           "remember, understand, apply, analyze, evaluate, create",
           aliases=("level", "bloom", "พฤติกรรม", "ระดับพฤติกรรมการเรียนรู้"), example="นำไปใช้"),
    Column("grade", "ชั้น", "ชั้น เช่น ป.6", "grade, e.g. ป.6", aliases=("ระดับชั้น", "ชั้นเรียน"), example="ป.6"),
    Column("learning_area", "กลุ่มสาระ", "ท ค ว ส พ ศ ง ต (ว่างได้: ใช้ของตัวชี้วัดแรก)",
           "ท ค ว ส พ ศ ง ต (blank: from the first indicator)", aliases=("area", "กลุ่มสาระการเรียนรู้")),
    Column("estimated_minutes", "เวลา (นาที)", "เวลาทำข้อสอบโดยประมาณ (นาที)", "estimated time in minutes",
           aliases=("minutes", "เวลา", "time_minutes")),
    Column("set_code", "รหัสชุดข้อสอบ", "รหัสบทอ่าน/สถานการณ์ที่ข้อนี้อยู่", "code of the passage set",
           aliases=("set", "ชุดข้อสอบ")),
    Column("set_position", "ลำดับในชุด", "ลำดับข้อในชุด 1 2 3 …", "position within the set"),
    Column("media", "สื่อ", "sha256 ของภาพที่อยู่ในคลังแล้ว", "sha256 of pictures already in the bank",
           aliases=("รูปภาพ",)),
    Column("enemies", "ข้อสอบคู่ห้ามอยู่ฉบับเดียวกัน", "รหัสข้อสอบที่ห้ามอยู่ในฉบับเดียวกัน",
           "codes of items that must not share a form", aliases=("enemy_codes", "ข้อสอบคู่ห้าม")),
    Column("curriculum_edition", "ฉบับหลักสูตร", "ฉบับหลักสูตร (ค่าเริ่มต้น 2551-2560)",
           "curriculum edition (default 2551-2560)", aliases=("edition",)),
    Column("note", "หมายเหตุ", "ไม่นำเข้า (ไว้จดบันทึก)", "ignored (for your notes)", aliases=("notes", "comment")),
)

BY_NAME = {c.name: c for c in COLUMNS}

#: The optional second sheet of an XLSX (named ``ชุดข้อสอบ`` or ``sets``): one passage or stimulus per
#: row, referred to by the items' ``set_code``. A CSV cannot carry it: its sets must already be in the bank.
SET_SHEET_NAMES = ("ชุดข้อสอบ", "sets")
SET_COLUMNS: tuple[Column, ...] = (
    Column("set_code", "รหัสชุดข้อสอบ", "รหัสชุด (ตรงกับคอลัมน์ รหัสชุดข้อสอบ ของข้อสอบ)", "set code", True,
           ("code", "รหัสชุด")),
    Column("title", "ชื่อชุด", "ชื่อบทอ่าน/สถานการณ์", "title of the passage", True, ("ชื่อบทอ่าน",)),
    Column("stimulus", "บทอ่าน", "ข้อความบทอ่าน/สถานการณ์ (HTML จะถูกทำความสะอาด)", "the passage (HTML is sanitised)",
           aliases=("passage", "สถานการณ์")),
    Column("media", "สื่อ", "sha256 ของภาพที่อยู่ในคลังแล้ว", "sha256 of pictures already in the bank"),
)
OPTION_COLUMNS = tuple(f"option_{i + 1}" for i in range(N_OPTIONS))
IGNORED_COLUMNS = frozenset({"note"})


def _norm_header(header: str) -> str:
    h = header.replace("\ufeff", "").strip().casefold()
    h = re.sub(r"[\s_\-]+", " ", h)
    return h.strip()


def _header_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for c in COLUMNS:
        for spelling in (c.name, c.th, *c.aliases):
            index[_norm_header(spelling)] = c.name
            index[_norm_header(spelling).replace(" ", "")] = c.name
    return index


_HEADERS = _header_index()


def example_row() -> dict[str, str]:
    """One filled-in example row (a ป.6 multiplication item), as the blank template shows it."""
    return {c.name: c.example for c in COLUMNS if c.example}


def column_for_header(header: str) -> str | None:
    """The template column a header means (Thai or English, any case/spacing), or None.

    A trailing ``*`` (a "required" mark) is ignored, and ``โจทย์ (stem)`` is read as either name.
    """
    h = _norm_header(header).rstrip("*").strip()
    found = _HEADERS.get(h) or _HEADERS.get(h.replace(" ", ""))
    if found is None and h.endswith(")") and "(" in h:
        first, _, second = h[:-1].partition("(")
        a, b = column_for_header(first), column_for_header(second)
        found = a if a is not None and (b is None or a == b) else (b if a is None else None)
    return found


#: Rules shown under the column list in the XLSX guide sheet (Thai, English).
GUIDE_NOTES: tuple[tuple[str, str], ...] = (
    ("แถวแรกเป็นหัวคอลัมน์ (ไทยหรืออังกฤษ) เรียงลำดับใดก็ได้ ต้องมี รหัสข้อสอบ ชนิดข้อสอบ และ โจทย์",
     "row 1 holds the headers (Thai or English, any order); code, type and stem are required"),
    ("หลายค่าในช่องเดียว: ตัวชี้วัด/คุณลักษณะ/สมรรถนะ คั่นด้วย ; หรือ , · คำตอบที่ยอมรับ คั่นด้วย |",
     "several values in a cell: codes separated by ; or , · accepted answers by |"),
    ("ไม่รับสูตรคำนวณ: ถ้าต้องการข้อความที่ขึ้นต้นด้วย = ให้พิมพ์ ' นำหน้า",
     "formulas are refused: type ' first to keep text that starts with ="),
    ("ในไฟล์ CSV ที่ส่งออก ช่องที่ขึ้นต้นด้วย = + - @ แท็บ หรือ ' มี ' นำหน้าหนึ่งตัว ซึ่งจะถูกตัดออกเมื่อนำเข้า",
     "in an exported CSV, cells starting with = + - @ tab or ' get one leading ', removed again on import"),
    ("นำเข้าได้ทั้งไฟล์หรือไม่นำเข้าเลย: ถ้ามีปัญหาแม้แถวเดียว ระบบจะแสดงทุกปัญหาพร้อมแถวและคอลัมน์ และไม่บันทึกอะไร",
     "all rows or none: any problem lists every problem with its row and column, and nothing is written"),
)


# ------------------------------------------------------------------------------ cell lists

_CODE_SPLIT = re.compile(r"\s*[;,\n]\s*")
_ANSWER_SPLIT = re.compile(r"\s*[|\n]\s*")


def split_codes(cell: str) -> tuple[str, ...]:
    """``"ค 1.1 ป.6/2; ค 1.2 ป.6/1"`` → two codes (``;``, ``,`` or new line separate them)."""
    return tuple(part for part in _CODE_SPLIT.split(cell.strip()) if part)


def join_codes(codes: Iterable[str]) -> str:
    return "; ".join(codes)


def split_answers(cell: str) -> tuple[str, ...]:
    """``"42 | ๔๒"`` → ``("42", "๔๒")``: answers may contain commas, so only ``|`` or a new line separate."""
    return tuple(part for part in _ANSWER_SPLIT.split(cell.strip()) if part)


def join_answers(answers: Iterable[str]) -> str:
    return " | ".join(answers)


def format_rubric(levels: Iterable[tuple[float, str, str]]) -> str:
    """Rubric levels ``(points, description, label)`` as the cell text, one level per line."""
    lines = []
    for points, description, label in levels:
        p = format_number(points)
        lines.append(f"{label} | {p}: {description}" if label else f"{p}: {description}")
    return "\n".join(lines)


def format_number(x: float | int | None) -> str:
    """``2.0`` → ``"2"``, ``1.5`` → ``"1.5"``, None → ``""``."""
    if x is None:
        return ""
    x = float(x)
    return str(int(x)) if x.is_integer() else repr(x)


# ------------------------------------------------------------------------ formula injection

#: First characters that make a spreadsheet read a CSV cell as a formula (OWASP), plus the
#: apostrophe itself so that the rule can be undone exactly.
CSV_DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\n", "'", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_neutralise(text: str) -> str:
    """Prefix one apostrophe when `text` starts with a character a spreadsheet may run (or with ``'``)."""
    return "'" + text if text.lstrip(" ").startswith(CSV_DANGEROUS) else text


def csv_unneutralise(text: str) -> str:
    """The inverse of :func:`csv_neutralise`: drop one leading apostrophe."""
    return text[1:] if text.startswith("'") else text
