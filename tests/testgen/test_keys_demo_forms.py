"""Every demo form, every variant: the printed key (CSV and PDF) answered exactly scores full marks on
the form, any single change scores less; several-answer items keep every right option."""

from __future__ import annotations

import shutil

import pytest
from demodb import DEMO_GROUP
from keys_e2e import (
    keys_from_csv,
    keys_from_pdf,
    printed_to_key,
    response_for,
    seeded_demo_url,
    single_changes,
    variant_of,
)

from exports.keys import key_csv, render_key_pdf
from itembank.authz import Actor
from itembank.store import Store
from testgen.booklets import build_answer_key, build_answer_sheet
from testgen.forms import form_variants, get_form, list_forms, variant_items
from testgen.variants import score_form

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(DEMO_GROUP),  # the run's one demo seed (demodb)
              pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = Store(seeded_demo_url(tmp_path_factory))
    yield store
    store.dispose()


def test_every_demo_form_and_variant_printed_key_scores_full_and_single_changes_less(demo, tmp_path):
    actor = Actor.system()
    n_several = 0
    with demo.read_session() as s:
        forms = [f.code for f in list_forms(s, actor)]
        assert len(forms) >= 3
        for code in forms:
            items = variant_items(s, actor, code)
            full = sum(it.item_key.points for it in items if it.item_key)
            assert all(it.item_key is not None for it in items)
            sheet = build_answer_sheet(s, actor, code)
            for row in form_variants(s, get_form(s, actor, code)):
                variant = variant_of(row)
                key = build_answer_key(s, actor, code, row.label)
                csv_rows = keys_from_csv(key_csv(key))
                assert [n for n, _, _ in csv_rows] == list(range(1, len(items) + 1))
                answers = [response_for(k) for _, _, k in csv_rows]
                assert score_form(items, variant.to_form(answers)) == pytest.approx(full)
                for p, (_, _, k) in enumerate(csv_rows):
                    n_opt = items[variant.order[p]].n_options
                    for change in single_changes(k, n_opt):
                        changed = [*answers[:p], change, *answers[p + 1:]]
                        assert score_form(items, variant.to_form(changed)) < full, (code, row.label, p + 1)
                several = [n for n, _, k in csv_rows if k.kind == "several"]
                n_several += len(several)
                assert sheet.several_in(row.label) == tuple(several)
                pdf = tmp_path / f"{code}_{row.label}.pdf"
                render_key_pdf(key, pdf)
                printed = keys_from_pdf(pdf, key)
                assert sorted(printed) == list(range(1, len(items) + 1)), (code, row.label)
                from_pdf = [response_for(printed_to_key(printed[e.number], e.item_key.kind, e.points))
                            for e in key.entries]
                assert score_form(items, variant.to_form(from_pdf)) == pytest.approx(full)
    assert n_several > 0  # the demo forms hold "ตอบได้มากกว่า 1 ข้อ" items, and they were checked
