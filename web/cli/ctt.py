"""`khlang ctt`: classical item analysis of an answer file, the Thai way (p, r, distractors, KR-20).

    khlang ctt RESPONSES.csv [--key KEY.csv] [--groups 27] [--cut SCORE] [--evana] --out STATS.csv|STATS.xlsx

RESPONSES.csv has ``person_id,<item ids>`` with raw answers (ก ข ค ง จ, A–E, 1–5, ๑–๕; 0/blank omitted,
9/* several marks) when ``--key`` is given, otherwise 0/1 scores (blank = not presented). Rows are in
seat order (เลขที่): it breaks ties at the group cut. KEY.csv has ``item_id,key``; a key may list
several options (``ก,ค``), ``ยกเลิก``/``cancel`` cancels the item, ``all`` credits everyone. Files are
read as UTF-8 (with or without BOM) or, failing that, Windows Thai (cp874). A malformed file is
refused with its row and column named (exit status 1).

Output: STATS.xlsx gets one sheet per table (Thai font, frozen header, via exports.xlsx). STATS.csv
gets the item table; the other tables go beside it as STATS.test.csv, STATS.alpha.csv,
STATS.options.csv (per group, blank and multiple-mark columns), STATS.option_rows.csv (flags),
STATS.answer_codes.csv, STATS.criterion.csv (with --cut), STATS.evana.csv and
STATS.evana_options.csv (with --evana). CSVs are UTF-8 with BOM, formula-like cells neutralised.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import click
import numpy as np

from itembank.errors import KhlangError, Where
from psychometrics.ctt import CttReport, analyze_test, answer_codes, parse_key, score_answers
from psychometrics.errors import PsychometricsError
from psychometrics.tables import Table

MAX_PROBLEMS = 20


@dataclass(frozen=True)
class CsvData:
    """A parsed CSV: header and body rows (row numbers as the spreadsheet shows them, header = 1).

    A file without quotes keeps its body as `lines` (split into cells only when asked), so that
    a large answer file of one-character answers never becomes millions of Python strings.
    """

    path: Path
    header: list[str]
    row_numbers: list[int]
    split_rows: list[list[str]] | None = None
    lines: list[str] | None = None

    @cached_property
    def rows(self) -> list[list[str]]:
        if self.split_rows is not None:
            return self.split_rows
        return [line.split(",") for line in self.lines or ()]


def _error(code: str, th: str, en: str, where: Where | None = None) -> KhlangError:
    return KhlangError(code, where=where, message_th=th, message_en=en)


def _column_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def read_csv(path: Path) -> CsvData:
    """Read a CSV as UTF-8 (BOM or not) or cp874; refuse ragged rows and undecodable bytes."""
    name = path.name
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp874")
        except UnicodeDecodeError as e:
            line = data[: e.start].count(b"\n") + 1
            raise _error(
                "ctt.csv_encoding",
                "อ่านไฟล์ไม่ได้: ไม่ใช่ UTF-8 หรือ TIS-620/cp874 (บันทึกเป็น CSV UTF-8 แล้วลองใหม่)",
                "cannot decode the file as UTF-8 or cp874 (save it as CSV UTF-8)",
                Where(name, line),
            ) from None
    if '"' not in text:  # plain CSV: keep lines, count commas
        all_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        kept = [(line, i) for i, line in enumerate(all_lines, start=1) if line.replace(",", "")]
        if not kept:
            raise _error("ctt.csv_empty", "ไฟล์ว่าง ไม่มีหัวตาราง", "the file is empty", Where(name, 1))
        header = [h.strip() for h in kept[0][0].split(",")]
        lines = [line for line, _ in kept[1:]]
        numbers = [n for _, n in kept[1:]]
        counts = np.fromiter((line.count(",") + 1 for line in lines), dtype=np.intp, count=len(lines))
        data = CsvData(path, header, numbers, lines=lines)
    else:
        rows, numbers = _split_rows(text, name)
        if not rows:
            raise _error("ctt.csv_empty", "ไฟล์ว่าง ไม่มีหัวตาราง", "the file is empty", Where(name, 1))
        header = [h.strip() for h in rows[0]]
        counts = np.fromiter(map(len, rows[1:]), dtype=np.intp, count=len(rows) - 1)
        data = CsvData(path, header, numbers[1:], split_rows=rows[1:])
    bad = np.flatnonzero(counts != len(header))
    problems = []
    for i in bad[:MAX_PROBLEMS]:
        got = int(counts[i])
        col = header[got] if got < len(header) else _column_letter(got)
        problems.append(
            _error(
                "ctt.csv_ragged",
                f"มี {got} ช่อง แต่หัวตารางมี {len(header)} คอลัมน์",
                f"{got} cells but the header has {len(header)} columns",
                Where(name, data.row_numbers[i], col),
            )
        )
    _raise_if(problems, bad.size)
    return data


def _split_rows(text: str, name: str) -> tuple[list[list[str]], list[int]]:
    """Non-blank rows of a quoted CSV with their line numbers (the csv module)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows, numbers = [], []
    try:
        for cells in reader:
            if any(cells):  # skip blank lines and rows of empty cells
                rows.append(cells)
                numbers.append(reader.line_num)
    except csv.Error as e:
        raise _error(
            "ctt.csv_syntax",
            f"รูปแบบ CSV ผิด ({e})",
            f"malformed CSV ({e})",
            Where(name, reader.line_num),
        ) from None
    return rows, numbers


