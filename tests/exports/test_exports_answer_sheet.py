"""Answer sheet: the printed marks are where the JSON spec says, measured on a 300 dpi raster."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from exports_pdftools import needs_poppler, run, text

from demo.documents import demo_answer_sheet
from exports.answer_sheet import check_qr_payload, qr_payload, render_answer_sheet
from exports.data import THAI_OPTION_LETTERS, AnswerSheetSpec
from exports.errors import ExportError

DPI = 300
PX_PER_MM = DPI / 25.4


def _raster(pdf: Path, tmp: Path) -> np.ndarray:
    run("pdftoppm", "-r", str(DPI), "-gray", "-singlefile", pdf, tmp / "sheet")
    data = (tmp / "sheet.pgm").read_bytes()
    # binary PGM: "P5\n<w> <h>\n<max>\n" then one byte per pixel
    parts = data.split(maxsplit=4)
    width, height = int(parts[1]), int(parts[2])
    return np.frombuffer(parts[4][: width * height], dtype=np.uint8).reshape(height, width)


def _centre(img: np.ndarray, x_mm: float, y_mm: float, half_mm: float) -> tuple[float, float]:
    """Centroid (mm) of the dark pixels in a window around (x_mm, y_mm)."""
    x0, x1 = int((x_mm - half_mm) * PX_PER_MM), int((x_mm + half_mm) * PX_PER_MM)
    y0, y1 = int((y_mm - half_mm) * PX_PER_MM), int((y_mm + half_mm) * PX_PER_MM)
    dark = img[y0:y1, x0:x1] < 128  # the grey option letters stay out
    ys, xs = np.nonzero(dark)
    assert xs.size > 20, (x_mm, y_mm)
    return (x0 + xs.mean() + 0.5) / PX_PER_MM, (y0 + ys.mean() + 0.5) / PX_PER_MM


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, np.ndarray]:
    tmp = tmp_path_factory.mktemp("sheet")
    pdf = tmp / "sheet.pdf"
    render_answer_sheet(demo_answer_sheet(), pdf, variant="B", spec_out=tmp / "sheet.json")
    layout = json.loads((tmp / "sheet.json").read_text(encoding="utf-8"))
    return pdf, layout, _raster(pdf, tmp) if shutil.which("pdftoppm") else np.zeros((1, 1))


@needs_poppler
def test_every_bubble_centre_is_within_a_third_of_a_millimetre(sheet: tuple[Path, dict, np.ndarray]) -> None:
    _, layout, img = sheet
    bubbles = layout["items"] + [m for marks in layout["fields"].values() for m in marks]
    assert len(layout["items"]) == 40 * 4
    errors = np.array(
        [np.hypot(*np.subtract(_centre(img, b["x"], b["y"], 2.7), (b["x"], b["y"]))) for b in bubbles]
    )
    assert errors.max() <= 0.3, errors.max()
    assert errors.mean() < 0.1


@needs_poppler
def test_fiducials_are_where_the_spec_says(sheet: tuple[Path, dict, np.ndarray]) -> None:
    _, layout, img = sheet
    for f in layout["fiducials"]:
        x, y = _centre(img, f["x"], f["y"], f["size"] / 2 + 1.5)
        assert abs(x - f["x"]) <= 0.3 and abs(y - f["y"]) <= 0.3
        x0, y0 = int((f["x"] - 2) * PX_PER_MM), int((f["y"] - 2) * PX_PER_MM)
        assert img[y0 : y0 + int(4 * PX_PER_MM), x0 : x0 + int(4 * PX_PER_MM)].mean() < 20  # solid black


@needs_poppler
def test_sheet_text_names_the_fields(sheet: tuple[Path, dict, np.ndarray]) -> None:
    pdf, _, _ = sheet
    got = text(pdf)
    for word in ("กระดาษคำตอบ", "เลขประจำตัวนักเรียน", "เลขที่", "ห้อง", "ชั้น", "ชุด B", "ADM-2568-2-M6"):
        assert word.replace("ำ", "ํา") in got, word


def test_layout_has_no_overlapping_bubbles() -> None:
    _, layout = render_answer_sheet(AnswerSheetSpec("ADM", "F", 120, THAI_OPTION_LETTERS[:4]), variant=None)
    pts = np.array(
        [(b["x"], b["y"]) for b in layout["items"] + [m for v in layout["fields"].values() for m in v]]
    )
    d = np.hypot(pts[:, None, 0] - pts[None, :, 0], pts[:, None, 1] - pts[None, :, 1])
    np.fill_diagonal(d, np.inf)
    assert d.min() >= layout["bubble_diameter"] + 1.0
    assert pts[:, 0].max() + 2 < 210 - 10 and pts[:, 1].max() + 2 < 297 - 13  # clear of the fiducials


def test_qr_payload_round_trips_and_detects_tampering() -> None:
    p = qr_payload("ADM-2568-2-M6", "ค62-2568-2", "A", 17)
    assert check_qr_payload(p) == {
        "administration": "ADM-2568-2-M6",
        "form_code": "ค62-2568-2",
        "variant": "A",
        "sheet_number": 17,
    }
    with pytest.raises(ExportError):
        check_qr_payload(p.replace("|17|", "|18|"))


def test_too_many_options_across_is_refused() -> None:
    with pytest.raises(ExportError) as e:
        render_answer_sheet(AnswerSheetSpec("ADM", "F", 120, THAI_OPTION_LETTERS[:6]))
    assert e.value.code == "answer_sheet.too_wide" and "120 ข้อ" in str(e.value)
