"""The item editor takes enemy pairs off (asked first, audited, frozen forms untouched) and says whether an
item's options carry an order: a checkbox that starts from the detector's suggestion, saved on the new
version, shown on the item page, and kept by every variant of a frozen form down to the printed booklet."""

from __future__ import annotations

import pytest
from signin import csrf_token, signed_in_client
from sqlmodel import select

from itembank import service
from itembank.audit import AuditLog
from itembank.authz import Actor
from web.store_ext import get_store

ITEM = {
    "type": "multiple_choice", "learning_area": "ค", "grade": "ป.6", "cognitive_level": "apply",
    "indicator_codes": "ค 1.1 ป.6/2", "score_points": "1", "estimated_time_s": "60", "confirm_duplicate": "1",
}


def _post(client, path: str, **fields):
    return client.post(path, data={"csrf_token": csrf_token(client, path), **fields})


def _new(client, code: str, stem: str, options: tuple[str, ...], key: int, **fields):
    data = {**ITEM, "code": code, "stem": stem, f"key-{key}": "1", "ordered_shown": "0", "ordered_explicit": "0",
            **{f"option-{i}": t for i, t in enumerate(options)}, **fields}
    response = _post(client, "/bank/new", **data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]


def _version(app, code: str):
    with get_store(app).session() as s:
        return service.read_version(s, Actor.system(), code)


def _enemies(app, code: str) -> list[str]:
    with get_store(app).session() as s:
        return service.enemies_of(s, code)


def test_an_enemy_pair_is_removed_from_the_editor_after_a_confirmation(app, client, sample_bank):
    with get_store(app).session() as s:
        draft = service.version_draft(s, Actor.system(), "M6-0001")
        service.edit_item(s, Actor.system(), "M6-0001", draft.with_changes(enemy_codes=("M6-0002", "T6-0001")))
    page = client.get("/bank/edit/M6-0001").get_data(as_text=True)
    assert 'href="/bank/enemy-remove/M6-0001?enemy=M6-0002"' in page and "นำออก…" in page
    ask = client.get("/bank/enemy-remove/M6-0001?enemy=M6-0002")
    text = ask.get_data(as_text=True)
    assert ask.status_code == 200 and "นำ M6-0002 ออกจากข้อสอบคู่ห้ามของ M6-0001?" in text
    assert "ฉบับข้อสอบที่จัดทำแล้ว" in text and 'name="confirm"' in text
    assert _enemies(app, "M6-0001") == ["M6-0002", "T6-0001"]              # asking writes nothing
    unticked = _post(client, "/bank/enemy-remove/M6-0001", enemy="M6-0002")
    assert unticked.status_code == 302 and _enemies(app, "M6-0001") == ["M6-0002", "T6-0001"]
    assert "ต้องทำเครื่องหมายยืนยัน" in client.get(unticked.headers["Location"]).get_data(as_text=True)
    done = _post(client, "/bank/enemy-remove/M6-0001", enemy="M6-0002", confirm="yes")
    assert done.status_code == 302 and done.headers["Location"].endswith("/bank/edit/M6-0001")
    assert "นำ M6-0002 ออกจากข้อสอบคู่ห้ามของ M6-0001 แล้ว" in client.get(done.headers["Location"]).get_data(as_text=True)
    assert _enemies(app, "M6-0001") == ["T6-0001"] and _enemies(app, "M6-0002") == []
    assert _version(app, "M6-0001").number == 1                            # enemies are not content: no version
    with get_store(app).session() as s:
        row = s.exec(select(AuditLog).where(AuditLog.event == "item.enemy_remove")).one()
        assert (row.object_id, row.detail, row.username) == ("M6-0001", {"enemy": "M6-0002"}, client.user.username)
    assert client.get("/bank/enemy-remove/M6-0001?enemy=M6-0002").status_code == 404   # no such pair now
    log = signed_in_client(app, "admin").get("/admin/audit").get_data(as_text=True)
    assert "นำข้อสอบคู่ห้ามออก" in log and "เพิ่มข้อสอบคู่ห้าม" in log and "M6-0002" in log
    # from the item page, back to the item page
    item = client.get("/bank/items/M6-0001").get_data(as_text=True)
    assert 'data-test="enemies"' in item and "enemy=T6-0001&amp;back=item" in item
    back = _post(client, "/bank/enemy-remove/M6-0001", enemy="T6-0001", back="item", confirm="yes")
    assert back.headers["Location"].endswith("/bank/items/M6-0001") and _enemies(app, "M6-0001") == []


