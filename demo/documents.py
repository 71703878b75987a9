"""The demo's sample documents: a realistic form (คณิตศาสตร์ ป.6, 40 items with a passage, a table,
pictures and a formula) and sample reports, as the plain `exports.data` dataclasses.

The exports tests and benchmarks render them; they need no database. :func:`demo_booklet` builds
variant A (the form order) or B, C … (items and options shuffled by a seeded permutation).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from exports.data import (
    AnswerSheetSpec,
    Booklet,
    BookletItem,
    DistrictSummary,
    DomainResult,
    Formula,
    ItemCurve,
    ItemStatsReport,
    Media,
    Passage,
    SchoolReport,
    SchoolRow,
    StudentSlip,
    TableBlock,
)

ASSETS = Path(__file__).parent / "assets"

FORM_CODE = "ค62-2568-2"
DISTRICT = "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาขอนแก่น เขต 1"
TITLE = "แบบทดสอบวัดผลสัมฤทธิ์ทางการเรียน ปลายภาคเรียนที่ 2"

# (stem, options, key 1-based, indicator)
_ITEMS: list[tuple[str, tuple[str, ...], int, str]] = [
    (
        "ข้อใดเป็นตัวประกอบทั้งหมดของ 18",
        ("1, 2, 3, 6, 9, 18", "1, 2, 3, 9, 18", "2, 3, 6, 9", "1, 3, 6, 18"),
        1,
        "ค 1.1 ป.6/3",
    ),  # noqa: E501
    ("ห.ร.ม. ของ 24 และ 36 คือข้อใด", ("6", "8", "12", "72"), 3, "ค 1.1 ป.6/3"),
    ("ค.ร.น. ของ 8, 12 และ 18 คือข้อใด", ("24", "36", "48", "72"), 4, "ค 1.1 ป.6/3"),
    (
        "แม่ค้ามีส้ม 48 ผล และมังคุด 60 ผล ต้องการแบ่งใส่ถุง ถุงละเท่า ๆ กันโดยไม่ปนกัน และให้ได้จำนวนผลในแต่ละถุงมากที่สุด "  # noqa: E501
        "จะได้ถุงละกี่ผล",
        ("6 ผล", "12 ผล", "18 ผล", "24 ผล"),
        2,
        "ค 1.1 ป.6/4",
    ),
    (
        "รถประจำทางสาย ก ออกทุก 15 นาที สาย ข ออกทุก 20 นาที ถ้าออกพร้อมกันเวลา 06.00 น. จะออกพร้อมกันอีกครั้งเวลาใด",
        ("06.35 น.", "06.45 น.", "07.00 น.", "07.20 น."),
        3,
        "ค 1.1 ป.6/4",
    ),
    ("เศษส่วนในข้อใดมีค่าน้อยที่สุด", ("3/4", "5/8", "2/3", "7/12"), 4, "ค 1.1 ป.6/1"),
    ("2/3 + 3/4 มีค่าเท่าใด", ("5/7", "1 5/12", "1 1/12", "6/12"), 2, "ค 1.1 ป.6/5"),
    ("4 1/2 − 2 2/3 มีค่าเท่าใด", ("1 5/6", "2 1/6", "1 1/6", "2 5/6"), 1, "ค 1.1 ป.6/5"),
    (
        "แม่มีเงิน 1,200 บาท ซื้อผ้า 3/8 ของเงินที่มี และซื้ออาหาร 1/4 ของเงินที่มี แม่เหลือเงินกี่บาท",
        ("300 บาท", "375 บาท", "450 บาท", "525 บาท"),
        2,
        "ค 1.1 ป.6/6",
    ),
    ("0.25 × 1.6 มีค่าเท่าใด", ("0.04", "0.4", "4", "0.040"), 2, "ค 1.1 ป.6/7"),
    ("7.2 ÷ 0.08 มีค่าเท่าใด", ("0.9", "9", "90", "900"), 3, "ค 1.1 ป.6/7"),
    (
        "ถ้าน้ำมัน 1 ลิตร ราคา 32.50 บาท น้ำมัน 12.4 ลิตร ราคากี่บาท",
        ("393.00 บาท", "401.50 บาท", "403.00 บาท", "405.50 บาท"),
        3,
        "ค 1.1 ป.6/8",
    ),
    (
        "อัตราส่วนของนักเรียนชายต่อนักเรียนหญิงเป็น 3 : 5 ถ้ามีนักเรียนหญิง 40 คน จะมีนักเรียนชายกี่คน",
        ("15 คน", "24 คน", "30 คน", "64 คน"),
        2,
        "ค 1.1 ป.6/9",
    ),
    ("ข้อใดเป็นอัตราส่วนที่เท่ากับ 4 : 6", ("6 : 8", "8 : 10", "10 : 15", "12 : 16"), 3, "ค 1.1 ป.6/9"),
    (
        "สินค้าราคา 1,250 บาท ลดราคาร้อยละ 20 ผู้ซื้อต้องจ่ายเงินเท่าใด",
        ("250 บาท", "1,000 บาท", "1,050 บาท", "1,230 บาท"),
        2,
        "ค 1.1 ป.6/10",
    ),
    (
        "ฝากเงิน 5,000 บาท ได้ดอกเบี้ยร้อยละ 2 ต่อปี เมื่อครบ 1 ปี จะมีเงินรวมเท่าใด",
        ("5,010 บาท", "5,100 บาท", "5,200 บาท", "6,000 บาท"),
        2,
        "ค 1.1 ป.6/11",
    ),
    (
        "โรงเรียนมีนักเรียน 480 คน เป็นนักเรียนหญิงร้อยละ 55 มีนักเรียนชายกี่คน",
        ("216 คน", "226 คน", "254 คน", "264 คน"),
        1,
        "ค 1.1 ป.6/11",
    ),
    ("จำนวนในข้อใดต่อไปนี้เป็นลำดับถัดไปของแบบรูป 3, 7, 11, 15, ...", ("17", "18", "19", "21"), 3, "ค 1.2 ป.6/1"),
    ("ข้อใดเป็นสมการที่มีคำตอบเท่ากับ 12", ("x + 5 = 19", "3x = 36", "x − 4 = 6", "x ÷ 2 = 8"), 2, "ค 1.1 ป.6/12"),
    (
        "รูปสี่เหลี่ยมผืนผ้ากว้าง 12 เซนติเมตร ยาว 18 เซนติเมตร มีความยาวรอบรูปเท่าใด",
        ("30 เซนติเมตร", "60 เซนติเมตร", "108 เซนติเมตร", "216 เซนติเมตร"),
        2,
        "ค 2.1 ป.6/1",
    ),
    (
        "รูปสามเหลี่ยมมีฐานยาว 14 เซนติเมตร สูง 9 เซนติเมตร มีพื้นที่เท่าใด",
        ("23 ตารางเซนติเมตร", "63 ตารางเซนติเมตร", "126 ตารางเซนติเมตร", "252 ตารางเซนติเมตร"),
        2,
        "ค 2.1 ป.6/2",
    ),
    (
        "รูปวงกลมมีรัศมี 7 เซนติเมตร มีความยาวรอบวงเท่าใด (กำหนด π ≈ 22/7)",
        ("22 เซนติเมตร", "44 เซนติเมตร", "154 เซนติเมตร", "308 เซนติเมตร"),
        2,
        "ค 2.1 ป.6/3",
    ),
    (
        "รูปวงกลมมีเส้นผ่านศูนย์กลาง 14 เซนติเมตร มีพื้นที่เท่าใด (กำหนด π ≈ 22/7)",
        ("44 ตารางเซนติเมตร", "88 ตารางเซนติเมตร", "154 ตารางเซนติเมตร", "616 ตารางเซนติเมตร"),
        3,
        "ค 2.1 ป.6/3",
    ),
    (
        "กล่องทรงสี่เหลี่ยมมุมฉากกว้าง 10 ซม. ยาว 15 ซม. สูง 8 ซม. มีปริมาตรเท่าใด",
        ("33 ลูกบาศก์เซนติเมตร", "150 ลูกบาศก์เซนติเมตร", "1,200 ลูกบาศก์เซนติเมตร", "1,500 ลูกบาศก์เซนติเมตร"),
        3,
        "ค 2.1 ป.6/4",
    ),  # noqa: E501
    (
        "ถังน้ำทรงสี่เหลี่ยมมุมฉากจุน้ำได้ 24 ลิตร ถ้าฐานกว้าง 20 ซม. ยาว 30 ซม. ถังสูงกี่เซนติเมตร",
        ("4 ซม.", "24 ซม.", "40 ซม.", "400 ซม."),
        3,
        "ค 2.1 ป.6/4",
    ),
    (
        "รูปเรขาคณิตสามมิติในข้อใดมีหน้าตัดเป็นรูปวงกลมทุกหน้าตัดที่ขนานกับฐาน",
        ("ปริซึมสามเหลี่ยม", "พีระมิดฐานสี่เหลี่ยม", "ทรงกระบอก", "ลูกบาศก์"),
        3,
        "ค 2.2 ป.6/2",
    ),
    (
        "รูปคลี่ที่ประกอบด้วยรูปสี่เหลี่ยมผืนผ้า 3 รูป และรูปสามเหลี่ยม 2 รูป เป็นรูปคลี่ของรูปใด",
        ("ปริซึมสามเหลี่ยม", "พีระมิดฐานสามเหลี่ยม", "ปริซึมสี่เหลี่ยม", "กรวย"),
        1,
        "ค 2.2 ป.6/3",
    ),
    (
        "มุมภายในทั้งสามของรูปสามเหลี่ยมรวมกันได้กี่องศา",
        ("90 องศา", "180 องศา", "270 องศา", "360 องศา"),
        2,
        "ค 2.2 ป.6/1",
    ),  # noqa: E501
    (
        "รูปสามเหลี่ยมมีมุมหนึ่งเท่ากับ 50 องศา อีกมุมหนึ่งเท่ากับ 60 องศา มุมที่เหลือมีขนาดเท่าใด",
        ("50 องศา", "60 องศา", "70 องศา", "110 องศา"),
        3,
        "ค 2.2 ป.6/1",
    ),
    (
        "รูปหลายเหลี่ยมในข้อใดมีเส้นทแยงมุมมากที่สุด",
        ("รูปสี่เหลี่ยม", "รูปห้าเหลี่ยม", "รูปหกเหลี่ยม", "รูปสามเหลี่ยม"),
        3,
        "ค 2.2 ป.6/1",
    ),  # noqa: E501
    (
        "คะแนนสอบของนักเรียน 5 คน คือ 12, 15, 9, 18, 16 ค่าเฉลี่ยเลขคณิตเท่ากับเท่าใด",
        ("13", "14", "15", "16"),
        2,
        "ค 3.1 ป.6/1",
    ),  # noqa: E501
    (
        "ในถุงมีลูกแก้วสีแดง 3 ลูก สีเขียว 5 ลูก หยิบมา 1 ลูกโดยไม่มอง ข้อใดกล่าวถูกต้อง",
        ("หยิบได้สีแดงแน่นอน", "มีโอกาสหยิบได้สีเขียวมากกว่าสีแดง", "หยิบได้สีเขียวแน่นอน", "มีโอกาสเท่ากัน"),
        2,
        "ค 3.1 ป.6/1",
    ),  # noqa: E501
]

_PASSAGE_ITEMS: list[tuple[str, tuple[str, ...], int, str]] = [
    ("วันใดมีการยืมหนังสือมากที่สุด", ("วันจันทร์", "วันอังคาร", "วันพฤหัสบดี", "วันศุกร์"), 4, "ค 3.1 ป.6/1"),
    ("ตลอดห้าวันมีการยืมหนังสือรวมกี่เล่ม", ("65 เล่ม", "70 เล่ม", "75 เล่ม", "80 เล่ม"), 3, "ค 3.1 ป.6/1"),
    ("โดยเฉลี่ยมีการยืมหนังสือวันละกี่เล่ม", ("12 เล่ม", "14 เล่ม", "15 เล่ม", "18 เล่ม"), 3, "ค 3.1 ป.6/1"),
]


def _media(name: str, mime: str, alt: str, width_mm: float) -> Media:
    return Media((ASSETS / name).read_bytes(), mime, alt, width_mm)


def demo_items() -> tuple[tuple[BookletItem, ...], tuple[Passage, ...]]:
    """The 40 items of the demo form in form order, with their passage."""
    items = [
        BookletItem(f"M6-{k:03d}", stem, opts, key, indicator=ind)
        for k, (stem, opts, key, ind) in enumerate(_ITEMS, start=1)
    ]
    items.insert(
        6,
        BookletItem(
            "M6-101",
            "จากสูตร กำหนดให้ <i>a</i> = 1, <i>b</i> = −5 และ <i>c</i> = 6 ข้อใดเป็นค่าของ <i>x</i> ทั้งหมด",
            ("2 และ 3", "−2 และ −3", "1 และ 6", "−1 และ 6"),
            1,
            formula=Formula(r"x = \frac{-b \pm \sqrt{b^{2} - 4ac}}{2a}"),
            indicator="ค 1.1 ป.6/12",
        ),
    )
    items.insert(
        12,
        BookletItem(
            "M6-102",
            "จากตารางแสดงจำนวนนักเรียนชั้นประถมศึกษาปีที่ 6 ห้องใดมีนักเรียนหญิงมากที่สุด",
            ("ป.6/1", "ป.6/2", "ป.6/3", "เท่ากันทุกห้อง"),
            2,
            table=TableBlock(
                ("ห้อง", "ชาย", "หญิง", "รวม"),
                (("ป.6/1", "18", "17", "35"), ("ป.6/2", "15", "21", "36"), ("ป.6/3", "20", "14", "34")),
                (14, 12, 12, 12),
            ),
            indicator="ค 3.1 ป.6/1",
        ),
    )
    items.insert(
        22,
        BookletItem(
            "M6-103",
            "รูปสามเหลี่ยมมุมฉากมีด้านประกอบมุมฉากยาว 6 เซนติเมตร และ 8 เซนติเมตร ด้านตรงข้ามมุมฉากยาวเท่าใด",
            ("9 เซนติเมตร", "10 เซนติเมตร", "12 เซนติเมตร", "14 เซนติเมตร"),
            2,
            media=_media("triangle.svg", "image/svg+xml", "รูปสามเหลี่ยมมุมฉาก ด้าน 6 และ 8 เซนติเมตร", 36),
            indicator="ค 2.1 ป.6/2",
        ),
    )
    items += [
        BookletItem(f"M6-2{k:02d}", stem, opts, key, passage_id="P1", indicator=ind)
        for k, (stem, opts, key, ind) in enumerate(_PASSAGE_ITEMS, start=1)
    ]
    items += [
        BookletItem(
            "M6-301",
            "ร้านค้าขายดินสอโหลละ 48 บาท ถ้าซื้อ 5 โหลจะได้ส่วนลดร้อยละ 10 นักเรียนจะต้องจ่ายเงินกี่บาท <b>แสดงวิธีทำ</b>",
            points=3,
            answer_lines=5,
            indicator="ค 1.1 ป.6/10",
            rubric=(
                (1.0, "หาราคาดินสอ 5 โหล = 240 บาท"),
                (1.0, "หาส่วนลดร้อยละ 10 = 24 บาท"),
                (1.0, "ตอบ 216 บาท พร้อมหน่วย"),
            ),
        ),
        BookletItem(
            "M6-302",
            "สวนรูปสี่เหลี่ยมผืนผ้ากว้าง 12 เมตร ยาว 20 เมตร ต้องการล้อมรั้ว 3 รอบ จะใช้ลวดยาวกี่เมตร <b>แสดงวิธีทำ</b>",
            points=2,
            answer_lines=4,
            indicator="ค 2.1 ป.6/1",
            rubric=((1.0, "ความยาวรอบรูป 64 เมตร"), (1.0, "ตอบ 192 เมตร")),
        ),
    ]
    passage = Passage(
        "P1",
        "การยืมหนังสือห้องสมุด",
        "ห้องสมุดโรงเรียนบ้านหนองบัวบันทึกจำนวนหนังสือที่นักเรียนชั้นประถมศึกษาปีที่ 6 ยืมในสัปดาห์หนึ่ง "
        "ตั้งแต่วันจันทร์ถึงวันศุกร์ แล้วนำเสนอเป็นแผนภูมิแท่งดังนี้",
        media=_media("library_chart.png", "image/png", "แผนภูมิแท่งจำนวนหนังสือที่ยืมรายวัน", 62),
    )
    return tuple(items), (passage,)


def demo_booklet(variant: str = "A", *, school: str = "", school_code: str = "", repeat: int = 1) -> Booklet:
    """The demo form's booklet for `variant`; `repeat` > 1 makes a long booklet for benchmarks.

    Variant A is the form order. Other variants shuffle items (a passage's items stay together and in
    order) and the options of each choice item, from a generator seeded by the variant name.
    """
    items, passages = demo_items()
    if variant != "A":
        items = _shuffle(items, np.random.default_rng(sum(map(ord, variant)) * 7919))
    if repeat > 1:
        items = tuple(
            BookletItem(**{**i.__dict__, "item_id": f"{i.item_id}-{r}", "passage_id": None})
            for r in range(repeat)
            for i in items
        )
    return Booklet(
        form_code=FORM_CODE,
        variant=variant,
        title=TITLE,
        learning_area="คณิตศาสตร์",
        grade="ป.6",
        exam_date=dt.date(2026, 2, 12),
        minutes=60,
        district=DISTRICT,
        items=items,
        passages=passages,
        school=school,
        school_code=school_code,
        academic_year="ปีการศึกษา 2568",
        administration="ADM-2568-2-M6",
    )


def _shuffle(items: tuple[BookletItem, ...], rng: np.random.Generator) -> tuple[BookletItem, ...]:
    blocks: list[list[BookletItem]] = []
    for item in items:
        if item.passage_id is not None and blocks and blocks[-1][0].passage_id == item.passage_id:
            blocks[-1].append(item)
        else:
            blocks.append([item])
    choice = [b for b in blocks if b[0].is_choice]
    written = [b for b in blocks if not b[0].is_choice]  # written answers stay at the end
    order = [choice[k] for k in rng.permutation(len(choice))] + written
    out = []
    for block in order:
        for item in block:
            if item.is_choice:
                perm = rng.permutation(len(item.options))
                options = tuple(item.options[k] for k in perm)
                key = int(np.flatnonzero(perm == (item.key - 1))[0]) + 1
                item = BookletItem(**{**item.__dict__, "options": options, "key": key})
            out.append(item)
    return tuple(out)


def demo_answer_sheet(n_items: int = 40) -> AnswerSheetSpec:
    """The answer sheet of the demo administration."""
    return AnswerSheetSpec(administration="ADM-2568-2-M6", form_code=FORM_CODE, n_items=n_items)


def demo_item_stats(seed: int = 2568) -> ItemStatsReport:
    """Item-analysis report data for the demo form, simulated from a 2PL with a seeded generator."""
    from psychometrics.tables import Table

    items, _ = demo_items()
    choice = [i for i in items if i.is_choice]
    rng = np.random.default_rng(seed)
    n_persons, n_items = 480, len(choice)
    a = rng.lognormal(0.0, 0.3, n_items)
    b = rng.normal(0.0, 1.0, n_items)
    theta = rng.normal(0.0, 1.0, n_persons)
    x = (rng.random((n_persons, n_items)) < 1 / (1 + np.exp(-a * (theta[:, None] - b)))).astype(float)
    total = x.sum(axis=1)
    p = x.mean(axis=0)
    rest = total[:, None] - x
    r = np.array([np.corrcoef(x[:, j], rest[:, j])[0, 1] for j in range(n_items)])
    flags = np.where((p < 0.2) | (p > 0.8), "p นอกช่วง", np.where(r < 0.2, "r ต่ำ", ""))
    ctt = Table(
        "สถิติรายข้อ (CTT)",
        ("ข้อ", "รหัสข้อสอบ", "p", "r", "หมายเหตุ"),
        [(k + 1, choice[k].item_id, float(p[k]), float(r[k]), str(flags[k])) for k in range(n_items)],
        notes=(f"KR-20 = {_kr20(x):.3f}",),
    )
    irt = Table(
        "พารามิเตอร์ IRT (2PL)",
        ("ข้อ", "a", "b"),
        [(k + 1, float(a[k]), float(b[k])) for k in range(n_items)],
    )
    curves = tuple(ItemCurve(choice[k].item_id, float(a[k]), float(b[k])) for k in range(n_items))
    return ItemStatsReport(
        title="รายงานการวิเคราะห์ข้อสอบ คณิตศาสตร์ ป.6",
        form_code=FORM_CODE,
        administration="ADM-2568-2-M6",
        tables=(ctt, irt),
        curves=curves,
        total_scores=tuple(float(t) for t in total),
        max_score=float(n_items),
        notes=("ข้อมูลจำลองเพื่อสาธิตรูปแบบรายงาน",),
        created_on=dt.date(2026, 3, 2),
    )


def _kr20(x: np.ndarray) -> float:
    k = x.shape[1]
    p = x.mean(axis=0)
    return float(k / (k - 1) * (1 - (p * (1 - p)).sum() / x.sum(axis=1).var()))


def demo_school_report() -> SchoolReport:
    return SchoolReport(
        school="บ้านหนองบัววิทยาคม",
        school_code="1040120345",
        title="รายงานผลการทดสอบ คณิตศาสตร์ ป.6",
        administration="ADM-2568-2-M6",
        n_students=36,
        mean_percent=58.4,
        domains=(
            DomainResult("จำนวนและพีชคณิต", 61.2, 57.9, 52.3),
            DomainResult("การวัดและเรขาคณิต", 54.0, 55.1, 49.8),
            DomainResult("สถิติและความน่าจะเป็น", 63.5, 60.2, 58.7),
        ),
        levels=(("ดีมาก", 6), ("ดี", 12), ("พอใช้", 11), ("ปรับปรุง", 7)),
        created_on=dt.date(2026, 3, 2),
    )


def demo_student_slip() -> StudentSlip:
    return StudentSlip(
        school="บ้านหนองบัววิทยาคม",
        title="ใบแจ้งผลการทดสอบ คณิตศาสตร์ ป.6",
        student_name="ด.ญ. กมลชนก ใจดี",
        student_number="04512",
        class_room="ป.6/2",
        seat="17",
        score=31,
        max_score=45,
        grade="3",
        indicators=(
            ("ค 1.1 ป.6/3", 4, 5, "ผ่าน"),
            ("ค 1.1 ป.6/10", 2, 5, "ไม่ผ่าน"),
            ("ค 2.1 ป.6/2", 3, 3, "ผ่าน"),
        ),
    )


def demo_district_summary(n_schools: int = 48, seed: int = 2568) -> DistrictSummary:
    """District summary for the demo administration: simulated school means from a seeded generator."""
    rng = np.random.default_rng(seed)
    names = ("บ้านหนองบัว", "บ้านโคกสี", "บ้านดอนหัน", "บ้านทุ่ม", "บ้านเหล่านาดี", "บ้านศิลา", "บ้านพระคือ", "บ้านแดงใหญ่")
    rows = tuple(
        SchoolRow(
            f"10401{k:05d}",
            f"{names[k % len(names)]}{'วิทยาคม' if k % 3 == 0 else ''} {k // len(names) + 1}",
            int(rng.integers(12, 90)),
            float(np.clip(rng.normal(55, 9), 20, 95)),
        )
        for k in range(n_schools)
    )
    return DistrictSummary(
        district=DISTRICT,
        title="รายงานสรุปผลการทดสอบระดับเขตพื้นที่ คณิตศาสตร์ ป.6",
        administration="ADM-2568-2-M6",
        schools=rows,
        domains=demo_school_report().domains,
        created_on=dt.date(2026, 3, 2),
    )
