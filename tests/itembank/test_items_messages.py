"""Every error code the item bank raises has a Thai and an English message in the catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import itembank
from itembank.messages import CATALOGUE, bank_error

ROOT = Path(itembank.__file__).parent
MODULES = ["service.py", "review.py", "search.py", "media.py", "validation.py", "authz.py", "store.py"]


def test_every_raised_code_is_in_the_catalogue():
    codes = set()
    for name in MODULES:
        codes |= set(re.findall(r'bank_error\(\s*"([a-z_.]+)"', (ROOT / name).read_text(encoding="utf-8")))
    assert codes and codes <= set(CATALOGUE), sorted(codes - set(CATALOGUE))


def test_every_message_has_thai_and_english():
    thai = re.compile(r"[\u0e00-\u0e7f]")
    for code, (kind, th, en) in CATALOGUE.items():
        assert kind in ("invalid", "not_found", "forbidden", "conflict"), code
        assert thai.search(th), code
        assert re.search(r"[a-z]{3}", en) and en != th, code  # English (Thai examples may appear in it)


def test_item_code_travels_as_item_code():
    e = bank_error("item.not_found", code="M6-001")
    assert e.code == "item.not_found" and e.params["item_code"] == "M6-001"
    assert e.text("th") == "ไม่พบข้อสอบรหัส M6-001" and e.text("en") == "no item with code M6-001"
    assert e.as_dict()["kind"] == "not_found"
