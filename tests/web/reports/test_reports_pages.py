"""The reports pages: district, school and item-analysis reports in the page and as PDF, DOCX and XLSX;
a school reads only its own report, beside the district."""

from __future__ import annotations

import subprocess

import pytest


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_district_reads_every_report_in_the_page(client, scored):
    index = client.get("/reports/").get_data(as_text=True)
    assert "สอบปลายปี ป.6" in index and "รายงานผลระดับเขตพื้นที่" in index and "โรงเรียนทดสอบ 2" in index
    district = client.get("/reports/ADM-1/district")
    html = district.get_data(as_text=True)
    assert district.status_code == 200 and "ระดับเขตพื้นที่" in html and "ผลการสอบรายโรงเรียน" in html
    assert "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาทดสอบ" in html and "/chart-0.svg" in html
    chart = client.get("/reports/ADM-1/district/chart-0.svg")
    assert chart.status_code == 200 and b"<svg" in chart.data
    school = client.get("/reports/ADM-1/school?school=1040120002").get_data(as_text=True)
    assert "โรงเรียนทดสอบ 2" in school and "เขตพื้นที่" in school
    items = client.get("/reports/ADM-1/items").get_data(as_text=True)
    assert "รายงานการวิเคราะห์ข้อสอบ" in items and "S6-00" in items
    assert client.get("/reports/ADM-1/nothing").status_code == 404
    assert client.get("/reports/NOPE/district").status_code == 404


@pytest.mark.parametrize("fmt,magic", [("pdf", b"%PDF"), ("docx", b"PK"), ("xlsx", b"PK")])
def test_downloads_in_three_formats(client, scored, fmt, magic, tmp_path):
    got = client.get(f"/reports/ADM-1/district/download/{fmt}")
    assert got.status_code == 200 and got.data.startswith(magic)
    assert "ADM-1_district" in got.headers["Content-Disposition"]
    if fmt == "pdf":
        text = _pdf_text(got.data, tmp_path)
        assert "รายงานผลการสอบ" in text and "เขตพื้นที่" in text


def test_a_school_reads_its_own_report_only(school_client, scored):
    index = school_client.get("/reports/").get_data(as_text=True)
    assert 'data-test="own-school-report"' in index and "โรงเรียนทดสอบ 2" not in index
    own = school_client.get("/reports/ADM-1/school")
    assert own.status_code == 200 and "โรงเรียนทดสอบ 1" in own.get_data(as_text=True)
    assert school_client.get("/reports/ADM-1/school?school=1040120002").status_code == 404
    assert school_client.get("/reports/ADM-1/district").status_code == 403
    assert school_client.get("/reports/ADM-1/items").status_code == 403
    assert school_client.get("/reports/ADM-1/school/download/pdf").data.startswith(b"%PDF")
    assert school_client.get("/reports/ADM-1/district/download/xlsx").status_code == 403


def test_nobody_signed_in_is_sent_to_sign_in(anon, scored):
    assert anon.get("/reports/").status_code == 302
    assert anon.get("/reports/ADM-1/district/download/pdf").status_code == 302