def test_only_someone_who_may_edit_items_removes_an_enemy_pair(app, sample_bank):
    with get_store(app).session() as s:
        draft = service.version_draft(s, Actor.system(), "M6-0001")
        service.edit_item(s, Actor.system(), "M6-0001", draft.with_changes(enemy_codes=("M6-0002",)))
    reviewer = signed_in_client(app, "reviewer")
    assert reviewer.get("/bank/enemy-remove/M6-0001?enemy=M6-0002").status_code == 403
    refused = _post(reviewer, "/bank/items/M6-0001", enemy="M6-0002", confirm="yes")
    assert refused.status_code in (403, 405)
    assert reviewer.post("/bank/enemy-remove/M6-0001", data={"enemy": "M6-0002", "confirm": "yes"}).status_code in (400, 403)
    assert _enemies(app, "M6-0001") == ["M6-0002"]
    assert "นำออก…" not in reviewer.get("/bank/items/M6-0001").get_data(as_text=True)


def test_the_ordered_checkbox_follows_the_detector_unless_the_author_ticks_or_clears_it(app, client, sample_bank):
    blank = client.get("/bank/new").get_data(as_text=True)
    assert 'name="options_ordered"' in blank and "ตัวเลือกเรียงลำดับ (ไม่สลับตัวเลือกในชุดข้อสอบ)" in blank
    # untouched: decided from the options when saved
    _new(client, "O6-1", "ปากกาด้ามละ 12 บาท ซื้อ 5 ด้ามจ่ายเท่าใด", ("80 บาท", "70 บาท", "60 บาท", "50 บาท"), 2)
    _new(client, "O6-2", "สัตว์ชนิดใดออกไข่", ("แมว", "หมา", "ไก่", "ไม่มีข้อใดถูก"), 2)
    _new(client, "O6-3", "7 × 8 เท่ากับเท่าใด", ("56", "54", "64", "58"), 0)
    # ticked: an order the program cannot see
    _new(client, "O6-4", "ช่วงวัยใดอายุน้อยที่สุด", ("ทารก", "เด็ก", "วัยรุ่น", "ผู้ใหญ่"), 0, options_ordered="1")
    one = _version(app, "O6-1")
    assert one.options_ordered is True and [o["text"] for o in one.options] == ["50 บาท", "60 บาท", "70 บาท", "80 บาท"]
    assert one.key == ["ข"]                                                  # 60 บาท, its option followed
    assert [_version(app, c).options_ordered for c in ("O6-2", "O6-3", "O6-4")] == [True, False, True]
    shown = client.get("/bank/items/O6-4").get_data(as_text=True)
    assert "ใช่ (ไม่สลับตัวเลือกในชุดข้อสอบ)" in shown
    assert "ไม่ใช่ (สลับตัวเลือกได้)" in client.get("/bank/items/O6-3").get_data(as_text=True)
    edit = client.get("/bank/edit/O6-4").get_data(as_text=True)
    assert 'id="e-ordered" name="options_ordered" value="1" checked' in edit
    assert 'name="ordered_explicit" value="1"' in edit
    # saved again as shown: the same version; cleared: the next version says no
    fields = {**ITEM, "stem": "ช่วงวัยใดอายุน้อยที่สุด", "key-0": "1", "ordered_shown": "1", "ordered_explicit": "1",
              "options_ordered": "1", **{f"option-{i}": t for i, t in enumerate(("ทารก", "เด็ก", "วัยรุ่น", "ผู้ใหญ่"))}}
    assert _post(client, "/bank/edit/O6-4", **fields).status_code == 302 and _version(app, "O6-4").number == 1
    del fields["options_ordered"]
    assert _post(client, "/bank/edit/O6-4", **fields).status_code == 302
    cleared = _version(app, "O6-4")
    assert (cleared.number, cleared.options_ordered) == (2, False)
    # an untouched checkbox on numbers typed in order afterwards: detected afresh
    three = client.get("/bank/edit/O6-3").get_data(as_text=True)
    assert 'name="ordered_shown" value="0"' in three and 'name="ordered_explicit" value="0"' in three
    fields = {**ITEM, "stem": "7 × 8 เท่ากับเท่าใด", "key-1": "1", "ordered_shown": "0", "ordered_explicit": "0",
              **{f"option-{i}": t for i, t in enumerate(("54", "56", "58", "64"))}}
    assert _post(client, "/bank/edit/O6-3", **fields).status_code == 302
    assert _version(app, "O6-3").options_ordered is True
    english = client.get("/bank/edit/O6-3?lang=en").get_data(as_text=True)
    assert "Options in order" in english


