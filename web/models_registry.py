"""Import every room's tables so that SQLModel.metadata (and Alembic) sees the whole schema.

It lives in `web` because web may import every room; itembank (the centre) may not import satellites.
"""

from __future__ import annotations

import importlib

MODEL_MODULES = ("itembank.models", "itembank.statistics", "itembank.schools", "itembank.accounts", "itembank.audit", "itembank.jobs", "itembank.review_tasks", "itembank.parameter_sets", "scoring.models", "testgen.models", "supervision.models")


def import_all_models() -> list[str]:
    """Import the model modules that exist; return their names."""
    loaded = []
    for name in MODEL_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name != name:
                raise
            continue
        loaded.append(name)
    return loaded
