"""Blueprints as plain JSON-ready dicts (how they are stored and how officers write them in a file).

```json
{"name": "คณิตศาสตร์ ป.6 ปลายภาค", "grade": "ป.6", "test_length": 30, "n_forms": 2,
 "rows": [{"label": "ค 1.1 นำไปใช้", "where": {"standard": "ค 1.1", "level": "apply"}, "items": 6},
          {"label": "ค 2.2", "where": {"standard": "ค 2.2"}, "min_items": 3, "max_items": 5}],
 "quantities": [{"quantity": "time", "max": 3600}],
 "max_overlap": 0, "anchor_count": 0, "enemies": true, "sets": {"enforce": true},
 "objective": {"kind": "maximin", "theta": [-1, 0, 1]}}
```
Attributes a row may name: area, standard, indicator, level, type, trait, competency, grade, set.
Objective kinds: none, minimax (theta + target), maximin (theta [+ weights]), cut (theta), ctt
(p_min, p_max, r_min).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from itembank.decoding import decode_text
from testgen.blueprint import (
    Blueprint,
    BlueprintRow,
    CttTarget,
    CutScore,
    QuantityLimit,
    RelativeTarget,
    SetRule,
    TifTarget,
)
from testgen.errors import TestGenError

ATTRIBUTES = ("area", "standard", "indicator", "level", "type", "trait", "competency", "grade", "set")


def _bad(where: str, th: str, en: str) -> TestGenError:
    return TestGenError("blueprint.file_invalid", message_th=f"ผัง {where}: {th}", message_en=f"blueprint {where}: {en}")


def _int(d: dict, key: str, where: str, problems: list, default: int | None = None) -> int | None:
    v = d.get(key, default)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        problems.append(_bad(where, f"ค่า {key} ต้องเป็นจำนวนเต็มไม่ติดลบ (ได้ {v!r})",
                             f"{key} must be a non-negative integer (got {v!r})"))
        return default
    return v


def _num(d: dict, key: str, where: str, problems: list) -> float | None:
    v = d.get(key)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int | float):
        problems.append(_bad(where, f"ค่า {key} ต้องเป็นตัวเลข (ได้ {v!r})", f"{key} must be a number (got {v!r})"))
        return None
    return float(v)


def _row(d: Any, where: str, problems: list) -> BlueprintRow | None:
    if not isinstance(d, dict):
        problems.append(_bad(where, "แถวของผังต้องเป็น object", "a row must be an object"))
        return None
    label = str(d.get("label") or "").strip()
    cond = d.get("where") or {}
    if not isinstance(cond, dict) or not cond:
        problems.append(_bad(where, "ต้องระบุ where เช่น {\"standard\": \"ค 1.1\"}", "`where` is required"))
        return None
    unknown = sorted(set(cond) - set(ATTRIBUTES))
    if unknown:
        problems.append(_bad(where, f"ไม่รู้จักคุณสมบัติ {', '.join(unknown)} (ใช้ได้: {', '.join(ATTRIBUTES)})",
                             f"unknown attributes {unknown}"))
        return None
    cond = {k: (tuple(str(x) for x in v) if isinstance(v, list | tuple) else str(v)) for k, v in cond.items()}
    label = label or " ".join(v if isinstance(v, str) else "/".join(v) for v in cond.values())
    exact = _int(d, "items", where, problems)
    lo = _int(d, "min_items", where, problems, 0) if exact is None else exact
    hi = _int(d, "max_items", where, problems) if exact is None else exact
    if lo is not None and hi is not None and lo > hi:
        problems.append(_bad(where, f"min_items {lo} มากกว่า max_items {hi}", f"min_items {lo} > max_items {hi}"))
    count = d.get("count", "each")
    if count not in ("each", "primary"):
        problems.append(_bad(where, "count ต้องเป็น each หรือ primary", "count must be each or primary"))
        count = "each"
    return BlueprintRow(label, cond, lo or 0, hi, _num(d, "min_points", where, problems),
                        _num(d, "max_points", where, problems), count)


def _objective(d: Any, problems: list) -> Any:
    if d is None:
        return None
    kind = d.get("kind", "none") if isinstance(d, dict) else None
    theta = tuple(float(t) for t in d.get("theta", ())) if isinstance(d, dict) else ()
    if kind == "none":
        return None
    if kind == "minimax":
        target = tuple(float(t) for t in d.get("target", ()))
        if len(target) != len(theta) or not theta:
            problems.append(_bad("objective", "minimax ต้องมี theta และ target จำนวนเท่ากัน",
                                 "minimax needs theta and target of equal length"))
        return TifTarget(theta, target)
    if kind == "maximin":
        weights = d.get("weights")
        return RelativeTarget(theta or (-1.0, 0.0, 1.0), tuple(float(w) for w in weights) if weights else None)
    if kind == "cut":
        return CutScore(theta[0] if theta else float(d.get("cut", 0.0)))
    if kind == "ctt":
        return CttTarget(float(d.get("p_min", 0.0)), float(d.get("p_max", 1.0)),
                         None if d.get("r_min") is None else float(d["r_min"]))
    problems.append(_bad("objective", f"ไม่รู้จักเป้าหมาย {kind!r} (none, minimax, maximin, cut, ctt)",
                         f"unknown objective {kind!r}"))
    return None


def blueprint_from_dict(d: Any) -> Blueprint:
    """A Blueprint from its dict form; every problem is collected into one TestGenError."""
    problems: list[TestGenError] = []
    if not isinstance(d, dict):
        raise TestGenError("blueprint.file_invalid", message_th="ไฟล์ผังต้องเป็น JSON object",
                           message_en="a blueprint file must hold a JSON object")
    name = str(d.get("name") or "").strip()
    if not name:
        problems.append(_bad("name", "ต้องมีชื่อผัง", "name is required"))
    rows = [_row(r, f"แถวที่ {i + 1}", problems) for i, r in enumerate(d.get("rows") or [])]
    anchor_rows = [_row(r, f"แถวข้อสอบร่วมที่ {i + 1}", problems) for i, r in enumerate(d.get("anchor_rows") or [])]
    quantities = []
    for i, q in enumerate(d.get("quantities") or []):
        where = f"quantities[{i + 1}]"
        if not isinstance(q, dict) or q.get("quantity") not in ("time", "points"):
            problems.append(_bad(where, "quantity ต้องเป็น time หรือ points", "quantity must be time or points"))
            continue
        quantities.append(QuantityLimit(q["quantity"], _num(q, "min", where, problems), _num(q, "max", where, problems),
                                        str(q.get("label", ""))))
    s = d.get("sets") or {}
    sets = SetRule(bool(s.get("enforce", True)), s.get("min_items"), s.get("max_items"), int(s.get("min_sets", 0)),
                   s.get("max_sets"))
    objective = _objective(d.get("objective"), problems)
    n_forms = _int(d, "n_forms", "n_forms", problems, 1) or 1
    bp = Blueprint(
        name=name, rows=tuple(r for r in rows if r), test_length=_int(d, "test_length", "test_length", problems),
        quantities=tuple(quantities), n_forms=n_forms,
        anchor_count=_int(d, "anchor_count", "anchor_count", problems, 0) or 0,
        anchor_rows=tuple(r for r in anchor_rows if r),
        max_overlap=_int(d, "max_overlap", "max_overlap", problems, 0) or 0,
        enemies=bool(d.get("enemies", True)), sets=sets, objective=objective)
    if problems:
        raise TestGenError("blueprint.file_invalid", problems=problems)
    return bp


def _row_dict(r: BlueprintRow) -> dict[str, Any]:
    out: dict[str, Any] = {"label": r.label, "where": {k: (list(v) if isinstance(v, tuple) else v)
                                                       for k, v in r.where.items()}}
    if r.max_items is not None and r.min_items == r.max_items:
        out["items"] = r.min_items
    else:
        out["min_items"] = r.min_items
        if r.max_items is not None:
            out["max_items"] = r.max_items
    for k in ("min_points", "max_points"):
        if getattr(r, k) is not None:
            out[k] = getattr(r, k)
    if r.count != "each":
        out["count"] = r.count
    return out


def blueprint_to_dict(bp: Blueprint) -> dict[str, Any]:
    """The dict form of `bp` (round-trips through :func:`blueprint_from_dict`)."""
    obj = bp.objective
    if isinstance(obj, TifTarget):
        o: dict[str, Any] = {"kind": "minimax", "theta": list(obj.theta), "target": list(obj.target)}
    elif isinstance(obj, RelativeTarget):
        o = {"kind": "maximin", "theta": list(obj.theta)}
        if obj.weights:
            o["weights"] = list(obj.weights)
    elif isinstance(obj, CutScore):
        o = {"kind": "cut", "theta": [obj.theta]}
    elif isinstance(obj, CttTarget):
        o = {"kind": "ctt", "p_min": obj.p_min, "p_max": obj.p_max, "r_min": obj.r_min}
    else:
        o = {"kind": "none"}
    return {
        "name": bp.name, "rows": [_row_dict(r) for r in bp.rows], "test_length": bp.test_length,
        "quantities": [{"quantity": q.quantity, "min": q.min, "max": q.max, "label": q.label} for q in bp.quantities],
        "n_forms": bp.n_forms, "anchor_count": bp.anchor_count, "anchor_rows": [_row_dict(r) for r in bp.anchor_rows],
        "max_overlap": bp.max_overlap, "enemies": bp.enemies,
        "sets": {"enforce": bp.sets.enforce, "min_items": bp.sets.min_items, "max_items": bp.sets.max_items,
                 "min_sets": bp.sets.min_sets, "max_sets": bp.sets.max_sets},
        "objective": o,
    }


def read_blueprint_file(path: Path) -> tuple[Blueprint, str | None]:
    """The blueprint an officer wrote in a JSON file, and the grade it names (None when it names none)."""
    path = Path(path)
    text = decode_text(path.read_bytes(), path.name, error=TestGenError)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise TestGenError("blueprint.file_invalid", message_th=f"{path.name}: อ่านไฟล์ JSON ไม่ได้ ({e})",
                           message_en=f"{path.name}: not valid JSON ({e})") from e
    return blueprint_from_dict(data), (data.get("grade") if isinstance(data, dict) else None)
