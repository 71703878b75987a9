"""Thai first, English second: every Thai string of the pages has its English translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from web.i18n import thai_date

ROOT = Path(__file__).resolve().parents[2] / "web"
PO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


def _extracted() -> set[str]:
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}
    return {msg for _, _, msg, _, _ in extract_from_dir(str(ROOT), method_map, keywords=keywords) if msg}


def test_every_page_string_has_an_english_translation():
    with PO.open("rb") as f:
        catalog = read_po(f)
    translated = {m.id: m.string for m in catalog if m.id}
    missing = sorted(m for m in _extracted() if not translated.get(m))
    assert not missing, f"run scripts/i18n.sh and translate: {missing}"


def test_compiled_catalogue_matches_the_po_file():
    with PO.open("rb") as f:
        po = {(m.context, m.id): m.string for m in read_po(f) if m.id}
    with MO.open("rb") as f:
        mo = {(m.context, m.id): m.string for m in read_mo(f) if m.id}  # a msgctxt ("role") keeps its own string
    assert po == mo, "run: .venv/bin/pybabel compile -d web/translations"


def test_thai_dates_use_the_buddhist_era():
    from datetime import date

    assert thai_date(date(2026, 11, 25)) == "25 พฤศจิกายน 2569"
    assert thai_date(date(2026, 11, 25), short=True, thai_digits=True) == "๒๕ พ.ย. ๒๕๖๙"
