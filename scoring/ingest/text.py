"""The text of an uploaded file, found and decoded by the one policy of the bank; where results may be written."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from itembank.decoding import ZIP_MAGIC, decode
from itembank.errors import Where
from scoring.errors import ScoringError, problem


def read_bytes(path: Path) -> bytes:
    """The bytes of `path`, or a Thai refusal naming the file (missing, a folder, unreadable)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise problem("file.not_found", "ไม่พบไฟล์", "file not found", Where(path.name), kind="not_found") from None
    except IsADirectoryError:
        raise problem("file.is_folder", "เป็นโฟลเดอร์ ไม่ใช่ไฟล์", "is a folder, not a file", Where(path.name)) from None
    except OSError as e:
        raise problem(
            "file.unreadable", f"เปิดไฟล์ไม่ได้ ({e.strerror})", f"cannot open the file ({e.strerror})", Where(path.name)
        ) from None


def read_text(path: Path) -> str:
    """The text of a CSV: decoded by :func:`itembank.decoding.decode`, tab-separated text made comma-separated."""
    text, _ = decode(read_bytes(path), path.name, error=ScoringError)
    return _commas(text)


def read_utf8(path: Path) -> bytes:
    """A CSV as UTF-8 bytes without a BOM, for the byte-level parsers.

    A pure ASCII file (the usual score matrix) is returned as read, without a decode and
    re-encode; anything else goes through the same policy as :func:`read_text`.
    """
    data = read_bytes(path)
    plain = data.isascii() and not data.startswith(ZIP_MAGIC) and b"\x00" not in data[:8192]
    if plain and not _tab_separated(data[: data.find(b"\n")].decode("ascii")):
        return data  # what the policy would decode to, byte for byte
    text, _ = decode(data, path.name, error=ScoringError)
    return _commas(text).encode("utf-8")


def _commas(text: str) -> str:
    """Excel's "Unicode Text" separates cells by tabs: a header with tabs and no comma means tabs."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not _tab_separated(text[: text.find("\n")]):
        return text
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(csv.reader(io.StringIO(text, newline=""), delimiter="\t"))
    return out.getvalue()


def _tab_separated(header: str) -> bool:
    return "\t" in header and "," not in header


def output_path(path: Path | str | None, what: str = "ไฟล์ผล") -> Path:
    """The output file, refused before any work when it is not given or its folder does not exist."""
    if path is None or str(path) in ("", "."):
        raise problem("file.out_missing", f"ไม่ได้ระบุไฟล์ผลลัพธ์ ({what})", f"no output file ({what})")
    path = Path(path)
    if not path.parent.is_dir():
        raise problem("file.no_folder", f"ไม่มีโฟลเดอร์ {path.parent} สำหรับไฟล์ผล",
                      f"the folder {path.parent} does not exist", Where(path.name))
    return path


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """Writes inside the block that fail (disk full, no permission) become a Thai refusal naming the file."""
    try:
        yield
    except OSError as e:
        raise problem("file.unwritable", f"เขียนไฟล์ผลไม่ได้ ({e.strerror or e})",
                      f"cannot write the output ({e.strerror or e})", Where(path.name)) from None
