"""Fixtures of the `khlang admin|students|scores` command tests: the scoring tests' small world."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scoring"))  # scoring_world lives beside the room's tests
