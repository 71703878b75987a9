"""The reports' commands use the scoring tests' world with answers (tests/scoring)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scoring"))
