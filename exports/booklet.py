"""แบบทดสอบ (exam booklet) as HTML and PDF: cover page, two columns, no item split, Thai page numbers."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from exports.data import THAI_OPTION_LETTERS, Booklet, BookletItem, Media, Passage, TableBlock
from exports.formula import formula_svg
from exports.pdf import ASSETS, SandboxFetcher, font_face_css, render_pdf, sarabun_dir
from exports.text import academic_term, clean, digits, esc, segment_html, thai_date

#: Where the cover keeps room for a school's name; :mod:`exports.stamp` writes into it (mm from top).
COVER_SCHOOL_BOX_MM = (18.0, 12.0)  # top, height — the page's top margin, then the first cover block

DEFAULT_INSTRUCTIONS = (
    "แบบทดสอบฉบับนี้เป็นแบบเลือกตอบ ให้เลือกคำตอบที่ถูกต้องที่สุดเพียงคำตอบเดียว",
    "ระบายวงกลมตัวเลือกในกระดาษคำตอบให้เต็มวงด้วยดินสอ 2B",
    "ห้ามขีดเขียนหรือทำเครื่องหมายใด ๆ ลงในแบบทดสอบ",
    "เมื่อหมดเวลาให้ส่งแบบทดสอบพร้อมกระดาษคำตอบคืนกรรมการคุมสอบ",
)

#: ตอนที่ by how an item is answered: (kind of the part, its name, its instruction)
PART_KINDS = {
    "choice": ("แบบเลือกตอบ", "ให้เลือกคำตอบที่ถูกต้องที่สุดเพียงคำตอบเดียว แล้วระบายในกระดาษคำตอบ"),
    "several": ("แบบเลือกตอบได้มากกว่า 1 คำตอบ",
                "แต่ละข้อมีคำตอบที่ถูกมากกว่า 1 คำตอบ ให้เลือกทุกคำตอบที่ถูก แล้วระบายทุกตัวเลือกนั้น"
                "ในข้อเดียวกันของกระดาษคำตอบ (ได้คะแนนเมื่อเลือกครบและถูกทั้งหมด)"),
    "written": ("แบบเขียนตอบสั้น", "ให้เขียนคำตอบลงในที่ว่างที่กำหนดในแบบทดสอบ"),
    "working": ("แบบแสดงวิธีทำ", "ให้แสดงวิธีทำหรือเขียนอธิบายคำตอบลงในที่ว่างที่กำหนดในแบบทดสอบ"),
}
_PART_OF_KEY = {"single": "choice", "several": "several", "numeric": "written", "text": "written",
                "matching": "written", "rubric": "working"}


@dataclass(frozen=True)
class Part:
    """ตอนที่ of a booklet: a run of items answered the same way (numbers are 1-based, inclusive)."""

    number: int
    kind: str
    first: int
    last: int
    points: float

    @property
    def name(self) -> str:
        return PART_KINDS[self.kind][0]

    @property
    def instruction(self) -> str:
        return PART_KINDS[self.kind][1]

    @property
    def span(self) -> str:
        return f"ข้อ {self.first}" if self.first == self.last else f"ข้อ {self.first}–{self.last}"

    @property
    def heading(self) -> str:
        return f"ตอนที่ {self.number} {self.name} {self.span} ({self.points:g} คะแนน)"


def part_kind(item: BookletItem) -> str:
    k = item.item_key
    if k is None:
        return "choice" if item.is_choice else "working" if item.rubric else "written"
    return _PART_OF_KEY[k.kind]


def booklet_parts(b: Booklet) -> list[Part]:
    """The booklet's ตอนที่: maximal runs of consecutive items of one answer kind."""
    parts: list[Part] = []
    for n, item in enumerate(b.items, start=1):
        kind = part_kind(item)
        if parts and parts[-1].kind == kind:
            last = parts[-1]
            parts[-1] = Part(last.number, kind, last.first, n, last.points + item.points)
        else:
            parts.append(Part(len(parts) + 1, kind, n, n, item.points))
    return parts


