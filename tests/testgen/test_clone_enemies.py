"""Clones never share a form: the bank adapter adds every detected clone pair to the enemies."""

from __future__ import annotations

import numpy as np
from forms_bank import _draft

from itembank import service
from itembank.authz import Actor
from itembank.models import Item, ItemVersion
from itembank.schemas import OptionDraft
from itembank.statistics import StatisticInput, record_statistics
from testgen.bank import bank_pool
from testgen.blueprint_io import blueprint_from_dict
from testgen.forms import assemble_from_bank

SYSTEM = Actor.system()


def _bank(session) -> dict[str, int]:
    """Ten different items, an exact copy of F6-000 under another code (options shuffled) and a copy of
    F6-001 with other numbers; each with 2PL statistics."""
    drafts = [_draft(i) for i in range(10)]
    first, second = drafts[0], drafts[1]
    texts = [o.text for o in first.options]                 # ก is the key: move it to ค
    shuffled = (OptionDraft("ก", texts[2]), OptionDraft("ข", texts[1]), OptionDraft("ค", texts[0]), first.options[3])
    drafts.append(first.with_changes(code="F6-CLONE", options=shuffled, key=("ค",)))
    drafts.append(second.with_changes(code="F6-NUMBERS", stem=second.stem.replace("11", "19").replace(" 4 ", " 6 ")))
    service.upsert_items(session, SYSTEM, drafts)
    rng = np.random.default_rng(3)
    ids = list(session.scalars(ItemVersion.__table__.select().with_only_columns(ItemVersion.id)))
    record_statistics(session, SYSTEM, "pilot", [
        StatisticInput(version_id=v, n=500, p=0.6, r_pbis=0.4, irt_model="2pl", a=float(rng.uniform(0.8, 1.6)),
                       b=float(rng.normal(0, 0.8))) for v in ids])
    codes = dict(session.execute(Item.__table__.select().with_only_columns(Item.code, ItemVersion.id)
                                 .join(ItemVersion.__table__, ItemVersion.item_id == Item.id)).all())
    session.commit()
    return codes


def test_no_assembled_form_holds_a_planted_clone_or_number_variant_pair(session):
    codes = _bank(session)
    assert "11" in _draft(1).stem and " 4 " in _draft(1).stem      # the number variant really differs
    pool, versions = bank_pool(session, grade="ป.6")
    code_of = {i: v.item_code for i, v in enumerate(versions)}
    enemies = {frozenset((code_of[a], code_of[b])) for a, b in pool.enemies}
    assert {frozenset(("F6-000", "F6-CLONE")), frozenset(("F6-001", "F6-NUMBERS"))} <= enemies
    plain, _ = bank_pool(session, grade="ป.6", enemies_from_clones=False)
    assert len(plain.enemies) == 0
    spec = {"name": "ไม่มีข้อซ้ำ", "grade": "ป.6", "test_length": 10, "n_forms": 2, "max_overlap": 10,
            "rows": [{"label": "ทั้งฉบับ", "where": {"area": "ค"}, "items": 10}],
            "objective": {"kind": "maximin", "theta": [-1, 0, 1]}}
    out = assemble_from_bank(session, SYSTEM, blueprint_from_dict(spec), grade="ป.6", time_limit=10, workers=1)
    by_id = {v: c for c, v in codes.items()}
    for f in range(len(out.result.forms)):
        form = {by_id[v] for v in out.form_version_ids(f)}
        assert len(form) == 10
        # 10 of 12 items: each pair gives up exactly one of its two
        assert len(form & {"F6-000", "F6-CLONE"}) == 1 and len(form & {"F6-001", "F6-NUMBERS"}) == 1, form
