"""Plain data that `exports` renders. Whoever calls `exports` (testgen, scoring, the CLI) builds these.

Text fields that say "HTML subset" accept ``<b> <i> <u> <sub> <sup> <br> <span>`` and nothing else
(sanitised with nh3 before rendering); every other text field is plain text and is escaped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from exports.errors import ExportError

#: Option letters on paper; answers are stored as 1, 2, 3 … in the same order.
THAI_OPTION_LETTERS = ("ก", "ข", "ค", "ง", "จ", "ฉ")

#: The kinds of an item's answer (see :class:`ItemKey`).
KEY_KINDS = ("single", "several", "numeric", "text", "matching", "rubric")


@dataclass(frozen=True)
class ItemKey:
    """The answer of one item: the one representation from the bank to print, answer sheet and scoring.

    ``kind`` is one of :data:`KEY_KINDS`:

    - ``single``: ``options`` holds the one right option (0-based, in the order this key belongs to);
    - ``several``: ``options`` holds every right option, and a student must mark exactly those
      ("ตอบได้มากกว่า 1 ข้อ"; all or nothing);
    - ``numeric`` / ``text``: ``accepted`` lists every accepted written answer;
    - ``matching``: ``pairs[i]`` is the right option (0-based) for row ``i + 1`` of the left column;
      each right row earns ``points / len(pairs)``;
    - ``rubric``: scored by a teacher on ``rubric`` ((points, description), highest first) up to
      ``points``.

    Option indices always refer to one printed order: the form's in a form's key, the variant's in a
    variant's key (:func:`testgen.variants.variant_answer` maps one to the other).
    """

    kind: str
    options: tuple[int, ...] = ()
    accepted: tuple[str, ...] = ()
    pairs: tuple[int, ...] = ()
    points: float = 1.0
    rubric: tuple[tuple[float, str], ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KEY_KINDS:
            raise ExportError("key.bad_kind", message_th=f"ชนิดเฉลย {self.kind} ไม่รู้จัก",
                              message_en=f"unknown key kind {self.kind}")

    @property
    def is_choice(self) -> bool:
        return self.kind in ("single", "several")

    def cell(self, letters: Sequence[str] = THAI_OPTION_LETTERS) -> str:
        """The key as one cell: ``ข,ง`` (every right option, separated by commas), ``1-ก,2-ค`` (matching),
        accepted answers separated by `` | `` (numeric, text), the full points (rubric)."""
        if self.is_choice:
            return ",".join(letters[o] for o in self.options)
        if self.kind == "matching":
            return ",".join(f"{row}-{letters[o]}" for row, o in enumerate(self.pairs, start=1))
        if self.kind == "rubric":
            return f"{self.points:g}"
        return " | ".join(self.accepted)

    def printed(self, letters: Sequence[str] = THAI_OPTION_LETTERS) -> str:
        """The key as printed for teachers: ``ข, ง`` with a space after each comma."""
        cell = self.cell(letters)
        return cell.replace(",", ", ") if self.is_choice or self.kind == "matching" else cell


@dataclass(frozen=True)
class Media:
    """A picture carried as bytes (PNG, JPEG or SVG), never as a path or URL."""

    data: bytes
    mime: str
    alt: str = ""
    width_mm: float = 40.0

    def __post_init__(self) -> None:
        if self.mime not in ("image/png", "image/jpeg", "image/svg+xml"):
            raise ExportError(
                "media.bad_type",
                message_th=f"ชนิดรูปภาพ {self.mime} ใช้ไม่ได้ (ใช้ได้: PNG, JPEG, SVG)",
                message_en=f"picture type {self.mime} is not supported (PNG, JPEG, SVG)",
            )


@dataclass(frozen=True)
class Formula:
    """A displayed formula in matplotlib mathtext (a TeX subset), e.g. ``r"x = \\frac{-b}{2a}"``."""

    tex: str


@dataclass(frozen=True)
class TableBlock:
    """A small table inside an item or passage, or a report's table: plain-text cells, first row is the header.

    `as_written` names the columns (0-based) whose cells print exactly as given: item stems, whose codes,
    formulas and numbers the office's digit policy must not touch (issue 14). Reports only.
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths_mm: tuple[float, ...] | None = None
    as_written: tuple[int, ...] = ()