def _raise_if(problems: list[KhlangError], total: int | None = None) -> None:
    """Raise one error carrying the first MAX_PROBLEMS problems (and how many more there were)."""
    total = len(problems) if total is None else total
    if total:
        shown = problems[:MAX_PROBLEMS]
        if total > len(shown):
            shown.append(
                _error(
                    "ctt.more_problems",
                    f"… และอีก {total - len(shown)} ปัญหา",
                    f"… and {total - len(shown)} more",
                )
            )
        raise KhlangError("ctt.invalid_file", problems=shown)


def _check_header(data: CsvData, first: str, what_th: str) -> list[str]:
    name = data.path.name
    if data.header[0].strip().lower() != first:
        raise _error(
            "ctt.csv_header",
            f"คอลัมน์แรกต้องชื่อ {first} ({what_th}) แต่พบ {data.header[0]!r}",
            f"the first column must be {first}, found {data.header[0]!r}",
            Where(name, 1, _column_letter(0)),
        )
    ids = data.header[1:]
    problems, seen = [], set()
    for j, item in enumerate(ids, start=1):
        if not item:
            problems.append(
                _error("ctt.csv_header", "รหัสข้อว่าง", "empty item id", Where(name, 1, _column_letter(j)))
            )
        elif item in seen:
            problems.append(
                _error(
                    "ctt.csv_header", f"รหัสข้อ {item} ซ้ำ", f"duplicate item id {item}", Where(name, 1, item)
                )
            )
        seen.add(item)
    _raise_if(problems)
    return ids


def read_responses(data: CsvData) -> tuple[list[str], list[str], np.ndarray]:
    """person ids, item ids and the raw cells (object array) of a responses file."""
    if len(data.header) < 2:
        raise _error(
            "ctt.csv_header",
            "ต้องมีคอลัมน์ person_id และข้อสอบอย่างน้อย 1 ข้อ",
            "need person_id and at least one item column",
            Where(data.path.name, 1),
        )
    items = _check_header(data, "person_id", "รหัสผู้สอบ")
    n_persons = len(data.row_numbers)
    if n_persons < 2:
        raise _error(
            "ctt.too_few_persons",
            f"มีผู้สอบ {n_persons} คน ต้องมีอย่างน้อย 2 คน",
            f"{n_persons} persons; need at least 2",
            Where(data.path.name),
        )
    fast = _single_character_cells(data.lines, len(items)) if data.lines is not None else None
    if fast is not None:
        persons, cells = fast
    else:
        table = np.array(data.rows, dtype=object)  # rows all have the header's length (read_csv)
        persons, cells = [str(p).strip() for p in table[:, 0]], table[:, 1:]
    problems, first_row = [], {}
    for pid, n in zip(persons, data.row_numbers, strict=True):
        if not pid:
            problems.append(
                _error(
                    "ctt.person_id", "รหัสผู้สอบว่าง", "empty person_id", Where(data.path.name, n, "person_id")
                )
            )
        elif pid in first_row:
            problems.append(
                _error(
                    "ctt.person_id",
                    f"รหัสผู้สอบ {pid} ซ้ำกับแถว {first_row[pid]}",
                    f"person_id {pid} repeats row {first_row[pid]}",
                    Where(data.path.name, n, "person_id"),
                )
            )
        else:
            first_row[pid] = n
    _raise_if(problems)
    return persons, items, cells


