"""Items: upsert all or nothing, idempotent by content, versions on change, every bad input named."""

from __future__ import annotations

import pytest
from factories import make_actor, make_item_draft, make_rubric_draft, make_set_draft
from sqlmodel import func, select

from itembank import service
from itembank.errors import ItemBankError
from itembank.models import EnemyLink, Item, ItemSet, ItemVersion, ItemVersionIndicator, ReviewEvent
from itembank.schemas import ItemDraft, OptionDraft


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_upsert_creates_items_with_version_one_and_tags(session):
    officer = make_actor("officer")
    drafts = [make_item_draft(code=f"A-{i}", trait_codes=("1.1",), competency_codes=("2",)) for i in range(5)]
    report = service.upsert_items(session, officer, drafts)
    assert (report.n_created, report.n_new_version, report.n_unchanged) == (5, 0, 0)
    version = service.get_version(session, "A-3")
    assert version.number == 1 and version.status == "draft" and version.author_name == officer.username
    public = service.to_public(session, [version])[0]
    assert public.indicator_codes == ["ค 1.1 ป.6/2"] and public.trait_codes == ["1.1"]
    assert public.competency_codes == ["2"] and public.key == ["ข"]


def test_the_same_content_again_creates_nothing(session):
    officer = make_actor("officer")
    drafts = [make_item_draft(code=f"B-{i}") for i in range(3)]
    service.upsert_items(session, officer, drafts)
    again = service.upsert_items(session, officer, drafts)
    assert (again.n_created, again.n_new_version, again.n_unchanged) == (0, 0, 3)
    assert _count(session, ItemVersion) == 3


def test_tag_order_and_status_are_not_content(session):
    officer = make_actor("officer")
    d = make_item_draft(code="C-1", indicator_codes=("ค 1.1 ป.6/2", "ค 1.1 ป.6/1"))
    service.upsert_items(session, officer, [d])
    same = d.with_changes(indicator_codes=("ค 1.1 ป.6/1", "ค 1.1 ป.6/2"))
    assert service.upsert_items(session, officer, [same]).n_unchanged == 1


def test_changed_content_makes_a_new_version_and_keeps_the_old(session):
    officer = make_actor("officer")
    d = make_item_draft(code="D-1")
    service.upsert_items(session, officer, [d])
    first = service.get_version(session, "D-1")
    report = service.upsert_items(session, officer, [d.with_changes(stem="ผลบวกของ 3 และ 2 เท่ากับเท่าใด")])
    assert report.n_new_version == 1 and report.codes_new_version == ["D-1"]
    versions = service.versions_of(session, "D-1")
    assert [v.number for v in versions] == [1, 2]
    assert [v.is_latest for v in versions] == [False, True]
    assert versions[0].stem == first.stem == "ผลบวกของ 2 และ 3 เท่ากับเท่าใด"
    # going back to the first content is that stored version: nothing new
    assert service.upsert_items(session, officer, [d]).n_unchanged == 1
    assert _count(session, ItemVersion) == 2


def test_edit_item_makes_the_next_version_as_draft(session):
    officer = make_actor("officer")
    v1 = service.create_item(session, officer, make_item_draft(code="E-1"))
    v2 = service.edit_item(session, officer, "E-1", make_item_draft(code="E-1", key=("ก",),
                                                                     stem="ข้อใดน้อยที่สุด"))
    assert (v1.number, v2.number) == (1, 2) and v2.status == "draft"
    assert service.get_version(session, "E-1", 1).key == ["ข"]


def test_create_item_refuses_an_existing_code(session):
    officer = make_actor("officer")
    service.create_item(session, officer, make_item_draft(code="F-1"))
    with pytest.raises(ItemBankError) as e:
        service.create_item(session, officer, make_item_draft(code="F-1"))
    assert e.value.kind == "conflict" and "มีข้อสอบรหัส F-1 อยู่แล้ว" in e.value.text()


def test_dry_run_counts_and_writes_nothing(session):
    officer = make_actor("officer")
    report = service.upsert_items(session, officer, [make_item_draft(code="G-1")], dry_run=True)
    assert report.n_created == 1 and report.dry_run
    assert _count(session, Item) == 0


