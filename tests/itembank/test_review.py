"""Review workflow and IOC: transitions, author ≠ approver, the IOC gate, every transition stored."""

from __future__ import annotations

import pytest
from factories import make_actor, make_item_draft

from itembank import service
from itembank.errors import ItemBankError
from itembank.review import IocRatingInput


@pytest.fixture
def people():
    return {"author": make_actor("officer", "author"), "reviewer": make_actor("reviewer", "reviewer"),
            "experts": [make_actor("reviewer", f"expert{i}") for i in range(3)]}


def _version(session, author, code="RV-1"):
    return service.create_item(session, author, make_item_draft(code=code))


def _rate(session, version, experts, ratings):
    for expert, r in zip(experts, ratings, strict=True):
        service.rate_ioc(session, expert, version.id, r)


def test_full_path_draft_review_approved_retired_is_stored(session, people):
    v = _version(session, people["author"])
    service.submit_for_review(session, people["author"], v.id, "พร้อมให้พิจารณา")
    _rate(session, v, people["experts"], [1, 1, 0])
    approved = service.approve(session, people["reviewer"], v.id, "ใช้ได้")
    assert approved.status == "approved" and approved.reviewer_name == "reviewer"
    assert approved.ioc == pytest.approx(0.6667, abs=1e-4) and approved.ioc_n == 3
    service.retire(session, people["reviewer"], v.id, "เนื้อหาล้าสมัย")
    history = service.review_history(session, v.id)
    assert [(h.from_status, h.to_status, h.actor_name) for h in history] == [
        ("draft", "in_review", "author"), ("in_review", "approved", "reviewer"), ("approved", "retired", "reviewer")]
    assert history[1].comment == "ใช้ได้" and all(h.at is not None for h in history)


def test_the_author_cannot_approve_their_own_item(session, people):
    author_reviewer = make_actor("reviewer", "writer")
    v = service.create_item(session, make_actor("admin", "writer", user_id=author_reviewer.user_id),
                            make_item_draft(code="RV-2"))
    service.submit_for_review(session, people["author"], v.id)
    _rate(session, v, people["experts"], [1, 1, 1])
    with pytest.raises(ItemBankError) as e:
        service.approve(session, author_reviewer, v.id)
    assert e.value.kind == "forbidden" and "อนุมัติข้อสอบของตนเองไม่ได้" in e.value.text()
    assert service.get_version(session, "RV-2").status == "in_review"


def test_approval_needs_ioc_of_at_least_the_threshold(session, people):
    v = _version(session, people["author"])
    service.submit_for_review(session, people["author"], v.id)
    _rate(session, v, people["experts"], [1, 0, 0])  # IOC = 0.33
    with pytest.raises(ItemBankError) as e:
        service.approve(session, people["reviewer"], v.id)
    assert e.value.code == "review.ioc_too_low" and "IOC = 0.33" in e.value.text() and "0.50" in e.value.text()
    service.rate_ioc(session, people["experts"][1], v.id, 1)  # expert changes their mind: 0.67
    assert service.approve(session, people["reviewer"], v.id).status == "approved"


def test_district_threshold_is_a_setting(session, people):
    v = _version(session, people["author"])
    service.submit_for_review(session, people["author"], v.id)
    _rate(session, v, people["experts"], [1, 1, 0])
    with pytest.raises(ItemBankError):
        service.approve(session, people["reviewer"], v.id, min_ioc=0.8)
    assert service.approve(session, people["reviewer"], v.id, min_ioc=0.6).status == "approved"


def test_approval_needs_three_experts(session, people):
    v = _version(session, people["author"])
    service.submit_for_review(session, people["author"], v.id)
    _rate(session, v, people["experts"][:2], [1, 1])
    with pytest.raises(ItemBankError) as e:
        service.approve(session, people["reviewer"], v.id)
    assert e.value.code == "review.ioc_too_few" and "อย่างน้อย 3 คน" in e.value.text()


def test_ioc_ratings_are_minus_one_zero_or_one(session, people):
    v = _version(session, people["author"])
    with pytest.raises(ItemBankError) as e:
        service.rate_ioc(session, people["experts"][0], v.id, 2)
    assert "+1, 0 หรือ -1" in e.value.text()
    result = service.record_ioc_ratings(session, people["author"], v.id, [
        IocRatingInput("ดร.สมศรี", 1), IocRatingInput("อ.วิชัย", -1), IocRatingInput("อ.มาลี", 1)])
    assert result.n_experts == 3 and result.ioc == pytest.approx(1 / 3, abs=1e-4)
    assert service.get_version(session, "RV-1").ioc_n == 3