def _single_character_cells(lines: list[str], n_items: int) -> tuple[list[str], np.ndarray] | None:
    """Person ids and a (persons × items) '<U1' array when every answer cell has at most one character.

    The answers of each row are joined into one string and the whole file becomes one UTF-32 buffer,
    so a 100,000 × 100 file costs one string per row instead of ten million. None when some cell is
    longer (e.g. "10", " ก ", "ก,ค"): the caller then splits the rows.
    """
    commas = "," * (n_items - 1)
    persons, chunks = [], []
    for line in lines:
        pid, _, rest = line.partition(",")
        if len(rest) == 2 * n_items - 1 and rest[1::2] == commas:
            chunks.append(rest[::2])
        else:
            cells = rest.split(",")
            if any(len(c) > 1 for c in cells):
                return None
            chunks.append("".join(c or "\0" for c in cells))  # NUL reads back as "" (blank)
        persons.append(pid.strip())
    buffer = "".join(chunks).encode("utf-32-le")
    return persons, np.frombuffer(buffer, dtype="<U1").reshape(len(lines), n_items)


def read_key(path: Path, items: list[str]) -> list[object]:
    """One parsed key entry per item of the responses, from ``item_id,key``."""
    data = read_csv(path)
    name = path.name
    if [h.strip().lower() for h in data.header[:2]] != ["item_id", "key"]:
        raise _error(
            "ctt.key_header",
            f"หัวตารางเฉลยต้องเป็น item_id,key แต่พบ {','.join(data.header)}",
            f"the key header must be item_id,key, found {','.join(data.header)}",
            Where(name, 1),
        )
    keys: dict[str, object] = {}
    problems = []
    for row, n in zip(data.rows, data.row_numbers, strict=True):
        item, entry = row[0], row[1]
        if item in keys:
            problems.append(
                _error(
                    "ctt.key_item",
                    f"ข้อ {item} มีเฉลยซ้ำ",
                    f"item {item} keyed twice",
                    Where(name, n, "item_id"),
                )
            )
            continue
        if item not in items:
            problems.append(
                _error(
                    "ctt.key_item",
                    f"ข้อ {item} ไม่มีในไฟล์คำตอบ",
                    f"item {item} is not in the responses file",
                    Where(name, n, "item_id"),
                )
            )
            continue
        try:
            keys[item] = parse_key(entry)
        except PsychometricsError:
            problems.append(
                _error(
                    "ctt.key_entry",
                    f"เฉลย {entry!r} ของข้อ {item} ไม่ใช่ตัวเลือก (ใช้ ก–ซ, A–H, 1–8, หลายตัวเลือกคั่นด้วย , หรือ ยกเลิก)",
                    f"key {entry!r} of item {item} is not an option",
                    Where(name, n, "key"),
                )
            )
    missing = [i for i in items if i not in keys]
    if missing and not problems:
        problems.append(
            _error(
                "ctt.key_missing",
                f"ไม่มีเฉลยของข้อ {', '.join(missing[:10])}{' …' if len(missing) > 10 else ''}",
                f"no key for item(s) {', '.join(missing[:10])}",
                Where(name),
            )
        )
    _raise_if(problems)
    return [keys[i] for i in items]


