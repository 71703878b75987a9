"""The bank's pages for browsing, editing and review: page numbers and sorting, the item's statistics
plots and forms, create and edit (a new version; frozen forms never change), passages with versions,
hostile uploads refused in Thai, near-duplicate warnings, the review queue with IOC entry."""

from __future__ import annotations

import io
import re

import pytest
from factories import make_item_draft
from signin import csrf_token, signed_in_client

from itembank import service
from itembank.authz import Actor
from itembank.errors import ItemBankError
from web.store_ext import get_store


def _form(client, path: str, **fields) -> dict:
    data = {"csrf_token": csrf_token(client, path)}
    data.update(fields)
    return data


ITEM_FIELDS = {
    "type": "multiple_choice", "learning_area": "ค", "grade": "ป.6", "cognitive_level": "apply",
    "indicator_codes": "ค 1.1 ป.6/2", "stem": "รถยนต์คันหนึ่งวิ่งได้ 60 กิโลเมตรต่อชั่วโมง 3 ชั่วโมงวิ่งได้กี่กิโลเมตร",
    "option-0": "120", "option-1": "180", "option-2": "200", "option-3": "240", "key-1": "1",
    "score_points": "1", "estimated_time_s": "90",
}


def _approve(s, *codes):
    """Approved (forms take approved versions only); set directly: the review flow is tested below."""
    for code in codes:
        service.get_version(s, code).status = "approved"
    s.commit()


def _versions(app, code):
    with get_store(app).session() as s:
        return [(v.number, v.stem, v.set_id) for v in service.versions_of(s, code)]


def test_list_has_page_numbers_and_sorts_keeping_the_filters(app, client, sample_bank):
    app.config["BANK_PAGE_SIZE"] = 1
    page = client.get("/bank/", query_string={"learning_area": "ค", "sort": "newest"}).get_data(as_text=True)
    assert 'aria-current="page">1<' in page
    links = re.findall(r'href="(/bank/\?[^"]*page=3[^"]*)"', page)
    assert links and "learning_area=" in links[0] and "sort=newest" in links[0]
    page3 = client.get(links[0].replace("&amp;", "&")).get_data(as_text=True)
    assert "หน้า 3 จาก 4" in page3
    assert 'value="newest" selected' in page3
    # sorted by code: M3 first; newest: the item imported last is first
    app.config["BANK_PAGE_SIZE"] = 25
    by_code = client.get("/bank/").get_data(as_text=True)
    assert by_code.index("M3-0001") < by_code.index("T6-0001")
    for sort in ("p", "r", "last_used", "newest"):
        response = client.get("/bank/", query_string={"sort": sort})
        assert response.status_code == 200 and "พบ 5 ข้อ" in response.get_data(as_text=True)


def test_list_sorts_by_p_from_the_statistics(app, client, sample_bank):
    from itembank.statistics import StatisticInput, record_statistics

    with get_store(app).session() as s:
        v1, v2 = service.get_version(s, "M6-0001").id, service.get_version(s, "M6-0002").id
        record_statistics(s, Actor.system(), "admin:P6-2568", [StatisticInput(v1, 300, p=0.41, discrimination_index=0.3),
                                                              StatisticInput(v2, 300, p=0.83, discrimination_index=0.5)])
    page = client.get("/bank/", query_string={"sort": "p"}).get_data(as_text=True)
    assert page.index("M6-0002") < page.index("M6-0001") < page.index("M3-0001")
    assert "0.83" in page and "0.41" in page


def test_item_page_plots_icc_and_options_and_lists_forms(app, client, sample_bank):
    from itembank.statistics import StatisticInput, record_statistics
    from testgen.forms import freeze_items

    with get_store(app).session() as s:
        vid = service.get_version(s, "M6-0001").id
        record_statistics(s, Actor.system(), "admin:P6-2568", [StatisticInput(
            vid, 400, p=0.62, discrimination_index=0.41, irt_model="2pl", a=1.1, b=-0.3, scale="P6",
            extra={"distractors": {"ก": {"key": False, "upper": 5, "lower": 30}, "ข": {"key": True, "upper": 90, "lower": 40},
                                   "ค": {"key": False, "upper": 3, "lower": 20}, "ง": {"key": False, "upper": 2, "lower": 10}}})])
        _approve(s, "M6-0001", "M6-0002")
        freeze_items(s, Actor.system(), "P6-MA-2568-1", "คณิตศาสตร์ ป.6", ["M6-0001", "M6-0002"])
    page = client.get("/bank/items/M6-0001").get_data(as_text=True)
    assert 'data-test="icc"' in page and 'data-test="options-plot"' in page
    assert "P6-MA-2568-1" in page
    for kind in ("icc", "options"):
        src = re.search(rf'src="(/bank/plots/{kind}/M6-0001\.svg[^"]*)"', page).group(1).replace("&amp;", "&")
        svg = client.get(src)
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    assert client.get("/bank/plots/icc/M6-0002.svg").status_code == 404   # no parameters yet