@dataclass(frozen=True)
class Passage:
    """บทอ่าน / สถานการณ์ (stimulus) shared by several items; printed just before its first item."""

    passage_id: str
    title: str
    text: str  # HTML subset; paragraphs separated by blank lines
    media: Media | None = None
    table: TableBlock | None = None


@dataclass(frozen=True)
class BookletItem:
    """One item as it appears in one variant: options already in this variant's order.

    `answer` is the item's key in this order (:class:`ItemKey`); `key`, the 1-based number of one
    right option, is the short form for a one-answer choice item when `answer` is not given.
    """

    item_id: str
    stem: str  # HTML subset
    options: tuple[str, ...] = ()  # HTML subset each
    key: int | None = None
    points: float = 1.0
    passage_id: str | None = None
    media: Media | None = None
    table: TableBlock | None = None
    formula: Formula | None = None
    indicator: str = ""  # "ค 1.1 ป.6/2"
    answer_lines: int = 0  # ruled lines for a written answer (constructed response)
    rubric: tuple[tuple[float, str], ...] = ()  # (points, description) for constructed response
    answer: ItemKey | None = None

    @property
    def is_choice(self) -> bool:
        return bool(self.options)

    @property
    def item_key(self) -> ItemKey | None:
        """The answer in this order: `answer`, or else the one option `key`, or else the rubric."""
        if self.answer is not None:
            return self.answer
        if self.key is not None:
            return ItemKey("single", (self.key - 1,), points=self.points)
        if self.rubric:
            return ItemKey("rubric", points=self.points, rubric=self.rubric)
        return None


@dataclass(frozen=True)
class Booklet:
    """แบบทดสอบ: one variant of a frozen form, ready to print."""

    form_code: str
    variant: str
    title: str  # แบบทดสอบวัดผลสัมฤทธิ์ทางการเรียน ...
    learning_area: str  # คณิตศาสตร์
    grade: str  # ป.6
    exam_date: dt.date | None  # the exam's date (from the administration or an option); None: a blank to fill
    minutes: int
    district: str  # สำนักงานเขตพื้นที่การศึกษาประถมศึกษา...
    items: tuple[BookletItem, ...]
    passages: tuple[Passage, ...] = ()
    school: str = ""  # blank for the district master; stamped per school
    school_code: str = ""
    academic_year: str = ""  # "ภาคเรียนที่ 2 ปีการศึกษา 2568"; blank: taken from exam_date
    instructions: tuple[str, ...] = ()
    administration: str = ""

    def __post_init__(self) -> None:
        known = {p.passage_id for p in self.passages}
        problems = []
        for n, item in enumerate(self.items, start=1):
            if item.passage_id is not None and item.passage_id not in known:
                problems.append(
                    ExportError(
                        "booklet.unknown_passage",
                        message_th=f"ข้อ {n} ({item.item_id}) อ้างบทอ่าน {item.passage_id} ที่ไม่มีในแบบทดสอบ",
                        message_en=f"item {n} ({item.item_id}) refers to missing passage {item.passage_id}",
                    )
                )
            if len(item.options) > len(THAI_OPTION_LETTERS):
                problems.append(
                    ExportError(
                        "booklet.too_many_options",
                        message_th=f"ข้อ {n} ({item.item_id}) มีตัวเลือก {len(item.options)} ตัว (ได้ไม่เกิน 6 ตัว)",
                        message_en=f"item {n} ({item.item_id}) has {len(item.options)} options (at most 6)",
                    )
                )
            elif item.is_choice and not _key_fits(item):
                problems.append(
                    ExportError(
                        "booklet.bad_key",
                        message_th=f"ข้อ {n} ({item.item_id}): เฉลย {item.key} ไม่ตรงกับตัวเลือก "
                        f"{len(item.options)} ตัว",
                        message_en=f"item {n} ({item.item_id}): key {item.key} outside its "
                        f"{len(item.options)} options",
                    )
                )
        if problems:
            raise ExportError("booklet.invalid", problems=problems)

    @property
    def total_points(self) -> float:
        return float(sum(i.points for i in self.items))

    def passage(self, passage_id: str) -> Passage:
        return next(p for p in self.passages if p.passage_id == passage_id)


