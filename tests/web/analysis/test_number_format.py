"""A number about zero never prints as "-0.000": the linking constants and b differences on the result page, the
CLI's tables and messages, the reports and the CSV files all go through psychometrics.tables.fixed."""

from __future__ import annotations

import csv

import pytest

from psychometrics.tables import Table, fixed, plain_zero


@pytest.mark.parametrize(("value", "digits", "shown"), [
    (-0.0, 3, "0.000"), (-0.0004, 3, "0.000"), (-0.00049999, 3, "0.000"), (-0.0005001, 3, "-0.001"),
    (0.0004, 3, "0.000"), (-0.004, 2, "0.00"), (-1.5, 1, "-1.5"), (-0.00004, 4, "0.0000"), (-0.0, 0, "0"),
    (float("-inf"), 3, "-inf"), (float("nan"), 3, "nan"), (-1234.5, 2, "-1,234.50"),
])
def test_fixed_never_prints_a_negative_zero(value, digits, shown):
    assert fixed(value, digits, grouping=abs(value) > 1000) == shown


def test_the_cli_table_the_report_cell_and_the_page_filter(app):
    from exports.reports import _cell

    table = Table("link", ("A", "B"), [(1.0, -0.0), (0.9996, -0.0001)])
    assert "-0" not in str(table).replace("-0.0001", "")   # a tiny value keeps its 4 significant digits
    assert "0.000" in str(table) and _cell(-0.0) == "0.000" and _cell(-0.0003) == "0.000"
    an_num = app.jinja_env.filters["an_num"]
    assert an_num(-0.0004, 3) == "0.000" and an_num(-0.0) == "0.00" and an_num(-0.006, 2) == "-0.01"
    assert plain_zero(-0.0) == 0.0 and str(plain_zero(-0.0)) == "0.0" and plain_zero(-2.0) == -2.0


def test_the_linking_step_records_no_negative_zero():
    from scoring.analysis_steps import _f

    assert str(_f(-0.00001)) == "0.0" and str(_f(-0.00001, 6)) == "-1e-05" and _f(float("nan")) is None


def test_the_link_command_writes_no_negative_zero_to_its_csv(tmp_path):
    from web.analysis.irt_tools import _write_csv

    out = tmp_path / "link.csv"
    _write_csv(out, Table("link", ("A", "B"), [(1.0, -0.0)]))
    with out.open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[1] == ["1.0", "0.0"]
