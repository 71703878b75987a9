"""Keys for every item type, end to end: bank item → variant → printed key (CSV, PDF) → scoring.

Answering exactly the printed key of any variant scores full marks on the form; any single change
to one answer scores less. Proven on what is printed: the key CSV parsed back, and the key PDF
read with pdftotext — not only on the variant objects.
"""

from __future__ import annotations

import random
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from keys_e2e import (
    KINDS,
    booklet_of,
    form_row,
    keys_from_csv,
    keys_from_pdf,
    printed_to_key,
    response_for,
    single_changes,
    version,
)

from exports.data import AnswerKey
from exports.keys import key_csv, render_key_pdf
from testgen.booklets import _booklet_item
from testgen.forms import _variant_item, version_answer
from testgen.variants import make_variants, score_form


def _n_options(v) -> int:
    return len(v.options) if v.options else (2 if v.type == "true_false" else 0)


def _form(kinds: list[str], seed: int):
    rnd = random.Random(seed)
    versions = [version(k, n, rnd) for n, k in enumerate(kinds, start=1)]
    codes = [f"T-{n:03d}" for n in range(1, len(versions) + 1)]
    items = [_variant_item(form_row(p), v, c) for p, (v, c) in enumerate(zip(versions, codes, strict=True), 1)]
    return versions, codes, items


def _printed_booklet(versions, codes, variant, label: str):
    printed = [_booklet_item(versions[q], codes[q], variant, p, None, None, ()) for p, q in enumerate(variant.order)]
    return booklet_of(printed, "T-FORM", label)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(KINDS), min_size=1, max_size=12), st.integers(1, 4), st.integers(0, 2**31))
def test_the_printed_csv_key_of_every_variant_scores_full_and_any_single_change_less(kinds, count, seed):
    versions, codes, items = _form(kinds, seed)
    full = sum(v.score_points for v in versions)
    for variant in make_variants(items, count, seed):
        booklet = _printed_booklet(versions, codes, variant, variant.label)
        rows = keys_from_csv(key_csv(AnswerKey.from_booklet(booklet)))
        assert [n for n, _, _ in rows] == list(range(1, len(items) + 1))  # every item has its key printed
        printed = [k for _, _, k in rows]
        answers = [response_for(k) for k in printed]
        assert score_form(items, variant.to_form(answers)) == pytest.approx(full)
        for p, k in enumerate(printed):
            for change in single_changes(k, _n_options(versions[variant.order[p]])):
                changed = [*answers[:p], change, *answers[p + 1:]]
                assert score_form(items, variant.to_form(changed)) < full, (p, k, change)


def test_a_several_answer_item_keeps_every_right_option_in_every_variant():
    versions, codes, items = _form(["several"] * 6, 3)
    for variant in make_variants(items, 4, 11):
        booklet = _printed_booklet(versions, codes, variant, variant.label)
        for item in booklet.items:
            form_v = versions[codes.index(item.item_id)]
            texts = {o["text"] for o in form_v.options if o["label"] in form_v.key}
            assert len(item.item_key.options) == len(form_v.key) >= 2
            assert {item.options[o] for o in item.item_key.options} == texts
        csv_keys = [k for _, _, k in keys_from_csv(key_csv(AnswerKey.from_booklet(booklet)))]
        assert all(k.kind == "several" and len(k.options) >= 2 for k in csv_keys)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_printed_pdf_key_of_a_form_of_every_type_scores_full(tmp_path):
    versions, codes, items = _form(list(KINDS) * 2, 5)
    full = sum(v.score_points for v in versions)
    variants = make_variants(items, 2, 5)
    keys = [AnswerKey.from_booklet(_printed_booklet(versions, codes, v, v.label)) for v in variants]
    for variant, key in zip(variants, keys, strict=True):
        pdf = tmp_path / f"key_{variant.label}.pdf"
        render_key_pdf(key, pdf)
        printed = keys_from_pdf(pdf, key)
        assert sorted(printed) == list(range(1, len(items) + 1)), printed
        answers = []
        for e in key.entries:
            k = printed_to_key(printed[e.number], e.item_key.kind, e.points)
            assert k == e.item_key or k.kind == "rubric"
            answers.append(response_for(k))
        assert score_form(items, variant.to_form(answers)) == pytest.approx(full)
    assert version_answer(versions[1]).kind == "several"