def cover_instructions(b: Booklet) -> tuple[str, ...]:
    """คำชี้แจง from the booklet's own items (Arabic digits; the renderer applies the digit policy).

    The booklet's `instructions`, when given, replace these."""
    if b.instructions:
        return b.instructions
    parts = booklet_parts(b)
    lines = []
    if len(parts) == 1:
        lines.append(f"แบบทดสอบฉบับนี้เป็น{parts[0].name} จำนวน {len(b.items)} ข้อ {parts[0].instruction}")
    else:  # the table above lists the parts; each part's heading carries its own instruction
        lines.append(f"แบบทดสอบฉบับนี้มี {len(parts)} ตอน จำนวน {len(b.items)} ข้อ "
                     "ทำตามคำชี้แจงที่หัวของแต่ละตอน")
    bubbles = any(p.kind in ("choice", "several") for p in parts)
    written = [p for p in parts if p.kind in ("written", "working")]
    if bubbles:
        variant = f" ชุด {b.variant}" if b.variant else " ชุดของแบบทดสอบ"
        lines.append(f"ก่อนลงมือทำ เขียนชื่อ-นามสกุลและโรงเรียนในกระดาษคำตอบ แล้วระบาย{variant} ชั้น ห้อง "
                     "เลขที่ และเลขประจำตัวนักเรียนให้ครบถ้วน")
        lines.append("ระบายวงกลมในกระดาษคำตอบให้เต็มวงด้วยดินสอ 2B ถ้าต้องการเปลี่ยนคำตอบให้ลบรอยเดิมให้สะอาด")
    if written:
        where = " และ ".join(f"ตอนที่ {p.number}" for p in written)
        lines.append(f"เขียนชื่อ-นามสกุล ชั้น และเลขที่บนหน้าปกนี้ คำตอบของ{where}ให้เขียนในแบบทดสอบ"
                     "เฉพาะที่ว่างที่กำหนด นอกนั้นห้ามขีดเขียนลงในแบบทดสอบ")
    else:
        lines.append("ห้ามขีดเขียนหรือทำเครื่องหมายใด ๆ ลงในแบบทดสอบ")
    lines.append("เมื่อหมดเวลา ให้ส่งแบบทดสอบฉบับนี้คืนพร้อมกระดาษคำตอบแก่กรรมการคุมสอบ "
                 "ห้ามนำแบบทดสอบออกจากห้องสอบ")
    return tuple(lines)


def cover_facts(b: Booklet) -> list[tuple[str, str]]:
    """(label, value) rows of the cover: items by part, points, minutes, date (Arabic digits)."""
    parts = booklet_parts(b)
    facts = [("จำนวน", f"{len(b.items)} ข้อ")]
    if len(parts) > 1:  # one row per way of answering, its parts' items and points
        kinds = list(dict.fromkeys(p.kind for p in parts))
        for kind in kinds:
            mine = [p for p in parts if p.kind == kind]
            numbers = ", ".join(f"ตอนที่ {p.number}" for p in mine)
            spans = ", ".join(p.span.removeprefix("ข้อ ") for p in mine)
            facts.append((PART_KINDS[kind][0], f"{numbers}: ข้อ {spans} ({sum(p.points for p in mine):g} คะแนน)"))
    facts += [
        ("คะแนนเต็ม", f"{b.total_points:g} คะแนน"),
        ("เวลา", f"{b.minutes} นาที"),
        ("สอบวันที่", thai_date(b.exam_date, thai_digits=False) if b.exam_date else "." * 40),
    ]
    return facts


def year_line(b: Booklet) -> str:
    """``ภาคเรียนที่ 2 ปีการศึกษา 2568``: the booklet's own, else from the exam date, else blank."""
    return b.academic_year or academic_term(b.exam_date)


def header_codes(b: Booklet) -> str:
    """The running footer's identifiers (as written: people type them)."""
    codes = f"แบบ {b.form_code}" + (f" · ชุด {b.variant}" if b.variant else "")
    return codes + (f" · โรงเรียน {b.school_code}" if b.school_code else "")