def test_the_author_is_not_an_expert_of_their_own_item(session, people):
    v = _version(session, people["author"])
    with pytest.raises(ItemBankError) as e:
        service.record_ioc_ratings(session, people["author"], v.id, [IocRatingInput("author", 1)])
    assert e.value.kind == "forbidden"


def test_return_to_draft_needs_a_reason(session, people):
    v = _version(session, people["author"])
    service.submit_for_review(session, people["author"], v.id)
    with pytest.raises(ItemBankError) as e:
        service.return_to_draft(session, people["reviewer"], v.id, "  ")
    assert "ต้องระบุเหตุผล" in e.value.text()
    back = service.return_to_draft(session, people["reviewer"], v.id, "ตัวเลือก ค กับ ง ใกล้เคียงกันเกินไป")
    assert back.status == "draft"
    assert service.review_history(session, v.id)[-1].comment == "ตัวเลือก ค กับ ง ใกล้เคียงกันเกินไป"


@pytest.mark.parametrize("step", ["approve_draft", "submit_twice", "return_draft", "retire_twice"])
def test_transitions_out_of_order_are_refused(session, people, step):
    v = _version(session, people["author"])
    with pytest.raises(ItemBankError) as e:
        if step == "approve_draft":
            service.approve(session, people["reviewer"], v.id)
        elif step == "submit_twice":
            service.submit_for_review(session, people["author"], v.id)
            service.submit_for_review(session, people["author"], v.id)
        elif step == "return_draft":
            service.return_to_draft(session, people["reviewer"], v.id, "เหตุผล")
        else:
            service.retire(session, people["reviewer"], v.id)
            service.retire(session, people["reviewer"], v.id)
    assert e.value.kind == "conflict" and e.value.code == "review.bad_transition"
    assert "ไม่ได้" in e.value.text()


def test_rating_closes_after_approval(session, people):
    v = _version(session, people["author"])
    service.submit_for_review(session, people["author"], v.id)
    _rate(session, v, people["experts"], [1, 1, 1])
    service.approve(session, people["reviewer"], v.id)
    with pytest.raises(ItemBankError) as e:
        service.rate_ioc(session, make_actor("reviewer", "late"), v.id, -1)
    assert e.value.code == "ioc.closed"


def test_an_approved_version_stays_when_the_item_is_edited(session, people):
    v = _version(session, people["author"])
    service.submit_for_review(session, people["author"], v.id)
    _rate(session, v, people["experts"], [1, 1, 1])
    service.approve(session, people["reviewer"], v.id)
    v2 = service.edit_item(session, people["author"], "RV-1", make_item_draft(code="RV-1", stem="ข้อใหม่"))
    assert v2.number == 2 and v2.status == "draft"
    assert service.get_version(session, "RV-1", 1).status == "approved"


def test_analyst_cannot_approve(session, people):
    v = _version(session, people["author"])
    service.submit_for_review(session, people["author"], v.id)
    with pytest.raises(ItemBankError) as e:
        service.approve(session, make_actor("analyst"), v.id)
    assert e.value.kind == "forbidden"


def test_review_shows_each_version_beside_the_bank_items_it_clones(session, people):
    from itembank.review import review_duplicates
    from itembank.schemas import OptionDraft

    author = people["author"]
    original = service.create_item(session, author, make_item_draft(code="RV-ORIG"))
    variant = service.create_item(session, author, make_item_draft(
        code="RV-NUM", stem="ผลบวกของ 4 และ 7 เท่ากับเท่าใด",
        options=(OptionDraft("ก", "10"), OptionDraft("ข", "11"), OptionDraft("ค", "12"), OptionDraft("ง", "13"))))
    other = service.create_item(session, author, make_item_draft(
        code="RV-OTHER", stem="รูปสี่เหลี่ยมจัตุรัสมีกี่ด้าน",
        options=(OptionDraft("ก", "สามด้าน"), OptionDraft("ข", "สี่ด้าน"), OptionDraft("ค", "ห้าด้าน"),
                 OptionDraft("ง", "หกด้าน"))))
    for v in (variant, other):
        service.submit_for_review(session, author, v.id)
    found = review_duplicates(session, people["reviewer"], [variant.id, other.id])
    assert list(found) == [variant.id]
    assert [(d.item_code, d.number, d.kind) for d in found[variant.id]] == [("RV-ORIG", 1, "numbers")]
    assert found[variant.id][0].kind_th == "ต่างกันเฉพาะตัวเลข" and original.id not in found
    with pytest.raises(ItemBankError):
        review_duplicates(session, make_actor("school", "school1"), [variant.id])
