"""The item's statistics history in `khlang bank show` and on the item page (pilot, then administrations)."""

from __future__ import annotations

from click.testing import CliRunner
from forms_bank import make_forms_bank

from itembank.authz import Actor
from itembank.review_tasks import ReviewFlag, open_review_tasks
from itembank.statistics import StatisticInput, record_statistics
from web.cli import cli


def _administration(session, codes):
    record_statistics(session, Actor.system(), "admin:P6-2567", [StatisticInput(
        version_id=codes["F6-003"], n=4000, p=0.41, r_pbis=-0.12, discrimination_index=-0.15, irt_model="2pl",
        a=0.35, b=1.2, scale="district-ป.6",
        extra={"fit": {"infit": 1.31, "outfit": 1.4}, "dif_class": "C", "flags": ["mis_key", "dif_c"]})])
    open_review_tasks(session, Actor.system(), "admin:P6-2567", [ReviewFlag(codes["F6-003"], "mis_key", {"r": -0.15})])


def test_bank_show_lists_every_source_with_p_r_a_b_fit_and_dif(session, db_url):
    codes = make_forms_bank(session)
    _administration(session, codes)
    out = CliRunner().invoke(cli, ["bank", "show", "F6-003", "--url", db_url], catch_exceptions=False).output
    assert "ประวัติค่าสถิติ" in out
    pilot, admin = [line for line in out.splitlines() if line.startswith("  v1 ")]
    assert pilot.startswith("  v1 pilot n=500 p=0.")
    assert "admin:P6-2567 n=4000 p=0.41 r=-0.15 a=0.35 b=1.20 infit=1.31 DIF=C" in admin and "[mis_key, dif_c]" in admin
    assert "ใช้สอบแล้ว 1 ครั้ง ผู้สอบรวม 4,000 คน" in out
    assert "เฉลยอาจผิด (r ติดลบ) (admin:P6-2567) สถานะ open" in out
    assert "statistics history" in CliRunner().invoke(
        cli, ["--lang", "en", "bank", "show", "F6-003", "--url", db_url]).output


def test_item_page_shows_the_statistics_table(client, session):
    codes = make_forms_bank(session)
    _administration(session, codes)
    html = client.get("/bank/items/F6-003").get_data(as_text=True)
    assert "ประวัติค่าสถิติ" in html and 'data-test="statistics"' in html
    assert 'data-test="exposure"' in html and "เฉลยอาจผิด (r ติดลบ)" in html
    assert "admin:P6-2567" in html and "<td>-0.15</td>" in html and "<td>C</td>" in html and "district-ป.6" in html
