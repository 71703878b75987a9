"""The reports API: the results summary (district and schools; a school its own, beside the district) and
report downloads."""

from __future__ import annotations

from web.api import api


def test_documented(app):
    with app.test_request_context():
        spec = api.spec
    assert "/api/v1/reports/administrations/{code}/summary" in spec["paths"]
    assert "ReportSummaryOut" in spec["components"]["schemas"]


def test_the_district_summary_is_paged(client, scored):
    got = client.get("/api/v1/reports/administrations/ADM-1/summary?per_page=1").get_json()
    assert got["district"]["n"] == 80 and got["district"]["scope"] == "district"
    assert got["total"] == 2 and got["n_pages"] == 2 and got["items"][0]["school_code"] == "1040120001"
    assert client.get("/api/v1/reports/administrations/NOPE/summary").status_code == 404


def test_a_school_sees_itself_beside_the_district(school_client, scored):
    got = school_client.get("/api/v1/reports/administrations/ADM-1/summary").get_json()
    assert got["total"] == 1 and got["items"][0]["school_code"] == "1040120001" and got["district"]["n"] == 80
    pdf = school_client.get("/api/v1/reports/administrations/ADM-1/school/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert school_client.get("/api/v1/reports/administrations/ADM-1/school/pdf?school=1040120002").status_code == 404
    assert school_client.get("/api/v1/reports/administrations/ADM-1/district/xlsx").status_code == 403


def test_downloads(client, scored, anon):
    got = client.get("/api/v1/reports/administrations/ADM-1/items/xlsx")
    assert got.status_code == 200 and got.data.startswith(b"PK")
    missing = client.get("/api/v1/reports/administrations/ADM-1/school/pdf")
    assert missing.status_code == 422 and "โรงเรียน" in missing.get_json()["error"]
    assert client.get("/api/v1/reports/administrations/ADM-1/school/docx?school=1040120002").data.startswith(b"PK")
    assert client.get("/api/v1/reports/administrations/ADM-1/other/pdf").status_code == 404
    assert anon.get("/api/v1/reports/administrations/ADM-1/summary").status_code == 401
