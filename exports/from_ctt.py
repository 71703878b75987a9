"""Feed the item-analysis report from a real classical analysis (:mod:`psychometrics.ctt`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np

from exports.data import THAI_OPTION_LETTERS, ItemCurve, ItemStatsReport, OptionChoices


def item_stats_from_ctt(
    report: Any,
    *,
    title: str,
    form_code: str,
    administration: str,
    curves: Sequence[ItemCurve] = (),
    option_items: Sequence[str] | None = None,
    created_on: dt.date | None = None,
) -> ItemStatsReport:
    """An :class:`ItemStatsReport` from a ``psychometrics.ctt`` report (``analyze_test``'s result).

    Parameters
    ----------
    report : psychometrics.ctt.CttReport
        Its ``tables("th")`` become the report's tables; its keyed responses give the score
        histogram; its distractor analysis gives the option plots.
    option_items : sequence of str, optional
        Items whose option choices are plotted; by default those the analysis does not call "good".
    curves : sequence of ItemCurve
        IRT parameters for the ICC and information plots, when the items were calibrated.
    """
    tables = tuple(report.tables("th"))
    keyed = getattr(report, "keyed", None)
    totals: tuple[float, ...] = ()
    max_score = 0.0
    if keyed is not None:
        scores = np.asarray(keyed.scores, dtype=float)
        totals = tuple(float(t) for t in np.nansum(scores, axis=1))
        max_score = float(scores.shape[1] - len(getattr(keyed, "cancelled_ids", ())))
    options: tuple[OptionChoices, ...] = ()
    d = getattr(report, "distractors", None)
    if d is not None:
        if option_items is None:
            decision = dict(zip(report.items.item_ids, report.decision, strict=False))
            option_items = [i for i in d.item_ids if decision.get(i, "good") != "good"]
        wanted = set(option_items)
        options = tuple(
            OptionChoices(
                item_id=item,
                labels=THAI_OPTION_LETTERS[: int(d.n_options[k])],
                key=tuple(int(c) + 1 for c in np.flatnonzero(d.is_key[k])),
                upper=tuple(int(v) for v in d.upper[k, : int(d.n_options[k])]),
                lower=tuple(int(v) for v in d.lower[k, : int(d.n_options[k])]),
                group_size=int(d.g),
            )
            for k, item in enumerate(d.item_ids)
            if item in wanted
        )
    return ItemStatsReport(
        title=title,
        form_code=form_code,
        administration=administration,
        tables=tables,
        curves=tuple(curves),
        options=options,
        total_scores=totals,
        max_score=max_score,
        created_on=created_on or dt.date.today(),
    )
