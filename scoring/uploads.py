"""ส่งคำตอบ (answer uploads): the template a school fills, and importing it into scores and the warehouse.

The file (CSV or XLSX) has one row per student: เลขประจำตัว, ชุด (the variant), and one column per
printed item position (1 … N, in the variant's order); other columns (ชั้น, ห้อง, เลขที่, ชื่อ) are
ignored. The OMR layout's own export (``khlang-omr/1``: student_number, class, room, seat, variant,
1 … N, several marks as ``AC`` or ``A|C``) is read the same way. Answer cells take ก–จ, A–E, 1–5 and ๑–๕; blank or ``0`` = omitted; ``9`` or ``*`` = several
marks on a single-answer item; several options of a multiple-answer item are written together
(``กค`` or ``ก,ค``); rubric-scored items take the points given (0 … the item's points).

The whole file is read, checked and scored *before* the write transaction (every problem listed
with file, row and column, in Thai); then one short transaction writes the upload, its response
sets, scores and the warehouse rows, or nothing. Idempotent by database constraints: one response
set per administration and student, one upload per school and file hash; a corrected file replaces
the school's previous upload in the same transaction; two identical uploads at once count once.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from itembank.authz import Actor, authorize
from itembank.decoding import OLE_MAGIC, decode
from itembank.errors import KhlangError, Where
from itembank.importing.files import Limits, RawTable, read_table
from itembank.models import utcnow
from itembank.schools import School, get_school
from psychometrics.tables import Table
from scoring import settings as cfg
from scoring.administrations import aware, load, participates
from scoring.bulk import write_rows
from scoring.errors import MAX_PROBLEMS, ScoringError, problem, raise_problems
from scoring.keying import NOT_PRESENTED, OMITTED, SEVERAL, FormKey, score_codes
from scoring.models import (
    AcademicYear,
    Administration,
    AnswerUpload,
    Enrolment,
    ResponseSet,
    SchoolClass,
    Student,
    StudentScore,
    Term,
)
from scoring.responses import administration_key
from scoring.rosters import NATIONAL_ID_HEADERS, PDPA_EN, PDPA_TH
from scoring.scores import administration_scale, banked_parameters, student_results
from scoring.warehouse import figures, write_school
from testgen.forms import form_variants
from testgen.models import Form

ID_HEADERS = ("เลขประจำตัว", "เลขประจำตัวนักเรียน", "รหัสนักเรียน", "student_id", "student_code",
              "student_number")  # student_number: the OMR layout's field (khlang-omr/1)
VARIANT_HEADERS = ("ชุด", "ชุดที่", "ชุดข้อสอบ", "variant", "booklet")
INFO_HEADERS = ("ชั้น", "ห้อง", "เลขที่", "ชื่อ", "ชื่อ-นามสกุล", "คำนำหน้า", "นามสกุล", "เพศ", "grade", "room", "seat",
                "name", "class", "sheet_number")
UPLOAD_LIMITS = Limits(max_bytes=5 * 1024 * 1024, max_rows=3_000, max_columns=260)
_OPTION_CHAR = {c: i for i, group in enumerate(zip("กขคงจ", "ABCDE", "abcde", "12345", "๑๒๓๔๕", strict=True))
                for c in group}
_EXCEL_DATE = re.compile(r"^(\d{5}(\.\d+)?|\d{4}-\d{2}-\d{2}([ T].*)?|\d{1,2}/\d{1,2}/\d{2,4})$")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def _key(header: str) -> str:
    return re.sub(r"\s+", "", str(header)).casefold()


_ID_KEYS = {_key(x) for x in ID_HEADERS}
_VARIANT_KEYS = {_key(x) for x in VARIANT_HEADERS}
_INFO_KEYS = {_key(x) for x in INFO_HEADERS}
_NATIONAL_ID_KEYS = {_key(x) for x in NATIONAL_ID_HEADERS}


# ----------------------------------------------------------------------------------------------- template


@dataclass(frozen=True)
class _Context:
    adm: Administration
    school: School
    year_id: int
    variants: dict[str, tuple[list[int], list[list[int]]]]  # label -> (order, option maps)
    key: FormKey


def _context(session: Session, actor: Actor, admin: str, school_code: str, action: str) -> _Context:
    adm = load(session, actor, admin, action)
    school = get_school(session, actor, school_code)
    authorize(actor, school, action)
    if not participates(session, adm, school.id):
        raise ScoringError("administration.school", kind="not_found",
                           message_th=f"โรงเรียน {school.code} ไม่ได้เข้าร่วมการสอบ {adm.code}",
                           message_en=f"school {school.code} does not take part in {adm.code}")
    form = session.get(Form, adm.form_id)
    term = session.get(Term, adm.term_id)
    variants = {v.label: (list(v.order), [list(m) for m in v.option_maps]) for v in form_variants(session, form)}
    key = administration_key(session, adm)
    if not variants:
        variants = {"": (list(range(key.n_items)), [list(range(it.n_options)) for it in key.items])}
    return _Context(adm, school, term.academic_year_id, variants, key)


def _enrolled(session: Session, school_id: int, year_id: int, grade: str | None = None) -> list[tuple]:
    q = (select(Student.id, Student.student_code, Student.prefix, Student.first_name, Student.last_name,
                SchoolClass.id, SchoolClass.grade, SchoolClass.room, Enrolment.seat)
         .join(Enrolment, Enrolment.student_id == Student.id).join(SchoolClass, SchoolClass.id == Enrolment.class_id)
         .where(Student.school_id == school_id, Enrolment.academic_year_id == year_id))
    if grade:
        q = q.where(SchoolClass.grade == grade)
    return list(session.execute(q.order_by(SchoolClass.room, Enrolment.seat, Student.student_code)).all())


def answer_template(session: Session, actor: Actor, admin: str, school_code: str) -> Table:
    """The upload file of one school: its roll for the grade, a variant column, one column per printed item."""
    ctx = _context(session, actor, admin, school_code, "answers.upload")
    names = actor.may("student.read_names", ctx.school)
    n = ctx.key.n_items
    only = next(iter(ctx.variants)) if len(ctx.variants) == 1 else ""
    rows = [(code, grade, room, seat, " ".join(x for x in (p, f, la) if x) if names else "", only, *([""] * n))
            for _, code, p, f, la, _, grade, room, seat in _enrolled(session, ctx.school.id, ctx.year_id, ctx.adm.grade)]
    labels = ", ".join(v for v in ctx.variants if v) or "-"
    return Table("คำตอบ", ("เลขประจำตัว", "ชั้น", "ห้อง", "เลขที่", "ชื่อ-นามสกุล", "ชุด", *map(str, range(1, n + 1))), rows,
                 (f"การสอบ {ctx.adm.code} โรงเรียน {ctx.school.code}: ชุดที่ใช้ได้ {labels}",
                  "คำตอบ: ก–จ, A–E, 1–5 หรือ ๑–๕; ว่างหรือ 0 = ไม่ตอบ; 9 หรือ * = ฝนหลายคำตอบ; "
                  "ข้อที่ตอบได้หลายคำตอบเขียนรวมกัน เช่น กค หรือ ก,ค; ข้อเขียนตอบใส่คะแนนที่ได้"))


# ------------------------------------------------------------------------------------------------ reading


@dataclass(frozen=True)
class ParsedUpload:
    """A checked answer file: student ids, variants and answer codes in FORM order, and their scores."""

    file_name: str
    file_hash: str
    student_ids: np.ndarray
    class_ids: np.ndarray
    variants: list[str]
    codes: np.ndarray


def _hidden_sheets(path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(path) as z:
            text = z.read("xl/workbook.xml").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return []  # read_table names a broken workbook
    return re.findall(r'<(?:\w+:)?sheet\b[^>]*?name="([^"]*)"[^>]*?state="(?:hidden|veryHidden)"', text) + \
        re.findall(r'<(?:\w+:)?sheet\b[^>]*?state="(?:hidden|veryHidden)"[^>]*?name="([^"]*)"', text)


def _plain_csv(data: bytes, name: str) -> RawTable | None:
    """A CSV without apostrophes, formulas or anything but text, read straight by the csv module (the
    bank's reader checks every cell for formulas and text markers; this file has none). None: use it."""
    if not data or b"=" in data or b"'" in data or b"\x00" in data or data[:2] == b"PK" or data[:8] == OLE_MAGIC:
        return None
    text, encoding = decode(data, name, error=ScoringError)
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        return None
    if not records or len(records) - 1 > UPLOAD_LIMITS.max_rows or len(records[0]) > UPLOAD_LIMITS.max_columns:
        return None
    rows = [(n, r) for n, r in enumerate(records[1:], start=2) if any(c.strip() for c in r)]
    return RawTable(name, "csv", encoding, [h.strip() for h in records[0]], rows, [])


def _decode_cells(uniq: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per distinct cell text: (option bit mask or -1 invalid, number of marks, special code, number)."""
    mask = np.full(len(uniq), -1, dtype=np.int64)
    marks = np.zeros(len(uniq), dtype=np.int64)
    special = np.zeros(len(uniq), dtype=np.int64)  # 0 none, OMITTED, SEVERAL
    number = np.full(len(uniq), np.nan)
    for i, u in enumerate(uniq):
        t = re.sub(r"[\s,;|/+]+", "", str(u))  # ก,ค  ก ค  A|C (OMR exports)  all mean the same marks
        digits = t.translate(_THAI_DIGITS)
        if re.fullmatch(r"\d+(\.\d+)?", digits):
            number[i] = float(digits)
        if t in ("", "0", "๐"):
            special[i], mask[i] = OMITTED, 0
        elif t in ("9", "*", "๙"):
            special[i], mask[i] = SEVERAL, 0
        elif all(c in _OPTION_CHAR for c in t):
            bits = [_OPTION_CHAR[c] for c in t]
            if len(set(bits)) == len(bits):
                mask[i], marks[i] = sum(1 << b for b in bits), len(bits)
    return mask, marks, special, number


def read_upload(path: Path, ctx: _Context, students: dict[str, tuple[int, int]],
                display_name: str | None = None) -> ParsedUpload:
    """Read and check a school's answer file; every problem with its row and column, or the codes."""
    path = Path(path)
    data = path.read_bytes() if path.stat().st_size <= UPLOAD_LIMITS.max_bytes else b""
    try:
        table = _plain_csv(data, display_name or path.name) if path.suffix.lower() == ".csv" else None
        table = table or read_table(path, limits=UPLOAD_LIMITS, display_name=display_name)
    except KhlangError as e:  # the bank's reader refuses in its own type: this room answers in its own
        raise ScoringError(e.code, kind=e.kind, where=e.where, problems=e.problems, message_th=e.message_th,
                           message_en=e.message_en) from None
    name = table.file
    if table.format == "xlsx":
        hidden = _hidden_sheets(path)
        if hidden:
            raise problem("answers.hidden_sheet", f"ไฟล์มีชีตที่ซ่อนไว้ ({', '.join(hidden)}): เปิดให้เห็นหรือลบออกก่อนส่ง "
                          "เพื่อไม่ให้ส่งข้อมูลที่มองไม่เห็น", f"the workbook has hidden sheets ({', '.join(hidden)}): "
                          "unhide or delete them before uploading", Where(name))
    if table.problems:
        raise ScoringError("file.invalid", where=Where(name), problems=list(table.problems)[:MAX_PROBLEMS])
    headers = table.headers
    keys = [_key(h) for h in headers]
    if any(k in _NATIONAL_ID_KEYS for k in keys):
        col = headers[next(j for j, k in enumerate(keys) if k in _NATIONAL_ID_KEYS)]
        raise problem("answers.national_id", PDPA_TH, PDPA_EN, Where(name, 1, col))
    id_col = next((j for j, k in enumerate(keys) if k in _ID_KEYS), None)
    if id_col is None:
        raise problem("answers.header", "ไม่พบคอลัมน์ เลขประจำตัว ในแถวหัวตาราง (ใช้แม่แบบจาก khlang scores template)",
                      "no student id column (เลขประจำตัว) in the header", Where(name, 1))
    ids = [c[id_col].strip() for _, c in table.rows if id_col < len(c)]
    if ids and sum(len(re.sub(r"\D", "", i)) == 13 for i in ids) > len(ids) / 2:
        raise problem("answers.national_id", PDPA_TH, PDPA_EN, Where(name, 1, headers[id_col]))
    var_col = next((j for j, k in enumerate(keys) if k in _VARIANT_KEYS), None)
    n_items = ctx.key.n_items
    item_cols: dict[int, int] = {}
    problems = []
    for j, k in enumerate(keys):
        if j in (id_col, var_col) or k in _INFO_KEYS:
            continue
        m = re.fullmatch(r"(?:ข้อ|ข้อที่|q|item)?\.?([0-9๐-๙]+)", k)
        if m is None:
            if k:
                problems.append(problem("answers.column", f"ไม่รู้จักคอลัมน์ {headers[j]!r}",
                                        f"unknown column {headers[j]!r}", Where(name, 1, headers[j])))
            continue
        pos = int(m.group(1).translate(_THAI_DIGITS))
        if not 1 <= pos <= n_items:
            problems.append(problem("answers.too_many_items", f"คอลัมน์ข้อ {pos} เกินจำนวนข้อของแบบทดสอบ ({n_items} ข้อ)",
                                    f"item column {pos} is beyond the form's {n_items} items",
                                    Where(name, 1, headers[j])))
        elif pos - 1 in item_cols.values():
            problems.append(problem("answers.column_repeated", f"คอลัมน์ข้อ {pos} ซ้ำ", f"item column {pos} repeats",
                                    Where(name, 1, headers[j])))
        else:
            item_cols[j] = pos - 1
    missing = sorted(set(range(n_items)) - set(item_cols.values()))
    if missing:
        shown = ", ".join(str(p + 1) for p in missing[:10]) + (" …" if len(missing) > 10 else "")
        problems.append(problem("answers.too_few_items", f"ขาดคอลัมน์ข้อ {shown}: แบบทดสอบมี {n_items} ข้อ",
                                f"item columns {shown} are missing: the form has {n_items} items", Where(name, 1)))
    raise_problems(problems, file=name)
    if not table.rows:
        raise problem("answers.empty", "ไม่มีแถวคำตอบในไฟล์", "no answer rows in the file", Where(name))
    return _parse_rows(table, ctx, students, id_col, var_col, item_cols, hashlib.sha256(data).hexdigest())


def _parse_rows(table, ctx: _Context, students, id_col, var_col, item_cols, file_hash) -> ParsedUpload:
    name, headers = table.file, table.headers
    problems: list[ScoringError] = []
    n_rows = len(table.rows)
    rows_n = np.array([n for n, _ in table.rows])
    cells = np.array([[(c[j] if j < len(c) else "") for j in item_cols] for _, c in table.rows], dtype=object)
    cells = cells.reshape(n_rows, len(item_cols)) if n_rows else cells
    var_pos = np.array(list(item_cols.values()))  # printed position of each item column
    col_name = [headers[j] for j in item_cols]
    sids, cids, variants, seen = np.zeros(n_rows, np.int64), np.zeros(n_rows, np.int64), [], {}
    labels = list(ctx.variants)
    for i, (n, c) in enumerate(table.rows):
        code = c[id_col].strip() if id_col < len(c) else ""
        var = (c[var_col].strip().upper() if var_col is not None and var_col < len(c) else "")
        if not var and len(labels) == 1:
            var = labels[0]
        variants.append(var)
        if code not in students:
            problems.append(problem("answers.unknown_student",
                                    f"ไม่พบนักเรียนเลขประจำตัว {code!r} ในรายชื่อของโรงเรียน {ctx.school.code}" if code
                                    else "เลขประจำตัวว่าง", f"no student {code!r} on the school's roll",
                                    Where(name, n, headers[id_col])))
        elif code in seen:
            problems.append(problem("answers.duplicate_student", f"นักเรียน {code} ซ้ำกับแถว {seen[code]}",
                                    f"student {code} repeats row {seen[code]}", Where(name, n, headers[id_col])))
        else:
            seen[code] = n
            sids[i], cids[i] = students[code]
        if var not in ctx.variants:
            problems.append(problem("answers.variant", f"ชุด {var!r} ไม่ใช่ชุดของการสอบนี้ (มี {', '.join(labels)})",
                                    f"variant {var!r} is not one of this administration's ({', '.join(labels)})",
                                    Where(name, n, headers[var_col] if var_col is not None else "ชุด")))
    uniq, inverse = np.unique(cells.astype(str), return_inverse=True)
    inverse = inverse.reshape(cells.shape)
    mask_u, marks_u, special_u, number_u = _decode_cells(uniq)
    codes = np.full((n_rows, ctx.key.n_items), NOT_PRESENTED, dtype=np.int16)
    bad_cells: list[tuple[int, int, str, str]] = []
    var_arr = np.array(variants, dtype=object)
    for label, (order, maps) in ctx.variants.items():
        rows = np.flatnonzero(var_arr == label)
        if not rows.size:
            continue
        single = [col for col, p in enumerate(var_pos) if ctx.key.items[order[p]].kind == "single"]
        if single:
            bad_cells += _single_columns(ctx, order, maps, var_pos, single, rows, inverse, codes,
                                         (mask_u, marks_u, special_u))
        done = set(single)
        for col, p in enumerate(var_pos):
            if col in done:
                continue
            q = order[p]
            it = ctx.key.items[q]
            inv = inverse[rows, col]
            mask, marks, special, number = mask_u[inv], marks_u[inv], special_u[inv], number_u[inv]
            out, bad, why = _column_codes(it, maps[p], mask, marks, special, number)
            codes[rows, q] = out
            for r in rows[np.flatnonzero(bad)][:MAX_PROBLEMS]:
                bad_cells.append((r, col, why[0], why[1]))
    for r, col, th, en in sorted(bad_cells)[:MAX_PROBLEMS]:
        text = str(cells[r, col])
        if _EXCEL_DATE.match(text.strip()):
            th += " — ดูเหมือนวันที่ของ Excel: ตั้งรูปแบบเซลล์เป็นข้อความแล้วพิมพ์คำตอบใหม่"
            en += " — looks like an Excel date: format the cells as text and type the answers again"
        problems.append(problem("answers.answer", f"{text!r}: {th}", f"{text!r}: {en}", Where(name, int(rows_n[r]),
                                                                                            col_name[col])))
    raise_problems(problems, len(problems) + max(len(bad_cells) - MAX_PROBLEMS, 0), file=name)
    return ParsedUpload(name, file_hash, sids, cids, variants, codes)


def _single_columns(ctx: _Context, order, maps, var_pos, cols: list[int], rows: np.ndarray, inverse: np.ndarray,
                    codes: np.ndarray, decoded) -> list[tuple[int, int, str, str]]:
    """Every single-answer column of one variant's rows at once (rows × columns arrays): the codes in form
    order and form option indices into `codes`, and the bad cells (at most MAX_PROBLEMS per column)."""
    mask_u, marks_u, special_u = decoded
    pos = var_pos[cols]
    q = np.array([order[p] for p in pos])
    n_opt = np.array([ctx.key.items[i].n_options for i in q], dtype=np.int64)
    omap = np.zeros((len(cols), 8), dtype=np.int64)
    for k, p in enumerate(pos):
        omap[k, :len(maps[p])] = maps[p]
    inv = inverse[np.ix_(rows, cols)]
    mask, marks, special = mask_u[inv], marks_u[inv], special_u[inv]
    invalid = (mask < 0) | (mask >= (1 << n_opt)[None, :])
    one = (marks == 1) & ~invalid
    idx = np.zeros(mask.shape, dtype=np.int64)
    idx[one] = np.log2(mask[one]).astype(np.int64)
    out = np.full(mask.shape, OMITTED, dtype=np.int16)
    out[special == SEVERAL] = SEVERAL
    out[one] = omap[np.broadcast_to(np.arange(len(cols)), mask.shape)[one], idx[one]]
    codes[rows[:, None], q[None, :]] = out
    bad = invalid | ((marks > 1) & ~invalid)
    found = []
    for k in np.flatnonzero(bad.any(axis=0)):  # only a refused file gets here
        letters = "กขคงจ"[:n_opt[k]]
        th = f"ไม่ใช่คำตอบของข้อนี้ (ตัวเลือก {letters}; ฝนหลายคำตอบให้ใส่ 9 หรือ *)"
        en = f"not an answer of this item (options 1–{n_opt[k]}; several marks: write 9 or *)"
        found += [(int(r), cols[k], th, en) for r in rows[np.flatnonzero(bad[:, k])][:MAX_PROBLEMS]]
    return found


def _column_codes(it, omap, mask, marks, special, number):
    """Form-order codes of one printed column for the rows of one variant, and which cells are bad."""
    n = len(mask)
    if it.kind == "rubric":
        ok = ~np.isnan(number) & (number <= it.points) & (number == np.round(number))
        ok |= special == OMITTED
        out = np.where(special == OMITTED, OMITTED, np.nan_to_num(number)).astype(np.int16)
        return out, ~ok, (f"ข้อเขียนตอบต้องเป็นคะแนนเต็มหน่วย 0 ถึง {it.points:g}",
                          f"a rubric item takes whole points 0 to {it.points:g}")
    n_opt = it.n_options
    invalid = (mask < 0) | (mask >= (1 << n_opt))
    omap_arr = np.array(list(omap) + [0] * (8 - len(omap)), dtype=np.int64)
    out = np.full(n, OMITTED, dtype=np.int16)
    out[special == SEVERAL] = SEVERAL
    if it.kind == "single":
        two = (marks > 1) & ~invalid
        single = (marks == 1) & ~invalid
        idx = np.zeros(n, dtype=np.int64)
        idx[single] = np.log2(mask[single]).astype(np.int64)
        out[single] = omap_arr[idx[single]]
        bad = invalid | two
        th = (f"ไม่ใช่คำตอบของข้อนี้ (ตัวเลือก {'กขคงจ'[:n_opt]}; ฝนหลายคำตอบให้ใส่ 9 หรือ *)")
        en = f"not an answer of this item (options 1–{n_opt}; several marks: write 9 or *)"
        return out, bad, (th, en)
    chosen = (marks >= 1) & ~invalid
    form_mask = np.zeros(n, dtype=np.int64)
    for v in range(n_opt):
        form_mask |= ((mask >> v) & 1) << omap_arr[v]
    out[chosen] = form_mask[chosen]
    return out, invalid, (f"ไม่ใช่คำตอบของข้อนี้ (ตัวเลือก {'กขคงจ'[:n_opt]} เขียนรวมกันได้ เช่น กค)",
                          f"not an answer of this item (options 1–{n_opt}, written together e.g. กค)")


# ------------------------------------------------------------------------------------------------ writing


@dataclass(frozen=True)
class UploadResult:
    """What an import did: written (first upload), replaced (a corrected file) or unchanged (the same file)."""

    administration: str
    school_code: str
    status: str
    n_students: int
    mean_percent: float | None
    upload_id: int | None
    read_seconds: float
    write_seconds: float

    def message(self, lang: str = "th") -> str:
        mean = f"{self.mean_percent:.1f}" if self.mean_percent is not None else "-"
        if lang == "en":
            return {"written": "imported", "replaced": "replaced the previous upload",
                    "unchanged": "the same file was already imported: nothing changed"}[self.status] + \
                f": {self.school_code} {self.administration}, {self.n_students} students, mean {mean} %"
        return {"written": "นำเข้าแล้ว", "replaced": "แทนที่ไฟล์ที่ส่งก่อนหน้าแล้ว",
                "unchanged": "ไฟล์นี้นำเข้าแล้ว ไม่มีอะไรเปลี่ยน"}[self.status] + \
            f": โรงเรียน {self.school_code} การสอบ {self.administration} นักเรียน {self.n_students} คน เฉลี่ยร้อยละ {mean}"


def _check_window(adm: Administration) -> None:
    now = utcnow()
    if adm.release_at is None or aware(adm.release_at) > now:
        raise ScoringError("answers.before_release", kind="conflict",
                           message_th=f"การสอบ {adm.code} ยังไม่ถึงเวลาเผยแพร่ จึงยังส่งคำตอบไม่ได้",
                           message_en=f"administration {adm.code} is not released yet: answers cannot be uploaded")
    if adm.closed_at is not None:
        raise ScoringError("answers.closed", kind="conflict",
                           message_th=f"การสอบ {adm.code} ปิดรับคำตอบแล้ว",
                           message_en=f"administration {adm.code} is closed to uploads")


def import_answers(session: Session, actor: Actor, admin: str, school_code: str, path: str | Path, *,
                   display_name: str | None = None) -> UploadResult:
    """Import one school's answer file: all rows or none, idempotent, replacing its previous upload."""
    t0 = time.perf_counter()
    ctx = _context(session, actor, admin, school_code, "answers.upload")
    _check_window(ctx.adm)
    students = {code: (sid, cid) for sid, code, *_, cid, _g, _r, _s in _enrolled(session, ctx.school.id, ctx.year_id)}
    parsed = read_upload(Path(path), ctx, students, display_name)
    scores = score_codes(ctx.key, parsed.codes)
    params, positions, set_id = banked_parameters(session, ctx.key, administration_scale(ctx.adm))
    res = student_results(ctx.key, scores, params, positions)
    school_fig, class_figs = _figures(ctx, parsed, res)
    adm_id, school_id, code = ctx.adm.id, ctx.school.id, ctx.adm.code
    rows = _prepare(session, actor, adm_id, school_id, parsed, res, set_id)
    session.commit()  # end the reading transaction: the write below is short and holds the lock alone
    t1 = time.perf_counter()
    try:
        status, upload_id = _write(session, rows, school_fig, class_figs)
    except IntegrityError:
        session.rollback()
        same = session.scalar(select(AnswerUpload.id).where(
            AnswerUpload.administration_id == adm_id, AnswerUpload.school_id == school_id,
            AnswerUpload.file_hash == parsed.file_hash))
        if same is None:
            raise ScoringError("answers.concurrent", kind="conflict",
                               message_th="มีการส่งไฟล์ของโรงเรียนนี้พร้อมกันอีกไฟล์หนึ่ง กรุณาส่งใหม่อีกครั้ง",
                               message_en="another file of this school was uploaded at the same moment: try again") from None
        status, upload_id = "unchanged", same
    except KhlangError:
        session.rollback()
        raise
    t2 = time.perf_counter()
    mean = float(np.mean(res.percent)) if len(res.percent) else None
    return UploadResult(code, ctx.school.code, status, len(parsed.student_ids), mean, upload_id, t1 - t0, t2 - t1)


def _figures(ctx: _Context, parsed: ParsedUpload, res) -> tuple[dict, dict[int, dict]]:
    cut = cfg.effective(ctx.key.settings)["mastery_cut"]

    def part(sel: np.ndarray) -> dict:
        ind = {c: (p[sel], m) for c, (p, m) in res.indicator_points.items()}
        return figures(res.raw[sel], res.percent[sel], res.grade[sel], res.quality[sel], ind, cut, res.max_points)

    everyone = np.ones(len(parsed.student_ids), dtype=bool)
    return part(everyone), {int(c): part(parsed.class_ids == c) for c in np.unique(parsed.class_ids)}


@dataclass(frozen=True)
class _Rows:
    """An upload's rows as the driver takes them (JSON as text), made before the write transaction, so that
    the transaction only writes: response sets and scores lack only their ids, drawn inside it."""

    adm_id: int
    school_id: int
    file_hash: str
    upload: dict
    sets: list[tuple]  # SET_COLUMNS without upload_id
    scores: list[tuple]  # SCORE_COLUMNS without response_set_id


SET_COLUMNS = ("upload_id", "administration_id", "student_id", "school_id", "variant", "answers")
SCORE_COLUMNS = ("response_set_id", "administration_id", "school_id", "raw", "max_points", "percent", "grade",
                 "quality", "theta", "theta_se", "wle", "wle_se", "scale_score", "parameter_set_id", "percentile",
                 "mastery")


def _prepare(session: Session, actor: Actor, adm_id: int, school_id: int, parsed: ParsedUpload, res,
             set_id: int | None) -> _Rows:
    answers = ["[" + ",".join(map(str, a)) + "]" for a in parsed.codes.tolist()]  # JSON of small ints
    sets = [(adm_id, s, school_id, v, a)
            for s, v, a in zip(parsed.student_ids.tolist(), parsed.variants, answers, strict=True)]
    upload = {"administration_id": adm_id, "school_id": school_id, "file_hash": parsed.file_hash,
              "file_name": parsed.file_name[:255], "n_students": len(parsed.student_ids), "is_current": True,
              "uploaded_by_name": actor.username, "uploaded_at": utcnow()}
    return _Rows(adm_id, school_id, parsed.file_hash, upload, sets, _score_rows(adm_id, school_id, parsed, res, set_id))


def _write(session: Session, rows: _Rows, school_fig: dict, class_figs: dict) -> tuple[str, int]:
    """The write transaction: the upload, its response sets and scores, the warehouse; nothing else."""
    adm_id, school_id = rows.adm_id, rows.school_id
    t = AnswerUpload.__table__
    existing = session.execute(select(t.c.id, t.c.file_hash, t.c.is_current).where(
        t.c.administration_id == adm_id, t.c.school_id == school_id)).all()
    same = next((uid for uid, h, _ in existing if h == rows.file_hash), None)
    current = [uid for uid, _, cur in existing if cur]
    if same is not None and same in current:
        session.rollback()
        return "unchanged", same
    if same is not None:  # an earlier file sent again: it becomes the one in force
        session.execute(delete(t).where(t.c.id == same))
    if current:
        session.execute(update(t).where(t.c.administration_id == adm_id, t.c.school_id == school_id)
                        .values(is_current=False))
    upload_id = session.execute(insert(t).values(**rows.upload).returning(t.c.id)).scalar_one()
    if existing:  # the school's earlier answers make way (a first upload has none to delete); Core statements:
        # the ORM's delete would fetch every deleted id back to keep a session that holds none of them in step
        rs, sc = ResponseSet.__table__, StudentScore.__table__
        session.execute(delete(sc).where(sc.c.administration_id == adm_id, sc.c.school_id == school_id))
        session.execute(delete(rs).where(rs.c.administration_id == adm_id, rs.c.school_id == school_id))
    if session.get_bind().dialect.name == "postgresql":
        _insert_answers_postgresql(session, upload_id, rows)
    else:
        ids = write_rows(session, ResponseSet.__table__, SET_COLUMNS, [(upload_id, *r) for r in rows.sets],
                         with_ids=True)
        write_rows(session, StudentScore.__table__, SCORE_COLUMNS,
                   [(i, *r) for i, r in zip(ids, rows.scores, strict=True)])
    write_school(session, adm_id, school_id, school_fig, class_figs, replacing=bool(existing))
    session.commit()
    return ("replaced" if current else "written"), upload_id


#: PostgreSQL: the response sets and their scores in ONE statement (one round trip while the lock is held):
#: the columns travel as arrays, the new response sets' ids join their scores by student inside the server
_INSERT_ANSWERS_PG = text("""
WITH rs AS (
  INSERT INTO response_set (upload_id, administration_id, student_id, school_id, variant, answers)
  SELECT :upload_id, :adm_id, u.student_id, :school_id, u.variant, CAST(u.answers AS jsonb)
  FROM unnest(CAST(:students AS integer[]), CAST(:variants AS text[]), CAST(:answers AS text[]))
       AS u(student_id, variant, answers)
  RETURNING id, student_id)
INSERT INTO student_score (response_set_id, administration_id, school_id, raw, max_points, percent, grade, quality,
                           theta, theta_se, wle, wle_se, scale_score, parameter_set_id, percentile, mastery)
SELECT rs.id, :adm_id, :school_id, x.raw, x.max_points, x.percent, x.grade, x.quality, x.theta, x.theta_se, x.wle,
       x.wle_se, x.scale_score, x.parameter_set_id, NULL, CAST(x.mastery AS jsonb)
FROM rs JOIN unnest(CAST(:students AS integer[]), CAST(:raw AS float8[]), CAST(:max_points AS float8[]),
                    CAST(:percent AS float8[]), CAST(:grade AS float8[]), CAST(:quality AS text[]),
                    CAST(:theta AS float8[]), CAST(:theta_se AS float8[]), CAST(:wle AS float8[]),
                    CAST(:wle_se AS float8[]), CAST(:scale_score AS float8[]), CAST(:parameter_set_id AS integer[]),
                    CAST(:mastery AS text[]))
     AS x(student_id, raw, max_points, percent, grade, quality, theta, theta_se, wle, wle_se, scale_score,
          parameter_set_id, mastery) ON x.student_id = rs.student_id
""")


def _insert_answers_postgresql(session: Session, upload_id: int, rows: _Rows) -> None:
    _, students, _, variants, answers = (list(c) for c in zip(*rows.sets, strict=True))
    cols = list(zip(*rows.scores, strict=True))
    names = SCORE_COLUMNS[3:15]  # raw … percentile
    params = {n: list(c) for n, c in zip(names, cols[2:14], strict=True)}
    params.pop("percentile")
    session.execute(_INSERT_ANSWERS_PG, {"upload_id": upload_id, "adm_id": rows.adm_id, "school_id": rows.school_id,
                                         "students": students, "variants": variants, "answers": answers,
                                         "mastery": list(cols[14]), **params})


def _score_rows(adm_id: int, school_id: int, parsed: ParsedUpload, res, set_id: int | None = None) -> list[tuple]:
    def col(a):
        return [None] * len(parsed.student_ids) if a is None else [None if not np.isfinite(x) else float(x)
                                                                   for x in np.asarray(a, float)]

    theta, tse, wle, wse, scale = (col(x) for x in (res.theta, res.theta_se, res.wle, res.wle_se, res.scale_score))
    top = float(res.max_points)
    return [(adm_id, school_id, r, top, p, g, q, th, ts, w, ws, sc, set_id if th is not None else None, None, m)
            for r, p, g, q, th, ts, w, ws, sc, m in zip(
                np.asarray(res.raw, float).tolist(), np.asarray(res.percent, float).tolist(),
                np.asarray(res.grade, float).tolist(), np.asarray(res.quality, dtype=str).tolist(), theta, tse, wle,
                wse, scale, res.mastery_json(), strict=True)]


def year_of(session: Session, adm: Administration) -> int:
    term = session.get(Term, adm.term_id)
    return session.get(AcademicYear, term.academic_year_id).year_be


@dataclass(frozen=True)
class AnswerCheck:
    """What importing a checked file would do (nothing written yet): the confirmation step of the pages."""

    administration: str
    school_code: str
    file_name: str
    n_students: int
    n_roll: int
    mean_percent: float | None
    status: str  # written | replaced | unchanged (what the import would do)
    variants: dict[str, int]

    def message(self, lang: str = "th") -> str:
        mean = f"{self.mean_percent:.1f}" if self.mean_percent is not None else "-"
        if lang == "en":
            return (f"{self.file_name}: {self.n_students} of {self.n_roll} students, mean {mean} %; "
                    + {"written": "a first upload", "replaced": "replaces the previous upload",
                       "unchanged": "the same file is already imported"}[self.status])
        return (f"{self.file_name}: นักเรียน {self.n_students} จาก {self.n_roll} คน เฉลี่ยร้อยละ {mean}; "
                + {"written": "ส่งครั้งแรก", "replaced": "จะแทนที่ไฟล์ที่ส่งก่อนหน้า",
                   "unchanged": "ไฟล์นี้นำเข้าแล้ว"}[self.status])


def check_answers(session: Session, actor: Actor, admin: str, school_code: str, path: str | Path, *,
                  display_name: str | None = None) -> AnswerCheck:
    """Read, check and score one school's answer file without writing anything (the dry run): every
    problem with file, row and column as :func:`import_answers` would refuse, or what it would do."""
    ctx = _context(session, actor, admin, school_code, "answers.upload")
    _check_window(ctx.adm)
    enrolled = _enrolled(session, ctx.school.id, ctx.year_id)
    students = {code: (sid, cid) for sid, code, *_, cid, _g, _r, _s in enrolled}
    parsed = read_upload(Path(path), ctx, students, display_name)
    res = student_results(ctx.key, score_codes(ctx.key, parsed.codes))
    existing = session.execute(select(AnswerUpload.file_hash, AnswerUpload.is_current).where(
        AnswerUpload.administration_id == ctx.adm.id, AnswerUpload.school_id == ctx.school.id)).all()
    if any(h == parsed.file_hash and cur for h, cur in existing):
        status = "unchanged"
    else:
        status = "replaced" if any(cur for _, cur in existing) else "written"
    counts: dict[str, int] = {}
    for v in parsed.variants:
        counts[v] = counts.get(v, 0) + 1
    n_roll = sum(1 for row in enrolled if row[6] == ctx.adm.grade)
    mean = float(np.mean(res.percent)) if len(res.percent) else None
    return AnswerCheck(ctx.adm.code, ctx.school.code, parsed.file_name, len(parsed.student_ids), n_roll, mean, status,
                       dict(sorted(counts.items())))