def _answer_codes(data: CsvData, items: list[str], cells: np.ndarray) -> np.ndarray:
    """Option codes of every cell (see :func:`psychometrics.ctt.answer_codes`); bad cells named."""
    codes, invalid = answer_codes(cells)
    problems = [
        _error(
            "ctt.answer",
            f"{str(cells[r, c])!r} ไม่ใช่คำตอบ (ใช้ ก–จ, A–E, 1–5, ๑–๕; 0 หรือว่าง = ไม่ตอบ; 9 หรือ * = ตอบซ้อน)",
            f"{str(cells[r, c])!r} is not an answer code",
            Where(data.path.name, data.row_numbers[r], items[c]),
        )
        for r, c in np.argwhere(invalid)[:MAX_PROBLEMS]
    ]
    _raise_if(problems, int(invalid.sum()))
    return codes


def scored_matrix(data: CsvData, items: list[str], cells: np.ndarray) -> np.ndarray:
    """0/1 scores (blank = NaN, not presented); anything else is refused with its row and column."""
    text = cells.astype(str)
    uniq, inverse = np.unique(text.ravel(), return_inverse=True)
    value = {"0": 0.0, "1": 1.0, "": np.nan}
    decoded = np.array([value.get(u.strip(), -1.0) for u in uniq])
    out = decoded[inverse].reshape(cells.shape)
    bad = out == -1.0
    if bad.any():
        problems = [
            _error(
                "ctt.score",
                f"{str(text[r, c])!r} ไม่ใช่คะแนน 0 หรือ 1 (ถ้าเป็นคำตอบดิบ ให้ใส่ --key KEY.csv)",
                f"{str(text[r, c])!r} is not a 0/1 score (give --key KEY.csv for raw answers)",
                Where(data.path.name, data.row_numbers[r], items[c]),
            )
            for r, c in np.argwhere(bad)[:MAX_PROBLEMS]
        ]
        _raise_if(problems, int(bad.sum()))
    return out


def write_outputs(report: CttReport, out: Path, locale: str) -> list[Path]:
    """STATS.xlsx: one sheet per table. STATS.csv: the item table, each other table as STATS.<name>.csv."""
    named = report.named_tables(locale)
    if out.suffix.lower() == ".xlsx":
        from exports.xlsx import write_tables

        return [write_tables(out, [table for _, table in named], locale=locale)]
    written = []
    for name, table in named:
        path = out if name == "items" else out.with_name(f"{out.stem}.{name}{out.suffix}")
        _write_csv(path, table)
        written.append(path)
    return written


def _write_csv(path: Path, table: Table) -> None:
    from exports.xlsx import neutralise

    # UTF-8 with BOM: Excel on Windows then shows Thai correctly when the file is double-clicked
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow([neutralise(c) for c in table.columns])
        for row in table.rows:
            w.writerow(["" if v is None else neutralise(v) for v in row])


def _analyse(
    data: CsvData, key_path: Path | None, n_options: int | None, not_reached: str, **settings: Any
) -> CttReport:
    """Score (when a key is given) and analyse the parsed responses."""
    _, items, cells = read_responses(data)
    if key_path is None:
        return analyze_test(scored_matrix(data, items, cells), items, **settings)
    key = read_key(key_path, items)
    codes = _answer_codes(data, items, cells)
    keyed = score_answers(codes, key, item_ids=items, n_options=n_options, not_reached=not_reached)
    return analyze_test(keyed=keyed, **settings)


