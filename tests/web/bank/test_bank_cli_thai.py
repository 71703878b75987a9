"""`khlang bank` speaks like the pages: Thai labels and พ.ศ. Bangkok times (English under --lang en),
filters in the words people type, unknown values and mismatched outputs refused before any work."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from test_bank_cli import ROWS, _csv

from web.cli import cli


@pytest.fixture(autouse=True)
def _thai_again():
    """`--lang en` sets click's words for the process: give the next test Thai again."""
    yield
    from web.cli.thai_click import set_language

    set_language("th")


@pytest.fixture
def run(session, db_url):
    runner = CliRunner()

    def invoke(*args: str, lang: str | None = None):
        root = ["--lang", lang] if lang else []
        return runner.invoke(cli, [*root, *args, "--url", db_url], catch_exceptions=False)

    return invoke


@pytest.fixture
def bank(run, tmp_path):
    assert run("bank", "import", str(_csv(tmp_path, ROWS))).exit_code == 0


def test_list_shows_thai_labels_and_english_under_lang_en(run, bank):
    result = run("bank", "list", "--area", "ค")
    assert result.exit_code == 0
    line = next(x for x in result.output.splitlines() if x.startswith("M6-001"))
    assert "\tเลือกตอบ\t" in line and "\tฉบับร่าง\t" in line and "\tนำไปใช้\t" in line
    result = run("bank", "list", "--area", "ค", lang="en")
    assert "2 found, page 1/1" in result.output
    line = next(x for x in result.output.splitlines() if x.startswith("M6-001"))
    assert "\tMultiple choice\t" in line and "\tDraft\t" in line and "\tApply\t" in line


@pytest.mark.parametrize("args", [
    ("--level", "นำไปใช้"), ("--level", "apply"), ("--level", "Apply"),
    ("--type", "เลือกตอบ"), ("--type", "multiple_choice"), ("--status", "ฉบับร่าง"), ("--status", "draft"),
    ("--grade", "ป6"),
])
def test_filters_accept_codes_thai_and_english_words(run, bank, args):
    result = run("bank", "list", *args)
    assert result.exit_code == 0, result.output
    assert ("พบ 2 รายการ" if args[1] in ("นำไปใช้", "apply", "Apply") else "พบ 3 รายการ") in result.output


@pytest.mark.parametrize("args, allowed", [
    (("--level", "ท่องจำ"), "นำไปใช้ (apply)"),
    (("--status", "approve"), "อนุมัติแล้ว (approved)"),
    (("--type", "essay question"), "เลือกตอบ (multiple_choice)"),
    (("--area", "X"), "ท ค ว ส พ ศ ง ต"),
    (("--grade", "ป.9"), "ป.1–ป.6"),
])
def test_unknown_filter_values_are_refused_with_the_allowed_values(run, bank, args, allowed):
    result = run("bank", "list", *args)
    assert result.exit_code == 1 and "ไม่รู้จัก" in result.output and allowed in result.output
    assert "Traceback" not in result.output


def test_unknown_filter_value_in_english(run, bank):
    result = run("bank", "list", "--status", "approve", lang="en")
    assert result.exit_code == 1 and "unknown status 'approve'" in result.output and "Approved (approved)" in result.output


def test_export_refuses_an_output_that_does_not_match_its_format(run, bank, tmp_path):
    out = tmp_path / "x.xlsx"
    result = run("bank", "export", "--format", "csv", "--out", str(out))
    assert result.exit_code != 0 and "x.xlsx" in result.output and "csv" in result.output
    assert not out.exists()
    result = run("bank", "export", "--out", str(tmp_path / "no-folder" / "x.csv"))
    assert result.exit_code != 0 and "no-folder" in result.output
    result = run("bank", "ioc-form", "--out", str(tmp_path / "form.csv"))
    assert result.exit_code != 0 and ".xlsx" in result.output


