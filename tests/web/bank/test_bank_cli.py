"""`khlang bank`: import (exit 0 / exit 1 with the Thai problem list), export → import no-op, list, show,
review with IOC forms filled in by three experts (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from sqlmodel import func, select

from itembank.models import IocRating, ItemVersion
from web.cli import cli

HEADER = "รหัสข้อสอบ,ชนิดข้อสอบ,โจทย์,ตัวเลือก ก,ตัวเลือก ข,ตัวเลือก ค,ตัวเลือก ง,เฉลย,ตัวชี้วัด,ชั้น,ระดับพฤติกรรม\n"
ROWS = [
    "M6-001,เลือกตอบ,๗ × ๘ มีค่าเท่าใด,54,56,58,64,ข,ค 1.1 ป.6/2,ป.6,นำไปใช้\n",
    "M6-002,เลือกตอบ,๑๒ ÷ ๔ มีค่าเท่าใด,2,3,4,6,ข,ค 1.1 ป.6/2,ป.6,นำไปใช้\n",
    "T6-001,เลือกตอบ,คำใดสะกดถูก,กระเพรา,กะเพรา,กระเพา,กะเพา,ข,ท 4.1 ป.6/1,ป.6,จำ\n",
]


@pytest.fixture
def run(session, db_url):
    """Invoke `khlang` on the (emptied) test database; returns the click Result."""
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, [*args, "--url", db_url], catch_exceptions=False)

    return invoke


def _csv(tmp_path: Path, rows: list[str], name: str = "items.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def _count(session, model=ItemVersion) -> int:
    """Count rows, then end the read transaction so that the CLI's own writes are not blocked."""
    try:
        return session.exec(select(func.count()).select_from(model)).one()
    finally:
        session.rollback()


_versions = _count


def test_import_then_export_then_import_again_changes_nothing(run, session, tmp_path):
    result = run("bank", "import", str(_csv(tmp_path, ROWS)))
    assert result.exit_code == 0, result.output
    assert "ข้อสอบใหม่ 3" in result.output and _versions(session) == 3
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"export.{fmt}"
        result = run("bank", "export", "--format", fmt, "--out", str(out))
        assert result.exit_code == 0 and "ส่งออกข้อสอบ 3 ข้อ" in result.output
        result = run("bank", "import", str(out))
        assert result.exit_code == 0 and "ไม่เปลี่ยนแปลง 3" in result.output, result.output
    assert _versions(session) == 3


def test_refused_import_prints_every_problem_in_thai_and_exits_1(run, session, tmp_path):
    bad = [
        ROWS[0],
        ROWS[1].replace(",ข,ค 1.1", ",จ,ค 1.1"),
        ROWS[2].replace("ท 4.1 ป.6/1", "ท 9.9 ป.6/1"),
        ROWS[0],
    ]
    result = run("bank", "import", str(_csv(tmp_path, bad)))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any("พบปัญหา 3 รายการ" in line for line in lines)
    assert "items.csv แถว 3 คอลัมน์ เฉลย: เฉลย จ ไม่อยู่ในตัวเลือก (ก ข ค ง)" in lines
    assert "items.csv แถว 4 คอลัมน์ ตัวชี้วัด: ไม่พบตัวชี้วัด ท 9.9 ป.6/1 ในหลักสูตรฉบับ 2551-rev2560" in lines
    assert "items.csv แถว 5 คอลัมน์ รหัสข้อสอบ: รหัสข้อสอบ M6-001 ซ้ำกับแถว 2 ในไฟล์นี้" in lines
    assert _versions(session) == 0


def test_dry_run_writes_nothing(run, session, tmp_path):
    result = run("bank", "import", "--dry-run", str(_csv(tmp_path, ROWS)))
    assert result.exit_code == 0 and "dry run" in result.output and "ข้อสอบใหม่ 3" in result.output
    assert _versions(session) == 0


def test_sanitised_stem_is_reported_as_a_notice(run, session, tmp_path):
    rows = [ROWS[0].replace("๗ × ๘ มีค่าเท่าใด", "<script>alert(1)</script>๗ × ๘ มีค่าเท่าใด")]
    result = run("bank", "import", str(_csv(tmp_path, rows)))
    assert result.exit_code == 0
    assert "หมายเหตุ: items.csv แถว 2 คอลัมน์ โจทย์: มีโค้ด HTML ที่ไม่ปลอดภัย" in result.output


def test_list_and_show(run, tmp_path):
    run("bank", "import", str(_csv(tmp_path, ROWS)))
    result = run("bank", "list", "--area", "ค", "--grade", "ป.6")
    assert result.exit_code == 0 and "พบ 2 รายการ" in result.output
    assert "M6-001" in result.output and "T6-001" not in result.output
    result = run("bank", "show", "T6-001")
    assert result.exit_code == 0
    assert "T6-001 ฉบับที่ 1 · สถานะ draft" in result.output and "เฉลย (key): ข" in result.output
    assert run("bank", "show", "NOPE").exit_code == 1


