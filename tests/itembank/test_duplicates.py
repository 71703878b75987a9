"""The clone detector (itembank.duplicates): exact copies, number variants and near copies."""

from __future__ import annotations

import numpy as np

from itembank.duplicates import duplicate_groups, find_duplicates, item_text, mask_numbers, normalise

PRISM = "ปริซึมห้าเหลี่ยมมีสันกี่สัน"
CIRCLE = "วงกลมวงหนึ่งมีรัศมี {r} เซนติเมตร มีเส้นรอบวงยาวกี่เซนติเมตร (ใช้ π ≈ 22/7)"


def _kinds(texts: list[str]) -> dict[tuple[int, int], str]:
    return {(p.first, p.second): p.kind for p in find_duplicates(texts)}


def test_shuffled_options_markup_and_thai_digits_are_an_exact_copy() -> None:
    a = item_text(PRISM, ["10 สัน", "15 สัน", "12 สัน", "20 สัน"])
    b = item_text(f"<p>{PRISM}</p>  ", ["๒๐ สัน", "๑๕ สัน", "๑๐ สัน", "๑๒ สัน"])
    assert a == b
    assert _kinds([a, b]) == {(0, 1): "exact"}


def test_items_that_differ_only_in_their_numbers_are_number_variants() -> None:
    a = item_text(CIRCLE.format(r=7), ["44", "22", "154", "14"])
    b = item_text(CIRCLE.format(r="1,400"), ["8,800", "4,400", "616,000", "2,800"])
    assert mask_numbers(normalise("รัศมี 1,400.5 ซม.")) == "รัศมี # ซม."
    assert _kinds([a, b]) == {(0, 1): "numbers"}


def test_a_stem_with_one_word_changed_is_a_near_copy_and_a_different_question_is_not() -> None:
    base = "ชาวนาปลูกข้าวในนาขนาด 5 ไร่ ได้ผลผลิตไร่ละ 600 กิโลกรัม นำไปขายกิโลกรัมละ 12 บาท จะได้เงินทั้งหมดกี่บาท"
    near = base.replace("ชาวนา", "ลุงสมศักดิ์")
    other = "นักเรียนชั้นประถมศึกษาปีที่ 6 มีทั้งหมด 40 คน เป็นนักเรียนหญิงร้อยละ 45 มีนักเรียนชายกี่คน"
    texts = [item_text(t) for t in (base, near, other)]
    found = find_duplicates(texts)
    assert [(p.first, p.second, p.kind) for p in found] == [(0, 1, "near")]
    assert 0.8 <= found[0].similarity < 1


def test_only_limits_the_pairs_to_the_new_items() -> None:
    texts = [item_text(PRISM), item_text(PRISM), item_text(CIRCLE.format(r=7)), item_text(CIRCLE.format(r=14))]
    assert {(p.first, p.second) for p in find_duplicates(texts, only=[3])} == {(2, 3)}
    groups = duplicate_groups(len(texts), find_duplicates(texts))
    assert groups[0] == groups[1] != groups[2] == groups[3]


def test_planted_clones_are_found_among_thousands_of_distinct_items_and_nothing_else() -> None:
    rng = np.random.default_rng(7)
    words = ["นักเรียน", "ครู", "โรงเรียน", "ตลาด", "ผลไม้", "ดินสอ", "สมุด", "น้ำ", "ต้นไม้", "แม่น้ำ", "ภูเขา",
             "ทะเล", "รถไฟ", "จักรยาน", "หนังสือ", "ห้องสมุด", "อาหาร", "ผัก", "ไก่", "ปลา", "นก", "แมว", "สุนัข",
             "บ้าน", "วัด", "ชุมชน", "ฝน", "ลม", "แสง", "เสียง", "ไฟฟ้า", "แม่เหล็ก", "พืช", "สัตว์", "ดิน", "หิน"]
    texts = [item_text(" ".join(rng.choice(words, 12)) + " ข้อใดถูกต้อง") for _ in range(3000)]
    texts.append(texts[1234].replace("ข้อใดถูกต้อง", "ข้อใดถูกต้อง 5"))   # a number added: a near copy
    texts.append(texts[42])                                                   # an exact copy
    found = {(p.first, p.second): p.kind for p in find_duplicates(texts)}
    assert found == {(42, 3001): "exact", (1234, 3000): "near"}
