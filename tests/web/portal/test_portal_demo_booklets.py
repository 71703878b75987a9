"""After `khlang demo seed` a school downloads its own stamped booklet, the answer sheet and the keys of last
year's released administration: the seed renders them with the release job's and the forms' job's own
services (scoring.booklet_release, testgen.documents)."""

from __future__ import annotations

import re
import subprocess

import pytest

pytestmark = pytest.mark.slow


def test_a_school_downloads_its_booklet_after_demo_seed(tmp_path, db_url, session):
    from click.testing import CliRunner
    from signin import sign_in

    from web import create_app
    from web.cli import cli
    from web.store_ext import get_store

    result = CliRunner().invoke(cli, ["--instance", str(tmp_path), "demo", "seed"], env={"DATABASE_URL": db_url})
    assert result.exit_code == 0, result.output
    seconds = re.search(r"พิมพ์แบบทดสอบการสอบ P6-MA-2568: 30 โรงเรียน ชุด A, B, C, D \(([\d.]+) วินาที\)", result.output)
    assert seconds, result.output
    app = create_app({"DATABASE_URL": db_url, "TESTING": True, "SECRET_KEY": "test", "DEMO_MODE": True,
                      "LOGIN_FAILURE_DELAY": 0}, instance_path=str(tmp_path))
    try:
        client = app.test_client()
        sign_in(client, "school.1029020001", app.config["DEMO_PASSWORD"])
        page = client.get("/school/P6-MA-2568").get_data(as_text=True)
        listed = re.findall(r'data-variant="([^"]+)"', page[page.index('id="booklets"'):])
        assert listed[:4] == ["A", "B", "C", "D"]
        response = client.get("/school/P6-MA-2568/booklet/B")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        pdf = tmp_path / "b.pdf"
        pdf.write_bytes(response.data)
        response.close()                                           # the file it streamed from
        text = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "1029020001" in text                                # this school's copy, stamped on its cover
        assert list((tmp_path / "booklets" / "P6-MA-2568" / "B").glob("*.pdf")).__len__() == 30
        sheet = client.get("/school/P6-MA-2568/sheet")              # the form's answer sheet and keys, rendered
        assert sheet.status_code == 200 and sheet.data[:5] == b"%PDF-"  # by the seed as the forms' job renders them
        sheet.close()
        key = client.get("/school/P6-MA-2568/key/B")
        assert key.status_code == 200 and key.mimetype == "application/pdf"
        (tmp_path / "k.pdf").write_bytes(key.data)
        key.close()
        key_text = subprocess.run(["pdftotext", str(tmp_path / "k.pdf"), "-"], capture_output=True, text=True,
                                  check=True).stdout
        assert "เฉลย" in key_text and "ชุด" in key_text
        other = client.get("/school/P6-MA-2569")                   # this year's: not released, nothing to download
        assert other.status_code in (403, 404)
    finally:
        get_store(app).dispose()
