"""`khlang irt fit|dif|rasch|link|equate`: the analyst's toolkit on the files `khlang irt calibrate` uses.

    khlang irt fit RESPONSES.csv --params PARAMS.csv --out FIT.csv|FIT.xlsx
    khlang irt dif RESPONSES.csv --group-column sex --focal F --method mh|logistic|mantel|lord|lr --out DIF.csv
    khlang irt rasch RESPONSES.csv --model rasch|pcm|rsm [--split median|mean|COLUMN] --out RASCH.xlsx
    khlang irt link FORM_X.csv [FORM_Y.csv ...] FORM_Z.csv --method stocking-lord --out LINK.csv
    khlang irt equate FORM_X.csv FORM_Y.csv --method true-score|observed-score --out EQUATE.csv

The work is :mod:`scoring.toolkit`.  OUT.xlsx gets one sheet per table (exports.xlsx); OUT.csv gets
the main table and each other table beside it as OUT.<name>.csv (UTF-8 with BOM).  A Thai summary
(English under ``khlang --lang en``) goes to the terminal; refusals are ScoringErrors, rendered by
the root group (exit status 1).  Attached to the ``irt`` group by one import in :mod:`web.analysis.cli`.
"""

from __future__ import annotations

import csv
from pathlib import Path

import click

from scoring import toolkit
from web.analysis.cli import irt
from web.cli import lang
from web.cli.params import InputPath, OutputPath

OUT = OutputPath(formats=(".csv", ".xlsx"))
OUT_HELP = "OUT.csv (ตารางอื่นเป็น OUT.<ชื่อ>.csv) หรือ OUT.xlsx (ตารางละแผ่น) / CSV or XLSX"


def _render(run: toolkit.AnalysisRun, out: Path) -> None:
    """Write the run's tables to `out` and echo its summary and the files written."""
    locale = lang()
    if out.suffix.lower() == ".xlsx":
        from exports.xlsx import write_tables

        written = [write_tables(out, [t for _, t in run.tables], locale=locale)]
    else:
        written = []
        for k, (name, table) in enumerate(run.tables):
            path = out if k == 0 else out.with_name(f"{out.stem}.{name}{out.suffix}")
            _write_csv(path, table)
            written.append(path)
    click.echo(run.message(locale))
    for note in run.tables[0][1].notes:
        click.echo(f"  {note}")
    click.echo("เขียนผลลง:" if locale == "th" else "wrote:")
    for path in written:
        click.echo(f"  {path}")


def _write_csv(path: Path, table) -> None:
    from exports.xlsx import neutralise
    from psychometrics.tables import plain_zero

    # UTF-8 with BOM: Excel on Windows then shows Thai correctly when the file is double-clicked
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow([neutralise(c) for c in table.columns])
        for row in table.rows:
            w.writerow(["" if v is None else neutralise(plain_zero(v)) for v in row])


@irt.command("fit")
@click.argument("responses", type=InputPath())
@click.option("--params", "params_path", type=InputPath(), required=True, help="PARAMS.csv / item parameters")
@click.option("--method", type=click.Choice(("eap", "map", "ml", "wle")), default="eap", show_default=True,
              help="วิธีประมาณ θ สำหรับ infit/outfit / ability estimator for infit/outfit")
@click.option("--out", "out", type=OUT, required=True, help=OUT_HELP)
def fit_command(responses: Path, params_path: Path, method: str, out: Path) -> None:
    """ความสอดคล้องของข้อสอบและผู้สอบกับโมเดล: infit/outfit (MNSQ, ZSTD) และ S-X2.

    Item and person fit: infit/outfit (MNSQ, ZSTD) and S-X2.
    """
    _render(toolkit.fit_file(responses, params_path, method=method), out)


@irt.command("dif")
@click.argument("responses", type=InputPath())
@click.option("--group-column", required=True, help="คอลัมน์ชื่อกลุ่ม / column of group labels")
@click.option("--focal", required=True, help="ชื่อกลุ่มเป้าหมาย กลุ่มอื่นเป็นกลุ่มอ้างอิง / focal group label")
@click.option("--method", type=click.Choice(toolkit.DIF_METHODS), default="mh", show_default=True,
              help="mh: Mantel–Haenszel (difR); logistic: ถดถอยโลจิสติก; mantel: คะแนนหลายระดับ (Mantel); "
                   "lord: Wald ของ Lord; lr: IRT-LR")
@click.option("--purify", is_flag=True, help="ทำให้บริสุทธิ์ซ้ำจนชุดข้อคงที่ (mh, lord) / iterative purification")
@click.option("--model", type=click.Choice(("1pl", "2pl", "3pl", "grm", "gpcm")), default="2pl", show_default=True,
              help="โมเดล IRT สำหรับ lord และ lr / IRT model of lord and lr")
@click.option("--alpha", type=float, default=0.05, show_default=True, help="ระดับนัยสำคัญ / significance level")
@click.option("--out", "out", type=OUT, required=True, help=OUT_HELP)
def dif_command(responses: Path, group_column: str, focal: str, method: str, purify: bool, model: str,
                alpha: float, out: Path) -> None:
    """การทำหน้าที่ต่างกันของข้อสอบ (DIF) ระหว่างกลุ่มเป้าหมายกับกลุ่มอ้างอิง.

    Differential item functioning between the focal group and the others.
    """
    _render(toolkit.dif_file(responses, group_column, focal, method=method, purify=purify, model=model,
                             alpha=alpha), out)


