"""ชุดเอกสารกรรมการคุมสอบ (a proctor's kit) as one printable PDF per school.

For every room: the proctor's instructions (one page), the attendance and signature sheet (ที่,
เลขประจำตัว, ชื่อ–นามสกุล, ชุด, ลายมือชื่อ, หมายเหตุ; the header row repeats on every page) and the
envelope cover sheet (ใบปะหน้าซอง) with the counts to fill in. Thai lines break only between words
(:func:`exports.text.segment_html`); one digit policy (Thai digits by default) for page numbers, counts
and dates, while codes (student and school ids, the administration's code) stay as written.
"""

from __future__ import annotations

from exports.data import ProctorPack, ProctorRoom
from exports.pdf import ASSETS, font_face_css, render_pdf
from exports.text import digits, esc, segment_html, thai_date

_CSS = """
.w { white-space: nowrap; }
section.room { break-after: page; }
section.room:last-child { break-after: auto; }
.page { break-after: page; }
.head { text-align: center; margin-bottom: 3mm; }
.head h1 { font-size: 16pt; margin: 0; }
.head .sub { margin: 0; }
.code { white-space: nowrap; font-variant-numeric: tabular-nums; }
ol.steps { margin: 1mm 0 2mm 0; padding-left: 7mm; }
ol.steps li { margin: 0.6mm 0; }
.box { border: 0.8pt solid #000; padding: 2mm 4mm; margin: 2mm 0; }
table.att { border-collapse: collapse; width: 100%; font-size: 10.5pt; }
table.att th, table.att td { border: 0.5pt solid #000; padding: 1.2mm 1.5mm; height: 7.5mm; }
table.att th { background: #e6ecf3; }
table.att thead { display: table-header-group; }
table.att tr { break-inside: avoid; }
table.att td.n { text-align: center; width: 9mm; }
table.att td.id { width: 26mm; }
table.att td.v { text-align: center; width: 11mm; font-weight: bold; }
table.att td.sign { width: 38mm; }
table.att td.note { width: 24mm; }
table.counts { border-collapse: collapse; width: 100%; font-size: 12pt; margin: 3mm 0; }
table.counts td { border: 0.6pt solid #000; padding: 2.5mm 3mm; }
table.counts td.fill { width: 40mm; }
.envelope h1 { font-size: 22pt; text-align: center; margin: 4mm 0; }
.envelope .school { font-size: 15pt; text-align: center; font-weight: bold; }
.signs { display: flex; justify-content: space-between; margin-top: 10mm; }
.signs div { width: 48%; text-align: center; }
"""


def _room_name(room: ProctorRoom, d) -> str:
    return d(f"{room.grade}/{room.room}" if room.room else room.grade)


def _exam_line(p: ProctorPack, d) -> str:
    when = thai_date(p.exam_date, thai_digits=d.thai) if p.exam_date else "วันที่ ........ เดือน .................... พ.ศ. ..........."
    start = f" เวลา {d(p.start_time)} น." if p.start_time else " เวลา ........ น."
    return f"{when}{start} (เวลาสอบ {d(p.minutes)} นาที)"


class _Digits:
    def __init__(self, thai: bool):
        self.thai = thai

    def __call__(self, value: object) -> str:
        return esc(digits(value, self.thai))


