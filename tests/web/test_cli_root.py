"""The root of `khlang`: one renderer for every refusal, --lang, Thai-first help, checked file options."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from itembank.errors import ItemBankError, Where
from web.cli import cli, render_error
from web.cli.params import InputPath, OutputPath


@click.command("probe")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", is_eager=True)
@click.option("--out", type=OutputPath((".csv", ".xlsx"), format_option="fmt"))
@click.option("--src", type=InputPath((".csv",)))
@click.option("--fail", type=click.Choice(["one", "many", "oserror", "none"]), default="none")
def probe(fmt, out, src, fail):
    if fail == "one":
        raise ItemBankError("x.one", message_th="ไม่พบข้อสอบ", message_en="no such item")
    if fail == "many":
        raise ItemBankError("x.many", problems=[
            ItemBankError("x.a", message_th="ผิดที่หนึ่ง", message_en="first", where=Where("f.csv", 3, "B")),
            ItemBankError("x.b", message_th="ผิดที่สอง", message_en="second", where=Where("f.csv", 9, "C")),
        ])
    if fail == "oserror":
        open("/nonexistent-folder/file.csv")  # noqa: SIM115
    click.echo("ok")


@pytest.fixture(autouse=True)
def _probe_command():
    cli.add_command(probe)
    yield
    cli.commands.pop("probe", None)


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_a_refusal_is_its_thai_message_and_exit_1():
    r = run("probe", "--fail", "one")
    assert r.exit_code == 1
    assert "ไม่พบข้อสอบ" in r.output and "Traceback" not in r.output


def test_a_refusal_in_english_under_lang_en():
    r = run("--lang", "en", "probe", "--fail", "one")
    assert r.exit_code == 1 and "no such item" in r.output and "ไม่พบ" not in r.output


def test_problems_are_listed_with_file_row_column():
    r = run("probe", "--fail", "many")
    assert r.exit_code == 1
    assert "พบปัญหา 2 รายการ" in r.output
    assert "f.csv แถว 3 คอลัมน์ B: ผิดที่หนึ่ง" in r.output
    assert "f.csv แถว 9 คอลัมน์ C: ผิดที่สอง" in r.output
    r = run("--lang", "en", "probe", "--fail", "many")
    assert "refused: 2 problems" in r.output and "f.csv row 9 column C: second" in r.output


def test_an_unreadable_file_is_named_not_a_traceback():
    r = run("probe", "--fail", "oserror")
    assert r.exit_code == 1
    assert "/nonexistent-folder/file.csv: ไม่พบไฟล์หรือโฟลเดอร์" in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)


def test_output_folder_must_exist_before_any_work(tmp_path):
    r = run("probe", "--out", str(tmp_path / "missing" / "x.csv"))
    assert r.exit_code == 1 and "ไม่มีโฟลเดอร์" in r.output and "ok" not in r.output


def test_output_extension_must_match_the_format(tmp_path):
    r = run("probe", "--out", str(tmp_path / "x.pdf"))
    assert r.exit_code == 1 and "นามสกุลไฟล์ต้องเป็น .csv .xlsx" in r.output
    r = run("probe", "--format", "csv", "--out", str(tmp_path / "x.xlsx"))
    assert r.exit_code == 1 and "ไม่ตรงกับรูปแบบ csv" in r.output
    assert run("probe", "--format", "xlsx", "--out", str(tmp_path / "x.xlsx")).output.strip() == "ok"


def test_input_must_exist_and_have_a_known_extension(tmp_path):
    assert "ไม่พบไฟล์" in run("probe", "--src", str(tmp_path / "none.csv")).output
    (tmp_path / "a.txt").write_text("x")
    assert "รองรับเฉพาะไฟล์ .csv" in run("probe", "--src", str(tmp_path / "a.txt")).output


def test_render_error_is_the_one_text_form():
    e = ItemBankError("x", problems=[ItemBankError("y", message_th="ก", message_en="a")])
    assert render_error(e, "th").splitlines() == ["ไม่ดำเนินการ: พบปัญหา 1 รายการ ไม่มีการบันทึกใด ๆ", "ก"]
    assert render_error(e, "en").splitlines() == ["refused: 1 problem, nothing written", "a"]


def test_help_and_click_words_are_thai_first():
    r = run("--help")
    assert r.output.startswith("วิธีใช้ (Usage): ")
    assert "ตัวเลือก (Options):" in r.output and "คำสั่ง (Commands):" in r.output
    r = run("no-such-command")
    assert r.exit_code == 2 and "ไม่มีคำสั่ง 'no-such-command'" in r.output
    r = run("--lang", "en", "no-such-command")
    assert "No such command 'no-such-command'." in r.output


def test_the_language_of_one_call_does_not_leak_into_the_next():
    assert run("--lang", "en", "no-such-command").exit_code == 2
    assert run("--help").output.startswith("วิธีใช้ (Usage): ")


def test_help_loads_no_database_web_or_numerics_code():
    code = ("import sys; from web.cli import main; sys.argv = ['khlang', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "bad = sorted(m for m in ('sqlalchemy', 'sqlmodel', 'numpy', 'flask', 'scipy') if m in sys.modules)\n"
            "print('LOADED', bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "LOADED []" in out


@click.command("read-versions")
def read_versions():
    """Read every item version, as any bank command does (the probe of the test below)."""
    from sqlmodel import select

    from itembank.models import ItemVersion
    from itembank.store import Store
    from web.cli import config

    store = Store(config()["DATABASE_URL"])
    try:
        with store.read_session() as s:
            click.echo(len(s.exec(select(ItemVersion)).all()))
    finally:
        store.dispose()


def test_a_database_behind_the_code_is_named_with_the_command_to_run(tmp_path):
    """An office upgrades Khlang but not its database: a command that meets the missing column says which
    revision the database is at, which the code needs and to run `khlang db upgrade`; no traceback."""
    from web.migrations import head, upgrade

    cli.add_command(read_versions)
    try:
        upgrade(f"sqlite:///{tmp_path / 'khlang.sqlite3'}", "0007")   # before item_version.options_ordered
        result = CliRunner().invoke(cli, ["--instance", str(tmp_path), "read-versions"])
        assert result.exit_code == 1, result.output
        assert f"ฐานข้อมูลยังเป็นรุ่น 0007 แต่ Khlang รุ่นนี้ต้องการรุ่น {head()}" in result.output
        assert "khlang db upgrade" in result.output and "Traceback" not in result.output
        english = CliRunner().invoke(cli, ["--instance", str(tmp_path), "--lang", "en", "read-versions"])
        assert "run `khlang db upgrade` first" in english.output
        upgrade(f"sqlite:///{tmp_path / 'khlang.sqlite3'}")
        current = CliRunner().invoke(cli, ["--instance", str(tmp_path), "read-versions"])
        assert current.exit_code == 0 and current.output.strip() == "0"
    finally:
        cli.commands.pop("read-versions", None)