def booklet_html(booklet: Booklet, *, thai_digits: bool = True, segment: bool = True) -> str:
    """The complete HTML document of `booklet`; every user string is escaped or sanitised.

    Parameters
    ----------
    booklet : Booklet
    thai_digits : bool, default=True
        Item numbers, dates, page numbers and numbers in headings in Thai digits (๑ ๒ ๓);
        ``False`` prints Arabic digits. Item text is printed as the bank holds it.
    segment : bool, default=True
        Break Thai lines only between dictionary words (:func:`exports.text.segment_html`);
        ``False`` leaves line breaking to Pango's libthai (for benchmarks).
    """
    css = (ASSETS / "booklet.css").read_text(encoding="utf-8")
    counter = "thai" if thai_digits else "decimal"
    page_css = (
        f'@page {{ @bottom-center {{ content: "หน้า " counter(page, {counter}) "/" counter(pages, {counter}); '
        'font-family: "Sarabun", "Laksaman", sans-serif; font-size: 10pt; } }'
    )
    codes = header_codes(booklet)
    variant = f"ชุด {booklet.variant}" if booklet.variant else ""
    page_css += (
        f'@page :first {{ @bottom-center {{ content: "แบบทดสอบฉบับนี้มี " counter(pages, {counter}) " หน้า (รวมหน้าปก) '
        'ส่งคืนพร้อมกระดาษคำตอบ"; font-family: "Sarabun", "Laksaman", sans-serif; font-size: 11pt; '
        "font-weight: bold; } }"
    )
    subject = digits(f"{booklet.learning_area} {booklet.grade}", thai_digits)
    wide = len(booklet.items) >= 100  # three-digit item numbers: a wider number column
    parts = [
        '<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">',
        f"<title>{esc(booklet.title)}</title>",
        f"<style>{font_face_css()}\n{css}\n{page_css}</style></head>",
        f'<body class="{"thai-digits" if thai_digits else "arabic-digits"}">',
        f'<div class="strings" data-title="{esc(digits(booklet.title, thai_digits))}" '
        f'data-subject="{esc(subject)}" data-variant="{esc(variant)}" '
        f'data-codes="{esc(codes)}"></div>',
        _cover(booklet, thai_digits),
        '<div class="items wide">' if wide else '<div class="items">',
    ]
    seen_passages: set[str] = set()
    items = booklet.items
    sections = booklet_parts(booklet)
    starts = {p.first: p for p in sections} if len(sections) > 1 else {}
    for n, item in enumerate(items, start=1):
        html = _item(item, n, thai_digits, wide)
        pid = item.passage_id
        if pid is not None and pid not in seen_passages:
            seen_passages.add(pid)
            # the passage travels with its first item: one unbreakable group
            html = f'<div class="group">{_passage(booklet.passage(pid), items, n, thai_digits)}{html}</div>'
        if n in starts:  # a part's heading and instruction travel with its first item
            p = starts[n]
            html = (f'<div class="group"><div class="part"><b>{esc(digits(p.heading, thai_digits))}</b>'
                    f'<br>{esc(digits(p.instruction, thai_digits))}</div>{html}</div>')
        parts.append(html)
    parts.append('<div class="end">— หมดข้อสอบ —</div></div></body></html>')
    doc = "\n".join(parts)
    if not segment:
        return doc
    head, body = doc.split("<body", 1)
    return head + segment_html("<body" + body)  # Thai lines break only between words


def render_booklet_pdf(
    booklet: Booklet,
    out: str | Path | None = None,
    *,
    thai_digits: bool = True,
    fetcher: SandboxFetcher | None = None,
    segment: bool = True,
) -> bytes:
    """Render `booklet` to PDF (WeasyPrint, sandboxed); write it to `out` if given; return the bytes."""
    pdf = render_pdf(booklet_html(booklet, thai_digits=thai_digits, segment=segment), fetcher=fetcher,
                     marked_breaks=segment, reuse_columns=True)
    if out is not None:
        Path(out).write_bytes(pdf)
    return pdf