def test_new_item_form_has_the_curriculum_picker_and_creates_version_1(app, client, sample_bank):
    page = client.get("/bank/new", query_string={"learning_area": "ค", "grade": "ป.6"}).get_data(as_text=True)
    assert 'id="e-indicators"' in page and 'value="ค 1.1 ป.6/2"' in page and "<optgroup" in page
    assert 'for="e-stem"' in page
    response = client.post("/bank/new", data=_form(client, "/bank/new", code="M6-0100", **ITEM_FIELDS))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert _versions(app, "M6-0100")[0][0] == 1
    item = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "สร้างข้อสอบ M6-0100 ฉบับที่ 1" in item


def test_picker_refresh_shows_the_new_areas_indicators_and_saves_nothing(app, client, sample_bank):
    fields = {**ITEM_FIELDS, "learning_area": "ว", "refresh": "1"}
    page = client.post("/bank/new", data=_form(client, "/bank/new", code="S6-0001", **fields)).get_data(as_text=True)
    assert re.search(r'value="ว \d\.\d ป\.\d/\d"', page)
    with get_store(app).session() as s:
        with pytest.raises(ItemBankError):
            service.get_item(s, "S6-0001")


def test_edit_makes_a_new_version_and_a_frozen_form_is_unchanged(app, client, sample_bank):
    from testgen.forms import form_versions, freeze_items, get_form

    with get_store(app).session() as s:
        _approve(s, "M6-0001")
        freeze_items(s, Actor.system(), "F-1", "ฉบับทดลอง", ["M6-0001"])
    page = client.get("/bank/edit/M6-0001").get_data(as_text=True)
    assert "ผลบวกของ 2 และ 3" in page and "ฉบับที่ 2" in page
    assert 'data-test="forms-affected"' in page and "F-1" in page
    fields = {**ITEM_FIELDS, "stem": "ผลบวกของ 12 และ 3 เท่ากับเท่าใด", "option-1": "15"}
    response = client.post("/bank/edit/M6-0001", data=_form(client, "/bank/edit/M6-0001", **fields))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert [n for n, *_ in _versions(app, "M6-0001")] == [1, 2]
    with get_store(app).session() as s:
        ((_, v, _),) = form_versions(s, get_form(s, Actor.system(), "F-1"))
        assert v.number == 1 and "2 และ 3" in v.stem
    # the same content again creates nothing
    response = client.post("/bank/edit/M6-0001", data=_form(client, "/bank/edit/M6-0001", **fields))
    assert response.status_code == 302 and len(_versions(app, "M6-0001")) == 2


def test_another_role_is_refused_and_csrf_is_required(app, client, sample_bank):
    reviewer = signed_in_client(app, "reviewer")
    assert reviewer.get("/bank/new").status_code == 403
    assert reviewer.get("/bank/edit/M6-0001").status_code == 403
    token = csrf_token(reviewer, "/bank/")
    assert reviewer.post("/bank/edit/M6-0001", data={"csrf_token": token, **ITEM_FIELDS}).status_code == 403
    school = signed_in_client(app, "school")
    assert school.get("/bank/review").status_code == 403
    analyst = signed_in_client(app, "analyst")
    assert analyst.post("/bank/review/ioc", data={"csrf_token": csrf_token(analyst, "/bank/"),
                                                   "rating-1": "1"}).status_code == 403
    # no CSRF token: refused, nothing written
    response = client.post("/bank/edit/M6-0001", data={**ITEM_FIELDS, "stem": "ไม่มีโทเค็น"})
    assert response.status_code == 400
    assert len(_versions(app, "M6-0001")) == 1