def _fill_ioc_form(path: Path, ratings: dict[str, object]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["IOC"]
    for row in ws.iter_rows(min_row=6):
        if row[0].value in ratings:
            row[5].value = ratings[row[0].value]
    wb.save(path)


def test_review_with_ioc_forms_from_three_experts(run, session, tmp_path):
    from itembank.accounts import create_user
    from itembank.authz import Actor

    create_user(session, Actor.system(), "ครูสมชาย", "ครูสมชาย", "officer")      # --as names an account
    create_user(session, Actor.system(), "ผู้พิจารณา", "ผู้พิจารณา", "reviewer")
    assert run("bank", "import", "--as", "ครูสมชาย", str(_csv(tmp_path, ROWS[:2]))).exit_code == 0
    for code in ("M6-001", "M6-002"):
        assert run("bank", "review", "submit", code, "--as", "ครูสมชาย", "--role", "officer").exit_code == 0
    for expert, ratings in (
        ("ผู้เชี่ยวชาญ ก", {"M6-001": 1, "M6-002": -1}),
        ("ผู้เชี่ยวชาญ ข", {"M6-001": "+1", "M6-002": 0}),
        ("ผู้เชี่ยวชาญ ค", {"M6-001": 0, "M6-002": "๐"}),
    ):
        form = tmp_path / f"ioc-{expert}.xlsx"
        result = run("bank", "ioc-form", "--out", str(form), "--expert", expert)
        assert result.exit_code == 0 and "แบบประเมิน IOC 2 ข้อ" in result.output
        _fill_ioc_form(form, ratings)
        result = run("bank", "ioc-import", str(form))
        assert result.exit_code == 0, result.output
    assert _count(session, IocRating) == 6
    refused = run("bank", "review", "approve", "M6-001", "--as", "ครูสมชาย")
    assert refused.exit_code == 1 and "ครูสมชาย" in refused.output
    approved = run("bank", "review", "approve", "M6-001", "--as", "ผู้พิจารณา", "--min-ioc", "0.5")
    assert approved.exit_code == 0 and "approved" in approved.output, approved.output
    too_low = run("bank", "review", "approve", "M6-002", "--as", "ผู้พิจารณา", "--min-ioc", "0.5")
    assert too_low.exit_code == 1 and "IOC = -0.33 จากผู้เชี่ยวชาญ 3 คน ต่ำกว่าเกณฑ์ 0.50" in too_low.output
    back = run("bank", "review", "return", "M6-002", "--as", "ผู้พิจารณา", "--reason", "ตัวเลือกกำกวม")
    assert back.exit_code == 0 and "draft" in back.output


def test_bad_ioc_form_is_refused_with_row_and_column_and_stores_nothing(run, session, tmp_path):
    run("bank", "import", str(_csv(tmp_path, ROWS[:2])))
    form = tmp_path / "ioc.xlsx"
    run("bank", "ioc-form", "--out", str(form), "--status", "draft")
    _fill_ioc_form(form, {"M6-001": 1, "M6-002": 2})
    result = run("bank", "ioc-import", str(form))
    assert result.exit_code == 1
    assert "ioc.xlsx แถว 2 คอลัมน์ B: ไม่มีชื่อผู้เชี่ยวชาญในช่อง B2" in result.output
    assert (
        "ioc.xlsx แถว 7 คอลัมน์ ความสอดคล้อง (+1 / 0 / -1): คะแนนความสอดคล้องต้องเป็น +1, 0 หรือ -1 (ได้ '2')"
        in result.output
    )
    assert _count(session, IocRating) == 0


def test_ioc_form_has_a_rating_validation(run, tmp_path):
    run("bank", "import", str(_csv(tmp_path, ROWS)))
    form = tmp_path / "ioc.xlsx"
    run("bank", "ioc-form", "--out", str(form), "--status", "draft", "--expert", "ผู้เชี่ยวชาญ ก")
    ws = openpyxl.load_workbook(form)["IOC"]
    (validation,) = ws.data_validations.dataValidation
    assert (
        validation.type == "list" and validation.formula1 == '"1,0,-1"' and str(validation.sqref) == "F6:F8"
    )
    assert ws["B2"].value == "ผู้เชี่ยวชาญ ก" and ws["A6"].value == "M6-001"


@pytest.mark.parametrize("name", ["แม่แบบ.xlsx", "template.csv"])
def test_blank_template_with_its_example_row_imports(run, session, tmp_path, name):
    out = tmp_path / name
    result = CliRunner().invoke(cli, ["bank", "template", "--out", str(out)])
    assert result.exit_code == 0 and out.exists()
    result = run("bank", "import", str(out))
    assert result.exit_code == 0 and "ข้อสอบใหม่ 1" in result.output, result.output


def test_as_must_name_an_active_account(run, session, tmp_path):
    from itembank.accounts import create_user, set_active
    from itembank.authz import Actor

    result = run("bank", "import", "--as", "ใครก็ได้", str(_csv(tmp_path, ROWS[:1])))
    assert result.exit_code == 1 and "ไม่พบผู้ใช้ ใครก็ได้" in result.output
    create_user(session, Actor.system(), "ครูเก่า", "ครูเก่า", "officer")
    set_active(session, Actor.system(), "ครูเก่า", False)
    result = run("bank", "import", "--as", "ครูเก่า", str(_csv(tmp_path, ROWS[:1])))
    assert result.exit_code == 1 and "ปิดใช้งาน" in result.output
    create_user(session, Actor.system(), "ผู้ตรวจ", "ผู้ตรวจ", "qa")     # an account whose roles may not import
    result = run("bank", "import", "--as", "ผู้ตรวจ", str(_csv(tmp_path, ROWS[:1])))
    assert result.exit_code == 1 and "ไม่มีสิทธิ์" in result.output
