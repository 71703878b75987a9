"""The bank browser: list with filters, item view with a faithful preview, Thai first, errors in Thai."""

from __future__ import annotations

import re


def test_home_counts_the_bank(client, sample_bank):
    page = client.get("/").get_data(as_text=True)
    assert re.search(r'data-test="n-items">\s*5<', page)
    assert "กลุ่มสาระการเรียนรู้" in page


def test_bank_list_filters_by_area_grade_and_text(client, sample_bank):
    page = client.get("/bank/", query_string={"learning_area": "ค", "grade": "ป.6"}).get_data(as_text=True)
    assert "M6-0001" in page and "M6-0002" in page and "M6-0003" in page
    assert "M3-0001" not in page and "T6-0001" not in page
    assert "พบ 3 ข้อ" in page
    page = client.get("/bank/", query_string={"text": "เศษส่วน"}).get_data(as_text=True)
    assert "M6-0002" in page and "M6-0001" not in page


def test_bank_list_text_filter_treats_wildcards_literally(client, sample_bank):
    page = client.get("/bank/", query_string={"text": "%"}).get_data(as_text=True)
    assert "พบ 0 ข้อ" in page


def test_bank_list_filters_by_indicator_prefix_and_type(client, sample_bank):
    page = client.get("/bank/", query_string={"indicator": "ค 1.1*"}).get_data(as_text=True)
    assert "พบ 4 ข้อ" in page
    page = client.get("/bank/", query_string={"type": "constructed_response"}).get_data(as_text=True)
    assert "M6-0003" in page and "พบ 1 ข้อ" in page


def test_item_view_shows_preview_key_passage_and_sanitised_stem(client, sample_bank):
    page = client.get("/bank/items/M6-0002").get_data(as_text=True)
    assert "<b>เศษส่วน</b>" in page            # allowed markup kept
    assert "onerror" not in page and "alert(1)" not in page
    assert re.search(r'<li class="key">ค\. 3/4', page)
    page = client.get("/bank/items/T6-0001").get_data(as_text=True)
    assert "ตลาดน้ำ" in page and 'class="passage"' in page
    page = client.get("/bank/items/M6-0003").get_data(as_text=True)
    assert "เกณฑ์การให้คะแนน" in page


def test_item_view_lists_versions_after_an_edit(client, app, sample_bank):
    from factories import make_item_draft

    from itembank import service
    from itembank.authz import Actor
    from web.store_ext import get_store

    with get_store(app).session() as s:
        service.upsert_items(s, Actor.system(), [make_item_draft(code="M6-0001", stem="ผลบวกของ 20 และ 30 เท่ากับเท่าใด")])
    page = client.get("/bank/items/M6-0001").get_data(as_text=True)
    assert "20 และ 30" in page and "ฉบับที่ 2" in page
    old = client.get("/bank/items/M6-0001?v=1").get_data(as_text=True)
    assert "ผลบวกของ 2 และ 3" in old


def test_unknown_item_is_404_in_thai(client, sample_bank):
    response = client.get("/bank/items/NOPE-1")
    assert response.status_code == 404
    assert "ไม่พบ" in response.get_data(as_text=True)


def test_json_errors_have_one_shape(anon):
    client = anon
    response = client.get("/api/nothing-here", headers={"Accept": "application/json"})
    assert response.status_code == 404
    body = response.get_json()
    assert body["ok"] is False and body["status"] == 404 and body["error"]


def test_english_is_the_second_locale(client, sample_bank):
    page = client.get("/bank/?lang=en").get_data(as_text=True)
    assert 'lang="en"' in page
    assert "Item bank" in page
    page = client.get("/bank/").get_data(as_text=True)          # the choice is remembered
    assert "Item bank" in page
    assert 'lang="th"' in client.get("/bank/?lang=th").get_data(as_text=True)


def test_fonts_are_served_locally_and_nothing_else(client, anon):
    with anon.get("/fonts/Sarabun-Regular.ttf") as response:      # the sign-in page needs them too
        assert response.status_code == 200
    with client.get("/fonts/Sarabun-Regular.ttf") as response:
        assert response.status_code == 200 and response.data[:4] == b"\x00\x01\x00\x00"
    assert client.get("/fonts/..%2Fpyproject.toml").status_code == 404
    page = client.get("/").get_data(as_text=True)
    assert "http://" not in page and "https://" not in page     # no CDN


def test_pages_ask_for_sign_in(anon, sample_bank):
    response = anon.get("/bank/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=/bank/")
    assert anon.get("/bank/", headers={"Accept": "application/json"}).status_code == 401


def test_item_view_shows_ioc_ratings_and_times_in_bangkok(client, app, sample_bank):
    from factories import make_actor

    from itembank import service
    from itembank.review import IocRatingInput
    from web.store_ext import get_store

    with get_store(app).session() as s:
        version = service.get_version(s, "M6-0001")
        ratings = [IocRatingInput(f"expert{i}", r) for i, r in enumerate((1, 1, 0))]
        service.record_ioc_ratings(s, make_actor("officer"), version.id, ratings)
        service.submit_for_review(s, make_actor("officer"), version.id)
    page = client.get("/bank/items/M6-0001").get_data(as_text=True)
    assert "0.67" in page and "ผู้เชี่ยวชาญ 3 คน" in page and "expert2: +0" in page
    assert "2569" in page or "2570" in page        # Buddhist-era year in Thai


def test_ioc_form_page_and_xlsx_list_the_items_in_review(client, app, sample_bank):
    import io

    from factories import make_actor
    from openpyxl import load_workbook

    from itembank import service
    from web.store_ext import get_store

    with get_store(app).session() as s:
        service.submit_for_review(s, make_actor("officer"), service.get_version(s, "M6-0002").id)
    page = client.get("/bank/ioc-form").get_data(as_text=True)
    assert "M6-0002" in page and "M6-0001" not in page and "ข้อสอบ 1 ข้อ" in page
    with client.get("/bank/ioc-form.xlsx?expert=ครูสมศรี") as response:
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.data)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "ครูสมศรี" in cells and any("M6-0002" in c for c in cells)
