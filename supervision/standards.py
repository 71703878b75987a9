"""มาตรฐานการศึกษาขั้นพื้นฐาน พ.ศ. 2561 (qa_standards.json): the 3 standards, their sub-items, the 5 levels."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

QA_LEVELS = {5: "ยอดเยี่ยม", 4: "ดีเลิศ", 3: "ดี", 2: "ปานกลาง", 1: "กำลังพัฒนา"}
LEVEL_BY_LABEL = {v: k for k, v in QA_LEVELS.items()}


@cache
def qa_codes() -> dict[str, str]:
    """Every code a SAR may rate, with its Thai name: standards "1"–"3", sub-items "1.1" …, items "1.1(1)" …"""
    data = json.loads((Path(__file__).parent / "data" / "qa_standards.json").read_text(encoding="utf-8"))
    codes: dict[str, str] = {}
    for std in data["standards"]:
        codes[str(std["no"])] = std["name_th"]
        for sub in std["sub_items"]:
            codes[sub["code"]] = sub.get("name_th") or sub.get("text", "")
            for item in sub.get("items", []):
                codes[item["code"]] = item["text"]
    return codes


def standard_of(code: str) -> str:
    """The standard ("1", "2", "3") a code belongs to."""
    return code.split(".")[0].split("(")[0]


def level_of(text: str) -> int | None:
    """A quality level from "1"–"5" or its Thai label (ยอดเยี่ยม …); None if neither."""
    t = str(text).strip().translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
    if t in LEVEL_BY_LABEL:
        return LEVEL_BY_LABEL[t]
    if t == "ระดับพัฒนา":
        return 1
    try:
        value = float(t)
    except ValueError:
        return None
    return int(value) if value == int(value) and 1 <= value <= 5 else None
