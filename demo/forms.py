"""The demo's pilot statistics, blueprints and frozen forms (ป.3 and ป.6).

The pilot is simulated, then analysed with Khlang's own engine exactly as a real one would be:
answers of 3,000 students per grade under a matrix-sampling design (each student takes two of the
blocks), classical p and corrected item-rest r, a 2PL calibration by marginal maximum likelihood,
and the statistics written back to the item versions. The blueprints then assemble forms on them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sqlmodel import Session

from itembank.authz import Actor
from itembank.statistics import StatisticInput, record_statistics
from psychometrics.ctt.item_analysis import masked_correlation
from scoring.calibration import calibrate_matrix
from testgen.bank import bank_pool
from testgen.blueprint_io import blueprint_from_dict
from testgen.forms import assemble_from_bank, freeze_form, make_form_variants, save_blueprint

SCORED_01 = ("multiple_choice", "true_false", "numeric", "short_answer")
LEVEL_DIFFICULTY = {"remember": -0.8, "understand": -0.3, "apply": 0.1, "analyze": 0.6, "evaluate": 0.9,
                    "create": 1.1}

DEMO_BLUEPRINTS = {
    "BP-P6-MA": {
        "name": "แบบทดสอบวัดผลสัมฤทธิ์ คณิตศาสตร์ ป.6 ปลายปี", "grade": "ป.6", "test_length": 30, "n_forms": 2,
        "rows": [
            {"label": "ค 1.1 ความเข้าใจ", "where": {"area": "ค", "standard": "ค 1.1", "level": "understand"}, "items": 4},
            {"label": "ค 1.1 การนำไปใช้", "where": {"area": "ค", "standard": "ค 1.1", "level": "apply"}, "items": 12},
            {"label": "ค 1.1 วิเคราะห์", "where": {"area": "ค", "standard": "ค 1.1", "level": "analyze"}, "items": 3},
            {"label": "ค 1.2 แบบรูปและความสัมพันธ์", "where": {"area": "ค", "standard": "ค 1.2"}, "items": 2},
            {"label": "ค 2.1 การวัด", "where": {"area": "ค", "standard": "ค 2.1"}, "items": 5},
            {"label": "ค 2.2 เรขาคณิต", "where": {"area": "ค", "standard": "ค 2.2"}, "items": 4},
            {"label": "เลือกตอบทั้งฉบับ", "where": {"type": "multiple_choice"}, "items": 30},
        ],
        "quantities": [{"quantity": "time", "max": 3600}],
        "max_overlap": 0,
        "objective": {"kind": "maximin", "theta": [-1, 0, 1]},
    },
    "BP-P3-TH": {
        "name": "แบบทดสอบวัดผลสัมฤทธิ์ ภาษาไทย ป.3 ปลายปี", "grade": "ป.3", "test_length": 20, "n_forms": 1,
        "rows": [
            {"label": "ท 1.1 การอ่าน", "where": {"area": "ท", "standard": "ท 1.1"}, "min_items": 4, "max_items": 8},
            {"label": "ท 4.1 หลักภาษา ความจำ", "where": {"area": "ท", "standard": "ท 4.1", "level": "remember"},
             "min_items": 3, "max_items": 5},
            {"label": "ท 4.1 หลักภาษา ความเข้าใจ", "where": {"area": "ท", "standard": "ท 4.1", "level": "understand"},
             "min_items": 6, "max_items": 9},
            {"label": "เลือกตอบทั้งฉบับ", "where": {"type": "multiple_choice"}, "items": 20},
        ],
        "sets": {"enforce": True, "min_sets": 1, "max_sets": 1},
        "objective": {"kind": "maximin", "theta": [-1, 0, 1]},
    },
}
DEMO_FORMS = (("BP-P6-MA", "P6-MA-2568", ("ค",), 60), ("BP-P3-TH", "P3-TH-2568", ("ท",), 50))


def simulate_pilot(session: Session, grade: str, *, n_students: int = 3000, n_blocks: int = 6, seed: int = 2568,
                   source: str | None = None) -> int:
    """Simulate a matrix-sampled pilot of the grade's approved 0/1 items, analyse it and write the statistics back."""
    _pool, versions = bank_pool(session, grade=grade, enemies_from_clones=False)  # the pilot needs no enemies
    versions = [v for v in versions if v.type in SCORED_01]
    n_items = len(versions)
    if n_items == 0:
        return 0
    rng = np.random.default_rng(seed)
    a_true = np.exp(rng.normal(0.2, 0.25, n_items))
    b_true = np.array([LEVEL_DIFFICULTY.get(v.cognitive_level or "", 0.0) for v in versions]) + rng.normal(0, 0.6, n_items)
    block = rng.permutation(n_items) % n_blocks                      # item -> block
    first = rng.integers(0, n_blocks, n_students)                    # each student takes two adjacent blocks
    taken = (block[None, :] == first[:, None]) | (block[None, :] == ((first + 1) % n_blocks)[:, None])
    theta = rng.normal(0, 1, n_students)
    p = 1 / (1 + np.exp(-a_true * (theta[:, None] - b_true)))
    x = (rng.random((n_students, n_items)) < p).astype(float)
    x[~taken] = np.nan
    cal = calibrate_matrix(x, "2pl", item_ids=[str(v.id) for v in versions], source=source or f"pilot-2568-{grade}")
    p_val, r_rest = _ctt(x)
    se = cal.standard_errors
    rows = [StatisticInput(version_id=v.id, n=int(taken[:, j].sum()), p=float(p_val[j]), r_pbis=float(r_rest[j]),
                           irt_model="2pl", a=float(cal.params.a[j]), b=float(cal.params.b[j]),
                           se={"a": _f(se.a[j]), "b": _f(se.b[j])}, scale=f"demo-{grade}-2568",
                           extra={"converged": bool(cal.converged), "design": f"{n_blocks} blocks, 2 per student"})
            for j, v in enumerate(versions)]
    return record_statistics(session, Actor.system(), source or f"pilot-2568-{grade}", rows)


