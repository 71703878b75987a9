"""Enemy links (ข้อสอบคู่ห้ามอยู่ฉบับเดียวกัน) are removed as they are added: by someone who may edit the
item, audited, refused in Thai when there is no such pair, and frozen forms keep what they hold."""

from __future__ import annotations

import pytest
from factories import make_actor, make_item_draft
from sqlmodel import select

from itembank import service
from itembank.audit import AuditLog
from itembank.errors import ItemBankError
from itembank.models import EnemyLink


def _bank(session):
    officer = make_actor("officer", "author1")
    service.upsert_items(session, officer, [make_item_draft(code=c) for c in ("E-1", "E-2", "E-3")])
    service.edit_item(session, officer, "E-2", service.version_draft(session, officer, "E-2").with_changes(
        enemy_codes=("E-1", "E-3")))
    return officer


def test_an_editor_removes_an_enemy_pair_from_either_side_and_both_acts_are_audited(session):
    officer = _bank(session)
    assert service.enemies_of(session, "E-2") == ["E-1", "E-3"]
    assert service.remove_enemy(session, officer, "E-3", "E-2") == []      # named from the other side
    assert service.enemies_of(session, "E-2") == ["E-1"]
    assert len(session.exec(select(EnemyLink)).all()) == 1
    rows = session.exec(select(AuditLog).where(AuditLog.event.like("item.enemy_%")).order_by(AuditLog.id)).all()
    assert [(r.event, r.object_type, r.object_id, r.detail, r.username) for r in rows] == [
        ("item.enemy_add", "item", "E-2", {"enemy": "E-1"}, "author1"),
        ("item.enemy_add", "item", "E-2", {"enemy": "E-3"}, "author1"),
        ("item.enemy_remove", "item", "E-3", {"enemy": "E-2"}, "author1")]
    # a pair added again after its removal is a new link, audited again
    service.edit_item(session, officer, "E-3", service.version_draft(session, officer, "E-3").with_changes(
        enemy_codes=("E-2",)))
    assert service.enemies_of(session, "E-3") == ["E-2"]


def test_removing_needs_the_right_to_edit_and_an_existing_pair_refused_in_thai(session):
    _bank(session)
    for role in ("analyst", "reviewer", "school"):
        with pytest.raises(ItemBankError) as e:
            service.remove_enemy(session, make_actor(role), "E-2", "E-1")
        assert e.value.kind == "forbidden", role
    with pytest.raises(ItemBankError) as e:
        service.remove_enemy(session, make_actor("officer"), "E-1", "E-3")
    assert e.value.kind == "not_found" and "E-1" in e.value.text("th") and "ไม่ได้เป็นคู่ห้าม" in e.value.text("th")
    with pytest.raises(ItemBankError) as e:
        service.remove_enemy(session, make_actor("officer"), "E-1", "NOPE-9")
    assert e.value.kind == "not_found" and "NOPE-9" in e.value.text("th")
    assert service.enemies_of(session, "E-2") == ["E-1", "E-3"]             # nothing changed
    assert not session.exec(select(AuditLog).where(AuditLog.event == "item.enemy_remove")).all()


def test_removing_a_pair_leaves_frozen_forms_and_their_variants_as_they_were(session):
    from testgen.forms import form_variants, form_versions, freeze_items, get_form, make_form_variants

    officer = _bank(session)
    for code in ("E-1", "E-3"):
        service.get_version(session, code).status = "approved"
    session.commit()
    form = freeze_items(session, officer, "F-EN", "ฉบับทดลอง", ["E-1", "E-3"])
    make_form_variants(session, officer, "F-EN", 2, 7)
    variants = [(v.id, v.label, v.order, v.option_maps, v.key) for v in form_variants(session, form)]
    before = (form.content_hash, [v.id for _fi, v, _c in form_versions(session, form)])
    service.remove_enemy(session, officer, "E-2", "E-1")
    form = get_form(session, officer, "F-EN")
    assert (form.content_hash, [v.id for _fi, v, _c in form_versions(session, form)]) == before
    assert form.frozen_at is not None
    assert variants == [(v.id, v.label, v.order, v.option_maps, v.key) for v in form_variants(session, form)]
