"""`khlang ctt`: classical item analysis of an answer file, the Thai way (p, r, distractors, KR-20).

    khlang ctt RESPONSES.csv [--key KEY.csv] [--groups 27] [--cut SCORE] [--evana] --out STATS.csv|STATS.xlsx
    khlang ctt SCORES.csv --max-score 4 | --max-scores MAX.csv --out STATS.xlsx   # rubric / rating-scale scores

RESPONSES.csv has ``person_id,<item ids>`` with raw answers (ก ข ค ง จ, A–E, 1–5, ๑–๕; 0/blank omitted,
9/* several marks) when ``--key`` is given, otherwise 0/1 scores (blank = not presented). Rows are in
seat order (เลขที่): it breaks ties at the group cut. KEY.csv has ``item_id,key``; a key may list
several options (``ก,ค``), ``ยกเลิก``/``cancel`` cancels the item, ``all`` credits everyone. Files are
read by the bank's one decoding policy (UTF-8 with or without BOM, UTF-16, cp874). The work is
:func:`scoring.item_analysis.analyze_answer_file`; a malformed file is refused with its row and
column named (exit status 1).

Output: STATS.xlsx gets one sheet per table (Thai font, frozen header, via exports.xlsx). STATS.csv
gets the item table; the other tables go beside it as STATS.test.csv, STATS.alpha.csv,
STATS.options.csv (per group, blank and multiple-mark columns), STATS.option_rows.csv (flags),
STATS.answer_codes.csv, STATS.criterion.csv (with --cut), STATS.evana.csv and
STATS.evana_options.csv (with --evana). CSVs are UTF-8 with BOM, formula-like cells neutralised.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from scoring.item_analysis import analyze_answer_file
from scoring.toolkit import analyze_score_file
from web.cli import lang
from web.cli.params import InputPath, OutputPath

if TYPE_CHECKING:
    from psychometrics.ctt import CttReport
    from psychometrics.tables import Table


@click.command("ctt")
@click.argument("responses", type=InputPath())
@click.option("--key", "key_path", type=InputPath(),
              help="KEY.csv (item_id,key): ตรวจคำตอบดิบด้วยเฉลย ถ้าไม่ระบุ RESPONSES เป็นคะแนน 0/1 "
                   "/ score raw answers; without it RESPONSES holds 0/1 scores.")
@click.option("--max-score", "max_score", type=float, default=None,
              help="คะแนนเต็มทุกข้อ: RESPONSES เป็นคะแนนรูบริก/มาตรประมาณค่า / every item's maximum (rubric scores).")
@click.option("--max-scores", "max_scores_path", type=InputPath(), default=None,
              help="MAX.csv (item_id,max_score[,min_score]): คะแนนเต็มรายข้อ / each item's score range.")
@click.option("--groups", default="27", show_default=True,
              help="กลุ่มสูง-ต่ำ ร้อยละ: 25, 27, 33 หรือ 50 / upper/lower group share.")
@click.option("--cut", type=float, default=None,
              help="คะแนนจุดตัด: ดัชนี B ของ Brennan และ Livingston / raw cut score.")
@click.option("--evana", is_flag=True, help="แบบ EVANA: p, r และ Delta ของ Chung-Teh Fan (กลุ่ม 27 %) / EVANA mode.")
@click.option("--evana-technique", type=click.Choice(["27", "25"]), default="27", show_default=True,
              help="เทคนิค EVANA: 27 % ใช้ตารางของ Fan, 25 % ใช้สูตรอย่างง่าย / EVANA technique.")
@click.option("--options", "n_options", type=click.IntRange(2, 8), default=None,
              help="จำนวนตัวเลือกต่อข้อ (ค่าเริ่มต้น: ตัวเลือกมากที่สุดที่พบ อย่างน้อย 4) / options per item.")
@click.option("--not-reached", type=click.Choice(["wrong", "missing"]), default="wrong", show_default=True,
              help="ข้อท้ายที่ไม่ได้ทำ: ให้ 0 (แบบไทย) หรือไม่นับใน p / trailing blanks: score 0 or leave out of p.")
@click.option("--p-basis", type=click.Choice(["whole", "groups"]), default="whole", show_default=True,
              help="p ที่ใช้ตัดสิน: ทั้งกลุ่ม R/N หรือกลุ่มสูง+ต่ำ (H+L)/2g / p judged for verdicts.")
@click.option("--p-min", type=float, default=0.20, show_default=True, help="ใช้ได้: p อย่างน้อย / usable: p at least.")
@click.option("--p-max", type=float, default=0.80, show_default=True, help="ใช้ได้: p ไม่เกิน / usable: p at most.")
@click.option("--r-min", type=float, default=0.20, show_default=True, help="ใช้ได้: r อย่างน้อย / usable: r at least.")
@click.option("--min-n", type=click.IntRange(2), default=6, show_default=True,
              help="ไม่คำนวณ r เมื่อผู้สอบน้อยกว่านี้ / no r below this many persons.")
@click.option("--difficulty-bands", "difficulty_table", type=click.Choice(["evana", "bu", "tou", "researchstat"]),
              default="evana", show_default=True, help="ตารางเกณฑ์ความยากง่าย / band table for p verdicts.")
@click.option("--discrimination-bands", "discrimination_table", type=click.Choice(["evana", "ebel"]),
              default="evana", show_default=True, help="ตารางเกณฑ์อำนาจจำแนก / band table for r verdicts.")
@click.option("--ddof", type=click.IntRange(0, 1), default=0, show_default=True,
              help="ตัวหารความแปรปรวน N - ddof (EVANA: 0) / variance divisor.")
@click.option("--locale", type=click.Choice(["th", "en"]), default=None,
              help="ภาษาของตารางผล (ค่าเริ่มต้นตาม khlang --lang) / language of the tables.")
@click.option("--out", "out", required=True, type=OutputPath(formats=(".csv", ".xlsx")),
              help="STATS.csv (ตารางรายข้อ ตารางอื่นเป็น STATS.<ส่วน>.csv) หรือ STATS.xlsx (ตารางละแผ่น) "
                   "/ STATS.csv (other tables as STATS.<part>.csv) or STATS.xlsx (one sheet each).")
def ctt(responses: Path, key_path: Path | None, evana: bool, evana_technique: str, locale: str | None,
        out: Path, max_score: float | None, max_scores_path: Path | None, **options: Any) -> None:
    """วิเคราะห์ข้อสอบแบบดั้งเดิม (CTT): p, r, ตัวลวง, KR-20, EVANA.

    Classical item analysis of an answer file: p, r, distractors, KR-20, EVANA.
    """
    locale = locale or lang()
    evana_mode = int(evana_technique) if evana else False
    if max_score is not None or max_scores_path is not None:
        options.pop("n_options"), options.pop("not_reached")  # raw-answer settings
        report = analyze_score_file(responses, max_scores_path=max_scores_path, max_score=max_score, key_path=key_path,
                                    evana=evana_mode, **options)
    else:
        report = analyze_answer_file(responses, key_path, evana=evana_mode, **options)
    written = write_outputs(report, out, locale)
    _echo_summary(report, written, locale)


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