def _cover(b: Booklet, thai: bool) -> str:
    rows = "".join(f"<tr><td>{esc(digits(k, thai))}</td><td>{esc(digits(v, thai))}</td></tr>"
                   for k, v in cover_facts(b))
    instructions = "".join(f"<li>{esc(digits(s, thai))}</li>" for s in cover_instructions(b))
    top, height = COVER_SCHOOL_BOX_MM
    school = esc(f"โรงเรียน{b.school}") if b.school else ""
    codes = f"แบบทดสอบ {b.form_code}" + (f" ชุด {b.variant}" if b.variant else "") + (
        f" รหัสโรงเรียน {b.school_code}" if b.school_code else ""
    )
    codes = esc(codes)  # identifiers stay as written: people type them
    variant = (f'<div class="variant"><span>ชุด</span><b>{esc(b.variant)}</b></div>' if b.variant else "")
    return f"""<section class="cover">
{variant}<div class="school" style="height:{height}mm">{school}</div>
<div class="district">{esc(digits(b.district, thai))}</div>
<h1>{esc(digits(b.title, thai))}</h1>
<div class="year">{esc(digits(year_line(b), thai))}</div>
<div class="subject">กลุ่มสาระการเรียนรู้{esc(b.learning_area)} {esc(digits(grade_name(b.grade), thai))}</div>
<table class="facts">{rows}</table>
<div class="instructions"><h2>คำชี้แจง</h2><ol>{instructions}</ol></div>
<div class="lines">ชื่อ-นามสกุล ..................................................................................
<br>ชั้น ............. ห้อง ............. เลขที่ ............. เลขประจำตัวนักเรียน ..............................</div>
<div class="codes">{codes}</div>
</section>"""


#: Longest option (in printed characters, marks above and below not counted) that fits a quarter and a
#: half of a booklet column (about 85 mm at 12 pt Sarabun, after the item's number and the option letter).
QUARTER_CHARS, HALF_CHARS = 5, 14
_TAGS = re.compile(r"<[^>]*>")


def printed_length(fragment: str) -> int:
    """Characters a reader sees in an HTML-subset fragment: Thai marks above and below take no width."""
    import html
    import unicodedata

    text = html.unescape(_TAGS.sub("", fragment)).strip()
    return sum(1 for ch in text if unicodedata.category(ch) not in ("Mn", "Me", "Cf"))


def option_columns(options: tuple[str, ...] | list[str]) -> int:
    """How many options share a line, as Thai exams print them: 4 when every option is as short as a
    number, 2 when every option fits half a column, else 1 (pictures always 1). PDF and DOCX alike."""
    if not options or any("<img" in o.lower() for o in options):
        return 1
    longest = max(printed_length(o) for o in options)
    if longest <= QUARTER_CHARS and len(options) in (2, 4):
        return len(options)
    if longest <= HALF_CHARS and len(options) % 2 == 0:
        return 2
    return 1


def grade_name(grade: str) -> str:
    """``ป.6`` → ``ชั้นประถมศึกษาปีที่ 6`` (other spellings are printed as given, after ``ชั้น``)."""
    m = re.fullmatch(r"\s*(ป|ม)\.\s*(\d+)\s*", grade)
    if m is None:
        return f"ชั้น{grade}"
    level = "ประถมศึกษา" if m[1] == "ป" else "มัธยมศึกษา"
    return f"ชั้น{level}ปีที่ {m[2]}"


#: Width of a booklet column and the indent of its options (booklet.css: A4 less 2 × 14 mm, 8 mm gap;
#: ``ol.options`` 12 mm, 16.5 mm in a ``.wide`` booklet). Short options sit on tab stops at the
#: quarters or halves of what is left (``.options.tabs`` in booklet.css sets the same stops).
COLUMN_MM = (210 - 2 * 14 - 8) / 2
OPTIONS_INDENT_MM = {False: 12.0, True: 16.5}
_WS = re.compile(r"\s+")


@cache
def _sarabun_advances() -> tuple[dict[int, int], int]:
    from fontTools.ttLib import TTFont

    with TTFont(sarabun_dir() / "Sarabun-Regular.ttf", lazy=True) as font:
        widths = font["hmtx"].metrics
        return {code: widths[glyph][0] for code, glyph in font.getBestCmap().items()}, font["head"].unitsPerEm


def text_width_mm(text: str, size_pt: float = 12.0) -> float:
    """Printed width of plain `text` in Sarabun Regular (advances, no kerning; marks take none)."""
    advances, upm = _sarabun_advances()
    return sum(advances.get(ord(ch), upm) for ch in text) / upm * size_pt * 25.4 / 72


