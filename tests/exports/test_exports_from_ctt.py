"""The item-analysis report fed by a real classical analysis (psychometrics.ctt)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
from exports_pdftools import needs_poppler, nfkc, text

from exports.from_ctt import item_stats_from_ctt
from exports.reports import item_report_pdf


def _analysis(n_persons: int = 300, n_items: int = 12):  # noqa: ANN202
    from psychometrics.ctt import analyze_test, score_answers

    rng = np.random.default_rng(7)
    theta = rng.normal(size=n_persons)
    difficulty = np.linspace(-2.5, 2.5, n_items)
    right = rng.random((n_persons, n_items)) < 1 / (1 + np.exp(-(theta[:, None] - difficulty)))
    keys = rng.integers(1, 5, size=n_items)
    other = (keys[None, :] + rng.integers(1, 4, size=(n_persons, n_items)) - 1) % 4 + 1  # never the key
    answers = np.where(right, keys, other)
    keyed = score_answers(answers, [str(k) for k in keys], item_ids=[f"Q{k + 1:02d}" for k in range(n_items)])
    return analyze_test(keyed=keyed), keys


@needs_poppler
def test_report_from_ctt_carries_tables_histogram_and_option_plots(tmp_path: Path) -> None:
    analysis, keys = _analysis()
    report = item_stats_from_ctt(
        analysis,
        title="รายงานการวิเคราะห์ข้อสอบ",
        form_code="F1",
        administration="ADM",
        created_on=dt.date(2026, 3, 1),
    )
    assert len(report.tables) == len(analysis.tables("th"))
    assert len(report.total_scores) == 300 and report.max_score == 12
    flagged = [i for i, d in zip(analysis.items.item_ids, analysis.decision, strict=True) if d != "good"]
    assert [o.item_id for o in report.options] == flagged and flagged  # the extreme items get flagged
    for o in report.options:
        k = int(o.item_id[1:]) - 1
        assert o.key == (int(keys[k]),) and len(o.upper) == 4 and sum(o.upper) <= o.group_size
    out = tmp_path / "ctt.pdf"
    item_report_pdf(report, out)
    got = text(out)
    assert nfkc("การวิเคราะห์ตัวลวง") in got and "Q01" in got