@irt.command("rasch")
@click.argument("responses", type=InputPath())
@click.option("--model", type=click.Choice(toolkit.RASCH_MODELS), default="rasch", show_default=True,
              help="rasch (0/1), pcm (partial credit), rsm (rating scale)")
@click.option("--split", default="median", show_default=True,
              help="แบ่งกลุ่มสำหรับ Andersen LR: median, mean หรือชื่อคอลัมน์ / split for Andersen's LR test")
@click.option("--normalization", type=click.Choice(("thresholds", "erm")), default="thresholds", show_default=True,
              help="thresholds: ผลรวม threshold เป็น 0; erm: แบบ eRm sum0 / which sum is 0")
@click.option("--covariance", is_flag=True,
              help="เขียนเมทริกซ์ความแปรปรวนร่วมของพารามิเตอร์ด้วย / also write the parameters' covariance matrix")
@click.option("--out", "out", type=OUT, required=True, help=OUT_HELP)
def rasch_command(responses: Path, model: str, split: str, normalization: str, covariance: bool, out: Path) -> None:
    """โมเดล Rasch, PCM, RSM โดย conditional ML (แบบ eRm): Andersen LR, Wald, infit/outfit, แผนผังผู้สอบ–ข้อสอบ.

    Rasch, PCM or RSM by conditional ML (as eRm), with Andersen's LR, Wald tests, fit and the map.
    """
    _render(toolkit.rasch_file(responses, model=model, split=split, normalization=normalization,
                               covariance=covariance), out)


@irt.command("link")
@click.argument("forms", type=InputPath(), nargs=-1, required=True)
@click.option("--method", type=click.Choice(("stocking-lord", "haebara", "mean-sigma", "mean-mean")),
              default="stocking-lord", show_default=True, help="วิธีเชื่อมโยง / linking method")
@click.option("--bisector", is_flag=True, help="ทุกเส้นทางจากฉบับแรกถึงฉบับสุดท้ายและเส้นแบ่งครึ่ง / bisector of all paths")
@click.option("--transformed", type=OutputPath(), default=None,
              help="PARAMS.csv ของฉบับแรกบนสเกลของฉบับสุดท้าย / first form's parameters on the last scale")
@click.option("--covariance", "covariances", type=InputPath(), multiple=True,
              help="COV.csv ของแต่ละฉบับตามลำดับ (จาก irt calibrate --covariance): SE แบบ equateIRT "
                   "/ each form's COV.csv, in order: equateIRT's SEs from the full covariances")
@click.option("--out", "out", type=OUT, required=True, help=OUT_HELP)
def link_command(forms: tuple[Path, ...], method: str, bisector: bool, transformed: Path | None,
                 covariances: tuple[Path, ...], out: Path) -> None:
    """เชื่อมโยงสเกลของฉบับแรกไปยังฉบับสุดท้าย (ตรง หรือเป็นลูกโซ่ผ่านฉบับกลาง) ด้วยข้อร่วม.

    Link the first form's scale onto the last's through common items, directly or as a chain.
    """
    run = toolkit.link_files(forms, method=method, bisector=bisector, covariance_paths=covariances)
    if transformed is not None:
        from scoring.ingest.params import write_params

        write_params(transformed, toolkit.transformed_params(run))
    _render(run, out)


@irt.command("equate")
@click.argument("form_x", type=InputPath())
@click.argument("form_y", type=InputPath())
@click.option("--method", type=click.Choice(("true-score", "observed-score")), default="true-score",
              show_default=True, help="การเทียบคะแนนจริงหรือคะแนนที่สังเกตได้ / IRT equating method")
@click.option("--link", "link_method", type=click.Choice(("stocking-lord", "haebara", "mean-sigma", "mean-mean",
                                                          "none")),
              default="stocking-lord", show_default=True, help="เชื่อมโยง X → Y ก่อน (none: สเกลเดียวกันแล้ว)")
@click.option("--covariance", "covariances", type=InputPath(), multiple=True,
              help="COV.csv ของแต่ละฉบับตามลำดับ (จาก irt calibrate --covariance): SE แบบ equateIRT "
                   "/ each form's COV.csv, in order: equateIRT's SEs from the full covariances")
@click.option("--out", "out", type=OUT, required=True, help=OUT_HELP)
def equate_command(form_x: Path, form_y: Path, method: str, link_method: str, covariances: tuple[Path, ...],
                   out: Path) -> None:
    """เทียบคะแนนฉบับ X เป็นคะแนนฉบับ Y ด้วย IRT (คะแนนจริงหรือคะแนนที่สังเกตได้) พร้อม SE.

    Equate form X's scores to form Y's by IRT true- or observed-score equating, with SEs.
    """
    _render(toolkit.equate_files(form_x, form_y, method=method.replace("-", "_"),
                                 link_method=link_method, covariance_paths=covariances), out)
