"""Options that carry an order: detected from numbers (Arabic or Thai digits, one unit), stored ascending with
the key following, settable in the import column, exported only where it differs, carried by a variant item."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itembank.authz import Actor
from itembank.errors import ItemBankError
from itembank.exporting import item_row
from itembank.importing import import_items
from itembank.option_order import detect_ordered, numeric_value, order_options
from itembank.schemas import ItemDraft, OptionDraft
from itembank.service import draft_of, get_version, read_version

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def _draft(*texts: str, key: tuple[str, ...] = ("ข",), ordered: bool | None = None, fixed: str = "") -> ItemDraft:
    labels = "กขคงจฉ"
    options = tuple(OptionDraft(labels[k], t, labels[k] == fixed) for k, t in enumerate(texts))
    return ItemDraft("M6-9", "multiple_choice", "ข้อใดถูก", options, key, indicator_codes=("ค 1.1 ป.6/2",),
                     options_ordered=ordered)


@pytest.mark.parametrize(("texts", "ordered"), [
    (("54", "56", "58", "64"), True),
    (("80 เล่ม", "75 เล่ม", "70 เล่ม", "65 เล่ม"), True),  # descending counts too
    (("๑๒ ซม.", "๑๔ ซม.", "๑๕ ซม.", "๑๘ ซม."), True),  # Thai digits with a unit
    (("1,250", "2,500", "12,000", "125,000"), True),
    (("1/4", "1/2", "3/4", "1"), True),
    (("-3", "−1", "0", "2.5"), True),
    (("06.00 น.", "06.30 น.", "07.15 น.", "08.00 น."), True),
    (("56", "54", "64", "58"), False),  # numbers written shuffled: shuffled unless the author says ใช่
    (("2 และ 3", "−2 และ −3", "1 และ 6", "−1 และ 6"), False),  # two numbers in an option
    (("15 ซม.", "1 ม.", "20 ซม.", "30 ซม."), False),  # two units
    (("ป.6/1", "ป.6/2", "ป.6/3", "เท่ากันทุกห้อง"), False),
    (("10", "10", "20", "30"), False),
])
def test_numbers_in_order_are_detected(texts, ordered):
    assert detect_ordered("multiple_choice", texts) is ordered
    assert detect_ordered("matching", texts) is False


def test_numeric_value_reads_digits_units_and_markup():
    assert numeric_value("<b>๑,๒๕๐</b> บาท") == (1250.0, "บาท")
    assert numeric_value("25 %") == (25.0, "%")
    assert numeric_value("ครึ่งหนึ่ง") is None


def test_descending_numbers_are_stored_ascending_and_the_key_follows():
    d = order_options(_draft("80 เล่ม", "75 เล่ม", "70 เล่ม", "65 เล่ม", key=("ข",)))
    assert [o.text for o in d.options] == ["65 เล่ม", "70 เล่ม", "75 เล่ม", "80 เล่ม"]
    assert [o.label for o in d.options] == ["ก", "ข", "ค", "ง"]
    assert d.key == ("ค",) and d.options_ordered is True


def test_an_author_may_order_what_a_program_cannot_see_or_refuse_an_order():
    words = order_options(_draft("น้อยที่สุด", "น้อย", "มาก", "มากที่สุด", ordered=True))
    assert words.options_ordered is True and [o.text for o in words.options][0] == "น้อยที่สุด"
    unsorted = order_options(_draft("56", "54", "64", "58", key=("ก",), ordered=True))
    assert [o.text for o in unsorted.options] == ["54", "56", "58", "64"] and unsorted.key == ("ข",)
    refused = order_options(_draft("56", "54", "64", "58", ordered=False))
    assert refused.options_ordered is False and [o.text for o in refused.options] == ["56", "54", "64", "58"]
    shuffled = order_options(_draft("56", "54", "64", "58", key=("ง",)))
    assert [o.text for o in shuffled.options] == ["56", "54", "64", "58"] and shuffled.options_ordered is False
    pinned = order_options(_draft("40", "30", "20", "ไม่มีข้อใดถูก", ordered=True, fixed="ง"))
    assert [o.text for o in pinned.options] == ["40", "30", "20", "ไม่มีข้อใดถูก"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-500, 5000), min_size=2, max_size=6, unique=True), st.data(),
       st.sampled_from(["", " ซม.", " คน"]), st.booleans())
def test_ordering_keeps_the_keyed_text_and_is_idempotent(values, data, unit, thai):
    texts = [(f"{v}{unit}".translate(THAI) if thai else f"{v}{unit}") for v in values]
    labels = "กขคงจฉ"[: len(texts)]
    key = data.draw(st.sampled_from(labels))
    d = order_options(_draft(*texts, key=(key,), ordered=True))
    keyed = {o.label: o.text for o in d.options}[d.key[0]]
    assert keyed == texts[labels.index(key)]
    assert [numeric_value(o.text)[0] for o in d.options] == sorted(values)
    assert order_options(d) == d


def test_content_hash_counts_the_flag_only_where_the_options_do_not_show_it():
    plain = _draft("54", "56", "58", "64")
    assert plain.content_hash() == order_options(plain).content_hash() == _draft(
        "54", "56", "58", "64", ordered=True).content_hash()
    assert _draft("54", "56", "58", "64", ordered=False).content_hash() != plain.content_hash()
    assert "options_ordered" not in plain.content()


HEADER = "code,type,stem,option_1,option_2,option_3,option_4,key,indicators,grade,options_ordered\n"


def _csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "items.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def test_import_detects_sorts_reads_the_column_and_exports_it_back(session, tmp_path):
    path = _csv(tmp_path,
                "M6-1,เลือกตอบ,ยืมหนังสือรวมกี่เล่ม,80 เล่ม,75 เล่ม,70 เล่ม,65 เล่ม,ข,ค 1.1 ป.6/2,ป.6,\n",
                "M6-2,เลือกตอบ,ข้อใดมากที่สุด,น้อยที่สุด,น้อย,มาก,มากที่สุด,ง,ค 1.1 ป.6/2,ป.6,ใช่\n",
                "M6-3,เลือกตอบ,ข้อใดถูก,54,56,58,64,ข,ค 1.1 ป.6/2,ป.6,ไม่ใช่\n",
                "M6-4,เลือกตอบ,ข้อใดถูก,แมว,หมา,ไก่,ปลา,ข,ค 1.1 ป.6/2,ป.6,\n")
    import_items(session, Actor.system(), path)
    v1 = get_version(session, "M6-1")
    assert v1.options_ordered is True and [o["text"] for o in v1.options][0] == "65 เล่ม" and v1.key == ["ค"]
    assert [get_version(session, c).options_ordered for c in ("M6-2", "M6-3", "M6-4")] == [True, False, False]
    assert import_items(session, Actor.system(), path).upsert.n_unchanged == 4  # the same file changes nothing
    cells = {c: item_row(read_version(session, Actor.system(), c))["options_ordered"]
             for c in ("M6-1", "M6-2", "M6-3", "M6-4")}
    assert cells == {"M6-1": "", "M6-2": "ใช่", "M6-3": "ไม่ใช่", "M6-4": ""}
    assert draft_of(read_version(session, Actor.system(), "M6-2")).options_ordered is True
    assert draft_of(read_version(session, Actor.system(), "M6-1")).options_ordered is None


def test_a_bad_ordered_cell_is_named_by_row_and_column(session, tmp_path):
    path = _csv(tmp_path, "M6-1,เลือกตอบ,ข้อใดถูก,54,56,58,64,ข,ค 1.1 ป.6/2,ป.6,บางที\n")
    with pytest.raises(ItemBankError) as info:
        import_items(session, Actor.system(), path)
    texts = [p.text("th") for p in info.value.problems]
    assert any("แถว 2" in t and "options_ordered" in t and "ใช่ หรือ ไม่ใช่" in t for t in texts), texts


@pytest.mark.parametrize(("texts", "ordered"), [
    (("15 ซม.", "20 ซม.", "25 ซม.", "30 ซม."), True),
    (("4 ชั่วโมง", "3 ชั่วโมง", "2 ชั่วโมง", "1 ชั่วโมง"), True),
    (("๐.๕", "๑.๒๕", "๒.๗๕", "๓"), True),  # Thai-digit decimals
    (("1/2", "1 1/2", "2½", "3"), True),  # fractions and mixed numbers
    (("ร้อยละ 10", "ร้อยละ 25", "ร้อยละ 40", "ร้อยละ 75"), True),  # one word before the number
    (("มกราคม", "มีนาคม", "พฤษภาคม", "กรกฎาคม"), True),
    (("ก.พ.", "เม.ย.", "มิ.ย.", "ส.ค."), True),
    (("วันจันทร์", "วันพุธ", "วันศุกร์", "วันอาทิตย์"), True),
    (("มีนาคม", "มกราคม", "กรกฎาคม", "พฤษภาคม"), False),  # months written shuffled
    (("แมว", "หมา", "ไก่", "ไม่มีข้อใดถูก"), True),  # a catch-all option must stay last
    (("แมว", "หมา", "ไก่", "ถูกทุกข้อ"), True),
    (("2", "3", "5", "ถูกทั้ง ก และ ข"), True),  # names options by letter: wrong once they move
    (("ร้อน", "เย็น", "ข้อ ก และ ค ถูก", "ไม่มีข้อใดถูกต้อง"), True),
    (("ป.6/1", "ป.6/2", "ป.6/3"), False),  # classes, not fractions
    (("ข้อ ก", "แมว", "หมา", "ไก่"), False),
])
def test_units_thai_digits_fractions_calendar_and_catch_all_options_are_detected(texts, ordered):
    assert detect_ordered("multiple_choice", texts) is ordered


def test_numbers_are_sorted_ascending_and_catch_all_options_stay_last():
    d = order_options(_draft("80 เล่ม", "75 เล่ม", "70 เล่ม", "ไม่มีข้อใดถูก", key=("ก",)))
    assert [o.text for o in d.options] == ["70 เล่ม", "75 เล่ม", "80 เล่ม", "ไม่มีข้อใดถูก"]
    assert d.key == ("ค",) and d.options_ordered is True
    keep = order_options(_draft("56", "54", "64", "ถูกทุกข้อ", key=("ง",)))   # ordered for its catch-all only:
    assert [o.text for o in keep.options] == ["56", "54", "64", "ถูกทุกข้อ"]  # shuffled numbers stay as written
    assert keep.options_ordered is True and keep.key == ("ง",)
    told = order_options(_draft("56", "54", "64", "ถูกทุกข้อ", key=("ก",), ordered=True))
    assert [o.text for o in told.options] == ["54", "56", "64", "ถูกทุกข้อ"] and told.key == ("ข",)


def test_import_keeps_a_catch_all_option_last_and_reads_months_in_order(session, tmp_path):
    path = _csv(tmp_path,
                "M6-7,เลือกตอบ,ข้อใดถูก,40 ซม.,30 ซม.,20 ซม.,ไม่มีข้อใดถูก,ก,ค 1.1 ป.6/2,ป.6,\n",
                "M6-8,เลือกตอบ,เดือนใดมาก่อน,มกราคม,มีนาคม,พฤษภาคม,กรกฎาคม,ก,ค 1.1 ป.6/2,ป.6,\n",
                "M6-9,เลือกตอบ,ข้อใดถูก,แมว,หมา,ไก่,ถูกทั้ง ก และ ข,ง,ค 1.1 ป.6/2,ป.6,ไม่ใช่\n")
    import_items(session, Actor.system(), path)
    v7 = get_version(session, "M6-7")
    assert [o["text"] for o in v7.options] == ["20 ซม.", "30 ซม.", "40 ซม.", "ไม่มีข้อใดถูก"] and v7.key == ["ค"]
    assert [get_version(session, c).options_ordered for c in ("M6-7", "M6-8", "M6-9")] == [True, True, False]
    assert import_items(session, Actor.system(), path).upsert.n_unchanged == 3


def test_a_version_stored_before_the_detector_knew_its_options_is_saved_again_unchanged(session, monkeypatch):
    import itembank.option_order
    import itembank.schemas
    import itembank.service
    from itembank.service import edit_item, upsert_items, version_draft

    draft = _draft("แมว", "หมา", "ไก่", "ไม่มีข้อใดถูก")
    with monkeypatch.context() as m:   # the detector of before: a catch-all option was not an order
        for module in (itembank.option_order, itembank.schemas, itembank.service):
            m.setattr(module, "detect_ordered", lambda item_type, texts: False)
        upsert_items(session, Actor.system(), [draft])
    assert get_version(session, "M6-9").options_ordered is False
    again = version_draft(session, Actor.system(), "M6-9")
    assert again.options_ordered is False                     # the version's own flag, now said explicitly
    assert edit_item(session, Actor.system(), "M6-9", again).number == 1
    assert upsert_items(session, Actor.system(), [draft]).n_unchanged == 1   # a blank cell again: unchanged
    ticked = edit_item(session, Actor.system(), "M6-9", again.with_changes(options_ordered=True))
    assert (ticked.number, ticked.options_ordered) == (2, True)              # ticked: the next version says so
    assert version_draft(session, Actor.system(), "M6-9").options_ordered is None
    assert edit_item(session, Actor.system(), "M6-9", version_draft(session, Actor.system(), "M6-9")).number == 2
    assert upsert_items(session, Actor.system(), [draft]).n_unchanged == 1
    assert get_version(session, "M6-9").number == 2
