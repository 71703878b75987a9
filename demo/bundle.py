"""The demo form's documents in one call: booklet, key and answer sheet of a variant::

    .venv/bin/python -m demo.bundle OUT_DIR [--variant A] [--school-code 1040120345 --school-name ...]
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from demo.documents import demo_booklet
from exports.bundle import write_form_documents
from exports.stamp import SchoolStamp


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Write the demo form's documents (booklet, key, answer sheet)."
    )
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--variant", default="A")
    parser.add_argument("--arabic-digits", action="store_true")
    parser.add_argument("--school-code", action="append", default=[], help="stamp a copy for this school")
    parser.add_argument("--school-name", action="append", default=[])
    args = parser.parse_args(argv)
    schools = [SchoolStamp(c, n) for c, n in zip(args.school_code, args.school_name, strict=False)]
    paths = write_form_documents(
        demo_booklet(args.variant), args.out_dir, schools=schools, thai_digits=not args.arabic_digits
    )
    for role, path in paths.items():
        print(f"{role:<18} {path}")


if __name__ == "__main__":
    main()
