"""คณิตศาสตร์ ป.3 และ ป.6 (ฉบับปรับปรุง 2560): computed keys, distractors from common errors.

Every computed item carries ``check = {"expr", "inputs", "fmt"}``: the tests evaluate the
expression on the inputs (which must appear in the stem) and compare with the key.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from fractions import Fraction

from demo.build import (
    Draft,
    constructed,
    fmt,
    frac,
    from_facts,
    matching,
    mc,
    mc_multi,
    numeric,
    rubric,
    tf,
    thai_number_words,
)

NAMES = ["ต้นข้าว", "ใบเตย", "น้องมิว", "พี่ภูมิ", "ด.ญ.ฝ้าย", "ด.ช.ก้อง", "แม่ค้าส้มโอ", "ลุงสมศักดิ์", "ป้าบุญมี"]
THINGS = [("สมุด", "เล่ม"), ("ดินสอ", "แท่ง"), ("ไข่ไก่", "ฟอง"), ("ขนมครก", "ถาด"), ("ยางลบ", "ก้อน")]
SOLVE = ("3",)  # key competency: ความสามารถในการแก้ปัญหา
THINK = ("2",)  # ความสามารถในการคิด


def _chk(expr: str, fmt_: str = "{}", **inputs: object) -> dict:
    return {"expr": expr, "inputs": inputs, "fmt": fmt_}


def _near(rng: random.Random, value: int, spread: int, n: int = 6) -> list[int]:
    out = {value + d for d in rng.sample(range(-spread, spread + 1), min(n + 2, 2 * spread)) if d}
    return [v for v in out if v > 0]


# ---------------------------------------------------------------------------------------- ป.3


def p3_number_words(rng: random.Random) -> Draft | None:
    n = rng.choice([rng.randrange(10_000, 99_999), rng.randrange(1_000, 9_999)])
    if n % 10 == 1 and n % 100 < 10:  # "เอ็ด" after a zero ten: usage varies, leave it out
        return None
    s = str(n)
    wrong = {int(s[::-1]) if s[-1] != "0" else n + 1000, int(s[:-2] + s[-1] + s[-2]), n + 10 ** (len(s) - 2)}
    wrong |= {int(s.replace("0", "", 1) + "0")} if "0" in s[1:] else {n * 10 // 10 + 100}
    distractors = [thai_number_words(w) for w in wrong if w != n and w < 100_000]
    return mc(
        f"จำนวน <b>{fmt(n)}</b> เขียนเป็นตัวหนังสือได้อย่างไร",
        thai_number_words(n),
        distractors,
        "ค 1.1 ป.3/1",
        "remember",
        rng,
        competency_codes=("1",),
    )


def p3_thai_digits(rng: random.Random) -> Draft | None:
    n = rng.randrange(10_000, 99_999)
    thai = fmt(n).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    s = str(n)
    wrong = [int(s[1] + s[0] + s[2:]), int(s[:2] + s[3] + s[2] + s[4]), n + 1000, n - 100]
    return mc(
        f"ตัวเลขไทย <b>{thai}</b> เขียนเป็นตัวเลขฮินดูอารบิกได้ตรงกับข้อใด",
        fmt(n),
        [fmt(w) for w in wrong if w != n],
        "ค 1.1 ป.3/1",
        "remember",
        rng,
    )


def p3_order(rng: random.Random) -> Draft | None:
    base = rng.randrange(20_000, 90_000)
    nums = sorted({base + rng.randrange(-900, 900) * 10 + rng.randrange(10) for _ in range(4)})
    if len(nums) < 4:
        return None
    which = rng.choice(["มากที่สุด", "น้อยที่สุด"])
    right = max(nums) if which == "มากที่สุด" else min(nums)
    return mc(
        f"จำนวนในข้อใด{which}",
        fmt(right),
        [fmt(x) for x in nums if x != right],
        "ค 1.1 ป.3/2",
        "understand",
        rng,
    )


def p3_fraction_of_shape(rng: random.Random) -> Draft | None:
    n = rng.choice([3, 4, 5, 6, 8, 10])
    k = rng.randrange(1, n)
    food = rng.choice(["พิซซ่า", "ขนมเค้ก", "แตงโม", "ขนมชั้น"])
    who = rng.choice(NAMES)
    stem = f"{who}แบ่ง{food}ออกเป็น {n} ส่วนเท่า ๆ กัน แล้วกินไป {k} ส่วน {who}กิน{food}ไปเท่าใดของทั้งหมด"
    right = Fraction(k, n)
    wrong = [f"{n}/{k}" if k > 1 else f"{n}/1", f"{k}/{n + k}", f"{n - k}/{n}", f"1/{n}"]
    d = mc(stem, f"{k}/{n}", [w for w in wrong if w != f"{k}/{n}"], "ค 1.1 ป.3/3", "understand", rng)
    if d:
        d.check = _chk("Fraction(k, n)", "{}", k=k, n=n)
        d.check["value"] = str(right)
        d.check["unreduced"] = True
    return d


def p3_compare_fractions(rng: random.Random) -> Draft | None:
    a = rng.randrange(1, 5)
    dens = sorted(rng.sample([d for d in range(a + 1, 13)], 4))
    which = rng.choice(["มากที่สุด", "น้อยที่สุด"])
    right = dens[0] if which == "มากที่สุด" else dens[-1]
    return mc(
        f"เศษส่วนในข้อใด{which}",
        f"{a}/{right}",
        [f"{a}/{d}" for d in dens if d != right],
        "ค 1.1 ป.3/4",
        "understand",
        rng,
        competency_codes=THINK,
    )


def p3_unknown_add(rng: random.Random) -> Draft | None:
    a, x = rng.randrange(1_000, 40_000), rng.randrange(1_000, 40_000)
    total = a + x
    if rng.random() < 0.5:
        stem = f"จงหาค่าของ □ จากประโยคสัญลักษณ์ □ + {fmt(a)} = {fmt(total)}"
        d = numeric(stem, x, "ค 1.1 ป.3/5", "apply")
        d.check = _chk("total - a", total=total, a=a)
    else:
        stem = f"จงหาค่าของ □ จากประโยคสัญลักษณ์ {fmt(total)} − □ = {fmt(a)}"
        d = numeric(stem, x, "ค 1.1 ป.3/5", "apply")
        d.check = _chk("total - a", total=total, a=a)
    return d


def p3_unknown_mul(rng: random.Random) -> Draft | None:
    a, b = rng.randrange(2, 10), rng.randrange(100, 2_000)
    prod = a * b
    stem = f"{a} × □ = {fmt(prod)} จำนวนที่แทน □ คือข้อใด"
    d = mc(
        stem,
        fmt(b),
        [fmt(b + 1), fmt(b - 10), fmt(prod - a), fmt(b * 10), fmt(b + 100)],
        "ค 1.1 ป.3/6",
        "apply",
        rng,
    )
    if d:
        d.check = _chk("prod // a", prod=prod, a=a)
    return d


def p3_division(rng: random.Random) -> Draft | None:
    q, dvs = rng.randrange(100, 1_500), rng.randrange(2, 10)
    n = q * dvs
    if n > 9_999:
        return None
    stem = f"{fmt(n)} ÷ {dvs} = □ จำนวนที่แทน □ คือเท่าใด"
    d = numeric(stem, q, "ค 1.1 ป.3/7", "apply")
    d.check = _chk("n // dvs", n=n, dvs=dvs)
    return d


def p3_order_of_operations(rng: random.Random) -> Draft | None:
    a, b, c = rng.randrange(20, 500), rng.randrange(2, 60), rng.randrange(2, 10)
    op = rng.choice(["+", "−"])
    if op == "+":
        right, wrong = a + b * c, (a + b) * c
        expr = "a + b * c"
    else:
        if a <= b * c:
            a = b * c + rng.randrange(10, 300)
        right, wrong = a - b * c, (a - b) * c
        expr = "a - b * c"
    stem = f"ผลลัพธ์ของ {fmt(a)} {op} {b} × {c} เท่ากับข้อใด"
    d = mc(
        stem,
        fmt(right),
        [fmt(wrong), fmt(right + c), fmt(right - b), fmt(a + b + c)],
        "ค 1.1 ป.3/8",
        "apply",
        rng,
        explanation="ทำการคูณก่อนการบวกหรือการลบ",
    )
    if d:
        d.check = _chk(expr, a=a, b=b, c=c)
    return d


def p3_two_step(rng: random.Random) -> Draft | None:
    who = rng.choice(NAMES)
    thing, unit = rng.choice(THINGS)
    money = rng.choice([200, 300, 500, 1_000])
    price, count = rng.randrange(8, 60), rng.randrange(2, 9)
    if price * count >= money:
        return None
    stem = f"{who}มีเงิน {fmt(money)} บาท ซื้อ{thing} {count} {unit} ราคา{unit}ละ {price} บาท {who}จะเหลือเงินกี่บาท"
    right = money - price * count
    d = mc(
        stem,
        f"{fmt(right)} บาท",
        [f"{fmt(x)} บาท" for x in (price * count, money - price, money - price - count, right + price)],
        "ค 1.1 ป.3/9",
        "apply",
        rng,
        competency_codes=SOLVE,
        estimated_time_s=90,
    )
    if d:
        d.check = _chk("money - price * count", "{} บาท", money=money, price=price, count=count)
    return d


def p3_fraction_add(rng: random.Random) -> Draft | None:
    n = rng.randrange(4, 13)
    a = rng.randrange(1, n - 1)
    b = rng.randrange(1, n - a + 1)
    if rng.random() < 0.5:
        right = Fraction(a + b, n)
        stem, expr = f"{a}/{n} + {b}/{n} เท่ากับข้อใด", "Fraction(a + b, n)"
        wrong = [f"{a + b}/{2 * n}", f"{a * b}/{n}", f"{a + b + 1}/{n}"]
        text = f"{a + b}/{n}"
    else:
        a, b = max(a, b), min(a, b)
        if a == b:
            return None
        stem, expr = f"{a}/{n} − {b}/{n} เท่ากับข้อใด", "Fraction(a - b, n)"
        wrong = [f"{a + b}/{n}", f"{a - b + 1}/{n}", f"{a}/{n - b}"]
        text = f"{a - b}/{n}"
        right = Fraction(a - b, n)
    d = mc(stem, text, wrong, "ค 1.1 ป.3/10", "apply", rng)
    if d:
        d.check = _chk(expr, "{}", a=a, b=b, n=n)
        d.check["value"] = str(right)
        d.check["unreduced"] = True
    return d


def p3_pattern(rng: random.Random) -> Draft | None:
    start, step = rng.randrange(3, 500), rng.choice([2, 3, 4, 5, 10, 25, 50, 100])
    down = rng.random() < 0.4
    seq = [start + i * step for i in range(5)]
    if down:
        seq = seq[::-1]
    hole = rng.randrange(1, 5)
    shown = ", ".join("□" if i == hole else fmt(v) for i, v in enumerate(seq))
    right = seq[hole]
    d = mc(
        f"จำนวนที่หายไปในแบบรูป {shown} คือข้อใด",
        fmt(right),
        [fmt(right + step), fmt(right - step), fmt(right + 1), fmt(right + 2 * step)],
        "ค 1.2 ป.3/1",
        "analyze",
        rng,
        competency_codes=THINK,
    )
    if d:
        d.check = _chk("first + hole * step", first=seq[0], hole=hole, step=step if not down else -step)
        d.check["inputs_in_stem"] = ["first"]
    return d


def p3_money(rng: random.Random) -> Draft | None:
    who = rng.choice(NAMES)
    items = rng.sample(
        [
            ("ปากกา", 15),
            ("สมุด", 12),
            ("ไม้บรรทัด", 10),
            ("ยางลบ", 5),
            ("ดินสอสี", 45),
            ("กาวน้ำ", 20),
            ("กรรไกร", 35),
        ],
        2,
    )
    n1, n2 = rng.randrange(1, 5), rng.randrange(1, 5)
    paid = rng.choice([100, 500])
    total = items[0][1] * n1 + items[1][1] * n2
    if total >= paid:
        return None
    stem = (
        f"{who}ซื้อ{items[0][0]} {n1} ชิ้น ชิ้นละ {items[0][1]} บาท และ{items[1][0]} {n2} ชิ้น "
        f"ชิ้นละ {items[1][1]} บาท จ่ายเงิน {paid} บาท จะได้รับเงินทอนกี่บาท"
    )
    d = numeric(stem, paid - total, "ค 2.1 ป.3/1", "apply", competency_codes=SOLVE)
    d.check = _chk("paid - (p1 * n1 + p2 * n2)", paid=paid, p1=items[0][1], n1=n1, p2=items[1][1], n2=n2)
    return d


def p3_time(rng: random.Random) -> Draft | None:
    h, m = rng.randrange(7, 16), rng.choice([0, 10, 15, 20, 30, 40, 45])
    dur = rng.choice([25, 35, 40, 45, 50, 75, 90, 105])
    end = h * 60 + m + dur
    act = rng.choice(["ทำการบ้าน", "อ่านหนังสือ", "ซ้อมดนตรี", "ช่วยแม่ทำสวน", "เล่นฟุตบอล"])
    who = rng.choice(NAMES)
    stem = f"{who}เริ่ม{act}เวลา {h}.{m:02d} น. ใช้เวลา {dur} นาที {who}{act}เสร็จเวลาใด"
    right = f"{end // 60}.{end % 60:02d} น."
    # the classic slip: minutes added like decimals (8.20 + 0.90 = 9.10)
    naive = f"{h + (m + dur) // 100}.{(m + dur) % 100:02d} น."
    wrong = [
        naive,
        f"{(end - 10) // 60}.{(end - 10) % 60:02d} น.",
        f"{(end + 15) // 60}.{(end + 15) % 60:02d} น.",
        f"{h + dur // 60 + 1}.{(m + dur) % 60:02d} น.",
    ]
    return mc(stem, right, wrong, "ค 2.1 ป.3/2", "apply", rng, competency_codes=SOLVE)


def p3_length(rng: random.Random) -> Draft | None:
    m, cm = rng.randrange(1, 20), rng.randrange(1, 100)
    stem = f"{m} เมตร {cm} เซนติเมตร เท่ากับกี่เซนติเมตร"
    right = m * 100 + cm
    d = mc(
        stem,
        f"{fmt(right)} เซนติเมตร",
        [f"{fmt(x)} เซนติเมตร" for x in (m * 10 + cm, m + cm, m * 1000 + cm, right + 100)],
        "ค 2.1 ป.3/5",
        "understand",
        rng,
    )
    if d:
        d.check = _chk("m * 100 + cm", "{} เซนติเมตร", m=m, cm=cm)
    return d


def p3_weight(rng: random.Random) -> Draft | None:
    kg, g = rng.randrange(1, 30), rng.randrange(50, 1000, 50)
    if g == 1000:
        return None
    stem = f"{kg} กิโลกรัม {g} กรัม เท่ากับกี่กรัม"
    d = numeric(stem, kg * 1000 + g, "ค 2.1 ป.3/9", "understand")
    d.check = _chk("kg * 1000 + g", kg=kg, g=g)
    return d


def p3_capacity(rng: random.Random) -> Draft | None:
    who = rng.choice(NAMES)
    bottles, ml = rng.randrange(2, 9), rng.choice([250, 500, 750, 1500])
    stem = f"{who}มีน้ำผลไม้ {bottles} ขวด ขวดละ {fmt(ml)} มิลลิลิตร รวมเป็นน้ำผลไม้กี่มิลลิลิตร"
    right = bottles * ml
    d = mc(
        stem,
        f"{fmt(right)} มิลลิลิตร",
        [f"{fmt(x)} มิลลิลิตร" for x in (bottles + ml, right + ml, right - ml, ml * (bottles + 1) + 100)],
        "ค 2.1 ป.3/13",
        "apply",
        rng,
        competency_codes=SOLVE,
    )
    if d:
        d.check = _chk("bottles * ml", "{} มิลลิลิตร", bottles=bottles, ml=ml)
    return d


SYMMETRY = [
    ("รูปสี่เหลี่ยมจัตุรัส", 4),
    ("รูปสี่เหลี่ยมผืนผ้า", 2),
    ("รูปสามเหลี่ยมด้านเท่า", 3),
    ("รูปสามเหลี่ยมหน้าจั่ว", 1),
    ("รูปห้าเหลี่ยมด้านเท่ามุมเท่า", 5),
    ("รูปหกเหลี่ยมด้านเท่ามุมเท่า", 6),
    ("รูปสี่เหลี่ยมขนมเปียกปูน", 2),
]


def p3_symmetry(rng: random.Random) -> Draft | None:
    shape, n = rng.choice(SYMMETRY)
    return mc(
        f"{shape}มีแกนสมมาตรกี่แกน",
        f"{n} แกน",
        [f"{k} แกน" for k in range(0, 8) if k != n],
        "ค 2.2 ป.3/1",
        "remember",
        rng,
    )


FRUIT = ["มะม่วง", "ส้ม", "กล้วย", "มังคุด", "ทุเรียน", "เงาะ"]


def p3_table(rng: random.Random) -> Draft | None:
    fruits = rng.sample(FRUIT, 4)
    counts = rng.sample(range(3, 19), 4)
    rows = "".join(f"<tr><td>{f}</td><td>{c}</td></tr>" for f, c in zip(fruits, counts, strict=True))
    table = f"<table><tr><th>ผลไม้ที่ชอบ</th><th>จำนวนนักเรียน (คน)</th></tr>{rows}</table>"
    if rng.random() < 0.5:
        stem = f"ตารางแสดงผลไม้ที่นักเรียนชั้น ป.3 ชอบ{table}นักเรียนที่ตอบแบบสำรวจมีทั้งหมดกี่คน"
        d = numeric(stem, sum(counts), "ค 3.1 ป.3/2", "apply")
        d.check = _chk("a + b + c + d", a=counts[0], b=counts[1], c=counts[2], d=counts[3])
        return d
    i, j = rng.sample(range(4), 2)
    if counts[i] < counts[j]:
        i, j = j, i
    stem = f"ตารางแสดงผลไม้ที่นักเรียนชั้น ป.3 ชอบ{table}นักเรียนที่ชอบ{fruits[i]}มากกว่าที่ชอบ{fruits[j]}กี่คน"
    right = counts[i] - counts[j]
    d = mc(
        stem,
        f"{right} คน",
        [f"{x} คน" for x in (counts[i] + counts[j], counts[i], counts[j], right + 2)],
        "ค 3.1 ป.3/2",
        "analyze",
        rng,
    )
    if d:
        d.check = _chk("a - b", "{} คน", a=counts[i], b=counts[j])
    return d


def p3_tf(rng: random.Random) -> Draft | None:
    facts = [
        ("1 เมตร เท่ากับ 100 เซนติเมตร", True, "ค 2.1 ป.3/5"),
        ("1 กิโลเมตร เท่ากับ 100 เมตร", False, "ค 2.1 ป.3/5"),
        ("1 กิโลกรัม เท่ากับ 10 ขีด", True, "ค 2.1 ป.3/9"),
        ("1 เมตริกตัน เท่ากับ 1,000 กิโลกรัม", True, "ค 2.1 ป.3/9"),
        ("1 ลิตร เท่ากับ 100 มิลลิลิตร", False, "ค 2.1 ป.3/11"),
        ("1 เซนติเมตร เท่ากับ 10 มิลลิเมตร", True, "ค 2.1 ป.3/5"),
        ("3/5 มากกว่า 3/4", False, "ค 1.1 ป.3/4"),
        ("รูปวงกลมไม่มีแกนสมมาตร", False, "ค 2.2 ป.3/1"),
        ("1 ชั่วโมง เท่ากับ 60 นาที", True, "ค 2.1 ป.3/2"),
    ]
    s, ok, code = rng.choice(facts)
    return tf(s, ok, code, "remember")


def p3_word_problem_cr(rng: random.Random) -> Draft | None:
    who = rng.choice(NAMES)
    boxes, per, sold = rng.randrange(3, 9), rng.choice([12, 24, 30]), rng.randrange(10, 60)
    if boxes * per <= sold:
        return None
    stem = f"{who}มีไข่ไก่ {boxes} แผง แผงละ {per} ฟอง ขายไป {sold} ฟอง เหลือไข่ไก่กี่ฟอง <b>จงแสดงวิธีทำ</b>"
    levels = rubric(
        3,
        [
            f"เขียนประโยคสัญลักษณ์ {boxes} × {per} − {sold} = □ แสดงการคูณและการลบถูกต้อง และตอบ {boxes * per - sold} ฟอง",
            "แสดงวิธีคิดถูกต้อง แต่คำนวณผิดหนึ่งขั้นตอน หรือไม่เขียนหน่วย",
            "หาจำนวนไข่ทั้งหมดได้ถูกต้อง แต่ไม่ลบจำนวนที่ขายไป หรือลำดับขั้นตอนผิด",
            "ไม่ตอบ หรือวิธีทำไม่สัมพันธ์กับโจทย์",
        ],
    )
    d = constructed(stem, levels, "ค 1.1 ป.3/9", "apply", competency_codes=SOLVE, trait_codes=("6.1",))
    d.check = _chk("boxes * per - sold", boxes=boxes, per=per, sold=sold)
    return d


def p3_matching_units(rng: random.Random) -> Draft | None:
    pairs = rng.sample(
        [
            ("ความยาวของห้องเรียน", "เมตร"),
            ("น้ำหนักของลูกช้าง", "กิโลกรัม"),
            ("ความยาวของมดแดง", "มิลลิเมตร"),
            ("ระยะทางจากบ้านไปจังหวัด", "กิโลเมตร"),
            ("ปริมาณยาน้ำ 1 ช้อนชา", "มิลลิลิตร"),
            ("ความจุของถังน้ำ", "ลิตร"),
            ("น้ำหนักของรถบรรทุกอ้อย", "เมตริกตัน"),
        ],
        4,
    )
    return matching(
        "จับคู่สิ่งที่ต้องการวัดกับหน่วยที่เหมาะสม (ตอบเป็น หมายเลข-ตัวอักษร เช่น 1-ก)",
        pairs,
        ["วินาที", "ตารางเมตร"],
        ("ค 2.1 ป.3/3", "ค 2.1 ป.3/7"),
        "apply",
        rng,
    )


# ---------------------------------------------------------------------------------------- ป.6


def p6_gcd(rng: random.Random) -> Draft | None:
    g = rng.choice([2, 3, 4, 5, 6, 7, 8, 9, 12, 15])
    ks = rng.sample([2, 3, 5, 7, 11], 2) if rng.random() < 0.6 else rng.sample([2, 3, 5, 7, 11, 13], 3)
    nums = [g * k for k in ks]
    if math.gcd(*ks) != 1:
        return None
    right = math.gcd(*nums)
    lcm = math.lcm(*nums)
    shown = ", ".join(str(x) for x in nums)
    divisors = [d for d in range(1, right) if right % d == 0 and d > 1]
    d = mc(
        f"ห.ร.ม. ของ {shown} คือข้อใด",
        str(right),
        [str(lcm), *(str(x) for x in divisors), str(min(nums)), str(right * 2)],
        "ค 1.1 ป.6/4",
        "apply",
        rng,
    )
    if d:
        d.check = _chk(
            "math.gcd(" + ", ".join(f"x{i}" for i in range(len(nums))) + ")",
            **{f"x{i}": v for i, v in enumerate(nums)},
        )
    return d


def p6_lcm(rng: random.Random) -> Draft | None:
    nums = sorted(rng.sample([2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 18, 20], rng.choice([2, 3])))
    right = math.lcm(*nums)
    prod = math.prod(nums)
    d = numeric(f"จงหา ค.ร.น. ของ {', '.join(map(str, nums))}", right, "ค 1.1 ป.6/5", "apply")
    if right == prod and len(nums) == 2:
        d.explanation = "จำนวนทั้งสองไม่มีตัวประกอบร่วมนอกจาก 1 ค.ร.น. จึงเท่ากับผลคูณ"
    d.check = _chk(
        "math.lcm(" + ", ".join(f"x{i}" for i in range(len(nums))) + ")",
        **{f"x{i}": v for i, v in enumerate(nums)},
    )
    return d


def p6_lcm_problem(rng: random.Random) -> Draft | None:
    a, b = rng.sample([6, 8, 9, 10, 12, 15, 20], 2)
    h = rng.randrange(6, 10)
    right = math.lcm(a, b)
    end = h * 60 + right
    stem = (
        f"ระฆังใบแรกดังทุก {a} นาที ระฆังใบที่สองดังทุก {b} นาที ถ้าเวลา {h}.00 น. ระฆังทั้งสองดังพร้อมกัน "
        f"อีกกี่นาทีระฆังทั้งสองใบจะดังพร้อมกันอีกครั้ง"
    )
    d = mc(
        stem,
        f"{right} นาที",
        [f"{x} นาที" for x in (a * b, a + b, math.gcd(a, b), abs(a - b), right * 2)],
        "ค 1.1 ป.6/6",
        "apply",
        rng,
        competency_codes=SOLVE,
        explanation=f"ดังพร้อมกันอีกครั้งเวลา {end // 60}.{end % 60:02d} น.",
    )
    if d:
        d.check = _chk("math.lcm(a, b)", "{} นาที", a=a, b=b)
    return d


def p6_fraction_ops(rng: random.Random) -> Draft | None:
    b, d_ = rng.sample([2, 3, 4, 5, 6, 8, 10, 12], 2)
    a, c = rng.randrange(1, b), rng.randrange(1, d_)
    if math.gcd(a, b) != 1 or math.gcd(c, d_) != 1:
        return None
    x, y = Fraction(a, b), Fraction(c, d_)
    op = rng.choice(["+", "−", "×", "÷"])
    if op == "−" and x < y:
        x, y, a, b, c, d_ = y, x, c, d_, a, b
    value = {"+": x + y, "−": x - y, "×": x * y, "÷": x / y}[op]
    if value == 0:
        return None
    naive = {
        "+": Fraction(a + c, b + d_),
        "−": Fraction(abs(a - c), abs(b - d_)) if b != d_ else value + 1,
        "×": Fraction(a * c, b + d_),
        "÷": Fraction(a * c, b * d_),
    }[op]
    wrong = [
        frac(naive, mixed=True),
        frac(value + Fraction(1, 2), mixed=True),
        frac(1 / value if value else value + 1, mixed=True),
        frac(value * 2, mixed=True),
    ]
    expr = {
        "+": "Fraction(a, b) + Fraction(c, d)",
        "−": "Fraction(a, b) - Fraction(c, d)",
        "×": "Fraction(a, b) * Fraction(c, d)",
        "÷": "Fraction(a, b) / Fraction(c, d)",
    }[op]
    dr = mc(
        f"{a}/{b} {op} {c}/{d_} เท่ากับข้อใด (ตอบในรูปอย่างต่ำ)",
        frac(value, mixed=True),
        wrong,
        "ค 1.1 ป.6/7",
        "apply",
        rng,
    )
    if dr:
        dr.check = _chk(expr, "{}", a=a, b=b, c=c, d=d_)
        dr.check["value"] = str(value)
        dr.check["mixed"] = True
    return dr


def p6_decimal_div(rng: random.Random) -> Draft | None:
    q = rng.randrange(11, 99) / 10
    dv = rng.choice([0.2, 0.4, 0.5, 0.25, 0.12, 1.5, 2.5])
    n = round(q * dv, 3)
    if abs(round(n / dv, 3) - q) > 1e-9 or len(f"{n}".split(".")[-1]) > 3:
        return None
    stem = f"{fmt(n)} ÷ {fmt(dv)} เท่ากับข้อใด"
    d = mc(
        stem,
        fmt(q),
        [fmt(q * 10), fmt(q / 10), fmt(round(n * dv, 3)), fmt(q + 1)],
        "ค 1.1 ป.6/9",
        "apply",
        rng,
    )
    if d:
        d.check = _chk("round(n / dv, 3)", n=n, dv=dv)
    return d


def p6_decimal_problem(rng: random.Random) -> Draft | None:
    who = rng.choice(NAMES)
    price = rng.choice([12.5, 18.75, 24.5, 35.25, 42.5])
    kg = rng.choice([2, 3, 4])
    paid = 200
    total = price * kg
    if total >= paid:
        return None
    stem = f"{who}ซื้อเนื้อหมู {kg} กิโลกรัม ราคากิโลกรัมละ {fmt(price)} บาท จ่ายเงิน {paid} บาท จะได้รับเงินทอนกี่บาท"
    d = numeric(stem, round(paid - total, 2), "ค 1.1 ป.6/10", "apply", competency_codes=SOLVE)
    d.check = _chk("round(paid - price * kg, 2)", paid=paid, price=price, kg=kg)
    return d


def p6_ratio(rng: random.Random) -> Draft | None:
    a, b = rng.sample(range(2, 10), 2)
    if math.gcd(a, b) != 1:
        return None
    k = rng.randrange(3, 12)
    who = rng.choice(["ห้อง ป.6/1", "ชมรมดนตรี", "ค่ายลูกเสือ", "กลุ่มยุวเกษตร"])
    stem = f"{who}มีอัตราส่วนของนักเรียนชายต่อนักเรียนหญิงเป็น {a} : {b} ถ้ามีนักเรียนหญิง {b * k} คน จะมีนักเรียนชายกี่คน"
    d = mc(
        stem,
        f"{a * k} คน",
        [f"{x} คน" for x in (b * k - a, a * b, (a + b) * k, a * k + b, b * k)],
        "ค 1.1 ป.6/11",
        "apply",
        rng,
        competency_codes=SOLVE,
    )
    if d:
        d.check = _chk("a * (girls // b)", "{} คน", a=a, b=b, girls=b * k)
    return d


def p6_equal_ratio(rng: random.Random) -> Draft | None:
    a, b = rng.sample(range(2, 10), 2)
    k = rng.randrange(2, 8)
    wrong = [f"{a + k} : {b + k}", f"{a * k} : {b * k + 1}", f"{b * k} : {a * k}", f"{a * k} : {b}"]
    d = mc(f"อัตราส่วนในข้อใดเท่ากับ {a} : {b}", f"{a * k} : {b * k}", wrong, "ค 1.1 ป.6/3", "understand", rng)
    return d


def p6_percent(rng: random.Random) -> Draft | None:
    price = rng.choice([240, 360, 480, 500, 800, 1_200, 1_500, 2_400])
    pct = rng.choice([5, 10, 15, 20, 25, 30])
    thing = rng.choice(["รองเท้านักเรียน", "กระเป๋านักเรียน", "พัดลม", "จักรยาน", "ชุดกีฬา"])
    stem = f"{thing}ราคา {fmt(price)} บาท ร้านค้าลดราคาให้ {pct}% ต้องจ่ายเงินกี่บาท"
    discount = price * pct // 100
    if price * pct % 100:
        return None
    right = price - discount
    d = mc(
        stem,
        f"{fmt(right)} บาท",
        [f"{fmt(x)} บาท" for x in (discount, price - pct, price + discount, right - pct)],
        "ค 1.1 ป.6/12",
        "apply",
        rng,
        competency_codes=SOLVE,
    )
    if d:
        d.check = _chk("price - price * pct // 100", "{} บาท", price=price, pct=pct)
    return d


def p6_percent_two_step(rng: random.Random) -> Draft | None:
    n = rng.choice([40, 50, 80, 120, 200, 250])
    p1, p2 = rng.choice([(20, 25), (25, 40), (30, 50), (40, 25), (10, 50)])
    a = n * p1 // 100
    rest = n - a
    b = rest * p2 // 100
    if n * p1 % 100 or rest * p2 % 100:
        return None
    stem = (
        f"โรงเรียนแห่งหนึ่งมีนักเรียน {n} คน เป็นนักเรียนชั้น ป.6 ร้อยละ {p1} ของนักเรียนที่ไม่ใช่ชั้น ป.6 "
        f"มาโรงเรียนด้วยจักรยานร้อยละ {p2} นักเรียนที่ไม่ใช่ชั้น ป.6 ที่มาโรงเรียนด้วยจักรยานมีกี่คน"
    )
    d = numeric(stem, b, "ค 1.1 ป.6/12", "analyze", competency_codes=SOLVE, estimated_time_s=150)
    d.check = _chk("(n - n * p1 // 100) * p2 // 100", n=n, p1=p1, p2=p2)
    return d


def p6_pattern(rng: random.Random) -> Draft | None:
    if rng.random() < 0.5:
        a, r = rng.randrange(1, 6), rng.choice([2, 3])
        seq = [a * r**i for i in range(6)]
        rule = "คูณด้วย"
    else:
        a, r = rng.randrange(1, 30), rng.randrange(3, 15)
        seq = [a + r * i for i in range(6)]
        rule = "บวก"
    right = seq[5]
    shown = ", ".join(map(str, seq[:5]))
    wrong = [seq[4] + (seq[4] - seq[3]) + 1, seq[4] * 2, seq[4] + r, right + r]
    d = mc(
        f"จำนวนถัดไปของแบบรูป {shown}, … คือข้อใด",
        str(right),
        [str(w) for w in wrong],
        "ค 1.2 ป.6/1",
        "analyze",
        rng,
        competency_codes=THINK,
        explanation=f"แบบรูปเพิ่มขึ้นโดย{rule} {r}",
    )
    if d:
        d.check = _chk("x4 * r" if rule == "คูณด้วย" else "x4 + r", x4=seq[4], r=r)
        d.check["inputs_in_stem"] = ["x4"]
    return d


def p6_volume(rng: random.Random) -> Draft | None:
    w, l_, h = rng.randrange(2, 15), rng.randrange(3, 20), rng.randrange(2, 12)
    what = rng.choice(["ตู้ปลา", "กล่องกระดาษ", "ถังเก็บน้ำทรงสี่เหลี่ยมมุมฉาก", "กระบะทราย"])
    stem = f"{what}มีความกว้าง {w} เซนติเมตร ยาว {l_} เซนติเมตร สูง {h} เซนติเมตร มีปริมาตรกี่ลูกบาศก์เซนติเมตร"
    right = w * l_ * h
    d = mc(
        stem,
        f"{fmt(right)} ลูกบาศก์เซนติเมตร",
        [
            f"{fmt(x)} ลูกบาศก์เซนติเมตร"
            for x in (w + l_ + h, 2 * (w * l_ + l_ * h + w * h), w * l_, right + w * l_)
        ],
        "ค 2.1 ป.6/1",
        "apply",
        rng,
        competency_codes=SOLVE,
    )
    if d:
        d.check = _chk("w * l * h", "{} ลูกบาศก์เซนติเมตร", w=w, l=l_, h=h)
    return d


def p6_area(rng: random.Random) -> Draft | None:
    kind = rng.choice(["rect", "tri", "para"])
    if kind == "rect":
        w, l_ = rng.randrange(3, 30), rng.randrange(3, 30)
        stem = f"สนามรูปสี่เหลี่ยมผืนผ้ากว้าง {w} เมตร ยาว {l_} เมตร มีพื้นที่กี่ตารางเมตร"
        right, expr, inputs, wrong = (
            w * l_,
            "w * l",
            {"w": w, "l": l_},
            [2 * (w + l_), w + l_, w * l_ // 2 or 1],
        )
    elif kind == "tri":
        b, h = rng.randrange(2, 20) * 2, rng.randrange(3, 25)
        stem = f"รูปสามเหลี่ยมมีฐานยาว {b} เซนติเมตร สูง {h} เซนติเมตร มีพื้นที่กี่ตารางเซนติเมตร"
        right, expr, inputs, wrong = b * h // 2, "b * h // 2", {"b": b, "h": h}, [b * h, b + h, (b + h) * 2]
    else:
        b, h = rng.randrange(4, 25), rng.randrange(3, 20)
        stem = f"รูปสี่เหลี่ยมด้านขนานมีฐานยาว {b} เซนติเมตร สูง {h} เซนติเมตร มีพื้นที่กี่ตารางเซนติเมตร"
        right, expr, inputs, wrong = b * h, "b * h", {"b": b, "h": h}, [b * h // 2 or 1, 2 * (b + h), b + h]
    d = numeric(stem, right, "ค 2.1 ป.6/2", "apply", competency_codes=SOLVE)
    d.check = _chk(expr, **inputs)
    d.check["wrong"] = wrong
    return d


def p6_circle(rng: random.Random) -> Draft | None:
    r = rng.choice([7, 14, 21, 28, 35, 42])
    if rng.random() < 0.5:
        right = Fraction(22, 7) * r * r
        stem = f"วงกลมมีรัศมี {r} เซนติเมตร มีพื้นที่กี่ตารางเซนติเมตร (ใช้ π ≈ 22/7)"
        wrong = [Fraction(22, 7) * 2 * r, Fraction(22, 7) * r, right * 2, Fraction(22, 7) * r * r / 2]
        expr, unit = "Fraction(22, 7) * r * r", "ตารางเซนติเมตร"
    else:
        right = Fraction(22, 7) * 2 * r
        stem = f"วงกลมมีรัศมี {r} เซนติเมตร มีความยาวรอบรูปกี่เซนติเมตร (ใช้ π ≈ 22/7)"
        wrong = [Fraction(22, 7) * r, Fraction(22, 7) * r * r, right + r, right * 2]
        expr, unit = "Fraction(22, 7) * 2 * r", "เซนติเมตร"
    d = mc(
        stem,
        f"{fmt(int(right))} {unit}",
        [f"{fmt(int(w))} {unit}" for w in wrong],
        "ค 2.1 ป.6/3",
        "apply",
        rng,
    )
    if d:
        d.check = _chk(expr, "{} " + unit, r=r)
    return d


def p6_triangle_angle(rng: random.Random) -> Draft | None:
    a = rng.randrange(25, 100)
    b = rng.randrange(20, 150 - a)
    c = 180 - a - b
    kind = "มุมฉาก" if 90 in (a, b, c) else ("มุมป้าน" if max(a, b, c) > 90 else "มุมแหลม")
    if rng.random() < 0.5:
        d = numeric(
            f"รูปสามเหลี่ยมรูปหนึ่งมีมุมสองมุมขนาด {a} องศา และ {b} องศา มุมที่สามมีขนาดกี่องศา", c, "ค 2.2 ป.6/1", "apply"
        )
        d.check = _chk("180 - a - b", a=a, b=b)
        return d
    return mc(
        f"รูปสามเหลี่ยมที่มีมุมขนาด {a} องศา {b} องศา และ {c} องศา เป็นรูปสามเหลี่ยมชนิดใด",
        f"รูปสามเหลี่ยม{kind}",
        [f"รูปสามเหลี่ยม{k}" for k in ("มุมฉาก", "มุมป้าน", "มุมแหลม", "ด้านเท่า")],
        "ค 2.2 ป.6/1",
        "analyze",
        rng,
    )


SOLIDS = [
    ("ทรงสี่เหลี่ยมมุมฉาก", 6, 12, 8),
    ("ลูกบาศก์", 6, 12, 8),
    ("ปริซึมสามเหลี่ยม", 5, 9, 6),
    ("พีระมิดฐานสี่เหลี่ยม", 5, 8, 5),
    ("พีระมิดฐานสามเหลี่ยม", 4, 6, 4),
    ("ปริซึมห้าเหลี่ยม", 7, 15, 10),
]


def p6_solids(rng: random.Random) -> Draft | None:
    name, faces, edges, vertices = rng.choice(SOLIDS)
    what, n = rng.choice([("หน้า", faces), ("สัน", edges), ("จุดยอด", vertices)])
    return mc(
        f"{name}มี{what}กี่{what}",
        f"{n} {what}",
        [f"{k} {what}" for k in range(3, 16) if k != n],
        "ค 2.2 ป.6/3",
        "remember",
        rng,
    )


def p6_nets(rng: random.Random) -> Draft | None:
    facts = [
        ("รูปคลี่ที่ประกอบด้วยรูปสี่เหลี่ยมจัตุรัส 6 รูปที่เท่ากันทุกประการ", "ลูกบาศก์"),
        ("รูปคลี่ที่ประกอบด้วยรูปสามเหลี่ยม 2 รูป และรูปสี่เหลี่ยมผืนผ้า 3 รูป", "ปริซึมสามเหลี่ยม"),
        ("รูปคลี่ที่ประกอบด้วยรูปสี่เหลี่ยมจัตุรัส 1 รูป และรูปสามเหลี่ยม 4 รูป", "พีระมิดฐานสี่เหลี่ยม"),
        ("รูปคลี่ที่ประกอบด้วยวงกลม 2 วง และรูปสี่เหลี่ยมผืนผ้า 1 รูป", "ทรงกระบอก"),
        ("รูปคลี่ที่ประกอบด้วยวงกลม 1 วง และส่วนหนึ่งของวงกลม (รูปพัด) 1 รูป", "กรวย"),
    ]
    desc, solid = rng.choice(facts)
    others = ["ลูกบาศก์", "ปริซึมสามเหลี่ยม", "พีระมิดฐานสี่เหลี่ยม", "ทรงกระบอก", "กรวย", "ทรงกลม"]
    return mc(f"{desc} เมื่อพับแล้วจะได้รูปเรขาคณิตสามมิติใด", solid, others, "ค 2.2 ป.6/4", "understand", rng)


def p6_pie(rng: random.Random) -> Draft | None:
    n = rng.choice([40, 60, 80, 120, 200])
    parts = rng.choice([(40, 25, 20, 15), (35, 30, 25, 10), (50, 20, 20, 10), (45, 25, 15, 15)])
    sports = rng.sample(["ฟุตบอล", "วอลเลย์บอล", "แบดมินตัน", "ตะกร้อ", "ว่ายน้ำ"], 4)
    i = rng.randrange(4)
    if n * parts[i] % 100:
        return None
    legend = ", ".join(f"{s} ร้อยละ {p}" for s, p in zip(sports, parts, strict=True))
    stem = f"แผนภูมิรูปวงกลมแสดงกีฬาที่นักเรียน {n} คนชอบ ดังนี้ {legend} นักเรียนที่ชอบ{sports[i]}มีกี่คน"
    d = numeric(stem, n * parts[i] // 100, "ค 3.1 ป.6/1", "apply")
    d.check = _chk("n * p // 100", n=n, p=parts[i])
    return d


def p6_fraction_order(rng: random.Random) -> Draft | None:
    fr = set()
    while len(fr) < 4:
        b = rng.choice([2, 3, 4, 5, 6, 8, 9, 10, 12])
        fr.add(Fraction(rng.randrange(1, 3 * b), b))
    fr = sorted(fr)
    texts = [frac(f, mixed=True) for f in fr]
    if len(set(texts)) < 4:
        return None
    right = ", ".join(texts)
    wrongs = [
        ", ".join(texts[::-1]),
        ", ".join([texts[1], texts[0], texts[2], texts[3]]),
        ", ".join([texts[0], texts[2], texts[1], texts[3]]),
        ", ".join([texts[0], texts[1], texts[3], texts[2]]),
    ]
    return mc(
        f"ข้อใดเรียงลำดับจำนวนจากน้อยไปมากได้ถูกต้อง: {', '.join(rng.sample(texts, 4))}",
        right,
        wrongs,
        "ค 1.1 ป.6/1",
        "analyze",
        rng,
    )


def p6_multi_factors(rng: random.Random) -> Draft | None:
    n = rng.choice([12, 18, 20, 24, 30, 36, 42, 48])
    factors = [k for k in range(2, n) if n % k == 0]
    non = [k for k in range(2, n) if n % k]
    right = rng.sample(factors, 2)
    return mc_multi(
        f"จำนวนใดเป็นตัวประกอบของ {n}",
        [str(x) for x in right],
        [str(x) for x in non],
        "ค 1.1 ป.6/4",
        "understand",
        rng,
    )


def p6_tf(rng: random.Random) -> Draft | None:
    facts = [
        ("ห.ร.ม. ของ 12 และ 18 คือ 6", True, "ค 1.1 ป.6/4"),
        ("ค.ร.น. ของ 4 และ 6 คือ 24", False, "ค 1.1 ป.6/5"),
        ("มุมภายในทั้งสามของรูปสามเหลี่ยมรวมกันได้ 180 องศา", True, "ค 2.2 ป.6/1"),
        ("ทรงกระบอกมีจุดยอด 2 จุด", False, "ค 2.2 ป.6/3"),
        ("2/3 มีค่ามากกว่า 3/5", True, "ค 1.1 ป.6/1"),
        ("ร้อยละ 25 ของ 80 เท่ากับ 20", True, "ค 1.1 ป.6/12"),
        ("อัตราส่วน 2 : 3 เท่ากับ 6 : 9", True, "ค 1.1 ป.6/3"),
        ("พีระมิดฐานสี่เหลี่ยมมี 4 หน้า", False, "ค 2.2 ป.6/3"),
    ]
    s, ok, code = rng.choice(facts)
    return tf(s, ok, code, "understand")


def p6_fraction_cr(rng: random.Random) -> Draft | None:
    total = rng.choice([120, 180, 240, 360, 480])
    a, b = rng.choice(
        [
            (Fraction(1, 3), Fraction(1, 4)),
            (Fraction(1, 2), Fraction(1, 3)),
            (Fraction(2, 5), Fraction(1, 3)),
            (Fraction(1, 4), Fraction(2, 3)),
        ]
    )
    spent1 = total * a
    spent2 = (total - spent1) * b
    if spent1.denominator != 1 or spent2.denominator != 1:
        return None
    left = total - spent1 - spent2
    who = rng.choice(NAMES)
    stem = (
        f"{who}มีเงิน {total} บาท ใช้ซื้อหนังสือ {a.numerator}/{a.denominator} ของเงินที่มี แล้วใช้ซื้ออาหาร "
        f"{b.numerator}/{b.denominator} ของเงินที่เหลือ {who}เหลือเงินกี่บาท <b>จงแสดงวิธีทำ</b>"
    )
    levels = rubric(
        4,
        [
            f"หาเงินที่ใช้ซื้อหนังสือ ({int(spent1)} บาท) เงินที่เหลือ เงินที่ใช้ซื้ออาหาร ({int(spent2)} บาท) "
            f"ได้ถูกต้องทุกขั้นตอน และตอบ {int(left)} บาท",
            "วิธีทำถูกต้องทุกขั้นตอน แต่คำนวณผิดเล็กน้อยหรือไม่เขียนหน่วย",
            "หาเงินที่ใช้ซื้อหนังสือได้ถูกต้อง แต่คิดเศษส่วนของเงินที่เหลือจากเงินทั้งหมด",
            "เขียนประโยคสัญลักษณ์ได้บางส่วน",
            "ไม่ตอบ หรือวิธีทำไม่สัมพันธ์กับโจทย์",
        ],
    )
    d = constructed(stem, levels, "ค 1.1 ป.6/8", "analyze", competency_codes=SOLVE, trait_codes=("6.2",))
    d.check = _chk("total - total * a - (total - total * a) * b", total=total, a=a, b=b)
    d.check["inputs_in_stem"] = ["total"]
    return d


# ---------------------------------------------------------------------------------------- ม.3
# ม.3 items use the 2551 edition's codes: the shipped 2560 math list covers ป.1–ป.6 only.
M3_EDITION = "2551"
PI = Fraction(22, 7)


def m3_volume(rng: random.Random) -> Draft | None:
    r = rng.choice([7, 14, 21])
    h = rng.choice([6, 9, 10, 12, 15, 18, 30])
    kind = rng.choice(["cylinder", "cone", "sphere", "pyramid"])
    if kind == "cylinder":
        value, expr = PI * r * r * h, "Fraction(22, 7) * r * r * h"
        stem = f"ทรงกระบอกมีรัศมีของฐาน {r} เซนติเมตร สูง {h} เซนติเมตร มีปริมาตรกี่ลูกบาศก์เซนติเมตร (ใช้ π ≈ 22/7)"
        wrong = [value / 3, PI * 2 * r * h, PI * r * h, value * 2]
        inputs = {"r": r, "h": h}
    elif kind == "cone":
        value, expr = PI * r * r * h / 3, "Fraction(22, 7) * r * r * h / 3"
        stem = f"กรวยมีรัศมีของฐาน {r} เซนติเมตร สูง {h} เซนติเมตร มีปริมาตรกี่ลูกบาศก์เซนติเมตร (ใช้ π ≈ 22/7)"
        wrong = [value * 3, PI * r * h, value / 2, PI * r * r]
        inputs = {"r": r, "h": h}
    elif kind == "sphere":
        r = 21
        value, expr = Fraction(4, 3) * PI * r**3, "Fraction(4, 3) * Fraction(22, 7) * r ** 3"
        stem = f"ทรงกลมมีรัศมี {r} เซนติเมตร มีปริมาตรกี่ลูกบาศก์เซนติเมตร (ใช้ π ≈ 22/7)"
        wrong = [4 * PI * r * r, PI * r**3, value / 2, Fraction(4, 3) * PI * r * r]
        inputs = {"r": r}
    else:
        a = rng.choice([6, 9, 12, 15])
        value, expr = Fraction(a * a * h, 3), "Fraction(a * a * h, 3)"
        stem = f"พีระมิดฐานสี่เหลี่ยมจัตุรัสยาวด้านละ {a} เซนติเมตร สูง {h} เซนติเมตร มีปริมาตรกี่ลูกบาศก์เซนติเมตร"
        wrong = [Fraction(a * a * h), Fraction(a * h, 3), Fraction(4 * a * h), Fraction(a * a * h, 2)]
        inputs = {"a": a, "h": h}
    if value.denominator != 1 or any(w == value for w in wrong):
        return None
    unit = "ลูกบาศก์เซนติเมตร"
    d = mc(
        stem,
        f"{fmt(value)} {unit}",
        [f"{fmt(int(w))} {unit}" for w in wrong if int(w) > 0],
        "ค 2.1 ม.3/2",
        "apply",
        rng,
        edition=M3_EDITION,
        competency_codes=SOLVE,
    )
    if d:
        d.check = _chk(expr, "{} " + unit, **inputs)
    return d


def m3_surface(rng: random.Random) -> Draft | None:
    r, h = rng.choice([7, 14]), rng.choice([5, 10, 20, 25])
    value = 2 * PI * r * (r + h)
    stem = f"กระป๋องทรงกระบอกปิดหัวท้ายมีรัศมี {r} เซนติเมตร สูง {h} เซนติเมตร มีพื้นที่ผิวทั้งหมดกี่ตารางเซนติเมตร (ใช้ π ≈ 22/7)"
    wrong = [2 * PI * r * h, PI * r * r * h, PI * r * (r + h), 2 * PI * r * r]
    d = mc(
        stem,
        f"{fmt(value)} ตารางเซนติเมตร",
        [f"{fmt(int(w))} ตารางเซนติเมตร" for w in wrong],
        "ค 2.1 ม.3/1",
        "apply",
        rng,
        edition=M3_EDITION,
    )
    if d:
        d.check = _chk("2 * Fraction(22, 7) * r * (r + h)", "{} ตารางเซนติเมตร", r=r, h=h)
    return d


def m3_inequality(rng: random.Random) -> Draft | None:
    a, x0 = rng.randrange(2, 9), rng.randrange(2, 15)
    b = rng.randrange(1, 30)
    c = a * x0 + b
    sign = rng.choice([">", "<"])
    stem = f"คำตอบของอสมการ {a}x + {b} {sign} {c} คือข้อใด"
    other = "<" if sign == ">" else ">"
    right = f"x {sign} {x0}"
    wrong = [f"x {other} {x0}", f"x {sign} {c - b + a}", f"x {sign} {frac(Fraction(c + b, a))}", f"x = {x0}"]
    d = mc(stem, right, wrong, "ค 4.2 ม.3/1", "apply", rng, edition=M3_EDITION)
    if d:
        d.check = {"expr": "(c - b) // a", "inputs": {"a": a, "b": b, "c": c}, "fmt": "x " + sign + " {}"}
    return d


def m3_statistics(rng: random.Random) -> Draft | None:
    n = rng.choice([5, 7, 9])
    data = sorted(rng.choices(range(5, 21), k=n))
    counts = {v: data.count(v) for v in data}
    top = max(counts.values())
    modes = [v for v, k in counts.items() if k == top]
    kind = rng.choice(["mean", "median", "mode"])
    shown = ", ".join(map(str, rng.sample(data, n)))
    if kind == "mean":
        if sum(data) % n:
            return None
        value = sum(data) // n
        d = numeric(
            f"คะแนนสอบย่อยของนักเรียน {n} คน ได้แก่ {shown} ค่าเฉลี่ยเลขคณิตเท่ากับเท่าใด",
            value,
            "ค 5.1 ม.3/2",
            "apply",
            edition=M3_EDITION,
        )
        d.check = {"expr": "sum(xs) // n", "inputs": {"n": n}, "fmt": "{}", "data": data, "shown": shown}
        return d
    if kind == "median":
        value = data[n // 2]
        d = numeric(
            f"ข้อมูลชุดหนึ่งคือ {shown} มัธยฐานของข้อมูลชุดนี้เท่ากับเท่าใด",
            value,
            "ค 5.1 ม.3/2",
            "apply",
            edition=M3_EDITION,
        )
        d.check = {
            "expr": "sorted(xs)[len(xs) // 2]",
            "inputs": {},
            "fmt": "{}",
            "data": data,
            "shown": shown,
        }
        return d
    if top == 1 or len(modes) != 1:
        return None
    d = numeric(
        f"ข้อมูลชุดหนึ่งคือ {shown} ฐานนิยมของข้อมูลชุดนี้เท่ากับเท่าใด",
        modes[0],
        "ค 5.1 ม.3/2",
        "understand",
        edition=M3_EDITION,
    )
    d.check = {"expr": "max(set(xs), key=xs.count)", "inputs": {}, "fmt": "{}", "data": data, "shown": shown}
    return d


def m3_probability(rng: random.Random) -> Draft | None:
    kind = rng.choice(["dice", "balls", "coins"])
    if kind == "dice":
        what, favourable = rng.choice(
            [
                ("ได้แต้มคู่", 3),
                ("ได้แต้มมากกว่า 4", 2),
                ("ได้แต้มเป็นจำนวนเฉพาะ", 3),
                ("ได้แต้ม 6", 1),
                ("ได้แต้มน้อยกว่า 3", 2),
            ]
        )
        value = Fraction(favourable, 6)
        stem = f"โยนลูกเต๋าที่เที่ยงตรง 1 ลูก 1 ครั้ง ความน่าจะเป็นที่จะ{what} เท่ากับเท่าใด"
        wrong = [
            Fraction(favourable, 12) if favourable != 6 else Fraction(1, 2),
            Fraction(6 - favourable, 6),
            Fraction(1, favourable + 1),
            Fraction(favourable + 1, 6),
        ]
        check = _chk("Fraction(f, 6)", "{}", f=favourable)
        check["inputs_in_stem"] = []
    elif kind == "balls":
        r, b, g = rng.randrange(1, 8), rng.randrange(1, 8), rng.randrange(1, 8)
        value = Fraction(r, r + b + g)
        stem = (
            f"ถุงใบหนึ่งมีลูกบอลสีแดง {r} ลูก สีน้ำเงิน {b} ลูก และสีเขียว {g} ลูก สุ่มหยิบ 1 ลูก "
            f"ความน่าจะเป็นที่จะได้ลูกบอลสีแดงเท่ากับเท่าใด"
        )
        wrong = [
            Fraction(1, 3),
            Fraction(r, b + g) if b + g else Fraction(1, 2),
            Fraction(b + g, r + b + g),
            Fraction(1, r + b + g),
        ]
        check = _chk("Fraction(r, r + b + g)", "{}", r=r, b=b, g=g)
    else:
        value = Fraction(1, 4)
        stem = "โยนเหรียญที่เที่ยงตรง 2 เหรียญพร้อมกัน ความน่าจะเป็นที่จะขึ้นหัวทั้งสองเหรียญเท่ากับเท่าใด"
        wrong = [Fraction(1, 2), Fraction(1, 3), Fraction(3, 4), Fraction(2, 4)]
        check = _chk("Fraction(1, 4)", "{}")
    texts = [frac(w) for w in wrong if w != value and 0 < w <= 1]
    d = mc(stem, frac(value), texts, "ค 5.2 ม.3/1", "apply", rng, edition=M3_EDITION)
    if d:
        d.check = check
    return d


def m3_similar(rng: random.Random) -> Draft | None:
    a, b, c = rng.choice([(3, 4, 5), (5, 12, 13), (6, 8, 10), (4, 6, 8), (5, 7, 9)])
    k = rng.choice([2, 3, 4])
    stem = (
        f"รูปสามเหลี่ยม ABC คล้ายกับรูปสามเหลี่ยม DEF โดย AB = {a} ซม. BC = {b} ซม. CA = {c} ซม. "
        f"ถ้า DE = {a * k} ซม. แล้ว EF ยาวกี่เซนติเมตร"
    )
    d = numeric(stem, b * k, "ค 3.2 ม.3/1", "apply", edition=M3_EDITION, competency_codes=THINK)
    d.check = _chk("b * de // a", a=a, b=b, de=a * k)
    return d


def m3_line(rng: random.Random) -> Draft | None:
    m, c = rng.randrange(-4, 5) or 2, rng.randrange(-6, 7)
    xs = rng.sample(range(-4, 6), 4)
    right_x = xs[0]
    right = (right_x, m * right_x + c)
    wrong = [(x, m * x + c + rng.choice([1, -1, 2])) for x in xs[1:]]
    eq = f"y = {m}x {'+' if c >= 0 else '−'} {abs(c)}"
    d = mc(
        f"จุดในข้อใดอยู่บนกราฟของสมการ {eq}",
        f"({right[0]}, {right[1]})",
        [f"({x}, {y})" for x, y in wrong],
        "ค 4.2 ม.3/3",
        "apply",
        rng,
        edition=M3_EDITION,
    )
    if d:
        d.check = {"line": [m, c], "point": list(right)}
    return d


def m3_solids(rng: random.Random) -> Draft | None:
    facts = [
        ("กรวยมีฐานเป็นรูปใด", "วงกลม", ["สี่เหลี่ยมจัตุรัส", "สามเหลี่ยม", "ห้าเหลี่ยม"]),
        ("ปริซึมสามเหลี่ยมมีหน้าตัดที่ขนานกับฐานเป็นรูปใด", "รูปสามเหลี่ยมที่เท่ากับฐาน", ["รูปสี่เหลี่ยมผืนผ้า", "รูปวงกลม", "จุด"]),
        ("พีระมิดฐานสี่เหลี่ยมมีหน้าข้างเป็นรูปใด", "รูปสามเหลี่ยม", ["รูปสี่เหลี่ยมผืนผ้า", "รูปวงกลม", "รูปห้าเหลี่ยม"]),
        ("รูปเรขาคณิตสามมิติใดไม่มีสันและไม่มีจุดยอด", "ทรงกลม", ["กรวย", "ปริซึม", "พีระมิด"]),
    ]
    q, right, wrong = rng.choice(facts)
    return mc(q, right, wrong, "ค 3.1 ม.3/1", "remember", rng, edition=M3_EDITION)


Template = Callable[[random.Random], Draft | None]

P3: list[tuple[Template, int]] = [
    (p3_number_words, 12),
    (p3_thai_digits, 7),
    (p3_order, 10),
    (p3_fraction_of_shape, 10),
    (p3_compare_fractions, 7),
    (p3_unknown_add, 10),
    (p3_unknown_mul, 10),
    (p3_division, 10),
    (p3_order_of_operations, 12),
    (p3_two_step, 12),
    (p3_fraction_add, 10),
    (p3_pattern, 10),
    (p3_money, 10),
    (p3_time, 10),
    (p3_length, 7),
    (p3_weight, 7),
    (p3_capacity, 7),
    (p3_symmetry, 6),
    (p3_table, 10),
    (p3_tf, 8),
    (p3_word_problem_cr, 4),
    (p3_matching_units, 4),
]
P6: list[tuple[Template, int]] = [
    (p6_gcd, 12),
    (p6_lcm, 10),
    (p6_lcm_problem, 10),
    (p6_fraction_ops, 17),
    (p6_decimal_div, 10),
    (p6_decimal_problem, 7),
    (p6_ratio, 10),
    (p6_equal_ratio, 7),
    (p6_percent, 12),
    (p6_percent_two_step, 6),
    (p6_pattern, 10),
    (p6_volume, 10),
    (p6_area, 10),
    (p6_circle, 10),
    (p6_triangle_angle, 10),
    (p6_solids, 10),
    (p6_nets, 6),
    (p6_pie, 7),
    (p6_fraction_order, 7),
    (p6_multi_factors, 6),
    (p6_tf, 8),
    (p6_fraction_cr, 4),
]


#: ป.6 questions written one by one (not from a template), so that a form has enough different
#: questions for each blueprint row once clones are kept apart: (question, key, distractors, indicator, level)
P6_FACTS = [
    ("นักเรียนชาย 12 คน นักเรียนหญิง 15 คน อัตราส่วนของจำนวนนักเรียนชายต่อจำนวนนักเรียนหญิงเขียนได้ตรงกับข้อใด",
     "12 : 15", ["15 : 12", "12 : 27", "15 : 27"], "ค 1.1 ป.6/2", "understand"),
    ("แม่ซื้อไข่ไก่ 3 แผง เป็นเงิน 330 บาท อัตราส่วนของจำนวนแผงต่อราคาเป็นบาทคือข้อใด",
     "3 : 330", ["330 : 3", "1 : 330", "3 : 110"], "ค 1.1 ป.6/2", "understand"),
    ("ในกล่องมีลูกแก้วสีแดง 8 ลูก และสีเขียว 6 ลูก อัตราส่วนของลูกแก้วสีเขียวต่อลูกแก้วทั้งหมดคือข้อใด",
     "6 : 14", ["6 : 8", "8 : 14", "14 : 6"], "ค 1.1 ป.6/2", "understand"),
    ("ข้อใดเขียนเศษเกิน 7/4 เป็นจำนวนคละได้ถูกต้อง", "1 3/4", ["1 4/7", "3 1/4", "7 1/4"], "ค 1.1 ป.6/1",
     "understand"),
    ("จำนวนคละ 2 1/3 เขียนเป็นเศษเกินได้ตรงกับข้อใด", "7/3", ["5/3", "6/3", "3/7"], "ค 1.1 ป.6/1", "understand"),
    ("เศษส่วนในข้อใดมีค่าเท่ากับ 3/4", "9/12", ["6/9", "4/3", "3/8"], "ค 1.1 ป.6/1", "understand"),
    ("ข้อใดเปรียบเทียบเศษส่วนได้ถูกต้อง", "2/3 > 3/5", ["1/2 > 4/7", "3/4 < 5/8", "5/6 < 4/5"], "ค 1.1 ป.6/1",
     "understand"),
    ("ผลลัพธ์ของ 1 1/2 + 2 1/4 เท่ากับข้อใด", "3 3/4", ["3 2/6", "3 1/4", "4 1/4"], "ค 1.1 ป.6/7", "apply"),
    ("0.48 ÷ 0.6 มีผลหารเท่ากับข้อใด", "0.8", ["0.08", "8", "0.288"], "ค 1.1 ป.6/9", "apply"),
    ("มีเชือก 2 เส้น ยาว 36 เมตร และ 48 เมตร ต้องการตัดเป็นท่อนยาวเท่า ๆ กันให้ยาวที่สุดโดยไม่เหลือเศษ "
     "จะได้เชือกยาวท่อนละกี่เมตร", "12 เมตร", ["6 เมตร", "4 เมตร", "144 เมตร"], "ค 1.1 ป.6/6", "apply"),
    ("น้ำหวาน 1 ขวดมี 1.5 ลิตร แบ่งใส่แก้วใบละ 0.25 ลิตร ได้กี่แก้ว", "6 แก้ว", ["4 แก้ว", "5 แก้ว", "8 แก้ว"],
     "ค 1.1 ป.6/10", "apply"),
    ("สวนแห่งหนึ่งมีต้นมะม่วงต่อต้นมะพร้าวเป็น 3 : 5 ถ้ามีต้นมะพร้าว 40 ต้น จะมีต้นมะม่วงกี่ต้น", "24 ต้น",
     ["15 ต้น", "25 ต้น", "64 ต้น"], "ค 1.1 ป.6/11", "apply"),
    ("ร้านค้าซื้อพัดลมมาในราคา 800 บาท ขายไปได้กำไรร้อยละ 15 ร้านค้าขายพัดลมไปกี่บาท", "920 บาท",
     ["815 บาท", "680 บาท", "120 บาท"], "ค 1.1 ป.6/12", "apply"),
    ("พิจารณาแบบรูป 2, 5, 10, 17, 26, … จำนวนที่อยู่ถัดจาก 26 คือข้อใด", "37", ["35", "36", "42"], "ค 1.2 ป.6/1",
     "analyze"),
    ("นำไม้ขีดมาต่อเป็นรูปสี่เหลี่ยมจัตุรัสเรียงกันเป็นแถว รูปที่ 1 ใช้ไม้ขีด 4 ก้าน รูปที่ 2 ใช้ 7 ก้าน "
     "รูปที่ 3 ใช้ 10 ก้าน รูปที่ 10 จะใช้ไม้ขีดกี่ก้าน", "31 ก้าน", ["30 ก้าน", "34 ก้าน", "40 ก้าน"], "ค 1.2 ป.6/1",
     "analyze"),
    ("แบบรูป 1, 4, 9, 16, … จำนวนในลำดับที่ 8 คือข้อใด", "64", ["32", "49", "81"], "ค 1.2 ป.6/1", "analyze"),
    ("รูปสี่เหลี่ยมผืนผ้ารูปหนึ่งมีความยาวรอบรูป 30 เซนติเมตร ด้านกว้างยาว 6 เซนติเมตร มีพื้นที่กี่ตารางเซนติเมตร",
     "54 ตารางเซนติเมตร", ["24 ตารางเซนติเมตร", "180 ตารางเซนติเมตร", "45 ตารางเซนติเมตร"], "ค 2.1 ป.6/2", "apply"),
    ("สนามรูปวงกลมมีเส้นผ่านศูนย์กลาง 14 เมตร ถ้าเดินรอบสนาม 1 รอบ จะเดินได้ระยะทางกี่เมตร (ใช้ π ≈ 22/7)",
     "44 เมตร", ["88 เมตร", "154 เมตร", "22 เมตร"], "ค 2.1 ป.6/3", "apply"),
    ("ถังน้ำทรงสี่เหลี่ยมมุมฉากกว้าง 50 เซนติเมตร ยาว 80 เซนติเมตร สูง 60 เซนติเมตร ถ้าใส่น้ำสูง 45 เซนติเมตร "
     "จะมีน้ำกี่ลิตร", "180 ลิตร", ["240 ลิตร", "18 ลิตร", "1,800 ลิตร"], "ค 2.1 ป.6/1", "apply"),
    ("ข้อใดเรียงเศษส่วนจากมากไปน้อยได้ถูกต้อง", "5/6, 3/4, 2/3", ["2/3, 3/4, 5/6", "3/4, 5/6, 2/3", "5/6, 2/3, 3/4"],
     "ค 1.1 ป.6/1", "analyze"),
    ("แม่มีเงิน 600 บาท ใช้ซื้อผ้า 1/3 ของเงินที่มี แล้วใช้ซื้ออาหาร 1/4 ของเงินที่เหลือ แม่เหลือเงินกี่บาท",
     "300 บาท", ["250 บาท", "350 บาท", "150 บาท"], "ค 1.1 ป.6/8", "analyze"),
    ("สินค้าราคา 1,000 บาท ลดราคาร้อยละ 20 แล้วลดอีกร้อยละ 10 จากราคาที่ลดแล้ว ราคาสุดท้ายเป็นกี่บาท", "720 บาท",
     ["700 บาท", "800 บาท", "900 บาท"], "ค 1.1 ป.6/12", "analyze"),
    ("ห้องเรียนมีนักเรียน 40 คน อัตราส่วนของนักเรียนชายต่อนักเรียนหญิงเป็น 3 : 5 ถ้านักเรียนหญิงย้ายออกไป 5 คน "
     "อัตราส่วนใหม่ของนักเรียนชายต่อนักเรียนหญิงเป็นเท่าใด", "3 : 4", ["3 : 5", "15 : 25", "4 : 3"], "ค 1.1 ป.6/11",
     "analyze"),
    ("น้ำมัน 3.6 ลิตร แบ่งใส่ขวดขวดละ 0.45 ลิตร แล้วขายขวดละ 25 บาท จะได้เงินทั้งหมดกี่บาท", "200 บาท",
     ["160 บาท", "250 บาท", "90 บาท"], "ค 1.1 ป.6/10", "analyze"),
    ("ตุ๊กตาราคาตัวละ 120 บาท ถ้าซื้อตั้งแต่ 3 ตัวขึ้นไปลดร้อยละ 10 ของราคารวม ซื้อ 5 ตัวต้องจ่ายเงินกี่บาท",
     "540 บาท", ["600 บาท", "550 บาท", "480 บาท"], "ค 1.1 ป.6/12", "analyze"),
    ("ผ้าผืนหนึ่งยาว 4 1/2 เมตร ตัดไปใช้ 3/4 เมตร แล้วตัดไปอีก 1 1/2 เมตร เหลือผ้ากี่เมตร", "2 1/4 เมตร",
     ["3 3/4 เมตร", "2 3/4 เมตร", "1 3/4 เมตร"], "ค 1.1 ป.6/8", "analyze"),
    ("ปลูกต้นไม้เป็นแถว แถวที่ 1 มี 3 ต้น แถวที่ 2 มี 6 ต้น แถวที่ 3 มี 12 ต้น ถ้าเพิ่มขึ้นแบบนี้ไปเรื่อย ๆ "
     "แถวที่ 6 จะมีต้นไม้กี่ต้น", "96 ต้น", ["48 ต้น", "24 ต้น", "192 ต้น"], "ค 1.2 ป.6/1", "analyze"),
    ("ที่ดินรูปสี่เหลี่ยมคางหมูมีด้านคู่ขนานยาว 20 เมตร และ 30 เมตร ระยะห่างระหว่างด้านคู่ขนาน 12 เมตร "
     "ที่ดินนี้มีพื้นที่กี่ตารางเมตร", "300 ตารางเมตร", ["600 ตารางเมตร", "360 ตารางเมตร", "250 ตารางเมตร"],
     "ค 2.1 ป.6/2", "apply"),
    ("ต้องการล้อมรั้วรอบสนามรูปสี่เหลี่ยมผืนผ้ากว้าง 25 เมตร ยาว 40 เมตร ต้องใช้รั้วยาวทั้งหมดกี่เมตร", "130 เมตร",
     ["65 เมตร", "1,000 เมตร", "105 เมตร"], "ค 2.1 ป.6/2", "apply"),
    ("แผ่นกระดาษรูปวงกลมมีเส้นผ่านศูนย์กลาง 28 เซนติเมตร มีพื้นที่กี่ตารางเซนติเมตร (ใช้ π ≈ 22/7)",
     "616 ตารางเซนติเมตร", ["2,464 ตารางเซนติเมตร", "88 ตารางเซนติเมตร", "176 ตารางเซนติเมตร"], "ค 2.1 ป.6/3",
     "apply"),
    ("กล่องทรงสี่เหลี่ยมมุมฉาก 2 ใบวางซ้อนกัน ใบล่างกว้าง 10 เซนติเมตร ยาว 20 เซนติเมตร สูง 10 เซนติเมตร "
     "ใบบนกว้าง 10 เซนติเมตร ยาว 10 เซนติเมตร สูง 5 เซนติเมตร ปริมาตรรวมของกล่องทั้งสองใบเป็นกี่ลูกบาศก์เซนติเมตร",
     "2,500 ลูกบาศก์เซนติเมตร", ["2,000 ลูกบาศก์เซนติเมตร", "500 ลูกบาศก์เซนติเมตร", "3,000 ลูกบาศก์เซนติเมตร"],
     "ค 2.1 ป.6/1", "apply"),
    ("รูปสามเหลี่ยมที่มีด้านยาวเท่ากันทั้งสามด้าน เรียกว่ารูปสามเหลี่ยมชนิดใด", "รูปสามเหลี่ยมด้านเท่า",
     ["รูปสามเหลี่ยมหน้าจั่ว", "รูปสามเหลี่ยมมุมฉาก", "รูปสามเหลี่ยมด้านไม่เท่า"], "ค 2.2 ป.6/1", "remember"),
    ("ทรงกระบอกมีหน้าตัดที่ขนานกับฐานเป็นรูปใด", "รูปวงกลม", ["รูปสี่เหลี่ยมผืนผ้า", "รูปสามเหลี่ยม", "รูปวงรี"],
     "ค 2.2 ป.6/3", "understand"),
]


M3 = [
    (m3_volume, 14),
    (m3_surface, 6),
    (m3_inequality, 10),
    (m3_statistics, 12),
    (m3_probability, 12),
    (m3_similar, 8),
    (m3_line, 8),
    (m3_solids, 4),
]


def generate(rng: random.Random, grade: str) -> list[Draft]:
    """Math drafts for `grade`: each template asked for its count of distinct items."""
    plan = {"ป.3": P3, "ป.6": P6, "ม.3": M3}.get(grade, [])
    out: list[Draft] = []
    seen: set[tuple] = set()
    for template, count in plan:
        made = tries = 0
        while made < count and tries < count * 30:
            tries += 1
            d = template(rng)
            if d is None or _question(d) in seen:
                continue
            seen.add(_question(d))
            out.append(d)
            made += 1
    if grade == "ป.6":
        out += from_facts(rng, P6_FACTS)
    return out


def _question(d: Draft) -> tuple:
    """What makes two drafts the same question: the stem and the keyed options (other distractors aside)."""
    keyed = tuple(sorted(str(o["text"]) for o in d.options if o["label"] in d.key))
    return (d.type, d.stem, keyed, d.accepted_answers)
