"""A small approved bank for the forms tests (testgen and `khlang forms`): 48 mathematics ป.6 items with pilot statistics, one passage set."""

from __future__ import annotations

import numpy as np
from factories import make_item_draft, make_set_draft

from itembank import service
from itembank.authz import Actor
from itembank.models import Item, ItemVersion
from itembank.schemas import OptionDraft
from itembank.statistics import StatisticInput, record_statistics

LEVELS = ("understand", "apply", "analyze")
INDICATORS = ("ค 1.1 ป.6/1", "ค 1.1 ป.6/2", "ค 2.1 ป.6/1")
# each item its own story: the assembler keeps clones (items that differ only in their numbers) apart
WHO = ("ต้นข้าว", "ใบเตย", "น้องมิว", "พี่ภูมิ", "ลุงสมศักดิ์", "ป้าบุญมี", "ครูสมใจ", "แม่ค้าส้มโอ")
WHAT = (("เก็บมะม่วง", "ผล"), ("พับนกกระดาษ", "ตัว"), ("ปลูกต้นกล้า", "ต้น"), ("อ่านนิทาน", "เรื่อง"),
        ("ออมเงิน", "บาท"), ("วิ่งรอบสนาม", "รอบ"))
WHERE = ("ที่บ้าน", "ที่โรงเรียน", "ที่วัด", "ที่สวนสาธารณะ", "ที่ห้องสมุด", "ที่ตลาดนัด", "ที่ค่ายลูกเสือ", "ที่บ้านคุณยาย")


def _draft(i: int, **kw):
    a, b = 10 + i, 3 + i % 7
    options = (OptionDraft("ก", str(a + b)), OptionDraft("ข", str(a + b + 1)), OptionDraft("ค", str(a + b - 1)),
               OptionDraft("ง", "ไม่มีข้อใดถูก", fixed=True))
    what, unit = WHAT[i % 6]
    who, where = WHO[i // 6], WHERE[i // 6]
    stem = f"{who}{what}{where} ตอนเช้าได้ {a} {unit} ตอนบ่าย{who}{what}ได้อีก {b} {unit} รวมได้กี่{unit}"
    return make_item_draft(code=f"F6-{i:03d}", stem=stem, options=options, key=("ก",),
                           cognitive_level=LEVELS[i % 3], indicator_codes=(INDICATORS[i % 3],), status="approved",
                           **kw)


def make_forms_bank(session) -> dict[str, int]:
    """Approved items F6-000..F6-047 (F6-045..047 form passage SET-F), 2PL parameters from a 'pilot'."""
    drafts = [_draft(i) for i in range(45)]
    drafts += [_draft(45 + k, set_code="SET-F", set_position=k + 1) for k in range(3)]
    service.upsert_items(session, Actor.system(), drafts, sets=[make_set_draft("SET-F")])
    rng = np.random.default_rng(7)
    ids = [vid for vid, in session.execute(ItemVersion.__table__.select().with_only_columns(ItemVersion.id)
                                           .order_by(ItemVersion.id))]
    rows = [StatisticInput(version_id=v, n=500, p=float(rng.uniform(0.3, 0.8)), r_pbis=float(rng.uniform(0.2, 0.5)),
                           irt_model="2pl", a=float(rng.uniform(0.7, 1.8)), b=float(rng.normal(0, 1)))
            for v in ids]
    record_statistics(session, Actor.system(), "pilot", rows)
    codes = {code: vid for code, vid in session.execute(
        Item.__table__.select().with_only_columns(Item.code, ItemVersion.id).join(
            ItemVersion.__table__, ItemVersion.item_id == Item.id))}
    session.commit()  # end the read transaction: on SQLite it holds the write lock other connections need
    return codes