def _instructions(p: ProctorPack, room: ProctorRoom, d: _Digits) -> str:
    hand_out = (f"แจกแบบทดสอบสลับชุด ({esc(' '.join(p.variants))}) ตามลำดับที่นั่ง ตามคอลัมน์ «ชุด» ในบัญชีลงชื่อ "
                "เพื่อให้ผู้สอบที่นั่งติดกันได้คนละชุด" if len(p.variants) > 1 else "แจกแบบทดสอบและกระดาษคำตอบคนละหนึ่งชุด")
    n = len(room.candidates)
    steps_before = [
        "ตรวจซองข้อสอบว่าปิดผนึกเรียบร้อย และเปิดซองต่อหน้าผู้เข้าสอบเมื่อถึงเวลาสอบ",
        "ตรวจนับแบบทดสอบและกระดาษคำตอบให้ครบตามจำนวนผู้เข้าสอบ"
        + (f" ({d(n)} คน)" if n else ""),
        "ให้ผู้เข้าสอบนั่งตามเลขที่ และเก็บสิ่งของที่ไม่อนุญาตไว้หน้าห้อง",
    ]
    steps_during = [
        hand_out,
        "ให้ผู้เข้าสอบกรอกชื่อโรงเรียน ชั้น ห้อง เลขที่ เลขประจำตัว และฝนรหัสชุด (ชุด) ในกระดาษคำตอบให้ถูกต้อง",
        "ให้ผู้เข้าสอบลงลายมือชื่อในบัญชีลงชื่อผู้เข้าสอบ และบันทึกผู้ขาดสอบในช่องหมายเหตุ",
        f"เริ่มจับเวลาเมื่อแจกครบ ให้เวลาสอบ {d(p.minutes)} นาที แจ้งเวลาที่เหลือเมื่อเหลือ {d(15)} นาทีและ {d(5)} นาที",
        "ไม่อธิบายหรือแนะคำตอบของข้อสอบใด ๆ หากข้อสอบพิมพ์ไม่ชัดให้บันทึกไว้ในรายงานการคุมสอบ",
    ]
    steps_after = [
        "เก็บแบบทดสอบและกระดาษคำตอบคืนให้ครบทุกฉบับ แบบทดสอบต้องส่งคืน ห้ามนำออกจากห้องสอบ",
        "นับจำนวนผู้เข้าสอบ ผู้ขาดสอบ และกระดาษคำตอบ แล้วกรอกในใบปะหน้าซอง",
        "บรรจุกระดาษคำตอบลงซอง ปิดผนึก ลงลายมือชื่อกรรมการคุมสอบทั้งสองคนที่รอยปิดผนึก",
        "ส่งซองให้ผู้บริหารสถานศึกษา เพื่อนำคำตอบเข้าระบบคลังตามกำหนดการของสำนักงานเขตพื้นที่",
    ]

    def ol(steps: list[str]) -> str:
        return "<ol class='steps'>" + "".join(f"<li>{s}</li>" for s in steps) + "</ol>"

    return (
        "<div class='page'>"
        f"<div class='head'><h1>คำชี้แจงสำหรับกรรมการคุมสอบ</h1><p class='sub'>{d(p.title)}</p>"
        f"<p class='sub'>กลุ่มสาระการเรียนรู้{esc(p.learning_area)} ชั้น {d(p.grade)} "
        f"ภาคเรียนที่ {d(p.term)} ปีการศึกษา {d(p.year_be)}</p>"
        f"<p class='sub'>{esc(p.school)} ห้องสอบ {_room_name(room, d)}</p></div>"
        f"<div class='box'>สอบ{_exam_line(p, d)}<br>จำนวน {d(p.n_items)} ข้อ"
        + (f" มี {d(len(p.variants))} ชุด ({esc(' '.join(p.variants))})" if p.variants else "")
        + f" · รหัสการสอบ <span class='code'>{esc(p.administration)}</span></div>"
        f"<h3>ก่อนเริ่มสอบ</h3>{ol(steps_before)}<h3>ระหว่างสอบ</h3>{ol(steps_during)}"
        f"<h3>เมื่อหมดเวลาสอบ</h3>{ol(steps_after)}</div>"
    )


def _attendance(p: ProctorPack, room: ProctorRoom, d: _Digits) -> str:
    rows = []
    variant = bool(p.variants)  # a form without variants: no ชุด column left empty on every line
    for k, c in enumerate(room.candidates, start=1):
        rows.append(f"<tr><td class='n'>{d(c.seat if c.seat is not None else k)}</td>"
                    f"<td class='id'><span class='code'>{esc(c.student_code)}</span></td><td>{esc(c.name)}</td>"
                    + (f"<td class='v'>{esc(c.variant)}</td>" if variant else "")
                    + "<td class='sign'></td><td class='note'></td></tr>")
    start = len(room.candidates)
    for k in range(room.blank_lines):
        rows.append(f"<tr><td class='n'>{d(start + k + 1) if not room.candidates else ''}</td><td class='id'></td>"
                    + "<td></td>" + ("<td class='v'></td>" if variant else "")
                    + "<td class='sign'></td><td class='note'></td></tr>")
    name_head = "ชื่อ–นามสกุล" if p.with_names or not room.candidates else "ชื่อ–นามสกุล (เขียนเอง)"
    return (
        "<div class='page'>"
        f"<div class='head'><h1>บัญชีลงชื่อผู้เข้าสอบ</h1><p class='sub'>{d(p.title)} · ชั้น {d(p.grade)}"
        f" ปีการศึกษา {d(p.year_be)}</p><p class='sub'>{esc(p.school)} (<span class='code'>{esc(p.school_code)}</span>)"
        f" ห้องสอบ {_room_name(room, d)} · สอบ{_exam_line(p, d)}</p></div>"
        "<table class='att'><thead><tr><th>เลขที่</th><th>เลขประจำตัว</th>"
        f"<th>{name_head}</th>{'<th>ชุด</th>' if variant else ''}<th>ลายมือชื่อ</th><th>หมายเหตุ</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        "<p>ผู้เข้าสอบ ........ คน · ขาดสอบ ........ คน</p>"
        "<div class='signs'><div>(ลงชื่อ) ....................................... กรรมการคุมสอบ<br>"
        "( ....................................... )</div><div>(ลงชื่อ) ....................................... "
        "กรรมการคุมสอบ<br>( ....................................... )</div></div></div>"
    )


