"""Screenshots of a page at the school PC's and the phone's width, and the check that it fits.

``shoot(page, "officer-bank-list")`` writes ``artifacts/screenshots/officer-bank-list-1366.png`` and
``…-390.png`` (full page) and fails when the document is wider than the viewport at either width.
The folder is kept by CI as the run's artifacts; look at the pictures before ending an issue.
"""

from __future__ import annotations

import os
from pathlib import Path

WIDTHS = ((1366, 768), (390, 844))
ROOT = Path(os.environ.get("KHLANG_SCREENSHOTS", Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"))


def overflow(page) -> int:
    """How many CSS pixels the document is wider than the viewport (0 when it fits)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def shoot(page, name: str, widths=WIDTHS) -> list[Path]:
    """Screenshot the current page at each width; assert nothing is wider than the screen."""
    ROOT.mkdir(parents=True, exist_ok=True)
    paths, wide = [], []
    original = page.viewport_size
    for width, height in widths:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(50)
        extra = overflow(page)
        if extra > 1:
            wide.append(f"{width}px: {extra}px too wide")
        path = ROOT / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
    if original:
        page.set_viewport_size(original)
    assert not wide, f"{name} ({page.url}) is wider than the screen: {wide}"
    return paths
