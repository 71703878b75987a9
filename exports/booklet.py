"""แบบทดสอบ (exam booklet) as HTML and PDF: cover page, two columns, no item split, Thai page numbers."""

from __future__ import annotations

import base64
import re
from pathlib import Path

from exports.data import THAI_OPTION_LETTERS, Booklet, BookletItem, Media, Passage, TableBlock
from exports.formula import formula_svg
from exports.pdf import ASSETS, SandboxFetcher, font_face_css, render_pdf
from exports.text import clean, digits, esc, thai_date

#: Where the cover keeps room for a school's name; :mod:`exports.stamp` writes into it (mm from top).
COVER_SCHOOL_BOX_MM = (18.0, 12.0)  # top, height — the page's top margin, then the first cover block

DEFAULT_INSTRUCTIONS = (
    "แบบทดสอบฉบับนี้เป็นแบบเลือกตอบ ให้เลือกคำตอบที่ถูกต้องที่สุดเพียงคำตอบเดียว",
    "ระบายวงกลมตัวเลือกในกระดาษคำตอบให้เต็มวงด้วยดินสอ 2B",
    "ห้ามขีดเขียนหรือทำเครื่องหมายใด ๆ ลงในแบบทดสอบ",
    "เมื่อหมดเวลาให้ส่งแบบทดสอบพร้อมกระดาษคำตอบคืนกรรมการคุมสอบ",
)


def booklet_html(booklet: Booklet, *, thai_digits: bool = True) -> str:
    """The complete HTML document of `booklet`; every user string is escaped or sanitised.

    Parameters
    ----------
    booklet : Booklet
    thai_digits : bool, default=True
        Item numbers, dates, page numbers and numbers in headings in Thai digits (๑ ๒ ๓);
        ``False`` prints Arabic digits. Item text is printed as the bank holds it.
    """
    css = (ASSETS / "booklet.css").read_text(encoding="utf-8")
    counter = "thai" if thai_digits else "decimal"
    page_css = (
        f'@page {{ @bottom-center {{ content: "หน้า " counter(page, {counter}) "/" counter(pages, {counter}); '
        'font-family: "Sarabun", "Laksaman", sans-serif; font-size: 10pt; } }'
    )
    codes = f"แบบ {booklet.form_code} · ชุด {booklet.variant}"
    if booklet.school_code:
        codes += f" · โรงเรียน {booklet.school_code}"
    parts = [
        '<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">',
        f"<title>{esc(booklet.title)}</title>",
        f"<style>{font_face_css()}\n{css}\n{page_css}</style></head>",
        f'<body class="{"thai-digits" if thai_digits else "arabic-digits"}">',
        f'<div class="strings" data-title="{esc(booklet.title)}" '
        f'data-subject="{esc(booklet.learning_area + " " + booklet.grade)}" '
        f'data-codes="{esc(codes)}"></div>',
        _cover(booklet, thai_digits),
        '<div class="items wide">' if len(booklet.items) >= 100 else '<div class="items">',
    ]
    seen_passages: set[str] = set()
    items = booklet.items
    for n, item in enumerate(items, start=1):
        html = _item(item, n, thai_digits)
        pid = item.passage_id
        if pid is not None and pid not in seen_passages:
            seen_passages.add(pid)
            # the passage travels with its first item: one unbreakable group
            html = f'<div class="group">{_passage(booklet.passage(pid), items, n, thai_digits)}{html}</div>'
        parts.append(html)
    parts.append('<div class="end">— หมดข้อสอบ —</div></div></body></html>')
    return "\n".join(parts)


def render_booklet_pdf(
    booklet: Booklet,
    out: str | Path | None = None,
    *,
    thai_digits: bool = True,
    fetcher: SandboxFetcher | None = None,
) -> bytes:
    """Render `booklet` to PDF (WeasyPrint, sandboxed); write it to `out` if given; return the bytes."""
    pdf = render_pdf(booklet_html(booklet, thai_digits=thai_digits), fetcher=fetcher)
    if out is not None:
        Path(out).write_bytes(pdf)
    return pdf


def _cover(b: Booklet, thai: bool) -> str:
    n_choice = sum(1 for i in b.items if i.is_choice)
    facts = [
        ("จำนวน", f"{len(b.items)} ข้อ"),
        ("คะแนนเต็ม", f"{b.total_points:g} คะแนน"),
        ("เวลา", f"{b.minutes} นาที"),
        ("สอบวันที่", thai_date(b.exam_date, thai_digits=thai)),
    ]
    if n_choice < len(b.items):
        facts.insert(1, ("แบบเลือกตอบ / เขียนตอบ", f"{n_choice} / {len(b.items) - n_choice} ข้อ"))
    rows = "".join(f"<tr><td>{esc(k)}</td><td>{esc(digits(v, thai))}</td></tr>" for k, v in facts)
    instructions = "".join(
        f"<li>{esc(digits(s, thai))}</li>" for s in (b.instructions or DEFAULT_INSTRUCTIONS)
    )
    top, height = COVER_SCHOOL_BOX_MM
    school = esc(f"โรงเรียน{b.school}") if b.school else ""
    codes = f"แบบทดสอบ {b.form_code} ชุด {b.variant}" + (
        f" รหัสโรงเรียน {b.school_code}" if b.school_code else ""
    )
    codes = esc(codes)  # identifiers stay in Arabic digits: people type them
    return f"""<section class="cover">
<div class="school" style="height:{height}mm">{school}</div>
<div class="district">{esc(b.district)}</div>
<h1>{esc(b.title)}</h1>
<div class="year">{esc(digits(b.academic_year, thai))}</div>
<div class="subject">กลุ่มสาระการเรียนรู้{esc(b.learning_area)} {esc(digits(grade_name(b.grade), thai))}</div>
<table class="facts">{rows}</table>
<div class="instructions"><h2>คำชี้แจง</h2><ol>{instructions}</ol></div>
<div class="lines">ชื่อ-นามสกุล ..................................................................................
<br>ชั้น ............. ห้อง ............. เลขที่ ............. เลขประจำตัวนักเรียน ..............................</div>
<div class="codes">{codes}</div>
</section>"""


def grade_name(grade: str) -> str:
    """``ป.6`` → ``ชั้นประถมศึกษาปีที่ 6`` (other spellings are printed as given, after ``ชั้น``)."""
    m = re.fullmatch(r"\s*(ป|ม)\.\s*(\d+)\s*", grade)
    if m is None:
        return f"ชั้น{grade}"
    level = "ประถมศึกษา" if m[1] == "ป" else "มัธยมศึกษา"
    return f"ชั้น{level}ปีที่ {m[2]}"


def _item(item: BookletItem, n: int, thai: bool) -> str:
    # number hung in the margin by text-indent (no float, no flex: both cost WeasyPrint dearly in columns)
    number = esc(digits(f"{n}.", thai))
    parts = [f'<div class="stem"><span class="no">{number}</span>{clean(item.stem)}</div>']
    if item.formula is not None:
        parts.append(
            f'<div class="ins formula">{_svg_img(formula_svg(item.formula.tex), item.formula.tex)}</div>'
        )
    if item.table is not None:
        parts.append(f'<div class="ins">{_table(item.table)}</div>')
    if item.media is not None:
        parts.append(f'<div class="ins media">{_media(item.media)}</div>')
    if item.is_choice:
        options = "".join(
            f"<li>{THAI_OPTION_LETTERS[k]}. {clean(text)}</li>" for k, text in enumerate(item.options)
        )
        parts.append(f'<ol class="options">{options}</ol>')
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
