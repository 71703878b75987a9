"""Booklet, key and answer-sheet data of a frozen form: built in testgen, authorised on the form."""

from __future__ import annotations

import pytest
from factories import make_actor

from itembank.authz import Actor
from itembank.errors import KhlangError
from itembank.schools import SchoolBase, add_schools
from testgen.booklets import build_answer_key, build_answer_sheet, build_booklet
from testgen.errors import TestGenError
from testgen.forms import freeze_form, make_form_variants


@pytest.fixture
def form(session, bank):
    freeze_form(session, Actor.system(), "BK-1", "คณิตศาสตร์ ป.6", [bank[f"F6-{i:03d}"] for i in range(10)])
    make_form_variants(session, Actor.system(), "BK-1", 2, seed=3)
    return "BK-1"


def test_a_variant_booklet_permutes_items_and_its_key_follows(session, form):
    master = build_booklet(session, Actor.system(), form)
    add_schools(session, Actor.system(), [SchoolBase(code="1040120345", name_th="โรงเรียนบ้านโคก")])
    b = build_booklet(session, Actor.system(), form, "B", school="1040120345")
    assert sorted(i.item_id for i in b.items) == sorted(i.item_id for i in master.items)
    assert (b.variant, b.school, b.school_code) == ("B", "บ้านโคก", "1040120345")
    key = build_answer_key(session, Actor.system(), form, "B")
    for item, entry in zip(b.items, key.entries, strict=True):
        assert entry.key == item.key and item.options[item.key - 1] == next(
            m.options[m.key - 1] for m in master.items if m.item_id == item.item_id)
    sheet = build_answer_sheet(session, Actor.system(), form)
    assert sheet.n_items == 10 and sheet.variants == ("A", "B")


def test_an_unknown_variant_or_school_is_named_in_thai(session, form):
    with pytest.raises(TestGenError, match="ไม่มีชุด Z"):
        build_booklet(session, Actor.system(), form, "Z")
    with pytest.raises(KhlangError, match="ไม่พบโรงเรียนรหัส 9999999999"):
        build_booklet(session, Actor.system(), form, school="9999999999")


def test_a_school_cannot_print_a_form(session, form):
    with pytest.raises(KhlangError) as e:
        build_booklet(session, make_actor("school", school_id=1), form)
    assert e.value.kind == "forbidden"
