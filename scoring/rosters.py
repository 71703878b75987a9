"""รายชื่อนักเรียน (rosters): classes and students of a school, imported from the school's CSV/XLSX.

The common Thai layouts are read by their headers (ชั้น, ห้อง, เลขที่, เลขประจำตัว, คำนำหน้า, ชื่อ,
นามสกุล, เพศ; English names too). A student is the school-assigned id (เลขประจำตัว) within the school;
names are optional and shown to the student's own school only. **No national id is stored**: a
13-digit id column is refused (PDPA data minimisation). The import is idempotent (students by school
and id, enrolments by student and year, classes by school, year, grade and room: database
constraints), every row problem is listed in Thai with its row and column, and nothing is written
unless the whole file is good.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from itembank.authz import Actor, authorize
from itembank.errors import KhlangError, Where
from itembank.importing.files import read_table
from itembank.schools import get_school
from scoring.administrations import ensure_year
from scoring.errors import ScoringError, problem, raise_problems
from scoring.models import AcademicYear, Enrolment, SchoolClass, Student

#: column -> the headers that name it (compared without spaces, case-folded)
HEADERS = {
    "grade": ("ชั้น", "ระดับชั้น", "ชั้นเรียน", "grade", "class"),
    "room": ("ห้อง", "ห้องเรียน", "room"),
    "seat": ("เลขที่", "seat", "no", "no."),
    "student_code": ("เลขประจำตัว", "เลขประจำตัวนักเรียน", "รหัสนักเรียน", "รหัสประจำตัว", "student_id", "studentid",
                     "student_code"),
    "prefix": ("คำนำหน้า", "คำนำหน้าชื่อ", "prefix", "title"),
    "first_name": ("ชื่อ", "first_name", "firstname", "name"),
    "last_name": ("นามสกุล", "last_name", "lastname", "surname"),
    "sex": ("เพศ", "sex", "gender"),
}
NATIONAL_ID_HEADERS = ("เลขประจำตัวประชาชน", "เลขบัตรประชาชน", "บัตรประชาชน", "เลขบัตรประจำตัวประชาชน",
                       "national_id", "nationalid", "citizen_id", "citizenid", "idcard", "id_card", "pid")
MALE = {"ช", "ชาย", "m", "male", "1", "ด.ช.", "ดช", "เด็กชาย", "นาย"}
FEMALE = {"ญ", "หญิง", "f", "female", "2", "ด.ญ.", "ดญ", "เด็กหญิง", "นางสาว", "น.ส.", "นาง"}
PDPA_TH = ("ไม่รับเลขประจำตัวประชาชน 13 หลัก: ตามหลักการเก็บข้อมูลเท่าที่จำเป็นของ พ.ร.บ. คุ้มครองข้อมูลส่วนบุคคล "
           "(PDPA) ระบบเก็บเฉพาะเลขประจำตัวนักเรียนที่โรงเรียนกำหนด ลบคอลัมน์นี้แล้วนำเข้าใหม่")
PDPA_EN = ("13-digit national ids are not accepted: under PDPA data minimisation only the school-assigned "
           "student id is stored; remove this column and import again")
_THIRTEEN = re.compile(r"^\d[\d\- ]{11,}\d$")


def _key(header: str) -> str:
    return re.sub(r"\s+", "", header).casefold()


def normalise_grade(text: str) -> str:
    """'ป.6', 'ป6', 'ป 6', 'P6', '6' (primary) → 'ป.6'; 'ม3' → 'ม.3'."""
    t = re.sub(r"\s+", "", text).replace("．", ".")
    m = re.fullmatch(r"(ป|ม|P|p|M|m)?\.?([1-6])", t)
    if not m:
        return t
    level = {"P": "ป", "p": "ป", "M": "ม", "m": "ม"}.get(m.group(1) or "ป", m.group(1) or "ป")
    return f"{level}.{m.group(2)}"


def sex_of(text: str, prefix: str = "") -> str | None:
    t = text.strip().casefold()
    for value in (t, prefix.strip().casefold()):
        if value in MALE:
            return "M"
        if value in FEMALE:
            return "F"
    return None


@dataclass(frozen=True)
class RosterRow:
    row: int
    grade: str
    room: str
    seat: int | None
    student_code: str
    prefix: str | None
    first_name: str | None
    last_name: str | None
    sex: str | None


@dataclass(frozen=True)
class RosterImport:
    """What an import did."""

    school_code: str
    year_be: int
    n_students: int
    n_new: int
    n_changed: int
    n_classes: int

    def message(self, lang: str = "th") -> str:
        if lang == "en":
            return (f"{self.school_code} {self.year_be}: {self.n_students} students ({self.n_new} new, "
                    f"{self.n_changed} changed) in {self.n_classes} classes")
        return (f"โรงเรียน {self.school_code} ปีการศึกษา {self.year_be}: นักเรียน {self.n_students} คน "
                f"(ใหม่ {self.n_new} เปลี่ยน {self.n_changed}) ใน {self.n_classes} ห้อง")


def read_roster(path: Path, display_name: str | None = None) -> list[RosterRow]:
    """The rows of a roster file, or one ScoringError listing every problem with its row and column."""
    table = read_table(path, display_name=display_name)
    name = table.file
    if table.problems:
        raise ScoringError("file.invalid", where=Where(name), problems=list(table.problems)[:20])
    columns: dict[str, int] = {}
    for j, h in enumerate(table.headers):
        k = _key(h)
        if k in {_key(x) for x in NATIONAL_ID_HEADERS}:
            raise problem("roster.national_id", PDPA_TH, PDPA_EN, Where(name, 1, h))
        for col, names in HEADERS.items():
            if k in {_key(x) for x in names} and col not in columns:
                columns[col] = j
    if "student_code" not in columns:
        raise problem("roster.header", "ไม่พบคอลัมน์ เลขประจำตัว (เลขประจำตัวนักเรียน) ในแถวหัวตาราง",
                      "no student id column (เลขประจำตัว) in the header", Where(name, 1))
    for j, h in enumerate(table.headers):  # a column of 13-digit numbers is a national id, whatever its name
        values = [cells[j].strip() for _, cells in table.rows if j < len(cells) and cells[j].strip()]
        if values and sum(bool(_THIRTEEN.match(v)) and len(re.sub(r"\D", "", v)) == 13 for v in values) > len(values) / 2:
            raise problem("roster.national_id", PDPA_TH, PDPA_EN, Where(name, 1, h or None))
    if "grade" not in columns:
        raise problem("roster.header", "ไม่พบคอลัมน์ ชั้น ในแถวหัวตาราง", "no grade column (ชั้น) in the header",
                      Where(name, 1))
    return _rows(table, columns)


def _rows(table, columns: dict[str, int]) -> list[RosterRow]:
    name, problems, seen, out = table.file, [], {}, []
    headers = table.headers

    def cell(cells: list[str], col: str) -> str:
        j = columns.get(col)
        return cells[j].strip() if j is not None and j < len(cells) else ""

    def at(n: int, col: str) -> Where:
        return Where(name, n, headers[columns[col]] if col in columns else col)

    for n, cells in table.rows:
        code, grade = cell(cells, "student_code"), normalise_grade(cell(cells, "grade"))
        if not code:
            problems.append(problem("roster.student_code", "เลขประจำตัวว่าง", "empty student id", at(n, "student_code")))
            continue
        if len(code) > 20:
            problems.append(problem("roster.student_code", f"เลขประจำตัว {code} ยาวเกิน 20 ตัวอักษร",
                                    f"student id {code} is longer than 20 characters", at(n, "student_code")))
            continue
        if code in seen:
            problems.append(problem("roster.duplicate", f"เลขประจำตัว {code} ซ้ำกับแถว {seen[code]}",
                                    f"student id {code} repeats row {seen[code]}", at(n, "student_code")))
            continue
        seen[code] = n
        if not re.fullmatch(r"[ปม]\.[1-6]", grade):
            problems.append(problem("roster.grade", f"ชั้น {cell(cells, 'grade')!r} ไม่ถูกต้อง (เช่น ป.6 หรือ ม.3)",
                                    f"grade {cell(cells, 'grade')!r} is not valid (e.g. ป.6)", at(n, "grade")))
        seat_text, seat = cell(cells, "seat"), None
        if seat_text:
            if not re.fullmatch(r"\d{1,3}", seat_text):
                problems.append(problem("roster.seat", f"เลขที่ {seat_text!r} ต้องเป็นจำนวนเต็ม",
                                        f"seat {seat_text!r} must be a whole number", at(n, "seat")))
            else:
                seat = int(seat_text)
        sex_text, prefix = cell(cells, "sex"), cell(cells, "prefix")
        sex = sex_of(sex_text, prefix)
        if sex_text and sex is None:
            problems.append(problem("roster.sex", f"เพศ {sex_text!r} ไม่รู้จัก (ใช้ ชาย/หญิง, ช/ญ, M/F)",
                                    f"unknown sex {sex_text!r} (use M/F)", at(n, "sex")))
        out.append(RosterRow(n, grade, cell(cells, "room"), seat, code, prefix or None,
                             cell(cells, "first_name") or None, cell(cells, "last_name") or None, sex))
    raise_problems(problems, file=name)
    if not out:
        raise problem("roster.empty", "ไม่มีนักเรียนในไฟล์", "no students in the file", Where(name))
    return out


def import_roster(session: Session, actor: Actor, school_code: str, path: str | Path, year_be: int, *,
                  display_name: str | None = None) -> RosterImport:
    """Import a school's roster for academic year `year_be`: all rows or none, idempotent."""
    school = get_school(session, actor, school_code)
    authorize(actor, school, "roster.import")
    rows = read_roster(Path(path), display_name)  # parsed and checked before anything is written
    try:
        return _write_roster(session, school, rows, int(year_be))
    except KhlangError:
        session.rollback()
        raise


