from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # exports_pdftools helpers

from demo.documents import demo_booklet  # noqa: E402


@pytest.fixture(scope="session")
def demo_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo booklet, variant A, rendered once for the whole session."""
    from exports.booklet import render_booklet_pdf

    out = tmp_path_factory.mktemp("booklet") / "demo_A.pdf"
    render_booklet_pdf(demo_booklet("A"), out)
    return out