def _f(v) -> float | None:
    v = float(v)
    return v if np.isfinite(v) else None


def _ctt(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """p per item, and the correlation of each item with the rest proportion on the items the person took
    (matrix sampling: raw totals over different blocks are not comparable, proportions are)."""
    seen = ~np.isnan(x)
    x0 = np.nan_to_num(x)
    total, count = x0.sum(1), seen.sum(1)
    rest = (total[:, None] - x0) / np.maximum(count[:, None] - 1, 1)          # persons × items
    p = np.nanmean(x, axis=0)
    return p, masked_correlation(x0, rest, seen)


def seed_demo_forms(store, officer: Actor, progress: Callable[[str], None] = lambda _: None) -> list[str]:
    """Pilot statistics for ป.3 and ป.6, the demo blueprints, and their frozen forms with 4 variants each."""
    with store.session() as s:
        for grade in ("ป.6", "ป.3"):
            n = simulate_pilot(s, grade)
            progress(f"ทดลองใช้ข้อสอบ {grade}: เขียนค่าสถิติ {n} ข้อกลับสู่คลัง")
        for code, spec in DEMO_BLUEPRINTS.items():
            save_blueprint(s, officer, code, blueprint_from_dict(spec), grade=spec["grade"])
    frozen = []
    for bp_code, prefix, areas, minutes in DEMO_FORMS:
        with store.session() as s:
            spec = DEMO_BLUEPRINTS[bp_code]
            bp = blueprint_from_dict(spec)
            out = assemble_from_bank(s, officer, bp, grade=spec["grade"], learning_areas=areas, time_limit=10,
                                     seed=1, workers=2)
            prov = {"blueprint": bp.name, "solver": out.result.solver, "objective": out.result.objective_kind,
                    "objective_value": round(float(out.result.objective), 4), "status": out.result.status, "seed": 1}
            for f in range(len(out.result.forms)):
                code = f"{prefix}-{f + 1}" if len(out.result.forms) > 1 else prefix
                freeze_form(s, officer, code, spec["name"], out.form_version_ids(f), blueprint_code=bp_code,
                            provenance=prov, time_minutes=minutes)
                make_form_variants(s, officer, code, 4, seed=f + 1)
                frozen.append(code)
                progress(f"ยืนยันฉบับ {code} ({len(out.result.forms[f])} ข้อ) และชุด A–D")
    return frozen
