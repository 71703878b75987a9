"""exports never opens the database and never imports web (DESIGN.md, rooms)."""

from __future__ import annotations

import subprocess
import sys


def test_exports_imports_no_database_and_no_web() -> None:
    code = (
        "import sys, importlib, pkgutil, exports\n"
        "for m in pkgutil.iter_modules(exports.__path__): importlib.import_module('exports.' + m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('sqlmodel', 'sqlalchemy', 'web', 'flask', 'psycopg'))\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_import_exports_is_light() -> None:
    code = "import sys, exports, exports.data, exports.xlsx; print('weasyprint' in sys.modules, 'matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False False"