def test_show_prints_status_words_and_buddhist_era_bangkok_times(run, bank, session):
    from zoneinfo import ZoneInfo

    from sqlmodel import select

    from itembank.accounts import create_user
    from itembank.authz import Actor
    from itembank.models import ReviewEvent

    create_user(session, Actor.system(), "ครู", "ครู", "officer")    # --as names an account
    assert run("bank", "review", "submit", "M6-001", "--as", "ครู", "--role", "officer").exit_code == 0
    event = session.exec(select(ReviewEvent)).one()
    session.rollback()
    at = event.at if event.at.tzinfo else event.at.replace(tzinfo=UTC)
    local = at.astimezone(ZoneInfo("Asia/Bangkok"))
    result = run("bank", "show", "M6-001")
    assert result.exit_code == 0
    assert "สถานะ in_review (รอพิจารณา)" in result.output
    assert f"{local.year + 543} {local:%H:%M} น." in result.output and "ฉบับร่าง → รอพิจารณา" in result.output
    english = run("bank", "show", "M6-001", lang="en").output
    assert "In review" in english and f"{local:%d %b %Y %H:%M}" in english and "Draft → In review" in english
    assert datetime.now(UTC).year + 543 - 1 <= local.year + 543


def test_help_is_thai_first_then_english():
    result = CliRunner().invoke(cli, ["bank", "list", "--help"])
    assert result.exit_code == 0
    assert "แสดงรายการข้อสอบตามตัวกรอง / list items" in result.output
    assert "นำไปใช้" in result.output and "ระดับพฤติกรรม" in result.output
    for command in ("bank", "curriculum"):
        text = CliRunner().invoke(cli, [command, "--help"]).output
        first = next(line for line in text.splitlines() if line.strip() and not line.startswith(("Usage", "วิธีใช้")))
        assert any("\u0e00" <= ch <= "\u0e7f" for ch in first), first


def test_curriculum_refusal_is_rendered_once_by_the_root_group():
    result = CliRunner().invoke(cli, ["curriculum", "show", "ค 9.9 ป.6/2"])
    assert result.exit_code == 1 and "ไม่มีสาระที่ 9" in result.output
    result = CliRunner().invoke(cli, ["--lang", "en", "curriculum", "show", "ค 9.9 ป.6/2"])
    assert result.exit_code == 1 and "no strand 9" in result.output


def test_click_usage_errors_are_thai_too():
    """click's own refusals (an extra argument, an option without its value) in Thai; English under --lang en."""
    extra = CliRunner().invoke(cli, ["bank", "list", "surplus"])
    assert extra.exit_code == 2 and "มีอาร์กิวเมนต์เกินมา (surplus)" in extra.output
    assert "unexpected" not in extra.output
    missing = CliRunner().invoke(cli, ["bank", "list", "--area"])
    assert missing.exit_code == 2 and "ตัวเลือก '--area' ต้องมีค่าตามหลัง" in missing.output
    english = CliRunner().invoke(cli, ["--lang", "en", "bank", "list", "surplus"])
    assert "Got unexpected extra argument (surplus)" in english.output


def test_every_message_click_can_show_a_user_is_thai():
    """Each message id click passes through its `_` / `ngettext` that a user of the command line can meet
    has a Thai text (the ones left out are click's errors for the program's own author)."""
    import re
    from pathlib import Path

    import click

    from web.cli.thai_click import MESSAGES

    found = set()
    for path in Path(click.__file__).parent.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r'(?:\b_|ngettext)\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)(?:,\s*((?:"(?:[^"\\]|\\.)*"\s*)+))?', text):
            for group in m.groups():
                if group:
                    found.add("".join(re.findall(r'"((?:[^"\\]|\\.)*)"', group)).replace("\\n", "\n").replace("\\t", "\t"))
    for_authors = {"Arguments take exactly one parameter declaration, got {length}: {decls}.",
                   "Boolean option {decl!r} cannot use the same flag for true/false.", "Choice({choices})",
                   "Could not determine name for option with declarations {decls!r}", "Name '{name}' defined twice",
                   "Couldn't detect Bash version, shell completion is not supported.",
                   "Invalid start character for option ({option})", "(dynamic)", "d", "%(prog)s, version %(version)s",
                   "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
                   "Did you mean to pass '--{name}'?", "Shell completion is not supported for Bash versions older than 4.4.",
                   "Unknown color {colour!r}", "Unknown standard stream '{name}'", "Value must be an iterable.",
                   "Windows error: {error}", "unknown error", "{editor}: Editing failed", "{editor}: Editing failed: {e}"}
    assert sorted(found - set(MESSAGES) - for_authors) == []
