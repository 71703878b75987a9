"""Plain factory functions with defaults and overrides, for tests of every room."""

from __future__ import annotations

import itertools
from typing import Any

from itembank.authz import Actor
from itembank.schemas import InstrumentDraft, ItemDraft, ItemSetDraft, OptionDraft, RubricLevel

_user_ids = itertools.count(1000)
_codes = itertools.count(1)


def make_actor(role: str = "officer", username: str | None = None, *, user_id: int | None = None,
               school_id: int | None = None) -> Actor:
    """An Actor of `role`; a school actor gets school 1 unless told."""
    uid = user_id if user_id is not None else next(_user_ids)
    if role == "school" and school_id is None:
        school_id = 1
    return Actor(user_id=uid, username=username or f"{role}{uid}", role=role, school_id=school_id)


def make_item_draft(**overrides: Any) -> ItemDraft:
    """A valid ป.6 mathematics multiple-choice item (2 + 3 = 5), with any field overridden."""
    fields: dict[str, Any] = dict(
        code=f"M6-{next(_codes):05d}",
        type="multiple_choice",
        stem="ผลบวกของ 2 และ 3 เท่ากับเท่าใด",
        options=(OptionDraft("ก", "4"), OptionDraft("ข", "5"), OptionDraft("ค", "6"), OptionDraft("ง", "7")),
        key=("ข",),
        score_points=1.0,
        indicator_codes=("ค 1.1 ป.6/2",),
        cognitive_level="apply",
        grade="ป.6",
        learning_area="ค",
        estimated_time_s=60,
    )
    fields.update(overrides)
    return ItemDraft(**fields)


def make_rubric_draft(**overrides: Any) -> ItemDraft:
    """A valid constructed-response item with a 3-level rubric worth 2 points."""
    fields: dict[str, Any] = dict(
        type="constructed_response",
        stem="อธิบายวิธีหาผลบวกของ 25 และ 17 พร้อมแสดงวิธีทำ",
        options=(),
        key=(),
        score_points=2.0,
        rubric=(RubricLevel(0, "ไม่ตอบหรือตอบผิด"), RubricLevel(1, "แสดงวิธีทำถูกบางส่วน"),
                RubricLevel(2, "แสดงวิธีทำและคำตอบ 42 ถูกต้อง")),
    )
    fields.update(overrides)
    return make_item_draft(**fields)


def make_set_draft(code: str = "SET-001", **overrides: Any) -> ItemSetDraft:
    fields: dict[str, Any] = dict(code=code, title="บทอ่านเรื่อง ตลาดน้ำ",
                                  stimulus="<p>ตลาดน้ำเป็นตลาดที่ผู้คนพายเรือมาค้าขายกัน</p>")
    fields.update(overrides)
    return ItemSetDraft(**fields)


def make_instrument_draft(**overrides: Any) -> InstrumentDraft:
    fields: dict[str, Any] = dict(
        code="TRAIT-1", title="แบบประเมินคุณลักษณะอันพึงประสงค์ ข้อ 1 รักชาติ ศาสน์ กษัตริย์",
        kind="rating_scale", purpose="desired_trait",
        criteria=({"text": "ยืนตรงเมื่อได้ยินเพลงชาติ", "trait_code": "1.1"},),
        levels=({"score": 3, "label": "ดีเยี่ยม"}, {"score": 2, "label": "ดี"}, {"score": 1, "label": "ผ่าน"},
                {"score": 0, "label": "ไม่ผ่าน"}),
        trait_codes=("1.1",),
    )
    fields.update(overrides)
    return InstrumentDraft(**fields)
