"""Calibration, linking and DIF as jobs an analyst starts one by one from the analysis page: progress on the
job's page, then a result page with the parameters and their SEs, the linking constants with their SEs and
the common items, or the DIF table with ETS classes (scoring.analysis_steps)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from signin import signed_in_client


def _token(client, url: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def _start(client, step: str, **form) -> str:
    """Post a step's form; follow the job page to its result link; the job id."""
    token = _token(client, "/analysis/ADM-1/steps")
    started = client.post(f"/analysis/ADM-1/steps/{step}", data={"csrf_token": token, **form})
    assert started.status_code == 302 and "/jobs/" in started.headers["Location"], started.get_data(as_text=True)[:300]
    job_id = started.headers["Location"].rsplit("/", 1)[1]
    job = client.get(started.headers["Location"]).get_data(as_text=True)
    assert 'data-test="job-status">เสร็จแล้ว' in job or 'data-test="job-status">ไม่ผ่าน' in job
    return job_id


def _cells(html: str, table: str) -> list[list[str]]:
    body = html[html.index(f'id="{table}"'):]
    body = body[:body.index("</table>")]
    rows = re.findall(r"<tr data-code[^>]*>(.*?)</tr>", body, re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in rows]


def test_an_analyst_calibrates_from_the_page_and_reads_parameters_with_ses(app, analyst, world):
    from itembank.authz import Actor
    from scoring.calibration import calibrate_matrix
    from scoring.responses import load_scored_matrix
    from web.store_ext import get_store

    stats = analyst.get("/analysis/ADM-1/").get_data(as_text=True)
    assert 'data-test="analysis-steps"' in stats and "/analysis/ADM-1/steps" in stats
    steps = analyst.get("/analysis/ADM-1/steps").get_data(as_text=True)
    for form in ("step-calibrate", "step-link", "step-dif"):
        assert f'id="{form}"' in steps
    job_id = _start(analyst, "calibrate", model="2pl", save="1")
    job = analyst.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert f"/analysis/results/{job_id}" in job                       # the job page links to its result
    html = analyst.get(f"/analysis/results/{job_id}").get_data(as_text=True)
    rows = _cells(html, "parameters")
    assert len(rows) == 7                                             # 8 items, one of them a rubric (not 0/1)
    assert "S6-07" in html and 'data-test="parameter-set">district-ป.6@v1' in html
    with get_store(app).read_session() as s:                          # the same numbers as the engine itself
        m = load_scored_matrix(s, Actor.system(), "ADM-1")
    cols = [j for j, code in enumerate(m.item_codes) if code in {r[1] for r in rows}]
    direct = calibrate_matrix(m.scores[:, cols], "2pl", item_ids=[m.item_codes[j] for j in cols], n_quadrature=41)
    shown_a = np.array([float(r[2]) for r in rows])
    shown_se_b = np.array([float(r[5]) for r in rows])
    np.testing.assert_allclose(shown_a, direct.params.a, atol=6e-3)
    np.testing.assert_allclose(shown_se_b, direct.standard_errors.b, atol=6e-3)
    tif = analyst.get(f"/analysis/results/{job_id}/tif.svg")
    assert tif.status_code == 200 and b"<svg" in tif.data
    assert "district-ป.6 · v1" in analyst.get("/analysis/parameter-sets").get_data(as_text=True)
    listed = analyst.get("/analysis/ADM-1/steps").get_data(as_text=True)
    assert f"/analysis/results/{job_id}" in listed                    # earlier results, newest first


def test_linking_onto_the_bank_gives_constants_with_ses_and_the_common_items(app, analyst, analysed):
    job_id = _start(analyst, "link", method="stocking_lord", drift_limit="0.5")
    html = analyst.get(f"/analysis/results/{job_id}").get_data(as_text=True)
    a = float(re.search(r'data-test="A">([-\d.]+)<', html).group(1))
    b = float(re.search(r'data-test="B">([-\d.]+)<', html).group(1))
    se = [float(x) for x in re.findall(r"</div>[AB] · SE ([\d.]+)", html)]
    # the analysis held the scale by fixed anchors from this same group: the free run lands near A = 1, B = 0
    assert 0.6 < a < 1.6 and abs(b) < 0.6 and len(se) == 2 and all(0 < v < 1 for v in se)
    rows = _cells(html, "common-items")
    assert len(rows) >= 2
    for r in rows:   # b after the link = A b_new + B (3 decimals shown)
        assert float(r[4]) == pytest.approx(a * float(r[3]) + b, abs=0.01)
    english = analyst.get(f"/analysis/results/{job_id}?lang=en").get_data(as_text=True)
    assert "Common items" in english and "ข้อร่วม" not in english


def test_dif_by_sex_shows_ets_classes_and_a_one_group_comparison_is_refused_in_thai(app, analyst, world):
    job_id = _start(analyst, "dif", comparison="sex", purify="1")
    html = analyst.get(f"/analysis/results/{job_id}").get_data(as_text=True)
    rows = _cells(html, "dif-table")
    assert len(rows) == 7 and all(r[-1] in ("A", "B+", "B-", "C+", "C-") for r in rows)
    counts = [int(x) for x in re.findall(r'data-test="ets-[ABC]">(\d+)<', html)]
    assert sum(counts) == 7
    size = _start(analyst, "dif", comparison="school_size")
    job = analyst.get(f"/jobs/{size}").get_data(as_text=True)
    if "ไม่ผ่าน" in job:                                              # both schools the same size: nothing to compare
        assert "ต้องมีทั้งสองกลุ่ม" in job
        assert analyst.get(f"/analysis/results/{size}").status_code == 302


def test_bad_choices_are_refused_on_the_page_and_others_cannot_start_or_read(app, analyst, world, client):
    token = _token(analyst, "/analysis/ADM-1/steps")
    bad = analyst.post("/analysis/ADM-1/steps/calibrate", data={"csrf_token": token, "model": "9pl"},
                       follow_redirects=True).get_data(as_text=True)
    assert "โมเดล: เลือกจากรายการ" in bad
    bad = analyst.post("/analysis/ADM-1/steps/link", data={"csrf_token": token, "method": "x", "drift_limit": "9"},
                       follow_redirects=True).get_data(as_text=True)
    assert "วิธีเชื่อมโยง: เลือกจากรายการ" in bad and "เกณฑ์ค่า b เปลี่ยน" in bad
    assert analyst.get("/analysis/NOPE/steps").status_code == 404
    job_id = _start(analyst, "dif", comparison="sex")
    officer_token = _token(client, "/analysis/")
    assert client.post("/analysis/ADM-1/steps/dif", data={"csrf_token": officer_token}).status_code == 403
    assert client.get("/analysis/ADM-1/steps").status_code == 403
    other = signed_in_client(app, "analyst", username="analyst.other")
    assert other.get(f"/analysis/results/{job_id}").status_code == 404    # another person's job
    assert analyst.get("/analysis/results/no-such-job").status_code == 404
