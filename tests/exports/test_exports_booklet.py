"""Booklet PDF: real WeasyPrint renders checked with poppler (fonts, text, word boxes, rasters)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from exports_pdftools import (
    assert_items_whole,
    bad_line_ends,
    body_lines,
    column,
    fonts,
    line_breaks,
    needs_poppler,
    nfkc,
    rasterise,
    text,
    words,
)

from demo.documents import demo_booklet
from exports.booklet import booklet_html, grade_name, render_booklet_pdf
from exports.data import Booklet, BookletItem
from exports.errors import ExportError
from exports.text import digits

pytestmark = needs_poppler

LEADING_VOWELS = set("เแโใไ")
# characters that can never begin a line: following vowels, above/below vowels, tone marks
NON_INITIAL = set("ะัาำิีึืฺุู็่้๊๋์ํ๎ๅ")


def test_sarabun_is_embedded_as_subset(demo_pdf: Path) -> None:
    rows = fonts(demo_pdf)
    sarabun = [r for r in rows if "Sarabun" in r["name"]]
    assert sarabun, rows
    assert all(r["emb"] == "yes" and r["sub"] == "yes" and r["uni"] == "yes" for r in sarabun)
    assert all(re.match(r"[A-Z]{6}\+", r["name"]) for r in sarabun)


def test_text_layer_has_headings_and_items_with_sara_aa_repaired(demo_pdf: Path) -> None:
    got = text(demo_pdf)
    b = demo_booklet("A")
    for heading in (b.title, b.district, "คำชี้แจง", "กลุ่มสาระการเรียนรู้คณิตศาสตร์", "หมดข้อสอบ"):
        assert nfkc(digits(heading)) in got, heading  # headings follow the document's digits
    assert "สํานักงาน" in got and "สำนักงำน" not in got  # า is า again; ำ reads as ํา (NFKC form)
    assert nfkc("ถ้าน้ำมัน 1 ลิตร") in got  # the NIKHAHIT+MAI THO ligature glyph reads as its two marks
    stems = [re.sub(r"<[^>]+>", "", i.stem) for i in b.items if "<" not in i.stem or True]
    for stem in stems[:12]:
        first_words = nfkc(stem.split()[0])
        assert first_words in got, first_words
    assert "หน้า ๒/" in got


def test_cover_carries_buddhist_date_grade_and_time(demo_pdf: Path) -> None:
    page1 = text(demo_pdf).split("\f")[0]
    assert "๑๒ กุมภาพันธ์ พ.ศ. ๒๕๖๙" in page1 and "ชั้นประถมศึกษาปีที่ ๖" in page1
    assert "๖๐ นาที" in page1 and "ชื่อ-นามสกุล" in page1 and "เลขที่" in page1


def test_no_item_is_split_across_column_or_page(demo_pdf: Path) -> None:
    b = demo_booklet("A")
    assert_items_whole(b, words(demo_pdf))


@pytest.mark.slow
def test_forty_page_booklet_keeps_every_item_whole(tmp_path: Path) -> None:
    b = demo_booklet("A", repeat=10)
    out = tmp_path / "long.pdf"
    render_booklet_pdf(b, out)
    ws = words(out)
    assert max(w.page for w in ws) >= 30
    assert_items_whole(b, ws)


def test_thai_lines_never_break_inside_a_syllable(demo_pdf: Path) -> None:
    bad, breaks = [], 0
    ordered = body_lines(demo_pdf)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if (a[0].page, column(a[0])) != (b[0].page, column(b[0])):
            continue
        last = max(a, key=lambda w: w.x1).text
        first = min(b, key=lambda w: w.x0).text
        if not (last and first) or not (
            "\u0e01" <= last[-1] <= "\u0e4e" and "\u0e01" <= first[0] <= "\u0e4e"  # Thai letters, not digits
        ):
            continue
        breaks += 1
        if last[-1] in LEADING_VOWELS or first[0] in NON_INITIAL:
            bad.append((last, first))
    assert breaks > 30  # the check saw real Thai line breaks
    assert bad == []


def test_every_line_ends_at_a_word_boundary(demo_pdf: Path) -> None:
    b = demo_booklet("A")
    source = " ".join([b.title, b.district, *(i.stem for i in b.items), *(o for i in b.items for o in i.options),
                       *(p.text for p in b.passages)])
    checked, bad = bad_line_ends(line_breaks(body_lines(demo_pdf)), re.sub(r"<[^>]+>", " ", source))
    assert checked > 8 and bad == []


def test_pages_rasterise(demo_pdf: Path, tmp_path: Path) -> None:
    pngs = rasterise(demo_pdf, tmp_path, dpi=40)
    assert len(pngs) >= 4 and all(p.stat().st_size > 3000 for p in pngs)


def test_arabic_digits_are_switchable(tmp_path: Path) -> None:
    b = demo_booklet("A")
    b = Booklet(**{**b.__dict__, "items": b.items[:6], "passages": ()})
    out = tmp_path / "arabic.pdf"
    render_booklet_pdf(b, out, thai_digits=False)
    got = text(out)
    assert "หน้า 2/2" in got and "12 กุมภาพันธ์ พ.ศ. 2569" in got and "๑" not in got


def test_variants_permute_items_and_keep_keys_right() -> None:
    a, c = demo_booklet("A"), demo_booklet("C")
    assert [i.item_id for i in a.items] != [i.item_id for i in c.items]
    by_id = {i.item_id: i for i in a.items}
    for item in c.items:
        orig = by_id[item.item_id]
        assert sorted(item.options) == sorted(orig.options)
        if item.is_choice:
            assert item.options[item.key - 1] == orig.options[orig.key - 1]
    ids = [i.item_id for i in c.items]
    p = [ids.index(f"M6-20{k}") for k in (1, 2, 3)]
    assert p == list(range(p[0], p[0] + 3))  # the passage's items stay together, in order


def test_user_text_is_sanitised_not_executed() -> None:
    b = demo_booklet("A")
    evil = BookletItem(
        "X1",
        '<b>ตัวหนา</b><img src="http://127.0.0.1:9/x"><script>x</script><i style="x">a</i>',
        ("<u>ก</u>", "<a href='file:///etc/passwd'>ข</a>"),
        1,
    )
    html = booklet_html(Booklet(**{**b.__dict__, "items": (evil,), "passages": (), "title": "<h1>T</h1>"}),
                        segment=False)
    assert "<b>ตัวหนา</b>" in html and '<img src="http' not in html and "<script" not in html
    assert "file:///etc" not in html and 'style="x"' not in html and "&lt;h1&gt;T&lt;/h1&gt;" in html


def test_booklet_refuses_a_key_outside_the_options() -> None:
    b = demo_booklet("A")
    bad = BookletItem("X2", "ข้อ", ("ก", "ข"), 3)
    with pytest.raises(ExportError) as e:
        Booklet(**{**b.__dict__, "items": (bad,), "passages": ()})
    assert "เฉลย 3" in str(e.value) and e.value.problems[0].code == "booklet.bad_key"


def test_grade_names() -> None:
    assert grade_name("ป.6") == "ชั้นประถมศึกษาปีที่ 6" and grade_name("ม.1") == "ชั้นมัธยมศึกษาปีที่ 1"


def test_split_check_catches_splits_when_keep_together_is_off(tmp_path: Path) -> None:
    from exports.pdf import render_pdf

    b = demo_booklet("A", repeat=2)
    html = booklet_html(b).replace("break-inside: avoid; page-break-inside: avoid;", "")
    out = tmp_path / "loose.pdf"
    out.write_bytes(render_pdf(html))
    with pytest.raises(AssertionError):
        assert_items_whole(b, words(out))


def test_passage_sits_with_its_first_item(demo_pdf: Path) -> None:
    b = demo_booklet("A")
    first = next(n for n, i in enumerate(b.items, start=1) if i.passage_id == "P1")
    ws = words(demo_pdf)
    lead = next(w for w in ws if w.text.startswith(nfkc("ใช้ข้อมูล")))  # -bbox cuts words at shifted marks
    number = next(w for w in ws if w.text == digits(f"{first}.") and w.page > 1)
    assert (lead.page, column(lead)) == (number.page, column(number)) and lead.y0 < number.y0


def test_sara_am_copies_as_sara_am(demo_pdf: Path) -> None:
    """ำ in the text layer is U+0E33 itself, so a search for "สำนักงาน" or "จำนวน" finds it."""
    from exports_pdftools import run

    raw = run("pdftotext", "-enc", "UTF-8", demo_pdf, "-")
    assert "สำนักงาน" in raw and "\u0e4d\u0e32" not in raw
    assert "สำนักงำน" not in raw and "น้ำ" in raw
