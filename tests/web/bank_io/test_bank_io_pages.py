"""นำเข้า/ส่งออก: the import's dry-run table of row problems in Thai, the confirm step (idempotent), the
upload kept server-side for its owner only, hostile files refused in Thai, the export page and file."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from signin import signed_in_client
from sqlalchemy import func, select

from itembank.models import ItemVersion
from web.store_ext import get_store

HEADER = "รหัสข้อสอบ,ชนิดข้อสอบ,โจทย์,ตัวเลือก ก,ตัวเลือก ข,ตัวเลือก ค,ตัวเลือก ง,เฉลย,ตัวชี้วัด,ชั้น,ระดับพฤติกรรม\n"
ROWS = [
    "M6-101,เลือกตอบ,๗ × ๘ มีค่าเท่าใด,54,56,58,64,ข,ค 1.1 ป.6/2,ป.6,นำไปใช้\n",
    "M6-102,เลือกตอบ,๑๒ ÷ ๔ มีค่าเท่าใด,2,3,4,6,ข,ค 1.1 ป.6/2,ป.6,นำไปใช้\n",
    "T6-101,เลือกตอบ,คำใดสะกดถูก,กระเพรา,กะเพรา,กระเพา,กะเพา,ข,ท 4.1 ป.6/1,ป.6,จำ\n",
]
BROKEN = [ROWS[0], ROWS[1].replace(",ข,ค 1.1", ",จ,ค 1.1"), ROWS[2].replace("ท 4.1 ป.6/1", "ท 9.9 ป.6/1")]


def csv_bytes(rows) -> bytes:
    return (HEADER + "".join(rows)).encode("utf-8")


def csrf(client, path="/bank/import") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def upload(client, data: bytes, name="items.csv"):
    return client.post("/bank/import", data={"csrf_token": csrf(client), "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def flashed(client) -> str:
    with client.session_transaction() as sess:
        return " ".join(str(m) for _, m in sess.pop("_flashes", []))


def n_versions(app) -> int:
    with get_store(app).session() as s:
        return s.scalar(select(func.count()).select_from(ItemVersion))


def test_import_page_has_a_labelled_file_input_and_the_templates(client):
    page = client.get("/bank/import")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<label for="file">' in html and 'id="file"' in html and 'name="csrf_token"' in html
    for fmt in ("xlsx", "csv"):
        r = client.get(f"/bank/import/template.{fmt}")
        assert r.status_code == 200 and r.data
    wb = openpyxl.load_workbook(io.BytesIO(client.get("/bank/import/template.xlsx").data))
    assert "ข้อสอบ" in wb.sheetnames


def test_dry_run_shows_every_row_problem_in_thai_with_row_and_column_and_writes_nothing(app, client):
    r = upload(client, csv_bytes(BROKEN))
    assert r.status_code == 302 and "/bank/import/" in r.headers["Location"]
    page = client.get(r.headers["Location"])
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "พบปัญหา 2 รายการ ยังไม่ได้บันทึกข้อสอบใด ๆ" in html
    rows = re.findall(r'<tr><td class="file">(.*?)</td><td class="where"[^>]*>(\d*)</td><td class="col"[^>]*>(.*?)</td><td class="msg">(.*?)</td></tr>',
                      html)
    assert ("items.csv", "3", "เฉลย", "เฉลย จ ไม่อยู่ในตัวเลือก (ก ข ค ง)") in rows
    assert any(r[1] == "4" and r[2] == "ตัวชี้วัด" and "ท 9.9 ป.6/1" in r[3] for r in rows)
    assert "confirm-import" not in html  # no confirm step for a refused file
    got = client.get(r.headers["Location"] + "/problems.csv")
    assert got.status_code == 200 and "attachment" in got.headers["Content-Disposition"]
    lines = got.data.decode("utf-8-sig").splitlines()
    assert lines[0] == "ไฟล์,แถว,คอลัมน์,ปัญหา" and lines[1] == "items.csv,3,เฉลย,เฉลย จ ไม่อยู่ในตัวเลือก (ก ข ค ง)"
    assert n_versions(app) == 0


def test_the_fixed_file_shows_the_summary_then_commits_and_a_second_commit_changes_nothing(app, client):
    r = upload(client, csv_bytes(ROWS))
    check = client.get(r.headers["Location"])
    html = check.get_data(as_text=True)
    assert check.status_code == 200 and 'data-test="dry-run-ok"' in html
    assert re.search(r'data-test="n-created">3<', html) and "M6-101" in html
    assert n_versions(app) == 0  # the dry run wrote nothing
    commit_url = re.search(r'action="([^"]+/commit)"', html).group(1)
    token = csrf(client)
    done = client.post(commit_url, data={"csrf_token": token})
    assert done.status_code == 302 and done.headers["Location"].endswith("/bank/")
    assert "ข้อสอบใหม่ 3 ข้อ" in flashed(client)
    assert n_versions(app) == 3
    again = client.post(commit_url, data={"csrf_token": token})
    assert again.status_code == 302 and "ไม่เปลี่ยนแปลง 3 ข้อ" in flashed(client)
    assert n_versions(app) == 3
    # after a commit the file is checked anew: nothing of it would change the bank now
    assert re.search(r'data-test="n-unchanged">3<', client.get(r.headers["Location"]).get_data(as_text=True))
    # the same file uploaded once more: its dry run says nothing would change
    html = client.get(upload(client, csv_bytes(ROWS)).headers["Location"]).get_data(as_text=True)
    assert re.search(r'data-test="n-unchanged">3<', html)


def test_a_changed_row_becomes_a_new_version(app, client):
    first = upload(client, csv_bytes(ROWS))
    html = client.get(first.headers["Location"]).get_data(as_text=True)
    client.post(re.search(r'action="([^"]+/commit)"', html).group(1), data={"csrf_token": csrf(client)})
    changed = [ROWS[0].replace("๗ × ๘ มีค่าเท่าใด", "๘ × ๗ มีค่าเท่าใด"), ROWS[1], ROWS[2]]
    html = client.get(upload(client, csv_bytes(changed)).headers["Location"]).get_data(as_text=True)
    assert re.search(r'data-test="n-changed">1<', html) and re.search(r'data-test="n-unchanged">2<', html)


def test_the_staged_file_is_its_uploaders_only_and_the_token_is_no_path(app, client):
    location = upload(client, csv_bytes(ROWS)).headers["Location"]
    other = signed_in_client(app, "officer")
    assert other.get(location).status_code == 404
    assert other.post(location + "/commit", data={"csrf_token": csrf(other)}).status_code == 404
    assert client.get("/bank/import/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert client.get("/bank/import/" + "a" * 30).status_code == 404
    assert n_versions(app) == 0


@pytest.mark.parametrize("name,data,expected", [
    ("items.txt", b"x", "รับเฉพาะไฟล์ .xlsx หรือ .csv"),
    ("items.csv", b"", "ไฟล์ว่างเปล่า"),
])
def test_wrong_kind_of_file_is_refused_in_thai_before_staging(client, name, data, expected):
    r = upload(client, data, name)
    assert r.status_code == 422
    assert expected in r.get_data(as_text=True)


def test_no_file_is_refused_in_thai(client):
    r = client.post("/bank/import", data={"csrf_token": csrf(client)}, content_type="multipart/form-data")
    assert r.status_code == 422 and "ยังไม่ได้เลือกไฟล์" in r.get_data(as_text=True)


def _xlsx(rows, formula_at=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "ข้อสอบ"
    ws.append(HEADER.strip().split(","))
    for r in rows:
        ws.append(r.strip().split(","))
    if formula_at:
        ws[formula_at] = "=1+1"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_hostile_files_are_refused_with_a_thai_reason(app, client):
    bad_zip = client.get(upload(client, b"PK\x03\x04 not really a zip" * 10, "items.xlsx").headers["Location"])
    assert bad_zip.status_code == 422 and "items.xlsx" in bad_zip.get_data(as_text=True)
    disguised = client.get(upload(client, _xlsx(ROWS), "items.csv").headers["Location"])
    assert disguised.status_code == 422
    formula = client.get(upload(client, _xlsx(ROWS, formula_at="C3"), "items.xlsx").headers["Location"])
    html = formula.get_data(as_text=True)
    assert formula.status_code == 422 and "สูตร" in html
    assert re.search(r'<td class="where"[^>]*>3</td>', html)
    assert n_versions(app) == 0


def test_an_xlsx_file_imports_like_the_csv(app, client):
    html = client.get(upload(client, _xlsx(ROWS), "items.xlsx").headers["Location"]).get_data(as_text=True)
    assert re.search(r'data-test="n-created">3<', html)


def _big_app(db_url, tmp_path, backend="immediate"):
    from web import create_app

    return create_app({"DATABASE_URL": db_url, "TESTING": True, "SECRET_KEY": "test", "JOBS_BACKEND": backend,
                       "BANK_IMPORT_SYNC_ROWS": 2, "BANK_IMPORT_SYNC_BYTES": 100},
                      instance_path=str(tmp_path / "instance"))


def test_a_big_file_is_checked_and_imported_by_the_job(db_url, session, tmp_path):
    app = _big_app(db_url, tmp_path)
    try:
        client = signed_in_client(app, "officer")
        html = client.get(upload(client, csv_bytes(ROWS)).headers["Location"]).get_data(as_text=True)
        assert "งานเบื้องหลัง" in html and re.search(r'data-test="n-created">3<', html)
        done = client.post(re.search(r'action="([^"]+/commit)"', html).group(1), data={"csrf_token": csrf(client)})
        assert done.status_code == 302 and "/jobs/" in done.headers["Location"]
        assert n_versions(app) == 3
        job = client.get(done.headers["Location"]).get_data(as_text=True)
        assert "นำเข้าข้อสอบ" in job
    finally:
        get_store(app).dispose()


def test_a_big_broken_file_checked_by_the_job_shows_its_rows(db_url, session, tmp_path):
    app = _big_app(db_url, tmp_path)
    try:
        client = signed_in_client(app, "officer")
        page = client.get(upload(client, csv_bytes(BROKEN)).headers["Location"])
        html = page.get_data(as_text=True)
        assert page.status_code == 422 and "พบปัญหา 2 รายการ" in html
        assert re.search(r'<td class="where"[^>]*>3</td><td class="col"[^>]*>เฉลย</td>', html)
        assert n_versions(app) == 0
    finally:
        get_store(app).dispose()


def test_while_a_big_file_is_checked_the_page_reloads_itself(db_url, session, tmp_path):
    app = _big_app(db_url, tmp_path, backend="sqlite")  # no worker runs: the check stays queued
    try:
        client = signed_in_client(app, "officer")
        location = upload(client, csv_bytes(ROWS)).headers["Location"]
        html = client.get(location).get_data(as_text=True)
        assert 'data-test="checking"' in html and 'http-equiv="refresh"' in html and "/jobs/" in html
        assert client.get(location).get_data(as_text=True).count("/jobs/") >= 1  # the same job, not a second
        commit = client.post(location + "/commit", data={"csrf_token": csrf(client)})
        assert commit.status_code == 302 and commit.headers["Location"].endswith(location)
        assert n_versions(app) == 0
    finally:
        get_store(app).dispose()


@pytest.mark.parametrize("role", ["school", "analyst", "supervisor"])
def test_roles_without_import_are_refused(app, role):
    other = signed_in_client(app, role)
    assert other.get("/bank/import").status_code == 403
    r = other.post("/bank/import", data={"file": (io.BytesIO(csv_bytes(ROWS)), "items.csv")},
                   content_type="multipart/form-data")
    assert r.status_code in (400, 403)  # no CSRF token of a page it cannot open, or refused
    assert n_versions(app) == 0


def test_anonymous_is_sent_to_sign_in(anon):
    assert anon.get("/bank/import").status_code == 302


def test_export_page_counts_and_downloads_the_filtered_bank(app, client, sample_bank):
    page = client.get("/bank/export?learning_area=ค")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "ตรงตามตัวกรอง 4 ข้อ" in html
    xlsx = client.get("/bank/export/items.xlsx?learning_area=ค")
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.data))["ข้อสอบ"]
    codes = sorted(r[0] for r in ws.iter_rows(min_row=2, values_only=True) if r[0])
    assert codes == ["M3-0001", "M6-0001", "M6-0002", "M6-0003"]
    csv = client.get("/bank/export/items.csv?text=" + "ตลาดน้ำ")
    assert csv.status_code == 200 and csv.data.startswith(b"\xef\xbb\xbf") and "T6-0001" in csv.data.decode("utf-8-sig")
    assert client.get("/bank/export/items.pdf").status_code == 404
    # the export imports back unchanged
    html = client.get(upload(client, xlsx.data, "export.xlsx").headers["Location"]).get_data(as_text=True)
    assert re.search(r'data-test="n-unchanged">4<', html), html[:3000]


def test_an_export_is_in_the_audit_log(app, client, sample_bank):
    from itembank.audit import AuditLog

    client.get("/bank/export/items.csv")
    with get_store(app).session() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.object_type == "item_export")).all()
    assert rows and rows[0].detail["format"] == "csv"


def test_school_and_reviewer_cannot_export(app):
    for role in ("school", "reviewer"):
        assert signed_in_client(app, role).get("/bank/export/items.csv").status_code == 403