BAD = [
    ("unknown indicator", dict(indicator_codes=("ค 9.9 ป.6/1",)), "item.indicator_invalid", "ค 9.9 ป.6/1"),
    ("malformed indicator", dict(indicator_codes=("ค9",)), "item.indicator_invalid", "ตัวชี้วัด"),
    ("malformed trait", dict(trait_codes=("9.9.9",)), "item.trait_invalid", "คุณลักษณะ"),
    ("key not an option", dict(key=("จ",)), "item.key_not_option", "ไม่อยู่ในตัวเลือก"),
    ("empty stem", dict(stem="   "), "item.stem_empty", "ไม่มีคำถาม"),
    ("stem only a script", dict(stem="<script>alert(1)</script>"), "item.stem_empty", "ไม่มีคำถาม"),
    ("no key", dict(key=()), "item.key_missing", "ไม่มีคำตอบที่ถูก"),
    ("one option", dict(options=(OptionDraft("ก", "5"),), key=("ก",)), "item.too_few_options", "อย่างน้อย 2"),
    ("unknown type", dict(type="essay"), "item.type_unknown", "ไม่รู้จักชนิดข้อสอบ"),
    ("bad grade", dict(grade="ป.9"), "item.grade_invalid", "ระดับชั้น"),
    ("bad cognitive level", dict(cognitive_level="memorise"), "item.cognitive_unknown", "ระดับพฤติกรรม"),
    ("zero points", dict(score_points=0), "item.points_invalid", "คะแนนเต็ม"),
    ("no indicator", dict(indicator_codes=()), "item.indicator_missing", "ตัวชี้วัด"),
    ("indicator of another area", dict(learning_area="ท"), "item.edition_mismatch", "ไม่ตรงกับกลุ่มสาระ"),
    ("unknown enemy", dict(enemy_codes=("NOPE",)), "item.enemy_unknown", "NOPE"),
    ("unknown set", dict(set_code="NOSET", set_position=1), "item.set_unknown", "NOSET"),
    ("unknown media", dict(media=("0" * 64,)), "item.media_unknown", "0" * 64),
]


