"""Forms on the bank: assemble from approved versions, freeze, variants with keys, compromised items."""

from __future__ import annotations

import pytest
from factories import make_actor, make_item_draft

from itembank import service
from itembank.authz import Actor
from itembank.errors import KhlangError
from testgen.blueprint_io import blueprint_from_dict, blueprint_to_dict
from testgen.errors import TestGenError
from testgen.forms import (
    assemble_from_bank,
    flag_compromised,
    form_information,
    form_variants,
    form_versions,
    freeze_form,
    get_form,
    make_form_variants,
)
from testgen.variants import FormItem, Variant, score_form

BLUEPRINT = {
    "name": "คณิตศาสตร์ ป.6 ทดสอบ", "grade": "ป.6", "test_length": 12, "n_forms": 2, "max_overlap": 0,
    "rows": [{"label": "เข้าใจ", "where": {"level": "understand"}, "items": 4},
             {"label": "นำไปใช้", "where": {"level": "apply"}, "items": 5},
             {"label": "วิเคราะห์", "where": {"level": "analyze"}, "min_items": 3}],
    "objective": {"kind": "maximin", "theta": [-1, 0, 1]},
}
SYSTEM = Actor.system()


def test_blueprint_file_round_trips_and_bad_files_are_explained_in_thai():
    bp = blueprint_from_dict(BLUEPRINT)
    assert blueprint_from_dict(blueprint_to_dict(bp)) == bp
    with pytest.raises(TestGenError) as e:
        blueprint_from_dict({"name": "", "rows": [{"where": {"colour": "แดง"}}, {"where": {"level": "x"},
                                                                                  "min_items": 5, "max_items": 2}]})
    text = e.value.text("th")
    assert "ต้องมีชื่อผัง" in text and "ไม่รู้จักคุณสมบัติ colour" in text and "min_items 5 มากกว่า max_items 2" in text


def test_assembled_forms_meet_the_blueprint_and_freeze(session, bank):
    out = assemble_from_bank(session, SYSTEM, blueprint_from_dict(BLUEPRINT), grade="ป.6", time_limit=10, workers=1)
    assert len(out.result.forms) == 2
    first, second = (set(out.form_version_ids(f)) for f in range(2))
    assert len(first) == len(second) == 12 and not first & second
    form = freeze_form(session, SYSTEM, "T-1", "ทดสอบ", out.form_version_ids(0), provenance={"seed": 0})
    levels = sorted(v.cognitive_level for _, v, _ in form_versions(session, form))
    assert levels.count("understand") == 4 and levels.count("apply") == 5 and levels.count("analyze") == 3
    tif = form_information(session, form)
    assert tif is not None and tif.shape == (7,) and (tif > 0).all()


def test_a_frozen_form_never_changes_when_an_item_is_edited(session, bank):
    form = freeze_form(session, SYSTEM, "T-2", "ทดสอบ", [bank["F6-000"], bank["F6-001"]])
    before = [(fi.position, v.id, v.stem) for fi, v, _ in form_versions(session, form)]
    service.upsert_items(session, SYSTEM, [make_item_draft(code="F6-000", stem="ข้อความใหม่ 99 + 1 เท่ากับเท่าใด",
                                                           indicator_codes=("ค 1.1 ป.6/1",))])
    after = [(fi.position, v.id, v.stem) for fi, v, _ in form_versions(session, get_form(session, SYSTEM, "T-2"))]
    assert after == before and form.content_hash == get_form(session, SYSTEM, "T-2").content_hash


def test_freezing_refuses_unapproved_compromised_and_existing_codes(session, bank):
    service.upsert_items(session, SYSTEM, [make_item_draft(code="DRAFT-1")])
    draft_id = service.get_version(session, "DRAFT-1").id
    flag_compromised(session, SYSTEM, "F6-002", "พบข้อสอบในกลุ่ม LINE")
    with pytest.raises(TestGenError) as e:
        freeze_form(session, SYSTEM, "T-3", "ทดสอบ", [bank["F6-001"], draft_id, bank["F6-002"], bank["F6-001"]])
    text = e.value.text("th")
    assert "DRAFT-1" in text and "ยังไม่ได้รับอนุมัติ" in text
    assert "F6-002" in text and "รั่ว" in text and "ซ้ำ" in text
    freeze_form(session, SYSTEM, "T-3", "ทดสอบ", [bank["F6-001"]])
    with pytest.raises(TestGenError, match="มีฉบับข้อสอบรหัส T-3 อยู่แล้ว"):
        freeze_form(session, SYSTEM, "T-3", "ทดสอบ", [bank["F6-003"]])


def test_compromised_items_are_not_assembled(session, bank):
    for i in range(0, 45, 3):   # every 'understand' item but F6-000
        if i:
            flag_compromised(session, SYSTEM, f"F6-{i:03d}", "รั่ว")
    with pytest.raises(TestGenError) as e:
        assemble_from_bank(session, SYSTEM, blueprint_from_dict(BLUEPRINT), grade="ป.6", time_limit=5, workers=1)
    assert "เข้าใจ" in e.value.text("th")            # the shortage names the row


def test_passage_items_must_stay_together(session, bank):
    with pytest.raises(TestGenError, match="ต้องอยู่ติดกัน"):
        freeze_form(session, SYSTEM, "T-4", "ทดสอบ", [bank["F6-045"], bank["F6-001"], bank["F6-046"]])


def test_variant_keys_give_full_marks_and_fixed_options_stay(session, bank):
    ids = [bank[f"F6-{i:03d}"] for i in range(10)] + [bank["F6-045"], bank["F6-046"], bank["F6-047"]]
    form = freeze_form(session, SYSTEM, "T-5", "ทดสอบ", ids)
    make_form_variants(session, SYSTEM, "T-5", 4, seed=3)
    items = [FormItem(code, len(v.options), (0,), (3,), fi.section, fi.set_code or "")
             for fi, v, code in form_versions(session, form)]
    stored = form_variants(session, form)
    assert [v.label for v in stored] == ["A", "B", "C", "D"]
    for row in stored:
        variant = Variant(row.label, row.seed, tuple(row.order), tuple(tuple(m) for m in row.option_maps),
                          tuple(tuple(k) for k in row.key))
        answers = [k[0] for k in variant.key]
        assert score_form(items, variant.to_form(answers)) == len(items)
        assert all(m[3] == 3 for m in variant.option_maps)          # "ไม่มีข้อใดถูก" stays last
        positions = [variant.order.index(q) for q in (10, 11, 12)]
        assert positions == list(range(positions[0], positions[0] + 3))   # the passage moves as one block
    again = make_form_variants(session, SYSTEM, "T-5", 4, seed=3)
    assert [r.order for r in again] == [r.order for r in stored]


def test_schools_and_analysts_cannot_freeze_forms(session, bank):
    for role in ("school", "analyst", "reviewer"):
        with pytest.raises(KhlangError) as e:
            freeze_form(session, make_actor(role), f"T-{role}", "ทดสอบ", [bank["F6-001"]])
        assert getattr(e.value, "kind", None) == "forbidden"
