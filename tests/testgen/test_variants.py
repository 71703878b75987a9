"""Booklet variants: the key of every variant maps back to the form key (full marks), passages stay
together and in order, fixed options stay put, the same seed gives the same variants."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from testgen.errors import TestGenError as GenError
from testgen.variants import FormItem, make_variants, score_form, variant_label


@st.composite
def forms(draw) -> list[FormItem]:
    items: list[FormItem] = []
    n_sections = draw(st.integers(1, 3))
    for s in range(n_sections):
        for b in range(draw(st.integers(1, 5))):
            size = draw(st.integers(1, 4))
            set_id = f"P{s}-{b}" if size > 1 else ""
            for k in range(size):
                n_opt = draw(st.sampled_from([0, 2, 4, 5]))
                key = (draw(st.integers(0, n_opt - 1)),) if n_opt else ()
                fixed = tuple(sorted(draw(st.sets(st.integers(0, n_opt - 1), max_size=2)))) if n_opt else ()
                ordered = draw(st.booleans()) if n_opt else False
                items.append(FormItem(f"I{s}{b}{k}", n_opt, key, fixed, section=f"ตอนที่ {s + 1}", set_id=set_id,
                                      ordered_options=ordered))
    return items


@settings(max_examples=60, deadline=None)
@given(forms(), st.integers(1, 5), st.integers(0, 2**31))
def test_answering_any_variant_key_scores_full_marks(items, count, seed):
    variants = make_variants(items, count, seed)
    full = sum(1 for it in items if it.key)
    for v in variants:
        assert sorted(v.order) == list(range(len(items)))
        answers = [k[0] if k else None for k in v.key]
        assert score_form(items, v.to_form(answers)) == full
        # the key of a variant, mapped back, is the form key
        back = v.to_form([k if k else None for k in v.key])
        for q, it in enumerate(items):
            if it.key:
                assert back[q] == tuple(it.key)


@settings(max_examples=60, deadline=None)
@given(forms(), st.integers(0, 2**31))
def test_passages_together_in_order_sections_kept_fixed_options_stay(items, seed):
    for v in make_variants(items, 3, seed):
        sections = [items[q].section for q in v.order]
        assert sections == sorted(sections, key=lambda s: [it.section for it in items].index(s))
        positions: dict[str, list[int]] = {}
        for p, q in enumerate(v.order):
            if items[q].set_id:
                positions.setdefault(items[q].set_id, []).append(p)
        for sid, ps in positions.items():
            assert ps == list(range(ps[0], ps[0] + len(ps)))  # contiguous
            qs = [v.order[p] for p in ps]
            assert qs == sorted(qs)  # in form order
            assert len(ps) == sum(1 for it in items if it.set_id == sid)
        for p, q in enumerate(v.order):
            for o in items[q].fixed_options:
                assert v.option_maps[p][o] == o
            assert sorted(v.option_maps[p]) == list(range(items[q].n_options))


@settings(max_examples=30, deadline=None)
@given(forms(), st.integers(0, 2**31))
def test_same_seed_same_variants(items, seed):
    assert make_variants(items, 3, seed) == make_variants(items, 3, seed)


def test_variants_differ_and_are_labelled():
    items = [FormItem(f"I{k}", 4, (k % 4,)) for k in range(20)]
    v = make_variants(items, 4, seed=7)
    assert [x.label for x in v] == ["A", "B", "C", "D"]
    assert len({x.order for x in v}) == 4
    assert variant_label(26) == "AA"
    wrong = [(k[0] + 1) % 4 for k in v[1].key]
    assert score_form(items, v[1].to_form(wrong)) == 0


def test_fixed_option_all_of_the_above_stays_last():
    items = [FormItem("I1", 4, (3,), fixed_options=(3,)), FormItem("I2", 4, (0,))]
    for v in make_variants(items, 5, seed=1):
        p = v.order.index(0)
        assert v.option_maps[p][3] == 3 and v.key[p] == (3,)


def test_split_passage_and_bad_key_are_refused():
    split = [FormItem("A", set_id="P"), FormItem("B"), FormItem("C", set_id="P")]
    with pytest.raises(GenError) as e:
        make_variants(split, 1, 0)
    assert "ไม่อยู่ติดกัน" in e.value.text("th")
    with pytest.raises(GenError) as e:
        make_variants([FormItem("A", 4, (5,))], 1, 0)
    assert "เฉลย" in e.value.text("th")
    with pytest.raises(GenError):
        make_variants([FormItem("A", 4, (1,))], 1, 0)[0].to_form([1, 2])


@settings(max_examples=80, deadline=None)
@given(forms(), st.integers(1, 6), st.integers(0, 2**31))
def test_ordered_options_are_never_permuted(items, count, seed):
    """An item whose options carry an order (numbers, ก < ข …) prints them as the form does in every variant;
    the other items are shuffled exactly as they would be without it (the same seed, the same booklets)."""
    plain = [replace(it, ordered_options=False) for it in items]
    for v, w in zip(make_variants(items, count, seed), make_variants(plain, count, seed), strict=True):
        assert v.order == w.order
        for p, q in enumerate(v.order):
            if items[q].ordered_options:
                assert v.option_maps[p] == tuple(range(items[q].n_options))
                assert v.key[p] == tuple(sorted(items[q].key))
            else:
                assert v.option_maps[p] == w.option_maps[p]


def test_unordered_options_do_shuffle_where_ordered_ones_stay():
    ordered = FormItem("N", 4, (2,), ordered_options=True)
    free = FormItem("F", 4, (2,))
    maps = {it.item_id: set() for it in (ordered, free)}
    for v in make_variants([ordered, free], 8, seed=3):
        for p, q in enumerate(v.order):
            maps[(ordered, free)[q].item_id].add(v.option_maps[p])
    assert maps["N"] == {(0, 1, 2, 3)}
    assert len(maps["F"]) > 1