@pytest.mark.parametrize("overrides, code, words", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_gets_a_thai_error_and_changes_nothing(session, overrides, code, words):
    officer = make_actor("officer")
    good = make_item_draft(code="OK-1")
    with pytest.raises(ItemBankError) as e:
        service.upsert_items(session, officer, [good, make_item_draft(code="BAD-1", **overrides)])
    assert e.value.code == "items.invalid" and e.value.kind == "invalid"
    assert [p.code for p in e.value.problems] == [code]
    assert words in e.value.text("th") and "BAD-1" in e.value.text("th")
    assert _count(session, Item) == 0  # all or nothing: the good row was not written either


def test_rubric_whose_points_do_not_add_up_is_refused(session):
    with pytest.raises(ItemBankError) as e:
        service.upsert_items(session, make_actor("officer"), [make_rubric_draft(code="R-1", score_points=3)])
    assert [p.code for p in e.value.problems] == ["item.rubric_points"]
    assert "ไม่เท่ากับคะแนนเต็ม" in e.value.text()


def test_every_problem_is_collected_with_duplicates_in_one_batch(session):
    drafts = [make_item_draft(code="DUP"), make_item_draft(code="DUP", stem=""), make_item_draft(code="X", key=("จ",))]
    with pytest.raises(ItemBankError) as e:
        service.upsert_items(session, make_actor("officer"), drafts)
    assert sorted(p.code for p in e.value.problems) == ["item.code_duplicate", "item.key_not_option",
                                                       "item.stem_empty"]
    assert "รหัสข้อสอบ DUP ซ้ำ" in e.value.text()


def test_item_types_are_checked_and_keys_normalised(session):
    officer = make_actor("officer")
    drafts = [
        make_item_draft(code="TF-1", type="true_false", options=(), key=("ถูก",), stem="5 มากกว่า 3"),
        make_item_draft(code="SA-1", type="short_answer", options=(), key=(), accepted_answers=("ห้า", "5")),
        make_item_draft(code="NU-1", type="numeric", options=(), key=(), accepted_answers=("๕", "5.0")),
        make_item_draft(code="MA-1", type="matching", key=("1-ก", "2-ข")),
        make_item_draft(code="MC-2", key=("ก", "ข")),
        make_rubric_draft(code="CR-1"),
    ]
    assert service.upsert_items(session, officer, drafts).n_created == 6
    assert service.get_version(session, "TF-1").key == ["true"]
    with pytest.raises(ItemBankError) as e:
        service.upsert_items(session, officer, [
            make_item_draft(code="TF-2", type="true_false", options=(), key=("บางที",)),
            make_item_draft(code="NU-2", type="numeric", options=(), key=(), accepted_answers=("ห้า",)),
            make_item_draft(code="SA-2", type="short_answer", options=(), key=()),
            make_item_draft(code="MA-2", type="matching", key=("1ก",)),
        ])
    assert sorted(p.code for p in e.value.problems) == ["item.accepted_missing", "item.accepted_not_number",
                                                       "item.key_matching", "item.key_true_false"]


def test_script_and_onerror_are_stored_sanitised(session):
    d = make_item_draft(code="XSS-1", stem='<b>2 + 3</b><script>alert(1)</script><img src=x onerror="alert(2)"> = ?',
                        options=(OptionDraft("ก", "<i onmouseover=x>4</i>"), OptionDraft("ข", "5")))
    service.upsert_items(session, make_actor("officer"), [d])
    v = service.get_version(session, "XSS-1")
    assert "<script" not in v.stem and "onerror" not in v.stem and "alert" not in v.stem
    assert "<b>2 + 3</b>" in v.stem and v.options[0]["text"] == "<i>4</i>"
    # the sanitised draft has the same hash as the stored one: importing it again is a no-op
    again = d.with_changes(stem=v.stem, options=(OptionDraft("ก", "<i>4</i>"), OptionDraft("ข", "5")))
    assert service.upsert_items(session, make_actor("officer"), [again]).n_unchanged == 1


def test_sets_enemies_and_positions(session):
    officer = make_actor("officer")
    drafts = [make_item_draft(code=f"S-{i}", set_code="SET-1", set_position=i) for i in (1, 2)]
    drafts.append(make_item_draft(code="EN-1", enemy_codes=("S-1", "S-2")))
    report = service.upsert_items(session, officer, drafts, sets=[make_set_draft("SET-1")])
    assert report.n_sets_created == 1 and report.n_enemy_links == 2
    assert service.upsert_items(session, officer, drafts, sets=[make_set_draft("SET-1")]).n_enemy_links == 0
    assert _count(session, EnemyLink) == 2 and _count(session, ItemSet) == 1
    public = service.to_public(session, [service.get_version(session, "S-2")])[0]
    assert (public.set_code, public.set_position) == ("SET-1", 2)
    item_set, members = service.set_members(session, "SET-1")
    assert item_set.title == "บทอ่านเรื่อง ตลาดน้ำ" and [m.item_code for m in members] == ["S-1", "S-2"]
    assert service.enemies_of(session, "EN-1") == ["S-1", "S-2"] and service.enemies_of(session, "S-1") == ["EN-1"]
    clash = [make_item_draft(code="S-3", set_code="SET-1", set_position=5),
             make_item_draft(code="S-4", set_code="SET-1", set_position=5)]
    with pytest.raises(ItemBankError) as e:
        service.upsert_items(session, officer, clash)
    assert [p.code for p in e.value.problems] == ["item.set_position_taken"]


def test_importing_approved_items_needs_the_permission_and_is_recorded(session):
    approved = make_item_draft(code="AP-1", status="approved")
    with pytest.raises(ItemBankError) as e:
        service.upsert_items(session, make_actor("officer"), [approved])
    assert e.value.kind == "forbidden"
    service.upsert_items(session, make_actor("admin", "admin1"), [approved])
    v = service.get_version(session, "AP-1")
    assert v.status == "approved" and v.approved_at is not None
    event = session.exec(select(ReviewEvent)).one()
    assert (event.from_status, event.to_status, event.actor_name) == (None, "approved", "admin1")


def test_a_school_cannot_write_items(session):
    with pytest.raises(ItemBankError) as e:
        service.upsert_items(session, make_actor("school"), [make_item_draft()])
    assert e.value.kind == "forbidden" and "ไม่มีสิทธิ์" in e.value.text()


def test_get_item_of_an_unknown_code_is_not_found(session):
    with pytest.raises(ItemBankError) as e:
        service.get_item(session, "NOPE")
    assert e.value.kind == "not_found" and "ไม่พบข้อสอบรหัส NOPE" in e.value.text()


def test_content_hash_is_stable_and_sensitive():
    d = make_item_draft(code="H-1")
    assert d.content_hash() == make_item_draft(code="H-2").content_hash()  # the code is not content
    assert d.content_hash() != d.with_changes(key=("ก",)).content_hash()
    assert isinstance(d, ItemDraft) and len(d.content_hash()) == 64


def test_two_thousand_items_upsert_in_one_call(session):
    # the speed of bulk writes is measured by benchmarks/bank.py (10,000 items), not asserted here
    drafts = [make_item_draft(code=f"P-{i:05d}", stem=f"ข้อที่ {i}: {i} + 1 เท่ากับเท่าใด") for i in range(2000)]
    report = service.upsert_items(session, make_actor("officer"), drafts)
    assert report.n_created == 2000 and _count(session, ItemVersionIndicator) == 2000


def test_concurrent_imports_of_the_same_file_write_each_item_once(store, session):
    """Two imports racing with the same content: exact counts, never an error (unique constraints)."""
    import threading

    from sqlmodel import Session

    drafts = [make_item_draft(code=f"RACE-{i:03d}") for i in range(200)]
    reports, errors = [], []

    def run() -> None:
        try:
            with Session(store.engine, expire_on_commit=False) as s:
                reports.append(service.upsert_items(s, make_actor("officer", "racer"), drafts))
        except Exception as e:  # noqa: BLE001 - collected and asserted below
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert sum(r.n_created for r in reports) == 200 and sum(r.n_unchanged for r in reports) == 400
    assert _count(session, ItemVersion) == 200


def test_a_code_written_meanwhile_by_another_transaction_is_planned_again(store, session):
    """PostgreSQL: the unique constraint fires and the import is planned again; SQLite: it waits."""
    import threading
    import time

    from sqlalchemy import text

    ready = threading.Event()

    def other_writer() -> None:
        with store.engine.connect() as conn:
            conn.execute(text("INSERT INTO item (code, n_versions, created_at, created_by_name) "
                              "VALUES ('MEANWHILE', 0, CURRENT_TIMESTAMP, 'other')"))
            ready.set()
            time.sleep(1.0)
            conn.commit()

    writer = threading.Thread(target=other_writer)
    writer.start()
    assert ready.wait(10)
    report = service.upsert_items(session, make_actor("officer"), [make_item_draft(code="MEANWHILE")])
    writer.join()
    assert (report.n_created, report.n_new_version) == (0, 1)
    assert service.get_version(session, "MEANWHILE").number == 1