def _key_fits(item: BookletItem) -> bool:
    k = item.item_key
    if k is None or not k.is_choice or not k.options:
        return False
    return all(0 <= o < len(item.options) for o in k.options)


@dataclass(frozen=True)
class KeyEntry:
    number: int  # item number in this variant
    item_id: str
    key: int | None  # 1-based number of the (first) right option; None for items without options
    points: float = 1.0
    indicator: str = ""
    rubric: tuple[tuple[float, str], ...] = ()
    answer: ItemKey | None = None  # the whole key (every right option, accepted answers, pairs, rubric)

    @property
    def item_key(self) -> ItemKey | None:
        if self.answer is not None:
            return self.answer
        if self.key is not None:
            return ItemKey("single", (self.key - 1,), points=self.points)
        if self.rubric:
            return ItemKey("rubric", points=self.points, rubric=self.rubric)
        return None


@dataclass(frozen=True)
class AnswerKey:
    """เฉลย of one variant."""

    form_code: str
    variant: str
    title: str
    entries: tuple[KeyEntry, ...]
    options: tuple[str, ...] = THAI_OPTION_LETTERS[:4]

    @classmethod
    def from_booklet(cls, booklet: Booklet) -> AnswerKey:
        n_options = max((len(i.options) for i in booklet.items), default=4)
        entries = tuple(
            KeyEntry(n, i.item_id, i.key, i.points, i.indicator, i.rubric, i.item_key)
            for n, i in enumerate(booklet.items, start=1)
        )
        return cls(
            booklet.form_code, booklet.variant, booklet.title, entries, THAI_OPTION_LETTERS[:n_options]
        )


@dataclass(frozen=True)
class AnswerSheetSpec:
    """กระดาษคำตอบ: what the sheet must let a student mark."""

    administration: str
    form_code: str
    n_items: int
    options: tuple[str, ...] = THAI_OPTION_LETTERS[:4]
    variants: tuple[str, ...] = ("A", "B", "C", "D")
    id_digits: int = 5  # school student number (เลขประจำตัวนักเรียน)
    classes: tuple[str, ...] = ("ป.1", "ป.2", "ป.3", "ป.4", "ป.5", "ป.6")
    room_digits: int = 2
    seat_digits: int = 2  # เลขที่
    sheet_number: int = 1
    title: str = "กระดาษคำตอบ"
    school: str = ""
    #: per variant, the item numbers (1-based, in that variant's order) answered by several marks
    several: tuple[tuple[str, tuple[int, ...]], ...] = ()

    def several_in(self, variant: str | None) -> tuple[int, ...]:
        """Item numbers of `variant` that take several marks (None: those of every variant)."""
        found = {n for v, ns in self.several if variant is None or v == variant for n in ns}
        return tuple(sorted(found))

    def __post_init__(self) -> None:
        if not 1 <= self.n_items <= 120:
            raise ExportError(
                "answer_sheet.bad_items",
                message_th=f"กระดาษคำตอบรองรับ 1–120 ข้อ ได้รับ {self.n_items} ข้อ",
                message_en=f"an answer sheet holds 1–120 items, got {self.n_items}",
            )
        if not 2 <= len(self.options) <= 6:
            raise ExportError(
                "answer_sheet.bad_options",
                message_th=f"ตัวเลือกต้องมี 2–6 ตัว ได้รับ {len(self.options)} ตัว",
                message_en=f"2–6 options per item, got {len(self.options)}",
            )


@dataclass(frozen=True)
class ItemCurve:
    """What the item-analysis report plots for one item: IRT parameters (logistic, no 1.7)."""

    item_id: str
    discrimination: float
    difficulty: float
    guessing: float = 0.0


@dataclass(frozen=True)
class OptionChoices:
    """How the upper and lower groups chose among one item's options (distractor analysis)."""

    item_id: str
    labels: tuple[str, ...]  # ก ข ค ง
    key: tuple[int, ...]  # 1-based right options
    upper: tuple[int, ...]  # choices per option in the upper group
    lower: tuple[int, ...]
    group_size: int


