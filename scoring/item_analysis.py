"""การวิเคราะห์ข้อสอบแบบดั้งเดิม (classical item analysis) of an answer file: p, r, distractors, KR-20, EVANA.

The answer file (:mod:`scoring.ingest.answers`) holds raw answers when a key file
(:mod:`scoring.ingest.keys`) is given, otherwise 0/1 scores; the numbers come from
:func:`psychometrics.ctt.analyze_test`. Its refusals come back as :class:`~scoring.errors.ScoringError`
naming the answer file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from scoring.errors import from_engine
from scoring.ingest.answers import option_codes, read_answers, scored_matrix
from scoring.ingest.keys import read_key
from scoring.ingest.table import read_csv

if TYPE_CHECKING:
    from psychometrics.ctt import CttReport


def analyze_answer_file(
    responses_path: Path,
    key_path: Path | None = None,
    *,
    n_options: int | None = None,
    not_reached: str = "wrong",
    **settings: Any,
) -> CttReport:
    """Score the answers with the key (when given) and analyse them; `settings` go to ``analyze_test``."""
    from psychometrics.ctt import analyze_test, score_answers
    from psychometrics.errors import PsychometricsError

    responses_path = Path(responses_path)
    data = read_csv(responses_path)
    _, items, cells = read_answers(data)
    try:
        if key_path is None:
            return analyze_test(scored_matrix(data, items, cells), items, **settings)
        key = read_key(Path(key_path), items)
        codes = option_codes(data, items, cells)
        keyed = score_answers(codes, key, item_ids=items, n_options=n_options, not_reached=not_reached)
        return analyze_test(keyed=keyed, **settings)
    except PsychometricsError as e:
        raise from_engine(e, responses_path.name, "analysis.refused") from None