@click.command("ctt")
@click.argument("responses", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--key",
    "key_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="KEY.csv (item_id,key): score raw answers; without it RESPONSES holds 0/1 scores.",
)
@click.option(
    "--groups",
    default="27",
    show_default=True,
    help="กลุ่มสูง-ต่ำ ร้อยละ: 25, 27, 33 หรือ 50 (upper/lower group share).",
)
@click.option(
    "--cut", type=float, default=None, help="คะแนนจุดตัด (raw cut score): Brennan's B and Livingston."
)
@click.option("--evana", is_flag=True, help="EVANA mode: Chung-Teh Fan p, r and Delta (27 % groups).")
@click.option(
    "--evana-technique",
    type=click.Choice(["27", "25"]),
    default="27",
    show_default=True,
    help="EVANA technique: 27 % with Fan's table or 25 % simple formulas.",
)
@click.option(
    "--options",
    "n_options",
    type=click.IntRange(2, 8),
    default=None,
    help="Options per item (default: the largest option seen, at least 4).",
)
@click.option(
    "--not-reached",
    type=click.Choice(["wrong", "missing"]),
    default="wrong",
    show_default=True,
    help="Trailing blanks: score 0 (Thai practice) or leave out of p.",
)
@click.option(
    "--p-basis",
    type=click.Choice(["whole", "groups"]),
    default="whole",
    show_default=True,
    help="p judged for verdicts: whole group R/N or upper+lower groups (H+L)/2g.",
)
@click.option("--p-min", type=float, default=0.20, show_default=True, help="Usable: p at least this.")
@click.option("--p-max", type=float, default=0.80, show_default=True, help="Usable: p at most this.")
@click.option("--r-min", type=float, default=0.20, show_default=True, help="Usable: r at least this.")
@click.option(
    "--min-n", type=click.IntRange(2), default=6, show_default=True, help="No r below this many persons."
)
@click.option(
    "--difficulty-bands",
    "difficulty_table",
    type=click.Choice(["evana", "bu", "tou", "researchstat"]),
    default="evana",
    show_default=True,
    help="ตารางเกณฑ์ความยากง่าย (band table for p verdicts).",
)
@click.option(
    "--discrimination-bands",
    "discrimination_table",
    type=click.Choice(["evana", "ebel"]),
    default="evana",
    show_default=True,
    help="ตารางเกณฑ์อำนาจจำแนก (band table for r verdicts).",
)
@click.option(
    "--ddof",
    type=click.IntRange(0, 1),
    default=0,
    show_default=True,
    help="Variance divisor N - ddof (EVANA: 0).",
)
@click.option("--locale", type=click.Choice(["th", "en"]), default="th", show_default=True)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="STATS.csv (item table; other tables as STATS.<part>.csv) or STATS.xlsx (one sheet each).",
)
def ctt(
    responses: Path,
    key_path: Path | None,
    evana: bool,
    evana_technique: str,
    locale: str,
    out: Path,
    **options: Any,
) -> None:
    """วิเคราะห์ข้อสอบแบบดั้งเดิม (CTT): p, r, ตัวลวง, KR-20, EVANA."""
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise click.ClickException(
            f"--out ต้องลงท้ายด้วย .csv หรือ .xlsx (ได้ {out.name}) / --out must be .csv or .xlsx"
        )
    if not out.parent.is_dir():
        raise click.ClickException(f"ไม่มีโฟลเดอร์ {out.parent} สำหรับไฟล์ผล / the folder of --out does not exist")
    try:
        report = _analyse(
            read_csv(responses), key_path, evana=int(evana_technique) if evana else False, **options
        )
        written = write_outputs(report, out, locale)
    except KhlangError as e:
        raise click.ClickException(e.text(locale)) from None
    except PsychometricsError as e:
        raise click.ClickException(f"{responses.name}: {e}") from None
    except OSError as e:
        raise click.ClickException(f"เขียนไฟล์ผลไม่ได้ / cannot write the output: {e}") from None
    _echo_summary(report, written, locale)


def _echo_summary(report: CttReport, written: list[Path], locale: str) -> None:
    click.echo(str(report.test.summary(locale)))
    click.echo("")
    click.echo("\n".join(report.items.groups.notes(locale)))
    good = sum(d == "good" for d in report.decision)
    click.echo(
        f"ข้อสอบที่ใช้ได้ {good} จาก {len(report.decision)} ข้อ; เขียนผลลง:"
        if locale == "th"
        else f"{good} of {len(report.decision)} items usable; wrote:"
    )
    for path in written:
        click.echo(f"  {path}")
