"""Every configuration key is documented where it is defined, and read only in the factory."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_config_key_has_a_comment():
    source = (ROOT / "web" / "defaults.py").read_text(encoding="utf-8")
    lines = source.splitlines()
    undocumented = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) and t.id.isupper() for t in node.targets):
            above = lines[node.lineno - 2].strip() if node.lineno >= 2 else ""
            if not above.startswith("#"):
                undocumented.append(node.targets[0].id)
    assert not undocumented, f"document these keys with a comment above them: {undocumented}"


def test_no_module_reads_the_environment_at_import():
    offenders = []
    for room in ("itembank", "psychometrics", "testgen", "scoring", "exports", "supervision", "web"):
        for path in (ROOT / room).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in tree.body:  # module level only: functions may read what the factory hands them
                text = ast.unparse(node)
                if not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef) and re.search(
                        r"os\.environ|getenv", text):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders
