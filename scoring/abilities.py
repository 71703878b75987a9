"""การประมาณความสามารถผู้สอบ (ability scoring) of a response file with known item parameters: SCORES.csv.

Reads RESPONSES.csv (:mod:`scoring.ingest.responses`) and PARAMS.csv (:mod:`scoring.ingest.params`),
estimates θ and its SE for every person at once (:func:`psychometrics.irt.ability.ability`) and
writes ``person_id,theta,se`` with 6 decimals, formatted for all rows at once (no row loop).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scoring.errors import from_engine
from scoring.ingest.params import read_params
from scoring.ingest.responses import COMMA, NEWLINE, ZERO, read_responses, select_items
from scoring.ingest.text import output_path, writing

METHODS = ("eap", "map", "ml", "wle", "eapsum")


@dataclass(frozen=True)
class AbilityScores:
    """What :func:`score_file` wrote."""

    out: Path
    n_persons: int
    method: str

    def message(self, locale: str = "th") -> str:
        if locale == "en":
            return f"{self.out}: {self.n_persons} persons, {self.method}"
        return f"{self.out}: ประมาณความสามารถผู้สอบ {self.n_persons} คน ({self.method})"


def score_file(responses_path: Path, params_path: Path, out_path: Path, method: str = "eap") -> AbilityScores:
    """Estimate every person's θ and SE from RESPONSES.csv with the items of PARAMS.csv; write SCORES.csv."""
    from psychometrics.errors import PsychometricsError
    from psychometrics.irt.ability import ability

    responses_path, params_path = Path(responses_path), Path(params_path)
    out = output_path(out_path, "SCORES.csv")
    x, item_ids, cols = read_responses(responses_path)
    params = read_params(params_path)
    x = select_items(responses_path, x, item_ids, params.item_ids, params_path.name)  # int8, -1 = not answered
    try:
        res = ability(params, x, method=method)
    except PsychometricsError as e:
        raise from_engine(e, responses_path.name, "scoring.refused") from None
    with writing(out):
        write_scores(out, cols["person_id"], np.asarray(res.theta, float), np.asarray(res.se, float))
    return AbilityScores(out, int(x.shape[0]), method)


def write_scores(path: Path, ids: np.ndarray, theta: np.ndarray, se: np.ndarray) -> None:
    """person_id,theta,se with 6 decimals, formatted for all rows at once."""
    id_bytes = ids.astype("S").view(np.uint8).reshape(ids.size, -1)
    parts = [id_bytes, fixed_point(theta), fixed_point(se)]
    width = sum(p.shape[1] for p in parts) + 3
    grid = np.zeros((ids.size, width), np.uint8)
    pos = 0
    for k, p in enumerate(parts):
        grid[:, pos:pos + p.shape[1]] = p
        pos += p.shape[1]
        grid[:, pos] = COMMA if k < 2 else NEWLINE
        pos += 1
    body = grid[grid != 0].tobytes()
    with path.open("wb") as fh:
        fh.write(b"person_id,theta,se\n")
        fh.write(body)


def fixed_point(v: np.ndarray, decimals: int = 6) -> np.ndarray:
    """Fixed-point text of every value as a zero-padded byte grid (0 = no character); NaN/inf = empty."""
    ok = np.isfinite(v) & (np.abs(v) < 1e9)
    scaled = np.rint(np.abs(np.where(ok, v, 0.0)) * 10**decimals).astype(np.int64)
    int_part, frac = scaled // 10**decimals, scaled % 10**decimals
    n_int = int(np.floor(np.log10(max(int(int_part.max(initial=0)), 1)))) + 1
    width = 1 + n_int + 1 + decimals
    grid = np.zeros((v.size, width), np.uint8)
    neg = ok & (v < 0) & (scaled > 0)
    digits_int = np.stack([(int_part // 10**k) % 10 for k in range(n_int - 1, -1, -1)], axis=1) + ZERO
    lead = np.ones((v.size, n_int), bool)
    for k in range(n_int - 1):                     # drop leading zeros (columns, not persons)
        lead[:, k] = (int_part // 10 ** (n_int - 1 - k)) == 0
    digits_int = np.where(lead & (np.arange(n_int) < n_int - 1), 0, digits_int)
    grid[:, 0] = np.where(neg, ord("-"), 0)
    grid[:, 1:1 + n_int] = digits_int
    grid[:, 1 + n_int] = ord(".")
    grid[:, 2 + n_int:] = np.stack([(frac // 10**k) % 10 for k in range(decimals - 1, -1, -1)], axis=1) + ZERO
    grid[~ok] = 0
    return grid
