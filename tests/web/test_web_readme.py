"""The README's commands are real: every `khlang GROUP SUB` it names answers --help."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from web.cli import cli

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted({tuple(m.split()) for m in re.findall(r"`khlang ((?:[a-z][a-z-]*)(?: [a-z][a-z-]*)?)", README)})


@pytest.mark.parametrize("words", COMMANDS, ids=" ".join)
def test_readme_command_exists(words):
    result = CliRunner().invoke(cli, [*words, "--help"])
    assert result.exit_code == 0, f"khlang {' '.join(words)}: {result.output}"


def test_readme_names_the_two_setup_commands():
    assert "bash scripts/demo.sh" in README and "bash scripts/test.sh" in README
    assert "scripts/test.sh" in (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text()
