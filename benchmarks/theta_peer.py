#!/usr/bin/env python3
"""theta-irt (JAX) as a 2PL peer of benchmarks/irt.py, run by the interpreter of a venv that has it.

    KHLANG_THETA_PYTHON=/path/to/venv/bin/python .venv/bin/python benchmarks/irt.py --rows 2pl-large,2pl-medium
    (make the venv with: python3 -m venv V && V/bin/pip install numpy theta-irt jax jaxlib)

It follows the protocol of ../shared/bench/irt/results-theta/README.md: "warm" = an untimed 300-row
fit, a first full-shape fit (XLA compiles for the shape), then the timed second fit; "cold" = the first
full-shape fit in a fresh process (JAX start-up and compilation included). 61 Gauss-Hermite points,
theta's defaults otherwise. Writes a result JSON that benchmarks/irt.py reads.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    sys.path.insert(0, spec["bench"])
    import numpy as np
    from benchio import peak_rss_mb, reset_peak_rss

    t0 = time.perf_counter()
    with open(spec["csv"], encoding="utf-8") as fh:
        header = fh.readline().strip().split(",")[1:]
    x = np.genfromtxt(spec["csv"], delimiter=",", skip_header=1, usecols=range(1, len(header) + 1))
    out: dict = {"time_load_s": time.perf_counter() - t0, "n_persons": int(x.shape[0])}
    import theta

    if spec["protocol"] == "warm":
        theta.fit(x[:300], "2PL")
        theta.fit(x, "2PL")                     # compiles for the full shape
    reset_peak_rss()
    t0 = time.perf_counter()
    model = theta.fit(x, "2PL")
    np.asarray(model.a).block_until_ready() if hasattr(model.a, "block_until_ready") else None
    out["time_fit_s"] = time.perf_counter() - t0
    out["peak_rss_fit_mb"] = peak_rss_mb()
    out["iterations"] = int(model.n_iter)
    out["converged"] = bool(model.converged)
    out["items"] = [{"item_id": header[j], "a": float(model.a[j]), "b": float(model.b[j])}
                    for j in range(len(header))]
    out["status"] = "ok"
    Path(spec["out"]).write_text(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