@dataclass(frozen=True)
class ItemStatsReport:
    """รายงานการวิเคราะห์ข้อสอบ: tables from results' summary(), plus what the plots need."""

    title: str
    form_code: str
    administration: str
    tables: Sequence[object]  # psychometrics.tables.Table, kept loose so callers need not import it
    curves: tuple[ItemCurve, ...] = ()
    options: tuple[OptionChoices, ...] = ()  # plotted for the items listed here (flagged ones, say)
    total_scores: tuple[float, ...] = ()
    max_score: float = 0.0
    notes: tuple[str, ...] = ()
    created_on: dt.date = field(default_factory=dt.date.today)


@dataclass(frozen=True)
class DomainResult:
    domain: str  # สาระ / ตัวชี้วัด
    school_mean: float  # percent
    district_mean: float | None = None
    nation_mean: float | None = None


@dataclass(frozen=True)
class SchoolReport:
    """รายงานผลระดับโรงเรียน."""

    school: str
    school_code: str
    title: str
    administration: str
    n_students: int
    mean_percent: float
    domains: tuple[DomainResult, ...]
    levels: tuple[tuple[str, int], ...] = ()  # (ดีมาก, 12), (ดี, 20) …
    created_on: dt.date = field(default_factory=dt.date.today)


@dataclass(frozen=True)
class SchoolRow:
    school_code: str
    school: str
    n_students: int
    mean_percent: float


@dataclass(frozen=True)
class DistrictSummary:
    """รายงานสรุปผลระดับเขตพื้นที่: one row per school, district means per domain."""

    district: str
    title: str
    administration: str
    schools: tuple[SchoolRow, ...]
    domains: tuple[DomainResult, ...] = ()
    created_on: dt.date = field(default_factory=dt.date.today)


@dataclass(frozen=True)
class StudentSlip:
    """ใบแจ้งผลรายบุคคล."""

    school: str
    title: str
    student_name: str
    student_number: str
    class_room: str
    seat: str
    score: float
    max_score: float
    grade: str
    indicators: tuple[tuple[str, float, float, str], ...] = ()  # (code, got, max, verdict)


@dataclass(frozen=True)
class SignatureLine:
    """(ลงชื่อ) ........ <role>, the name in brackets under it, and the position."""

    role: str  # ผู้นิเทศ / ผู้รับการนิเทศ / ผู้เยี่ยมชั้นเรียน
    name: str = ""
    position: str = ""
    signed_on: dt.date | None = None


@dataclass(frozen=True)
class RatedItem:
    code: str
    text: str
    score: int | None
    note: str = ""


@dataclass(frozen=True)
class RatedDomain:
    title: str
    items: tuple[RatedItem, ...]
    mean: float | None = None
    interpretation: str = ""


@dataclass(frozen=True)
class VisitRecord:
    """บันทึกการนิเทศ / แบบการเยี่ยมชั้นเรียน as printed: general facts, the rating table, notes, signatures."""

    title: str  # แบบการเยี่ยมชั้นเรียน
    district: str
    school: str
    school_code: str
    term_line: str  # ภาคเรียนที่ 1 ปีการศึกษา 2569
    facts: tuple[tuple[str, str | dt.date], ...]  # ตอนที่ 1 ข้อมูลทั่วไป: (label, value); dates printed พ.ศ.
    scale: tuple[tuple[int, str], ...]  # (5, ดีมาก) … (1, ควรปรับปรุงแก้ไข)
    domains: tuple[RatedDomain, ...]
    overall_mean: float | None = None
    interpretation: str = ""
    bands: tuple[tuple[float, float, str], ...] = ()  # เกณฑ์การแปลความหมาย
    narrative: tuple[tuple[str, str], ...] = ()  # (prompt, text)
    suggestions_label: str = "ข้อเสนอแนะ"
    suggestions: str = ""
    links: tuple[tuple[str, str], ...] = ()  # (ตัวชี้วัด "ค 1.1 ป.4/2" | มาตรฐาน "3.4", Thai name)
    recommendations: tuple[tuple[str, dt.date | None, str], ...] = ()  # (text, due date, status in Thai)
    signatures: tuple[SignatureLine, ...] = ()
    visited_on: dt.date | None = None
    reference: str = ""  # visit number as printed in the footer