def _fit_tab_stops(texts: list[str], across: int, wide: bool) -> bool:
    """True when every option is plain text (no markup) that fits its slot with room to spare.

    Such options print as one line of text with tab stops: one text box where an inline block per
    option costs WeasyPrint a block, a line and a text box each (a quarter of the 40-page booklet's
    render). Others keep ``li`` inline blocks, which wrap an option too long for its slot."""
    import html

    slot = (COLUMN_MM - OPTIONS_INDENT_MM[wide]) / across
    return all("<" not in t and text_width_mm(html.unescape(t)) < slot - 1.5 for t in texts)


def _tab_lines(texts: list[str], across: int) -> str:
    """The options, `across` to a line, separated by tabs and newlines (white-space: pre)."""
    flat = [_WS.sub(" ", t).strip() for t in texts]
    return "\n".join("\t".join(flat[k:k + across]) for k in range(0, len(flat), across))


def _item(item: BookletItem, n: int, thai: bool, wide: bool = False) -> str:
    # number hung in the margin by text-indent (no float, no flex: both cost WeasyPrint dearly in columns)
    number = esc(digits(f"{n}.", thai))
    parts = [f'<div class="stem"><span class="no">{number}</span>{clean(item.stem)}</div>']
    if item.formula is not None:
        parts.append(
            f'<div class="ins formula">{_svg_img(formula_svg(item.formula.tex), item.formula.tex, 1.0)}</div>'
        )
    if item.table is not None:
        parts.append(f'<div class="ins">{_table(item.table)}</div>')
    if item.media is not None:
        parts.append(f'<div class="ins media">{_media(item.media)}</div>')
    if item.is_choice:
        texts = [f"{THAI_OPTION_LETTERS[k]}. {clean(text)}" for k, text in enumerate(item.options)]
        across = option_columns(item.options)
        if across > 1 and _fit_tab_stops(texts, across, wide):
            parts.append(f'<div class="options tabs c{across}">{_tab_lines(texts, across)}</div>')
        else:
            options = "".join(f"<li>{t}</li>" for t in texts)
            parts.append(f'<ol class="options c{across}">{options}</ol>' if across > 1 else f'<ol class="options">{options}</ol>')
    else:
        parts.append(f'<div class="ins points">({esc(digits(f"{item.points:g}", thai))} คะแนน)</div>')
        parts.extend('<div class="ins answer-line"></div>' for _ in range(item.answer_lines))
    return f'<div class="item" data-item="{esc(item.item_id)}">{"".join(parts)}</div>'


def _passage(p: Passage, items: tuple[BookletItem, ...], first: int, thai: bool) -> str:
    numbers = [n for n, i in enumerate(items, start=1) if i.passage_id == p.passage_id]
    span = f"{numbers[0]}–{numbers[-1]}" if len(numbers) > 1 else f"{numbers[0]}"
    heading = esc(digits(f"ใช้ข้อมูลต่อไปนี้ตอบคำถามข้อ {span}", thai))
    paragraphs = "".join(f"<p>{clean(t.strip())}</p>" for t in p.text.split("\n\n") if t.strip())
    extra = ""
    if p.table is not None:
        extra += _table(p.table)
    if p.media is not None:
        extra += f'<div class="media">{_media(p.media)}</div>'
    title = f"<h3>{esc(p.title)}</h3>" if p.title else ""
    return f'<div class="passage"><div class="lead"><b>{heading}</b></div>{title}{paragraphs}{extra}</div>'


def _table(t: TableBlock) -> str:
    cols = ""
    if t.widths_mm:
        cols = "<colgroup>" + "".join(f'<col style="width:{w:.1f}mm">' for w in t.widths_mm) + "</colgroup>"
    head = "".join(f"<th>{esc(h)}</th>" for h in t.header)
    rows = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in t.rows)
    return f'<table class="block">{cols}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _media(m: Media) -> str:
    uri = f"data:{m.mime};base64,{base64.b64encode(m.data).decode()}"
    return f'<img src="{uri}" alt="{esc(m.alt)}" style="width:{m.width_mm:.1f}mm">'


def _svg_img(svg: bytes, alt: str, scale: float = 1.6) -> str:
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    size = re.search(rb'width="([0-9.]+)pt" height="([0-9.]+)pt"', svg)
    style = f' style="width:{float(size[1]) * scale:.1f}pt"' if size else ""
    return f'<img src="{uri}" alt="{esc(alt)}"{style}>'
