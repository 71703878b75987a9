"""The bank's words, without Flask: labels in Thai and English, and parsing what people type."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from itembank import vocabulary
from itembank.errors import ItemBankError
from itembank.schemas import CognitiveLevel, ItemType, ReviewStatus


@pytest.mark.parametrize("kind, enum", [("item_type", ItemType), ("status", ReviewStatus),
                                        ("cognitive_level", CognitiveLevel)])
def test_every_code_of_the_bank_has_a_thai_and_an_english_word(kind, enum):
    assert set(vocabulary.codes(kind)) == {e.value for e in enum}
    for code in vocabulary.codes(kind):
        th, en = vocabulary.label(kind, code), vocabulary.label(kind, code, "en")
        assert any("\u0e00" <= c <= "\u0e7f" for c in th) and en.isascii()
        assert vocabulary.parse(kind, code) == vocabulary.parse(kind, th) == vocabulary.parse(kind, en) == code


def test_parse_accepts_what_people_type():
    assert vocabulary.parse("cognitive_level", " นำไปใช้ ") == "apply"
    assert vocabulary.parse("cognitive_level", "analyse") == "analyze"
    assert vocabulary.parse("status", "In Review") == "in_review"
    assert vocabulary.parse("item_type", "ถูกผิด") == "true_false"
    assert vocabulary.parse("instrument_kind", "มาตรประมาณค่า") == "rating_scale"


def test_an_unknown_word_is_refused_listing_the_allowed_values():
    with pytest.raises(ItemBankError) as e:
        vocabulary.parse("cognitive_level", "ท่องจำ")
    assert e.value.code == "vocabulary.unknown" and e.value.kind == "invalid"
    assert "ไม่รู้จักระดับพฤติกรรม 'ท่องจำ'" in e.value.text("th") and "สร้างสรรค์ (create)" in e.value.text("th")
    assert "Create (create)" in e.value.text("en")


def test_labels_of_unknown_codes_are_shown_as_they_are():
    assert vocabulary.label("status", "archived") == "archived" and vocabulary.label("status", None) == ""


def test_the_vocabulary_loads_without_flask_or_a_database():
    code = ("import sys, itembank.vocabulary\n"
            "assert not {'flask', 'flask_babel', 'sqlalchemy', 'sqlmodel'} & set(sys.modules), sorted(sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_one_buddhist_era_formatter_for_documents_pages_and_commands():
    from exports.text import display_date, thai_date

    assert thai_date(dt.date(2026, 2, 5)) == "๕ กุมภาพันธ์ พ.ศ. ๒๕๖๙"
    assert thai_date(dt.date(2026, 2, 5), thai_digits=False, abbreviated=True, era=False) == "5 ก.พ. 2569"
    at = dt.datetime(2026, 11, 25, 17, 30, tzinfo=dt.UTC)
    assert display_date(at) == "26 พ.ย. 2569 00:30 น."                 # Asia/Bangkok, UTC+7
    assert display_date(at.replace(tzinfo=None), "en") == "26 Nov 2026 00:30"
    assert display_date(None) == ""