def _envelope(p: ProctorPack, room: ProctorRoom, d: _Digits) -> str:
    n = len(room.candidates)
    by_variant = {v: sum(1 for c in room.candidates if c.variant == v) for v in p.variants}
    sent = "".join(f"<tr><td>แบบทดสอบ ชุด {esc(v)} ที่ได้รับ</td><td class='fill'>{d(by_variant[v]) if n else ''}</td></tr>"
                   for v in p.variants) if len(p.variants) > 1 else \
        f"<tr><td>แบบทดสอบที่ได้รับ</td><td class='fill'>{d(n) if n else ''}</td></tr>"
    return (
        "<section class='envelope'>"
        f"<h1>ใบปะหน้าซองกระดาษคำตอบ</h1><p class='school'>{esc(p.school)}</p>"
        f"<p class='head'>รหัสโรงเรียน <span class='code'>{esc(p.school_code)}</span>"
        + (f" · {esc(p.district)}" if p.district else "") + "</p>"
        f"<table class='counts'><tr><td>การสอบ</td><td>{d(p.title)} (<span class='code'>{esc(p.administration)}</span>)</td></tr>"
        f"<tr><td>กลุ่มสาระการเรียนรู้</td><td>{esc(p.learning_area)} ชั้น {d(p.grade)}</td></tr>"
        f"<tr><td>ห้องสอบ</td><td>{_room_name(room, d)}</td></tr>"
        f"<tr><td>วันที่สอบ</td><td>{_exam_line(p, d)}</td></tr></table>"
        f"<table class='counts'><tr><td>จำนวนผู้มีสิทธิ์สอบตามบัญชี</td><td class='fill'>{d(n) if n else ''}</td></tr>"
        f"{sent}<tr><td>จำนวนผู้เข้าสอบ</td><td class='fill'></td></tr>"
        "<tr><td>จำนวนผู้ขาดสอบ</td><td class='fill'></td></tr>"
        "<tr><td>จำนวนกระดาษคำตอบที่บรรจุในซอง</td><td class='fill'></td></tr>"
        "<tr><td>จำนวนแบบทดสอบที่ส่งคืน</td><td class='fill'></td></tr></table>"
        "<div class='signs'><div>(ลงชื่อ) ....................................... กรรมการคุมสอบ<br>"
        "( ....................................... )</div><div>(ลงชื่อ) ....................................... "
        "กรรมการคุมสอบ<br>( ....................................... )</div></div>"
        "<div class='signs'><div>(ลงชื่อ) ....................................... ผู้บริหารสถานศึกษา<br>"
        "( ....................................... )</div><div></div></div></section>"
    )


def proctor_pack_html(pack: ProctorPack, *, thai_digits: bool = True) -> str:
    d = _Digits(thai_digits)
    rooms = "".join(f"<section class='room'>{_instructions(pack, r, d)}{_attendance(pack, r, d)}{_envelope(pack, r, d)}"
                    "</section>" for r in pack.rooms)
    css = (ASSETS / "report.css").read_text(encoding="utf-8")
    counter = "thai" if thai_digits else "decimal"
    head = (f'<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><title>ชุดเอกสารกรรมการคุมสอบ</title>'
            f"<style>{font_face_css()}\n{css}\n{_CSS}\n"
            f'@page {{ @bottom-center {{ content: "{pack.school_code} · หน้า " counter(page, {counter}) "/" '
            f"counter(pages, {counter}); }} }}</style></head>")
    return head + segment_html(f"<body>{rooms}</body>") + "</html>"


def proctor_pack_pdf(pack: ProctorPack, *, thai_digits: bool = True) -> bytes:
    """The kit as one PDF: per room the instructions, the attendance sheet and the envelope cover."""
    return render_pdf(proctor_pack_html(pack, thai_digits=thai_digits), marked_breaks=True)
