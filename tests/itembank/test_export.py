"""Export in the item template: export → import is a no-op (CSV and XLSX, SQLite and PostgreSQL); formula
injection neutralised without changing the text; a corrupted export is refused by row and column."""

from __future__ import annotations

import csv
import re
import zipfile
from types import SimpleNamespace

import openpyxl
import pytest
from dbutil import clear_tables
from factories import make_actor, make_item_draft, make_rubric_draft, make_set_draft
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from itembank import service
from itembank.authz import Actor
from itembank.errors import ItemBankError
from itembank.exporting import export_items, item_row, write_csv, write_xlsx
from itembank.importing import check_file, import_items
from itembank.models import EnemyLink, ItemVersion
from itembank.schemas import ItemDraft, OptionDraft, SearchFilters

_STRIP_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _read_csv(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


DANGEROUS = ["=HYPERLINK(\"http://evil\")", "+66 81 234 5678", "-5", "@SUM(A1)", "\tแท็บ", "'อ้างอิง", " =1+1"]


def _bank(session) -> None:
    officer = make_actor("officer", "ครูสมชาย")
    drafts = [make_item_draft(code=f"M6-{i:03d}") for i in range(1, 6)]
    drafts += [
        make_item_draft(code="INJ-1", stem=DANGEROUS[0], options=tuple(
            OptionDraft(label, text) for label, text in zip("กขคง", DANGEROUS[1:5], strict=True)), key=("ค",)),
        make_item_draft(code="INJ-2", stem=DANGEROUS[5], options=(OptionDraft("ก", DANGEROUS[6]), OptionDraft("ข", "x")),
                        key=("ก",)),
        make_item_draft(code="MULTI", key=("ข", "ก"), options=(OptionDraft("ก", "1"), OptionDraft("ข", "2"),
                                                                OptionDraft("ค", "ถูกทุกข้อ", fixed=True))),
        make_item_draft(code="TF", type="true_false", options=(), key=("false",), stem="๑ + ๑ = ๓"),
        make_item_draft(code="SA", type="short_answer", options=(), key=(), accepted_answers=("กรุงเทพฯ", "กรุงเทพมหานคร")),
        make_item_draft(code="NUM", type="numeric", options=(), key=(), accepted_answers=("1,000", "๑๐๐๐")),
        make_item_draft(code="MATCH", type="matching", options=(
            OptionDraft("1", "เห่า"), OptionDraft("2", "เหมียว"), OptionDraft("ก", "แมว"), OptionDraft("ข", "หมา")),
            key=("1-ข", "2-ก"), score_points=2.0),
        make_rubric_draft(code="CR"),
        make_item_draft(code="TAGS", trait_codes=("1.2", "3.1"), competency_codes=("2", "5"),
                        indicator_codes=("ค 1.1 ป.6/2", "ค 1.2 ป.6/1"), estimated_time_s=90,
                        stem="<p><b>ตัวหนา</b> และ 5 &lt; 7</p>", enemy_codes=("M6-001",)),
    ]
    service.upsert_items(session, officer, drafts)


def _snapshot(session) -> list[tuple]:
    return list(session.exec(select(ItemVersion.id, ItemVersion.content_hash, ItemVersion.is_latest)
                             .order_by(ItemVersion.id)))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("headers", ["th", "en"])
def test_export_then_import_is_a_no_op(session, tmp_path, fmt, headers):
    _bank(session)
    before = _snapshot(session)
    n_links = session.exec(select(func.count()).select_from(EnemyLink)).one()
    path = tmp_path / f"bank.{fmt}"
    assert export_items(session, Actor.system(), path, headers=headers) == len(before)
    report = import_items(session, Actor.system(), path)
    assert (report.upsert.n_created, report.upsert.n_new_version, report.upsert.n_unchanged) == (0, 0, len(before))
    assert report.notices == []
    assert _snapshot(session) == before
    assert session.exec(select(func.count()).select_from(EnemyLink)).one() == n_links


def test_export_filters_choose_the_rows(session, tmp_path):
    _bank(session)
    n = export_items(session, Actor.system(), tmp_path / "tf.csv", filters=SearchFilters(type="true_false"))
    rows = _read_csv(tmp_path / "tf.csv")
    assert n == 1 and rows[1][0] == "TF" and rows[1][1] == "ถูกผิด"


def test_csv_export_neutralises_formula_cells_with_one_apostrophe(session, tmp_path):
    _bank(session)
    export_items(session, Actor.system(), tmp_path / "bank.csv", headers="en",
                 filters=SearchFilters(text="HYPERLINK"))
    header, row = _read_csv(tmp_path / "bank.csv")
    cells = dict(zip(header, row, strict=True))
    assert cells["stem"] == "'" + DANGEROUS[0]
    assert [cells[f"option_{i}"] for i in range(1, 5)] == ["'" + d for d in DANGEROUS[1:5]]
    for value in row:
        assert not value.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r"))


def test_xlsx_export_has_no_formula_cells_and_reads_back_the_same_text(session, tmp_path):
    _bank(session)
    export_items(session, Actor.system(), tmp_path / "bank.xlsx", headers="en")
    with zipfile.ZipFile(tmp_path / "bank.xlsx") as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<f " not in sheet
    ws = openpyxl.load_workbook(tmp_path / "bank.xlsx")["ข้อสอบ"]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    stem = rows["INJ-1"][2]
    assert stem.value == DANGEROUS[0] and stem.data_type == "s" and stem.quotePrefix
    assert [c.value for c in rows["INJ-1"][3:7]] == DANGEROUS[1:5]
    assert rows["INJ-2"][2].value == DANGEROUS[5]


def test_corrupted_export_is_refused_with_row_and_column_and_nothing_changes(session, tmp_path):
    _bank(session)
    before = _snapshot(session)
    path = tmp_path / "bank.csv"
    export_items(session, Actor.system(), path, headers="en")
    rows = _read_csv(path)
    header = rows[0]
    by_code = {r[0]: i for i, r in enumerate(rows)}
    rows[by_code["M6-002"]][header.index("key")] = "ฉ"
    rows[by_code["M6-004"]][header.index("indicators")] = "ค 9.9 ป.6/1"
    rows[by_code["M6-005"]][header.index("stem")] = ""
    rows[by_code["MULTI"]][header.index("code")] = "M6-001"
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    with pytest.raises(ItemBankError) as info:
        import_items(session, Actor.system(), path)
    session.rollback()
    texts = [p.text("th") for p in info.value.problems]
    row = {code: i + 1 for code, i in by_code.items()}
    assert texts == [
        f"bank.csv แถว {row['M6-002']} คอลัมน์ key: เฉลย ฉ ไม่อยู่ในตัวเลือก (ก ข ค ง)",
        f"bank.csv แถว {row['M6-004']} คอลัมน์ indicators: ไม่พบตัวชี้วัด ค 9.9 ป.6/1 ในหลักสูตรฉบับ 2551-rev2560",
        f"bank.csv แถว {row['M6-005']} คอลัมน์ stem: โจทย์ว่าง: ทุกข้อต้องมีโจทย์",
        f"bank.csv แถว {row['MULTI']} คอลัมน์ code: รหัสข้อสอบ M6-001 ซ้ำกับแถว {row['M6-001']} ในไฟล์นี้",
    ]
    assert _snapshot(session) == before


def _bank_with_passage(session) -> None:
    drafts = [make_item_draft(code=f"R6-{i}", set_code="SET-001", set_position=i, stem=f"จากบทอ่าน ข้อ {i}")
              for i in (1, 2)]
    service.upsert_items(session, make_actor("officer"), drafts, sets=[make_set_draft("SET-001")])


def test_xlsx_export_carries_its_passages_into_an_empty_bank(session, tmp_path):
    _bank_with_passage(session)
    path = tmp_path / "reading.xlsx"
    export_items(session, Actor.system(), path)
    assert openpyxl.load_workbook(path).sheetnames == ["ข้อสอบ", "ชุดข้อสอบ", "คำอธิบาย"]
    assert import_items(session, Actor.system(), path).upsert.n_unchanged == 2
    session.rollback()  # end the read transaction before emptying the tables
    clear_tables(session.get_bind())
    report = import_items(session, Actor.system(), path)
    assert (report.upsert.n_created, report.upsert.n_sets_created) == (2, 1)
    version = service.get_version(session, "R6-2")
    assert version.set_position == 2 and version.set_id is not None
    again = import_items(session, Actor.system(), path)
    assert (again.upsert.n_unchanged, again.upsert.n_sets_created) == (2, 0)


def test_csv_of_passage_items_needs_the_passage_in_the_bank(session, tmp_path):
    _bank_with_passage(session)
    path = tmp_path / "reading.csv"
    export_items(session, Actor.system(), path)
    session.rollback()  # end the read transaction before emptying the tables
    clear_tables(session.get_bind())
    with pytest.raises(ItemBankError) as info:
        import_items(session, Actor.system(), path)
    session.rollback()
    assert [p.text("th") for p in info.value.problems] == [
        f"reading.csv แถว {row} คอลัมน์ รหัสชุดข้อสอบ: ข้อสอบ R6-{row - 1}: ไม่พบชุดข้อสอบ/บทอ่าน SET-001"
        for row in (2, 3)]


def test_demo_district_bank_exports_and_imports_back_unchanged(session, tmp_path):
    import demo

    drafts = [spec.to_draft().with_changes(status="draft") for spec in demo.demo_items()]
    sets = [spec.to_draft() for spec in demo.demo_item_sets()]
    service.upsert_items(session, make_actor("officer"), drafts, sets=sets)
    before = _snapshot(session)
    assert len(before) == len(drafts) >= 1200
    for fmt in ("xlsx", "csv"):
        path = tmp_path / f"demo.{fmt}"
        export_items(session, Actor.system(), path)
        report = import_items(session, Actor.system(), path)
        assert (report.upsert.n_created, report.upsert.n_new_version) == (0, 0), fmt
        assert report.upsert.n_unchanged == len(drafts)
    assert _snapshot(session) == before


_TEXT = st.text(st.sampled_from(list("กขคงจฉ่้ัาิีเแโ๑๒ abcXYZ019=+-@'\"|;,:<>&\t\n\x0b")), min_size=1, max_size=20)


@st.composite
def _choice_drafts(draw) -> ItemDraft:
    n = draw(st.integers(2, 6))
    options = tuple(OptionDraft("กขคงจฉ"[i], draw(_TEXT.filter(str.strip)), draw(st.booleans())) for i in range(n))
    key = tuple(draw(st.lists(st.sampled_from([o.label for o in options]), min_size=1, max_size=n, unique=True)))
    return make_item_draft(code=draw(st.from_regex(r"[A-Z]{1,3}-[0-9]{1,4}", fullmatch=True)),
                           stem=draw(_TEXT.filter(str.strip)), options=options, key=key,
                           score_points=draw(st.sampled_from([1.0, 2.0, 0.5])),
                           estimated_time_s=draw(st.one_of(st.none(), st.integers(1, 3600))))


@given(st.lists(_choice_drafts(), min_size=1, max_size=4, unique_by=lambda d: d.code), st.sampled_from(["csv", "xlsx"]))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_template_round_trip_keeps_content_without_a_database(tmp_path, drafts, fmt):
    """Any stored content (already canonical) written by the exporter reads back with the same hash."""
    canon, problems = service.check_drafts(drafts)
    canon = [d for d, p in zip(canon, problems, strict=True) if not p]  # e.g. an option that was only "<x"
    canon = [d.with_changes(stem=_STRIP_CONTROL.sub("", d.stem), options=tuple(
        OptionDraft(o.label, _STRIP_CONTROL.sub("", o.text), o.fixed) for o in d.options)) for d in canon]
    canon = [d for d in canon if d.stem.strip() and all(o.text.strip() for o in d.options)]
    rows = [item_row(SimpleNamespace(item_code=d.code, **{
        **d.content(), "options": [{"label": o.label, "text": o.text, "fixed": o.fixed} for o in d.options],
        "rubric": [], "key": list(d.key)})) for d in canon]
    path = tmp_path / f"rt.{fmt}"
    (write_csv if fmt == "csv" else write_xlsx)(path, rows)
    if not rows:
        return
    back, back_problems = service.check_drafts(check_file(path).drafts)
    assert not any(back_problems)
    assert [d.content_hash() for d in back] == [d.content_hash() for d in canon]