@dataclass(frozen=True)
class BarChart:
    """A grouped bar chart: one bar per label in each series (values share one axis)."""

    title: str
    labels: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]  # (name, one value per label)
    y_label: str = ""
    y_max: float | None = None


@dataclass(frozen=True)
class ReportSection:
    """A numbered section of a report: paragraphs, tables (TableBlock) and charts, in that order."""

    key: str  # plan | results | qa | support | practices | recommendations …
    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[tuple[str, TableBlock], ...] = ()  # (caption, table)
    charts: tuple[BarChart, ...] = ()
    subsections: tuple[ReportSection, ...] = ()


@dataclass(frozen=True)
class CommitteeReport:
    """รายงานผลการติดตาม ตรวจสอบ ประเมินผลและนิเทศการศึกษา to the ก.ต.ป.น. for one academic year."""

    district: str
    academic_year: int  # พ.ศ.
    title: str
    sections: tuple[ReportSection, ...]
    created_on: dt.date = field(default_factory=dt.date.today)
    meeting_on: dt.date | None = None
    signatures: tuple[SignatureLine, ...] = ()


@dataclass(frozen=True)
class ResultsReport:
    """รายงานผลการสอบ from the warehouse: a school's or the district's report, a class score sheet or the
    item-analysis report. The office's letterhead, title and facts, numbered sections (tables, bar
    charts, paragraphs), the signature lines; every table also becomes a sheet of the XLSX."""

    kind: str  # school | district | class | items
    office: str  # letterhead: สำนักงานเขตพื้นที่การศึกษาประถมศึกษา …
    title: str
    subtitle: str
    facts: tuple[tuple[str, str], ...]
    sections: tuple[ReportSection, ...]
    signatures: tuple[SignatureLine, ...] = ()
    created_on: dt.date = field(default_factory=dt.date.today)
    landscape: bool = False
    reference: str = ""  # printed in the footer (administration and school codes)


@dataclass(frozen=True)
class ResultSlip:
    """ใบแจ้งผลการสอบ of one student."""

    student_code: str
    class_room: str  # ป.6/1
    seat: str
    name: str  # empty when names are not shown
    score: float
    max_score: float
    percent: float
    grade: str  # 4, 3.5 … 0
    grade_meaning: str  # ดีเยี่ยม …
    quality: str  # ดีมาก / ดี / พอใช้ / ปรับปรุง
    quality_meaning: str
    indicators: tuple[tuple[str, str, float, str], ...] = ()  # (code, description, % earned, ผ่าน/ไม่ผ่าน)


@dataclass(frozen=True)
class ResultSlips:
    """Every slip of a school (or a class), two to an A4 page with a cut line between them."""

    office: str
    school: str
    title: str
    year_be: int
    term: int
    slips: tuple[ResultSlip, ...]
    signatures: tuple[SignatureLine, ...] = ()
    created_on: dt.date = field(default_factory=dt.date.today)
    reference: str = ""


@dataclass(frozen=True)
class Candidate:
    """One line of an attendance sheet: a student of the room (name only for the school's own accounts)."""

    seat: int | None
    student_code: str
    name: str = ""
    variant: str = ""  # the variant handed to this seat (ก ข ก ข … along the seats)


@dataclass(frozen=True)
class ProctorRoom:
    """ห้องสอบ: the students of one class room, and spare lines."""

    grade: str
    room: str
    candidates: tuple[Candidate, ...] = ()
    blank_lines: int = 3


@dataclass(frozen=True)
class ProctorPack:
    """ชุดเอกสารกรรมการคุมสอบ of one school: instructions, attendance sheets, envelope cover sheets."""

    administration: str
    title: str
    form_code: str
    learning_area: str
    grade: str
    year_be: int
    term: int
    exam_date: dt.date | None
    minutes: int
    n_items: int
    variants: tuple[str, ...]
    school: str
    school_code: str
    rooms: tuple[ProctorRoom, ...]
    district: str = ""
    start_time: str = ""
    with_names: bool = False