@pytest.mark.parametrize("data, name", [
    (b"%PDF-1.7 not a picture", "exam.png"),
    (b"<html><script>alert(1)</script></html>", "cat.svg"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><!ENTITY x SYSTEM 'file:///etc/passwd'></svg>", "bomb.svg"),
])
def test_hostile_uploads_are_refused_in_thai_and_nothing_is_written(app, client, sample_bank, data, name):
    fields = {**ITEM_FIELDS, "code": "M6-0200", "picture": (io.BytesIO(data), name)}
    response = client.post("/bank/new", data=_form(client, "/bank/new", **fields), content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"ไฟล์ภาพ {name}" in page
    with get_store(app).session() as s:
        with pytest.raises(ItemBankError):
            service.get_item(s, "M6-0200")


def test_a_good_picture_is_stored_and_shown(app, client, sample_bank):
    svg = b"<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><rect width='10' height='10'/></svg>"
    fields = {**ITEM_FIELDS, "code": "M6-0201", "picture": (io.BytesIO(svg), "square.svg")}
    response = client.post("/bank/new", data=_form(client, "/bank/new", **fields), content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = client.get("/bank/items/M6-0201").get_data(as_text=True)
    src = re.search(r'<img class="item-media" src="([^"]+)"', page).group(1)
    picture = client.get(src)
    assert picture.status_code == 200 and picture.mimetype == "image/svg+xml"


def test_a_near_duplicate_is_shown_before_saving(app, client, sample_bank):
    fields = {**ITEM_FIELDS, "code": "M6-0300", "stem": "ผลบวกของ 2 และ 3 เท่ากับเท่าใด ?"}
    page = client.post("/bank/new", data=_form(client, "/bank/new", **fields)).get_data(as_text=True)
    assert 'data-test="duplicates"' in page and "M6-0001" in page
    with get_store(app).session() as s:
        with pytest.raises(ItemBankError):
            service.get_item(s, "M6-0300")
    response = client.post("/bank/new", data=_form(client, "/bank/new", confirm_duplicate="1", **fields))
    assert response.status_code == 302
    assert _versions(app, "M6-0300")[0][0] == 1


def test_bad_fields_are_named_in_thai(app, client, sample_bank):
    fields = {**ITEM_FIELDS, "code": "M6-0400", "score_points": "สิบ", "key-1": ""}
    response = client.post("/bank/new", data=_form(client, "/bank/new", **fields))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "คะแนนเต็ม" in page and "ไม่ใช่ตัวเลข" in page
    response = client.post("/bank/new", data=_form(client, "/bank/new", **ITEM_FIELDS, code="M6-0001"))
    assert response.status_code in (409, 422) and "M6-0001" in response.get_data(as_text=True)


def test_editing_a_passage_makes_versions_and_keeps_frozen_forms(app, client, sample_bank):
    from testgen.forms import form_versions, freeze_items, get_form

    with get_store(app).session() as s:
        _approve(s, "T6-0001")
        freeze_items(s, Actor.system(), "F-T", "ภาษาไทย", ["T6-0001"])
    page = client.get("/bank/passages/SET-001").get_data(as_text=True)
    assert "ตลาดน้ำ" in page and "T6-0001" in page
    response = client.post("/bank/passages/SET-001", data=_form(
        client, "/bank/passages/SET-001", title="บทอ่านเรื่อง ตลาดน้ำ (ปรับปรุง)",
        stimulus="<p>ตลาดน้ำดำเนินสะดวกมีเรือขายผลไม้</p><script>x()</script>"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert response.headers["Location"].endswith("/bank/passages/SET-001~2")
    versions = _versions(app, "T6-0001")
    assert [n for n, *_ in versions] == [1, 2] and versions[0][2] != versions[1][2]
    item = client.get("/bank/items/T6-0001").get_data(as_text=True)
    assert "ดำเนินสะดวก" in item and "<script>x()" not in item
    old = client.get("/bank/items/T6-0001?v=1").get_data(as_text=True)
    assert "ดำเนินสะดวก" not in old and "ตลาดน้ำเป็นตลาด" in old
    with get_store(app).session() as s:
        ((_, v, _),) = form_versions(s, get_form(s, Actor.system(), "F-T"))
        assert v.number == 1
    listing = client.get("/bank/passages/SET-001~2").get_data(as_text=True)
    assert "ฉบับที่</strong> 2" not in listing and "ฉบับที่ 2" in listing
    # empty title: refused in Thai
    response = client.post("/bank/passages/SET-001", data=_form(client, "/bank/passages/SET-001",
                                                                title="", stimulus="<p>x</p>"))
    assert response.status_code == 422 and "ต้องระบุชื่อบทอ่าน" in response.get_data(as_text=True)


def test_review_queue_ioc_entry_approve_and_return(app, client, sample_bank):
    with get_store(app).session() as s:
        for code in ("M6-0001", "M6-0002"):
            service.review_item(s, Actor.system(), code, "submit")
    page = client.get("/bank/review").get_data(as_text=True)
    assert "รอพิจารณา 2 ข้อ" in page and "/bank/ioc-form" in page
    assert 'id="save-ioc"' not in page      # an officer does not rate
    experts = [signed_in_client(app, "reviewer") for _ in range(3)]
    with get_store(app).session() as s:
        v1, v2 = service.get_version(s, "M6-0001").id, service.get_version(s, "M6-0002").id
    for e in experts:
        page = e.get("/bank/review").get_data(as_text=True)
        assert f'name="rating-{v1}"' in page
        response = e.post("/bank/review/ioc", data={"csrf_token": csrf_token(e, "/bank/review"),
                                                    f"rating-{v1}": "1", f"rating-{v2}": "-1",
                                                    f"comment-{v2}": "ไม่ตรงตัวชี้วัด"})
        assert response.status_code == 302
    with get_store(app).session() as s:
        assert service.ioc_summary(s, v1).n_experts == 3 and service.ioc_summary(s, v1).ioc == 1
        assert service.ioc_summary(s, v2).ioc == -1
    page = experts[0].get("/bank/review").get_data(as_text=True)
    assert f'id="r-{v1}-1" name="rating-{v1}" value="1" checked' in page
    # approve with IOC 1.00; approving M6-0002 (IOC −1) is refused in Thai
    e = experts[0]
    token = csrf_token(e, "/bank/review")
    assert e.post("/bank/review/decide", data={"csrf_token": token, "code": "M6-0001", "number": 1,
                                               "step": "approve"}).status_code == 302
    response = e.post("/bank/review/decide", data={"csrf_token": token, "code": "M6-0002", "number": 1,
                                                   "step": "approve"}, follow_redirects=True)
    assert "IOC" in response.get_data(as_text=True) and 'data-test="flash-error"' in response.get_data(as_text=True)
    # the officer returns it with a comment
    response = client.post("/bank/review/decide", data={"csrf_token": csrf_token(client, "/bank/review"),
                                                        "code": "M6-0002", "number": 1, "step": "return",
                                                        "comment": "ปรับตัวเลือกให้ตรงตัวชี้วัด"})
    assert response.status_code == 302
    with get_store(app).session() as s:
        assert service.get_version(s, "M6-0001").status == "approved"
        assert service.get_version(s, "M6-0002").status == "draft"
    assert "ไม่มีข้อสอบที่รอพิจารณา" in client.get("/bank/review").get_data(as_text=True)


def test_a_bad_rating_is_refused_in_thai_and_nothing_is_stored(app, client, sample_bank):
    with get_store(app).session() as s:
        service.review_item(s, Actor.system(), "M6-0001", "submit")
        vid = service.get_version(s, "M6-0001").id
    e = signed_in_client(app, "reviewer")
    response = e.post("/bank/review/ioc", data={"csrf_token": csrf_token(e, "/bank/review"), f"rating-{vid}": "2"},
                      follow_redirects=True)
    assert 'data-test="flash-error"' in response.get_data(as_text=True)
    with get_store(app).session() as s:
        assert service.ioc_summary(s, vid).n_experts == 0


def test_officer_submits_a_draft_for_review(app, client, sample_bank):
    page = client.get("/bank/items/M6-0001").get_data(as_text=True)
    assert 'id="submit-review"' in page
    response = client.post("/bank/submit/M6-0001", data={"csrf_token": csrf_token(client, "/bank/items/M6-0001")})
    assert response.status_code == 302
    with get_store(app).session() as s:
        assert service.get_version(s, "M6-0001").status == "in_review"


def test_upsert_of_an_unchanged_draft_writes_nothing_after_a_page_edit(app, sample_bank):
    """The draft the edit form starts from hashes to the stored content (no phantom versions)."""
    with get_store(app).session() as s:
        draft = service.version_draft(s, Actor.system(), "T6-0001")
        report = service.upsert_items(s, Actor.system(), [draft])
    assert report.n_unchanged == 1 and make_item_draft  # factories imported for other tests' items


def test_an_import_with_a_changed_passage_makes_its_next_version(app, client, sample_bank):
    """A passage changed by an import does not change the stored one (frozen forms keep it); the same
    file again changes nothing."""
    from factories import make_set_draft

    drafts = [make_item_draft(code="T6-0001", learning_area="ท", indicator_codes=("ท 1.1 ป.6/3",),
                              stem="จากเรื่อง ตลาดน้ำ ผู้คนมาค้าขายด้วยวิธีใด",
                              options=sample_bank[4].options, key=("ข",), set_code="SET-001", set_position=1)]
    changed = make_set_draft("SET-001", stimulus="<p>ตลาดน้ำอัมพวาเปิดตอนเย็น</p>")
    with get_store(app).session() as s:
        report = service.upsert_items(s, Actor.system(), drafts, sets=[changed])
        assert report.n_new_version == 1 and report.n_sets_created == 1
        again = service.upsert_items(s, Actor.system(), drafts, sets=[changed])
        assert again.n_unchanged == 1 and again.n_sets_created == 0
        rows = service.set_versions(s, "SET-001")
        assert [r.code for r in rows] == ["SET-001", "SET-001~2"]
        assert "พายเรือ" in rows[0].stimulus and "อัมพวา" in rows[1].stimulus
    assert "อัมพวา" not in client.get("/bank/items/T6-0001?v=1").get_data(as_text=True)
    assert "อัมพวา" in client.get("/bank/items/T6-0001").get_data(as_text=True)


def test_a_new_passage_and_an_item_that_joins_it(app, client, sample_bank):
    svg = b"<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'><circle r='2'/></svg>"
    response = client.post("/bank/passage-new", content_type="multipart/form-data", data=_form(
        client, "/bank/passage-new", code="TH6-P-001", title="นิทานเรื่อง กระต่ายกับเต่า",
        stimulus="<p>กระต่ายวิ่งเร็วแต่ประมาท</p>", picture=(io.BytesIO(svg), "turtle.svg")))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = client.get("/bank/passages/TH6-P-001").get_data(as_text=True)
    assert 'name="media"' in page and "กระต่ายวิ่งเร็ว" in page
    again = client.post("/bank/passage-new", data=_form(client, "/bank/passage-new", code="TH6-P-001",
                                                        title="ซ้ำ", stimulus="<p>ซ้ำ</p>"))
    assert again.status_code == 422 and "มีบทอ่านรหัส TH6-P-001 อยู่แล้ว" in again.get_data(as_text=True)
    fields = {**ITEM_FIELDS, "code": "T6-0100", "learning_area": "ท", "indicator_codes": "ท 1.1 ป.6/3",
              "stem": "กระต่ายแพ้การแข่งขันเพราะเหตุใด", "set_code": "TH6-P-001", "set_position": "1"}
    response = client.post("/bank/new", data=_form(client, "/bank/new", **fields))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    item = client.get("/bank/items/T6-0100").get_data(as_text=True)
    assert "กระต่ายวิ่งเร็ว" in item
    # saving the passage again with its picture kept changes nothing; unticking the picture is a new version
    page = client.get("/bank/passages/TH6-P-001").get_data(as_text=True)
    sha = re.search(r'name="media" value="([0-9a-f]{64})"', page).group(1)
    same = client.post("/bank/passages/TH6-P-001", data=_form(
        client, "/bank/passages/TH6-P-001", title="นิทานเรื่อง กระต่ายกับเต่า",
        stimulus="<p>กระต่ายวิ่งเร็วแต่ประมาท</p>", media=sha), follow_redirects=True)
    assert "บทอ่านไม่เปลี่ยน" in same.get_data(as_text=True)


def test_an_unknown_sort_is_refused_in_thai_by_the_service_and_ignored_by_the_page(app, client, sample_bank):
    from itembank.search import search_items

    with get_store(app).session() as s:
        with pytest.raises(ItemBankError, match="ไม่รู้จักการเรียงลำดับ"):
            search_items(s, Actor.system(), sort="random")
    assert client.get("/bank/?sort=random").status_code == 200


def test_the_editing_pages_render_in_english_too(app, client, sample_bank):
    for path in ("/bank/new?lang=en", "/bank/edit/M6-0001", "/bank/review", "/bank/passages/SET-001",
                 "/bank/passage-new", "/bank/?sort=p"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert 'lang="en"' in response.get_data(as_text=True)


def test_the_editor_sets_traits_competencies_and_enemies_through_the_new_version(app, client, sample_bank):
    page = client.get("/bank/edit/M6-0001").get_data(as_text=True)
    assert 'name="trait_codes"' in page and '<option value="1.1"' in page and "รักชาติ ศาสน์ กษัตริย์" in page
    assert 'name="competency_codes" value="2"' in page and "ความสามารถในการคิด" in page
    assert 'name="enemy_codes"' in page
    # an enemy that is not in the bank is refused in Thai, nothing written
    fields = {**ITEM_FIELDS, "trait_codes": ["1.1", "4.1"], "competency_codes": ["2", "3"],
              "enemy_codes": "M6-0002\nNOPE-9"}
    refused = client.post("/bank/edit/M6-0001", data=_form(client, "/bank/edit/M6-0001", **fields))
    assert refused.status_code == 422 and "NOPE-9" in refused.get_data(as_text=True)
    assert len(_versions(app, "M6-0001")) == 1
    # the codes the page refused are still in the form
    assert "M6-0002\nNOPE-9" in refused.get_data(as_text=True) and 'value="4.1" selected' in refused.get_data(as_text=True)
    fields["enemy_codes"] = "M6-0002, T6-0001 M6-0001"                     # the item itself is ignored
    saved = client.post("/bank/edit/M6-0001", data=_form(client, "/bank/edit/M6-0001", **fields))
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    with get_store(app).session() as s:
        version = service.read_version(s, Actor.system(), "M6-0001")
        assert version.number == 2                                         # the same service makes the next version
        assert sorted(version.trait_codes) == ["1.1", "4.1"] and sorted(version.competency_codes) == ["2", "3"]
        assert service.enemies_of(s, "M6-0001") == ["M6-0002", "T6-0001"]
        assert service.enemies_of(s, "T6-0001") == ["M6-0001"]             # a pair, seen from both sides
    again = client.get("/bank/edit/M6-0001").get_data(as_text=True)
    assert 'value="4.1" selected' in again and 'value="3" checked' in again and "M6-0002\nT6-0001" in again
    english = client.get("/bank/edit/M6-0001?lang=en").get_data(as_text=True)
    assert "Desired traits and key competencies" in english and "คุณลักษณะอันพึงประสงค์และสมรรถนะ" not in english


@pytest.mark.browser
def test_the_traits_competencies_and_enemies_of_the_editor_in_a_browser(chromium, app, live_server, sample_bank):
    from screens import shoot
    from signin import PASSWORD, make_account

    user = make_account(app, "officer")
    page = chromium.new_page()
    try:
        page.goto(f"{live_server}/bank/edit/M6-0001")
        page.fill("#username", user.username)
        page.fill("#password", PASSWORD)
        page.click("#sign-in")
        page.wait_for_url(f"{live_server}/bank/edit/M6-0001")
        page.select_option("#e-traits", ["4.1", "6.1"])
        page.check("input[name=competency_codes][value='2']")
        page.fill("#e-enemies", "M6-0002")
        shoot(page, "officer-bank-edit-traits")
        page.click("#save-item")
        page.wait_for_url("**/bank/items/M6-0001*")
        with get_store(app).session() as s:
            assert service.enemies_of(s, "M6-0001") == ["M6-0002"]
            assert sorted(service.read_version(s, Actor.system(), "M6-0001").trait_codes) == ["4.1", "6.1"]
    finally:
        page.close()
