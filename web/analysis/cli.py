"""`khlang irt`: IRT calibration and scoring of CSV files (the bench/irt CLI contract).

    khlang irt calibrate RESPONSES.csv --model 1pl|rasch|2pl|3pl|grm|gpcm|pcm --out PARAMS.csv
    khlang irt score RESPONSES.csv --params PARAMS.csv --method eap|map|ml|wle|eapsum --out SCORES.csv

RESPONSES.csv: ``person_id,<item ids>``, scores 0..K−1, empty cell = missing
(:mod:`scoring.ingest.responses`). PARAMS.csv and its ``PARAMS.csv.meta.json`` are written by
:func:`scoring.calibration.calibrate_file`. This module imports click, numpy and :mod:`scoring`
only (no Flask, no SQLAlchemy): a cold ``khlang irt calibrate`` is part of the IRT benchmark.
Refusals are :class:`~scoring.errors.ScoringError`, rendered by the root group; exit status 1.
"""

from __future__ import annotations

from pathlib import Path

import click

from scoring.abilities import METHODS, score_file
from scoring.calibration import MODELS, calibrate_file
from web.cli import lang
from web.cli.params import InputPath, OutputPath

TOOLS = ("dif", "equate", "fit", "link", "rasch")  # defined in web.analysis.irt_tools, loaded when named


class _IrtGroup(click.Group):
    """`khlang irt`: calibrate and score here; the toolkit's commands are imported only when called
    (or listed), so a cold ``khlang irt calibrate`` does not load the DIF, Rasch and linking code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(TOOLS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in TOOLS and name not in self.commands:
            from web.analysis import irt_tools  # noqa: F401  (attaches irt fit, dif, rasch, link, equate)
        return super().get_command(ctx, name)


@click.group(cls=_IrtGroup)
def irt() -> None:
    """IRT: ประมาณค่าพารามิเตอร์ข้อสอบ (calibrate) และประมาณความสามารถผู้สอบ (score).

    IRT: calibrate items and score persons from CSV files.
    """


@irt.command("calibrate")
@click.argument("responses", type=InputPath())
@click.option("--model", type=click.Choice(MODELS, case_sensitive=False), default="2pl", show_default=True,
              help="โมเดล: 1pl, pcm: a = 1, θ ~ N(0, 1); rasch: a = 1 ประมาณความแปรปรวนของ θ; 3pl มี prior "
                   "/ 1pl, pcm: a = 1, θ ~ N(0, 1); rasch: a = 1, ability variance estimated; 3pl with priors")
@click.option("--out", "out", type=OutputPath(), required=True,
              help="PARAMS.csv ที่จะเขียน (และ PARAMS.csv.meta.json ข้างกัน) / PARAMS.csv to write, with its .meta.json")
@click.option("--quadrature", default=61, show_default=True, help="จำนวนจุด Gauss–Hermite / quadrature nodes")
@click.option("--max-iter", default=500, show_default=True, help="จำนวนรอบ EM สูงสุด / most EM cycles")
@click.option("--tol", default=1e-4, show_default=True,
              help="การเปลี่ยนแปลงสูงสุดของพารามิเตอร์เมื่อลู่เข้า / largest parameter change at convergence")
@click.option("--group-column", default=None,
              help="คอลัมน์ชื่อกลุ่ม (ประมาณค่าหลายกลุ่ม) / column of group labels (multiple-group calibration)")
@click.option("--anchors", type=InputPath(), default=None,
              help="PARAMS.csv ของข้อยึด ตรึงค่าไว้ (จับคู่ด้วย item_id) / anchor items held fixed, by item_id")
@click.option("--se", "se", type=click.Choice(("auto", "oakes", "xpd", "none")), default="auto",
              show_default=True, help="ความคลาดเคลื่อนมาตรฐาน / standard errors")
@click.option("--covariance", "covariance", type=OutputPath(), default=None,
              help="COV.csv: เมทริกซ์ความแปรปรวนร่วมของพารามิเตอร์ทั้งหมด / the parameters' full covariance matrix")
@click.option("--quadrature-rule", type=click.Choice(("hermite", "grid")), default="hermite", show_default=True,
              help="grid: จุดห่างเท่ากันบน ±6 แบบ R mirt (แบบสอบที่ให้สารสนเทศสูงมาก) / R mirt's equally spaced rule")
@click.option("--categories", default=None, type=int, hidden=True, help="accepted for the bench contract")
def calibrate_command(responses: Path, model: str, out: Path, quadrature: int, max_iter: int, tol: float,
                      group_column: str | None, anchors: Path | None, se: str, covariance: Path | None,
                      quadrature_rule: str, categories: int | None) -> None:
    """ประมาณค่าพารามิเตอร์ข้อสอบด้วย MML (EM) แล้วเขียน PARAMS.csv.

    Calibrate items by marginal maximum likelihood (EM) and write PARAMS.csv.
    """
    run = calibrate_file(responses, model, out, n_quadrature=quadrature, max_iter=max_iter, tol=tol,
                         group_column=group_column, anchors_path=anchors, standard_errors=se,
                         covariance_path=covariance, quadrature=quadrature_rule)
    for warning in run.warnings:
        click.echo(f"คำเตือน / warning: {warning}", err=True)
    click.echo(run.message(lang()))


@irt.command("score")
@click.argument("responses", type=InputPath())
@click.option("--params", "params_path", type=InputPath(), required=True,
              help="PARAMS.csv ของข้อสอบ / item parameters")
@click.option("--method", type=click.Choice(METHODS), default="eap", show_default=True,
              help="eapsum: EAP จากคะแนนรวม (คะแนนดิบเท่ากันได้ θ เท่ากัน) / summed-score EAP, as paper exams report")
@click.option("--out", "out", type=OutputPath(), required=True, help="SCORES.csv ที่จะเขียน / SCORES.csv to write")
def score_command(responses: Path, params_path: Path, method: str, out: Path) -> None:
    """ประมาณความสามารถ (θ) และ SE ของผู้สอบทุกคนจากพารามิเตอร์ที่รู้แล้ว แล้วเขียน SCORES.csv.

    Estimate every person's ability (θ) and its SE with known item parameters; write SCORES.csv.
    """
    click.echo(score_file(responses, params_path, out, method).message(lang()))