@pytest.mark.parametrize("n_variants", [4])
def test_an_item_saved_as_ordered_keeps_its_options_in_every_variant_and_printed_booklet(
        app, client, sample_bank, n_variants, tmp_path):
    from exports.booklet import render_booklet_pdf
    from testgen.booklets import build_answer_key, build_booklet
    from testgen.forms import freeze_items, make_form_variants

    ages = ("ทารก", "เด็ก", "วัยรุ่น", "ผู้ใหญ่")
    _new(client, "O6-4", "ช่วงวัยใดอายุมากที่สุด", ages, 3, options_ordered="1")
    _new(client, "O6-5", "สัตว์ชนิดใดอาศัยในน้ำ", ("แมว", "ปลา", "ไก่", "ม้า"), 1)
    system = Actor.system()
    with get_store(app).session() as s:
        for code in ("O6-4", "O6-5", "M6-0001", "M3-0001"):
            service.get_version(s, code).status = "approved"
        s.commit()
        freeze_items(s, system, "F-ORD", "ฉบับลำดับตัวเลือก", ["M6-0001", "O6-4", "O6-5", "M3-0001"])
        variants = make_form_variants(s, system, "F-ORD", n_variants, 11)
        moved = 0
        for var in variants:
            booklet = build_booklet(s, system, "F-ORD", var.label)
            items = {i.item_id: i for i in booklet.items}
            assert items["O6-4"].options == ages and items["O6-4"].key == 4, var.label
            moved += items["O6-5"].options != ("แมว", "ปลา", "ไก่", "ม้า")
            keys = {e.item_id: e.key for e in build_answer_key(s, system, "F-ORD", var.label).entries}
            assert keys["O6-4"] == 4
        assert moved > 0                                           # the other items' options do shuffle
        last = build_booklet(s, system, "F-ORD", variants[-1].label)
    pdf = tmp_path / "booklet.pdf"
    render_booklet_pdf(last, pdf)
    import subprocess
    import unicodedata

    text = unicodedata.normalize("NFKC", subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"],
                                                         check=True, capture_output=True, text=True).stdout)
    at = [text.find(w, text.find("อายุมากที่สุด")) for w in ages]
    assert -1 not in at and at == sorted(at), (at, text[:3000])


@pytest.mark.browser
def test_removing_an_enemy_and_ticking_the_order_in_a_browser(chromium, app, live_server, sample_bank):
    from screens import shoot
    from signin import PASSWORD, make_account

    with get_store(app).session() as s:
        draft = service.version_draft(s, Actor.system(), "T6-0001")
        service.edit_item(s, Actor.system(), "T6-0001", draft.with_changes(enemy_codes=("M6-0002",)))
    user = make_account(app, "officer")
    page = chromium.new_page()
    try:
        page.goto(f"{live_server}/bank/edit/T6-0001")
        page.fill("#username", user.username)
        page.fill("#password", PASSWORD)
        page.click("#sign-in")
        page.wait_for_url(f"{live_server}/bank/edit/T6-0001")
        assert page.is_visible("#e-ordered") and not page.is_checked("#e-ordered")
        page.click("#remove-enemy-0")
        page.wait_for_url("**/bank/enemy-remove/T6-0001?enemy=M6-0002")
        shoot(page, "officer-bank-enemy-remove")
        page.check("#enemy-confirm")
        page.click("#confirm-enemy-remove")
        page.wait_for_url(f"{live_server}/bank/edit/T6-0001")
        assert _enemies(app, "T6-0001") == []
        page.select_option("#e-type", "true_false")
        assert not page.is_visible("#e-ordered")                # only choice items have the box
        page.select_option("#e-type", "multiple_choice")
        page.check("#e-ordered")
        page.click("#save-item")
        page.wait_for_url("**/bank/items/T6-0001*")
        assert page.text_content("[data-test=options-ordered]").startswith("ใช่")
        assert _version(app, "T6-0001").options_ordered is True
    finally:
        page.close()
