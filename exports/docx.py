"""Editable DOCX booklets and keys (python-docx) with the Thai complex-script recipe.

python-docx's ``font.name``/``font.size``/``bold`` never reach Thai text: Thai is "complex script"
in WordprocessingML. :func:`thai_rpr` writes ``w:rFonts/@w:cs``, ``w:szCs``, ``w:bCs``/``w:iCs`` and
``w:lang/@w:bidi="th-TH"``, and removes the theme-font attributes of the default template
(``w:cstheme="minorBidi"`` would win over ``w:cs``). See ``notes/documents.md`` §4.3.

Page numbers are plain PAGE/NUMPAGES fields in Thai-language runs; :func:`docx_to_pdf` converts with
a LibreOffice profile whose ``CTLTextNumerals`` is 3 ("context"), which prints them in Thai digits.
(LibreOffice maps Word's ``\\* ThaiArabic`` switch to Thai *letters*, so it is not used.)
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from exports.booklet import (
    booklet_parts,
    cover_facts,
    cover_instructions,
    grade_name,
    header_codes,
    option_columns,
    year_line,
)
from exports.data import THAI_OPTION_LETTERS, AnswerKey, Booklet, BookletItem, Media, Passage, TableBlock
from exports.errors import ExportError
from exports.formula import formula_png, formula_width_mm
from exports.pdf import sarabun_dir
from exports.text import digits, segment_plain

DEFAULT_FONT = "Sarabun"
#: Body size that matches the PDF booklet. TH Sarabun New needs about 1.5× (16 pt ≙ Sarabun 10.5 pt).
DEFAULT_SIZE = {"Sarabun": 12.0, "TH Sarabun New": 16.0, "Laksaman": 16.0}

_RPR_ORDER = [
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow",
    "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern",
    "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs",
    "em", "lang", "eastAsianLayout",
]  # fmt: skip


def thai_rpr(
    rpr: OxmlElement,
    font: str | None = None,
    size: float | None = None,
    bold: bool | None = None,
    italic: bool | None = None,
    lang: bool = True,
) -> None:
    """Set font, size, bold, italic and Thai language on a ``w:rPr`` for Latin *and* Thai text."""
    if font:
        fonts = rpr.get_or_add_rFonts()
        for a in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(a), None)
        for a in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(a), font)

    def put(tag: str, value: str) -> OxmlElement:
        el = rpr.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            rpr.append(el)
        el.set(qn("w:val"), value)
        return el

    if size is not None:
        put("w:sz", str(round(size * 2)))
        put("w:szCs", str(round(size * 2)))
    if bold is not None:
        put("w:b", "1" if bold else "0")
        put("w:bCs", "1" if bold else "0")
    if italic is not None:
        put("w:i", "1" if italic else "0")
        put("w:iCs", "1" if italic else "0")
    if lang:
        put("w:lang", "th-TH").set(qn("w:bidi"), "th-TH")
    # children appended above must go back into schema order (Word refuses files otherwise)
    for el in sorted(rpr, key=_rpr_rank):
        rpr.append(el)


def _rpr_rank(el: OxmlElement) -> int:
    tag = el.tag.split("}")[1]
    return _RPR_ORDER.index(tag) if tag in _RPR_ORDER else len(_RPR_ORDER)


class _Writer:
    """A python-docx Document set up for Thai, with small helpers that apply the recipe per run."""

    def __init__(self, font: str, size: float, thai_digits: bool):
        self.doc: DocumentType = Document()
        self.font, self.size, self.thai = font, size, thai_digits
        # booklets and keys: Thai breaks only between dictionary words (U+200B between words, U+2060
        # inside, exports.text.segment_plain); reports: as given. Every DOCX keeps 0-9 as written (_as_written)
        self.segment = False
        styles = self.doc.styles.element
        thai_rpr(styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")), font, size)
        for name in ("Normal", "Table Grid"):
            try:
                thai_rpr(self.doc.styles[name].element.get_or_add_rPr(), font, size)
            except KeyError:
                continue
        normal = self.doc.styles["Normal"].paragraph_format
        normal.space_after, normal.space_before, normal.line_spacing = Pt(0), Pt(0), 1.0
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(16), Mm(18)
        section.left_margin = section.right_margin = Mm(14)

    def para(self, text: str = "", *, size: float | None = None, bold: bool | None = None,
             align: WD_ALIGN_PARAGRAPH | None = None, keep_next: bool = True) -> Paragraph:  # fmt: skip
        p = self.doc.add_paragraph()
        if text:
            self.run(p, text, size=size, bold=bold)
        if align is not None:
            p.alignment = align
        p.paragraph_format.keep_together = True
        p.paragraph_format.keep_with_next = keep_next
        return p

    def run(self, p: Paragraph, text: str, *, size: float | None = None, bold: bool | None = None,
            italic: bool | None = None) -> None:  # fmt: skip
        for chunk in self._chunks(text):
            r = p.add_run(chunk)
            thai_rpr(r._r.get_or_add_rPr(), self.font, size or self.size, bold, italic)
            _as_written(r, chunk)

    def _chunks(self, text: str) -> list[str]:
        """`text` (segmented in booklets and keys) cut so that every word holding 0-9 is a run of its own."""
        return [c for c in _DIGIT_RUNS.split(segment_plain(text) if self.segment else text) if c]

    def rich(self, p: Paragraph, html: str) -> None:
        """Runs from an HTML-subset string: <b>, <i>, <u>, <sub>, <sup>, <br> kept; other tags dropped."""
        for text, style in _inline_runs(html):
            if text == "\n":
                p.add_run().add_break(WD_BREAK.LINE)
                continue
            for chunk in self._chunks(text):
                r = p.add_run(chunk)
                thai_rpr(r._r.get_or_add_rPr(), self.font, self.size, "b" in style or None, "i" in style or None)
                _as_written(r, chunk)
                r.font.underline = True if "u" in style else None
                r.font.subscript = True if "sub" in style else None
                r.font.superscript = True if "sup" in style else None

    def table(self, block: TableBlock, width_mm: float) -> DocxTable:
        n = len(block.header)
        widths = list(block.widths_mm or [width_mm / n] * n)
        t = self.doc.add_table(rows=1 + len(block.rows), cols=n)
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        _fixed_widths(t, widths)
        for r, row in enumerate((block.header, *block.rows)):
            tr_pr = t.rows[r]._tr.get_or_add_trPr()
            tr_pr.append(OxmlElement("w:cantSplit"))
            for c, value in enumerate(row):
                cell = t.cell(r, c)
                p = cell.paragraphs[0]
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                p.paragraph_format.keep_with_next = True
                p.paragraph_format.keep_together = True
                self.run(p, value, bold=True if r == 0 else None, size=self.size - 1)
        return t

    def picture(self, data: bytes, width_mm: float, *, keep_next: bool = True) -> None:
        p = self.para(align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=keep_next)
        p.add_run().add_picture(io.BytesIO(data), width=Mm(width_mm))

    def footer(self, left: str) -> None:
        footer = self.doc.sections[0].footer
        p = footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.run(p, f"{left}    หน้า ", size=self.size - 2)
        _field(p, "PAGE", self)
        self.run(p, "/", size=self.size - 2)
        _field(p, "NUMPAGES", self)


_DIGIT_RUNS = re.compile("([^ \t\n\u200b]*[0-9][^ \t\n\u200b]*)")  # a chunk holding 0-9, with what is glued to it


def _as_written(r: object, chunk: str) -> None:
    """Arabic digits stay Arabic, in every DOCX the product writes (booklets, keys, reports, slips,
    supervision records, instruments): the digit policy has already written Thai digits where they
    belong (๐–๙ in the text: counts, dates, scores), so the 0–9 left are codes (school, item, form,
    indicator codes), formulas and numbers inside items as written. Their run is English, so
    LibreOffice's "context" numerals (which print the page fields in Thai digits, see
    :func:`docx_to_pdf`) and Word leave them as they are; the PAGE/NUMPAGES fields stay Thai runs."""
    if not _DIGIT_RUNS.fullmatch(chunk):
        return
    lang = r._r.get_or_add_rPr().find(qn("w:lang"))  # type: ignore[attr-defined]
    if lang is not None:
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:bidi"), "en-US")


def _fixed_widths(t: DocxTable, widths_mm: Sequence[float]) -> None:
    tbl_pr = t._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    total = sum(widths_mm)
    tbl_w.set(qn("w:w"), str(round(total / 25.4 * 1440)))
    tbl_w.set(qn("w:type"), "dxa")
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    margins = OxmlElement("w:tblCellMar")  # ~1 mm each side instead of Word's 1.9 mm: narrow columns fit
    for side in ("left", "right"):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), "57")
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    tbl_pr.append(margins)
    for col, w in zip(t._tbl.tblGrid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(round(w / 25.4 * 1440)))
    for row in t.rows:
        for cell, w in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(w)


def _field(p: Paragraph, code: str, w: _Writer) -> None:
    for kind, text in (("begin", None), (None, f" {code} "), ("separate", None), (None, "1"), ("end", None)):
        r = p.add_run()
        thai_rpr(r._r.get_or_add_rPr(), w.font, w.size - 2)
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            r._r.append(fld)
        elif text.strip() == code:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            r._r.append(instr)
        else:
            r.text = text


def _columns(section: object, n: int) -> None:
    sect_pr = section._sectPr  # type: ignore[attr-defined]
    cols = sect_pr.find(qn("w:cols"))
    if cols is None:
        cols = OxmlElement("w:cols")
        sect_pr.append(cols)
    cols.set(qn("w:num"), str(n))
    cols.set(qn("w:space"), "453")
    cols.set(qn("w:sep"), "1")


def _inline_runs(html: str) -> list[tuple[str, frozenset[str]]]:
    """Split a sanitised HTML-subset string into (text, styles) runs."""
    from html.parser import HTMLParser

    from exports.text import clean

    out: list[tuple[str, frozenset[str]]] = []
    stack: list[str] = []

    class P(HTMLParser):
        def handle_starttag(self, tag: str, attrs: object) -> None:
            if tag == "br":
                out.append(("\n", frozenset()))
            elif tag in ("b", "strong", "i", "em", "u", "sub", "sup"):
                stack.append({"strong": "b", "em": "i"}.get(tag, tag))

        def handle_endtag(self, tag: str) -> None:
            t = {"strong": "b", "em": "i"}.get(tag, tag)
            if t in stack:
                stack.remove(t)

        def handle_data(self, data: str) -> None:
            if data:
                out.append((data, frozenset(stack)))

    parser = P(convert_charrefs=True)
    parser.feed(clean(html))
    parser.close()
    return out


def _media_png(m: Media) -> bytes:
    if m.mime != "image/svg+xml":
        return m.data
    import cairosvg

    # unsafe=False (the default): no external files, no entities; an SVG's remote images stay blank
    return cairosvg.svg2png(bytestring=m.data, dpi=200, scale=3)


def booklet_docx(
    booklet: Booklet,
    out: str | Path | None = None,
    *,
    font: str = DEFAULT_FONT,
    size: float | None = None,
    thai_digits: bool = True,
) -> bytes:
    """The booklet as an editable DOCX: cover, then two columns with every item kept together.

    Parameters
    ----------
    booklet : Booklet
    out : path, optional
        Also write the file there.
    font : str, default="Sarabun"
        Name written into every run (Latin and complex script). "TH Sarabun New" suits school PCs
        that have it; render such a file only where that font is installed (see notes §5).
    size : float, optional
        Body size in points; defaults to :data:`DEFAULT_SIZE` for the font.
    thai_digits : bool, default=True
        Item numbers and cover numbers in Thai digits.
    """
    w = _Writer(font, size or DEFAULT_SIZE.get(font, 12.0), thai_digits)
    w.segment = True
    _cover_docx(w, booklet)
    section = w.doc.add_section(WD_SECTION.NEW_PAGE)
    _columns(section, 2)
    w.footer(header_codes(booklet))
    if booklet.variant:
        _variant_header(w, section, booklet)
    parts = booklet_parts(booklet)
    starts = {p.first: p for p in parts} if len(parts) > 1 else {}
    seen: set[str] = set()
    for n, item in enumerate(booklet.items, start=1):
        if n in starts:
            head = w.para(digits(starts[n].heading, w.thai), bold=True)
            head.paragraph_format.space_before = Pt(6)
            w.para(digits(starts[n].instruction, w.thai))
        if item.passage_id is not None and item.passage_id not in seen:
            seen.add(item.passage_id)
            _passage_docx(w, booklet.passage(item.passage_id), booklet.items)
        _item_docx(w, item, n)
    w.para("— หมดข้อสอบ —", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=False)
    return _save(w.doc, out)


def _variant_header(w: _Writer, section: object, b: Booklet) -> None:
    """Every page after the cover: the title on the left and the variant, large, on the right."""
    section.different_first_page_header_footer = False
    header = section.header
    header.is_linked_to_previous = False
    p = header.paragraphs[0]
    p.paragraph_format.tab_stops.add_tab_stop(Mm(182), alignment=2)  # right
    w.run(p, digits(b.title, w.thai), size=w.size - 3)
    w.run(p, "\t")
    w.run(p, f"ชุด {b.variant}", size=w.size + 4, bold=True)


def _cover_docx(w: _Writer, b: Booklet) -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    if b.variant:
        p = w.para(align=WD_ALIGN_PARAGRAPH.RIGHT)
        w.run(p, "ชุด ", size=w.size + 2)
        w.run(p, b.variant, size=w.size + 20, bold=True)
    w.para(
        f"โรงเรียน{b.school}" if b.school else "โรงเรียน" + "." * 50, size=w.size + 3, bold=True, align=center
    )
    w.para(digits(b.district, w.thai), size=w.size + 1, align=center)
    w.para(digits(b.title, w.thai), size=w.size + 8, bold=True, align=center)
    w.para(digits(year_line(b), w.thai), size=w.size + 2, align=center)
    w.para(
        f"กลุ่มสาระการเรียนรู้{b.learning_area} {digits(grade_name(b.grade), w.thai)}",
        size=w.size + 3,
        align=center,
    )
    w.para("")
    facts = TableBlock(
        ("รายการ", "รายละเอียด"),
        tuple((digits(k, w.thai), digits(v, w.thai)) for k, v in cover_facts(b)),
        (40, 110),
    )
    w.table(facts, 150)
    w.para("")
    box = w.doc.add_table(rows=1, cols=1)
    box.style = "Table Grid"
    box.autofit = False
    _fixed_widths(box, [170])
    box.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    cell = box.cell(0, 0)
    p = cell.paragraphs[0]
    p.alignment = center
    w.run(p, "คำชี้แจง", bold=True, size=w.size + 1)
    for k, line in enumerate(cover_instructions(b), start=1):
        q = cell.add_paragraph()
        w.run(q, digits(f"{k}. {line}", w.thai))
    w.para("")
    w.para("ชื่อ-นามสกุล " + "." * 80, size=w.size + 1)
    w.para(f"ชั้น {'.' * 12} ห้อง {'.' * 12} เลขที่ {'.' * 12} เลขประจำตัวนักเรียน {'.' * 25}", size=w.size + 1)
    p = w.para(align=center)
    w.run(p, "แบบทดสอบฉบับนี้มี ", bold=True)
    _field(p, "NUMPAGES", w)
    w.run(p, " หน้า (รวมหน้าปก) ส่งคืนพร้อมกระดาษคำตอบ", bold=True)
    w.para(f"แบบทดสอบ {b.form_code}" + (f" ชุด {b.variant}" if b.variant else ""), size=w.size - 2, align=center,
           keep_next=False)


def _passage_docx(w: _Writer, p: Passage, items: tuple[BookletItem, ...]) -> None:
    numbers = [n for n, i in enumerate(items, start=1) if i.passage_id == p.passage_id]
    span = f"{numbers[0]}–{numbers[-1]}" if len(numbers) > 1 else str(numbers[0])
    w.para(digits(f"ใช้ข้อมูลต่อไปนี้ตอบคำถามข้อ {span}", w.thai), bold=True)
    if p.title:
        w.para(p.title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for text in (t.strip() for t in p.text.split("\n\n")):
        if text:
            para = w.para()
            para.paragraph_format.first_line_indent = Mm(8)
            w.rich(para, text)
    if p.table is not None:
        w.table(p.table, 80)
    if p.media is not None:
        w.picture(_media_png(p.media), min(p.media.width_mm, 80))


def _item_docx(w: _Writer, item: BookletItem, n: int) -> None:
    stem = w.para()
    stem.paragraph_format.left_indent = Mm(10)
    stem.paragraph_format.first_line_indent = Mm(-10)
    stem.paragraph_format.space_before = Pt(4)
    stem.paragraph_format.tab_stops.add_tab_stop(Mm(10))
    w.run(stem, digits(f"{n}.", w.thai) + "\t", bold=True)
    w.rich(stem, item.stem)
    if item.formula is not None:
        w.picture(formula_png(item.formula.tex), formula_width_mm(item.formula.tex))
    if item.table is not None:
        w.table(item.table, 70)
    if item.media is not None:
        w.picture(_media_png(item.media), min(item.media.width_mm, 75))
    across = option_columns(item.options)
    last = len(item.options) - 1
    if across > 1:  # short options share a line, as in the PDF: ก ข / ค ง, or ก ข ค ง
        width = 72.0 / across                      # the column after the item number's 10 mm
        for row in range(0, len(item.options), across):
            p = w.para(keep_next=row + across <= last)
            p.paragraph_format.left_indent = Mm(16)
            p.paragraph_format.first_line_indent = Mm(-6)
            for c in range(across):
                p.paragraph_format.tab_stops.add_tab_stop(Mm(10 + c * width))
                p.paragraph_format.tab_stops.add_tab_stop(Mm(16 + c * width))
            for c, k in enumerate(range(row, min(row + across, len(item.options)))):
                w.run(p, ("\t" if c else "") + f"{THAI_OPTION_LETTERS[k]}.\t")
                w.rich(p, item.options[k])
    for k, option in enumerate(item.options if across == 1 else ()):
        p = w.para(keep_next=k != last)
        p.paragraph_format.left_indent = Mm(16)
        p.paragraph_format.first_line_indent = Mm(-6)
        p.paragraph_format.tab_stops.add_tab_stop(Mm(16))
        w.run(p, f"{THAI_OPTION_LETTERS[k]}.\t")
        w.rich(p, option)
    if not item.is_choice:
        points = w.para(digits(f"({item.points:g} คะแนน)", w.thai), keep_next=item.answer_lines > 0)
        points.paragraph_format.left_indent = Mm(10)
        for k in range(item.answer_lines):
            p = w.para("." * 60, keep_next=k != item.answer_lines - 1)
            p.paragraph_format.left_indent = Mm(10)
            p.paragraph_format.space_before = Pt(6)


def key_docx(keys: AnswerKey | Sequence[AnswerKey], out: str | Path | None = None, *, font: str = DEFAULT_FONT,
             thai_digits: bool = True) -> bytes:  # fmt: skip
    """The key(s) as an editable DOCX: per variant a table of item, letter, points and indicator."""
    from exports.keys import printed_key, variant_name

    seq = [keys] if isinstance(keys, AnswerKey) else list(keys)
    w = _Writer(font, DEFAULT_SIZE.get(font, 12.0), thai_digits)
    w.segment = True
    for k, key in enumerate(seq):
        if k:
            w.doc.add_page_break()
        w.para(digits(f"เฉลย {key.title}", thai_digits), size=w.size + 4, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        w.para(f"แบบทดสอบ {key.form_code} · {variant_name(key.variant)}", align=WD_ALIGN_PARAGRAPH.CENTER)
        rows = tuple(
            (
                digits(e.number, thai_digits),
                printed_key(e),
                digits(f"{e.points:g}", thai_digits),
                e.indicator,
                e.item_id,
            )
            for e in key.entries
        )
        w.table(TableBlock(("ข้อ", "เฉลย", "คะแนน", "ตัวชี้วัด", "รหัสข้อสอบ"), rows, (15, 25, 20, 55, 45)), 160)
        for e in key.entries:
            if e.rubric:
                w.para(digits(f"เกณฑ์การให้คะแนนข้อ {e.number} ({e.points:g} คะแนน)", thai_digits), bold=True)
                crit = tuple((text, digits(f"{p:g}", thai_digits)) for p, text in e.rubric)
                w.table(TableBlock(("เกณฑ์", "คะแนน"), crit, (130, 30)), 160)
    w.footer("เฉลย")
    return _save(w.doc, out)


def _save(doc: DocumentType, out: str | Path | None) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    data = buf.getvalue()
    if out is not None:
        Path(out).write_bytes(data)
    return data


_PROFILE_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/I18N/CTL"><prop oor:name="CTLTextNumerals" oor:op="fuse">
<value>{numerals}</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/I18N/CTL"><prop oor:name="CTLFont" oor:op="fuse">
<value>true</value></prop></item>
</oor:items>
"""