def _write_roster(session: Session, school, rows: list[RosterRow], year_be: int) -> RosterImport:
    year = ensure_year(session, year_be)
    classes = {(c.grade, c.room): c for c in session.scalars(
        select(SchoolClass).where(SchoolClass.school_id == school.id, SchoolClass.academic_year_id == year.id))}
    for r in rows:
        if (r.grade, r.room) not in classes:
            c = SchoolClass(school_id=school.id, academic_year_id=year.id, grade=r.grade, room=r.room)
            session.add(c)
            classes[(r.grade, r.room)] = c
    session.flush()
    students = {s.student_code: s for s in session.scalars(select(Student).where(Student.school_id == school.id))}
    n_new = n_changed = 0
    for r in rows:
        s = students.get(r.student_code)
        fields = {"sex": r.sex, "prefix": r.prefix, "first_name": r.first_name, "last_name": r.last_name}
        if s is None:
            s = Student(school_id=school.id, student_code=r.student_code, **fields)
            session.add(s)
            students[r.student_code] = s
            n_new += 1
        elif any(getattr(s, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(s, k, v)
            n_changed += 1
    session.flush()
    ids = [students[r.student_code].id for r in rows]
    enrolled = {e.student_id: e for e in session.scalars(
        select(Enrolment).where(Enrolment.academic_year_id == year.id, Enrolment.student_id.in_(ids)))}
    for r, sid in zip(rows, ids, strict=True):
        cid = classes[(r.grade, r.room)].id
        e = enrolled.get(sid)
        if e is None:
            session.add(Enrolment(student_id=sid, academic_year_id=year.id, class_id=cid, seat=r.seat))
        elif (e.class_id, e.seat) != (cid, r.seat):
            e.class_id, e.seat = cid, r.seat
            n_changed += 1
    session.commit()
    return RosterImport(school.code, year_be, len(rows), n_new, n_changed, len({(r.grade, r.room) for r in rows}))


@dataclass(frozen=True)
class RosterEntry:
    """One student of a class roll as a school or the office sees it (names only for the own school)."""

    student_id: int
    student_code: str
    grade: str
    room: str
    seat: int | None
    sex: str | None
    name: str | None


def roster(session: Session, actor: Actor, school_code: str, year_be: int, grade: str | None = None) -> list[RosterEntry]:
    """The students of a school in a year (by grade, room, seat); names only for the school's own accounts."""
    school = get_school(session, actor, school_code)
    authorize(actor, school, "roster.read")
    names = actor.may("student.read_names", school)
    year = session.scalar(select(AcademicYear).where(AcademicYear.year_be == int(year_be)))
    if year is None:
        return []
    q = (select(Student, SchoolClass.grade, SchoolClass.room, Enrolment.seat)
         .join(Enrolment, Enrolment.student_id == Student.id).join(SchoolClass, SchoolClass.id == Enrolment.class_id)
         .where(Student.school_id == school.id, Enrolment.academic_year_id == year.id))
    if grade:
        q = q.where(SchoolClass.grade == normalise_grade(grade))
    rows = session.execute(q.order_by(SchoolClass.grade, SchoolClass.room, Enrolment.seat, Student.student_code)).all()
    return [RosterEntry(s.id, s.student_code, g, room, seat, s.sex,
                        " ".join(x for x in (s.prefix, s.first_name, s.last_name) if x) or None if names else None)
            for s, g, room, seat in rows]



def check_roster(session: Session, actor: Actor, school_code: str, path: str | Path, year_be: int, *,
                 display_name: str | None = None) -> RosterImport:
    """What importing a roster would do, nothing written (the dry run before the confirmation):
    every row problem as :func:`import_roster` would refuse, or the counts it would report."""
    school = get_school(session, actor, school_code)
    authorize(actor, school, "roster.import")
    rows = read_roster(Path(path), display_name)
    codes = [r.student_code for r in rows]
    known = {s.student_code: s for s in session.scalars(
        select(Student).where(Student.school_id == school.id, Student.student_code.in_(codes)))}
    n_changed = sum(1 for r in rows if r.student_code in known and any(
        getattr(known[r.student_code], k) != getattr(r, k) for k in ("sex", "prefix", "first_name", "last_name")))
    return RosterImport(school.code, int(year_be), len(rows), len(rows) - len(known), n_changed,
                        len({(r.grade, r.room) for r in rows}))