_FONTS_CONF = """<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>{fonts}</dir>
<cachedir>{cache}</cachedir></fontconfig>
"""


def docx_to_pdf(
    docx: str | Path, out_dir: str | Path, *, thai_digits: bool = True, timeout: float = 120
) -> Path:
    """Convert a DOCX to PDF with LibreOffice (``soffice --headless``), seeing the bundled Sarabun.

    A private LibreOffice profile per call (so concurrent workers do not share one) sets
    ``CTLTextNumerals`` (3 = Thai digits in Thai text, 0 = Arabic), and a private fontconfig file adds
    the Sarabun folder without installing anything system-wide.
    """
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ExportError(
            "docx.no_libreoffice",
            message_th="ไม่พบ LibreOffice (soffice) สำหรับแปลง DOCX เป็น PDF",
            message_en="LibreOffice (soffice) is not installed, cannot convert DOCX to PDF",
        )
    docx, out_dir = Path(docx), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="khlang-lo-") as tmp:
        profile = Path(tmp) / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(
            _PROFILE_XCU.format(numerals=3 if thai_digits else 0), encoding="utf-8"
        )
        conf = Path(tmp) / "fonts.conf"
        conf.write_text(
            _FONTS_CONF.format(fonts=sarabun_dir(), cache=Path(tmp) / "fc-cache"), encoding="utf-8"
        )
        env = {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": tmp}
        cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(out_dir), str(docx)]  # fmt: skip
        try:
            done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            raise ExportError(
                "docx.convert_timeout",
                message_th=f"LibreOffice แปลง {docx.name} ไม่เสร็จใน {timeout:g} วินาที",
                message_en=f"LibreOffice did not convert {docx.name} within {timeout:g} s",
            ) from e
    pdf = out_dir / (docx.stem + ".pdf")
    if done.returncode != 0 or not pdf.exists():
        raise ExportError(
            "docx.convert_failed",
            message_th=f"LibreOffice แปลง {docx.name} เป็น PDF ไม่สำเร็จ: {done.stderr.strip()[:300]}",
            message_en=f"LibreOffice failed to convert {docx.name}: {done.stderr.strip()[:300]}",
        )
    return pdf
