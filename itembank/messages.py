"""Thai/English message catalogue of the item bank, by error code.

``bank_error(code, **params)`` builds an :class:`ItemBankError` whose Thai and English texts are
rendered from the catalogue, so every refusal says what is wrong and where, Thai first.
"""

from __future__ import annotations

from typing import Any

from itembank.errors import ItemBankError, Where

#: code: (kind, Thai template, English template)
CATALOGUE: dict[str, tuple[str, str, str]] = {
    "items.invalid": ("invalid", "ข้อมูลข้อสอบไม่ถูกต้อง {n} รายการ", "{n} problems in the items"),
    "item.not_found": ("not_found", "ไม่พบข้อสอบรหัส {code}", "no item with code {code}"),
    "item.exists": ("conflict", "มีข้อสอบรหัส {code} อยู่แล้ว: ใช้การแก้ไขเพื่อสร้างฉบับใหม่",
                    "item {code} already exists: edit it to make a new version"),
    "version.not_found": ("not_found", "ไม่พบข้อสอบ {what}", "item version {what} not found"),
    "version.immutable": ("conflict", "ข้อสอบ {code} ฉบับที่ {number} แก้ไขไม่ได้: การแก้ไขจะสร้างฉบับใหม่",
                          "version {number} of {code} is immutable: an edit makes a new version"),
    "item.code_empty": ("invalid", "ไม่มีรหัสข้อสอบ", "the item code is empty"),
    "item.code_too_long": ("invalid", "รหัสข้อสอบ {code} ยาวเกิน {max} ตัวอักษร", "item code {code} is longer than {max}"),
    "item.code_duplicate": ("invalid", "รหัสข้อสอบ {code} ซ้ำกับแถวก่อนหน้า (ข้อที่ {first})",
                            "item code {code} repeats an earlier row (item {first})"),
    "item.stem_empty": ("invalid", "ข้อสอบ {code}: ไม่มีคำถาม (stem ว่าง)", "item {code}: the stem is empty"),
    "item.type_unknown": ("invalid", "ข้อสอบ {code}: ไม่รู้จักชนิดข้อสอบ {value} (ชนิดที่มี: {allowed})",
                          "item {code}: unknown item type {value} (allowed: {allowed})"),
    "item.status_unknown": ("invalid", "ข้อสอบ {code}: ไม่รู้จักสถานะ {value} (สถานะที่มี: {allowed})",
                            "item {code}: unknown status {value} (allowed: {allowed})"),
    "item.cognitive_unknown": ("invalid", "ข้อสอบ {code}: ไม่รู้จักระดับพฤติกรรม {value} (ที่มี: {allowed})",
                               "item {code}: unknown cognitive level {value} (allowed: {allowed})"),
    "item.too_few_options": ("invalid", "ข้อสอบ {code}: ข้อสอบเลือกตอบต้องมีตัวเลือกอย่างน้อย 2 ตัว",
                             "item {code}: a choice item needs at least 2 options"),
    "item.option_label_duplicate": ("invalid", "ข้อสอบ {code}: ตัวเลือก {label} ซ้ำ",
                                    "item {code}: option label {label} repeats"),
    "item.option_empty": ("invalid", "ข้อสอบ {code}: ตัวเลือก {label} ไม่มีข้อความ",
                          "item {code}: option {label} has no text"),
    "item.key_missing": ("invalid", "ข้อสอบ {code}: ไม่มีคำตอบที่ถูก (key)", "item {code}: no key"),
    "item.key_not_option": ("invalid", "ข้อสอบ {code}: คำตอบ {key} ไม่อยู่ในตัวเลือก ({options})",
                            "item {code}: key {key} is not among the options ({options})"),
    "item.key_true_false": ("invalid", "ข้อสอบ {code}: คำตอบของข้อถูก-ผิดต้องเป็น ถูก หรือ ผิด (ได้ {key})",
                            "item {code}: a true/false key must be true or false (got {key})"),
    "item.key_matching": ("invalid", "ข้อสอบ {code}: คำตอบจับคู่ {key} ต้องอยู่ในรูป 1-ก",
                          "item {code}: matching key {key} must look like 1-ก"),
    "item.accepted_missing": ("invalid", "ข้อสอบ {code}: ข้อเติมคำต้องมีคำตอบที่ยอมรับอย่างน้อย 1 คำตอบ",
                              "item {code}: a short-answer item needs at least one accepted answer"),
    "item.accepted_not_number": ("invalid", "ข้อสอบ {code}: คำตอบ {value} ไม่ใช่ตัวเลข",
                                 "item {code}: accepted answer {value} is not a number"),
    "item.rubric_missing": ("invalid", "ข้อสอบ {code}: ข้อเขียนตอบต้องมีเกณฑ์การให้คะแนน (rubric)",
                            "item {code}: a constructed-response item needs a rubric"),
    "item.rubric_points": ("invalid",
                           "ข้อสอบ {code}: คะแนนสูงสุดของเกณฑ์ ({top}) ไม่เท่ากับคะแนนเต็มของข้อ ({points})",
                           "item {code}: the rubric's top level ({top}) does not equal the item's points ({points})"),
    "item.points_invalid": ("invalid", "ข้อสอบ {code}: คะแนนเต็มต้องมากกว่า 0 (ได้ {value})",
                            "item {code}: score points must be more than 0 (got {value})"),
    "item.time_invalid": ("invalid", "ข้อสอบ {code}: เวลาโดยประมาณต้องเป็นจำนวนวินาทีที่มากกว่า 0 (ได้ {value})",
                          "item {code}: estimated time must be a positive number of seconds (got {value})"),
    "item.indicator_missing": ("invalid", "ข้อสอบ {code}: ต้องระบุตัวชี้วัดอย่างน้อย 1 ตัว",
                               "item {code}: tag at least one indicator"),
    "item.indicator_invalid": ("invalid", "ข้อสอบ {code}: ตัวชี้วัด {value}: {reason}",
                               "item {code}: indicator {value}: {reason}"),
    "item.edition_unknown": ("invalid", "ข้อสอบ {code}: ฉบับหลักสูตร {value}: {reason}",
                             "item {code}: curriculum edition {value}: {reason}"),
    "item.trait_invalid": ("invalid", "ข้อสอบ {code}: คุณลักษณะ {value}: {reason}",
                           "item {code}: desired-trait code {value}: {reason}"),
    "item.competency_invalid": ("invalid", "ข้อสอบ {code}: สมรรถนะ {value}: {reason}",
                                "item {code}: competency {value}: {reason}"),
    "item.set_unknown": ("invalid", "ข้อสอบ {code}: ไม่พบชุดข้อสอบ/บทอ่าน {set_code}",
                         "item {code}: no item set {set_code}"),
    "item.set_position_missing": ("invalid", "ข้อสอบ {code}: ต้องระบุลำดับในชุด {set_code}",
                                  "item {code}: give its position in set {set_code}"),
    "item.set_position_taken": ("invalid", "ข้อสอบ {code}: ลำดับที่ {position} ในชุด {set_code} ซ้ำกับข้อ {other}",
                                "item {code}: position {position} in set {set_code} is taken by {other}"),
    "item.enemy_unknown": ("invalid", "ข้อสอบ {code}: ไม่พบข้อสอบคู่ห้ามอยู่ฉบับเดียวกัน {enemy}",
                           "item {code}: enemy item {enemy} not found"),
    "item.enemy_self": ("invalid", "ข้อสอบ {code}: ระบุตัวเองเป็นข้อสอบคู่ห้ามไม่ได้",
                        "item {code}: an item cannot be its own enemy"),
    "item.enemy_not_linked": ("not_found", "ข้อสอบ {code} กับ {enemy} ไม่ได้เป็นคู่ห้ามอยู่ฉบับเดียวกัน",
                              "items {code} and {enemy} are not enemies"),
    "item.media_unknown": ("invalid", "ข้อสอบ {code}: ไม่พบไฟล์สื่อ {sha256}", "item {code}: media {sha256} not found"),
    "item.grade_invalid": ("invalid", "ข้อสอบ {code}: ระดับชั้น {value} ไม่ถูกต้อง (เช่น ป.6 หรือ ม.3)",
                           "item {code}: grade {value} is not valid (e.g. ป.6 or ม.3)"),
    "item.area_invalid": ("invalid", "ข้อสอบ {code}: กลุ่มสาระ {value} ไม่ถูกต้อง (ท ค ว ส พ ศ ง ต)",
                          "item {code}: learning area {value} is not valid (ท ค ว ส พ ศ ง ต)"),
    "item.edition_mismatch": ("invalid", "ข้อสอบ {code}: ตัวชี้วัด {value} ไม่ตรงกับกลุ่มสาระ {area}",
                              "item {code}: indicator {value} is not in learning area {area}"),
    "items.conflict": ("conflict", "มีการบันทึกข้อสอบชุดเดียวกันพร้อมกัน: ลองนำเข้าอีกครั้ง",
                       "another import wrote the same items at the same time: try again"),
    "set.not_found": ("not_found", "ไม่พบชุดข้อสอบ/บทอ่าน {set_code}", "no item set {set_code}"),
    "set.title_empty": ("invalid", "ชุดข้อสอบ {code}: ไม่มีชื่อ", "item set {code}: no title"),
    "review.bad_transition": ("conflict",
                              "ข้อสอบ {code} ฉบับที่ {number} อยู่ในสถานะ {status_th}: {action_th}ไม่ได้",
                              "version {number} of {code} is {status}: cannot {action}"),
    "review.reason_required": ("invalid", "ต้องระบุเหตุผลเมื่อส่งข้อสอบกลับไปแก้ไข",
                               "give a reason when returning an item to draft"),
    "review.ioc_too_low": ("conflict",
                           "ข้อสอบ {code} ฉบับที่ {number}: ค่า IOC = {ioc} จากผู้เชี่ยวชาญ {n} คน ต่ำกว่าเกณฑ์ {threshold}",
                           "version {number} of {code}: IOC = {ioc} from {n} experts is below {threshold}"),
    "review.ioc_too_few": ("conflict",
                           "ข้อสอบ {code} ฉบับที่ {number}: มีผู้เชี่ยวชาญประเมินความสอดคล้อง {n} คน ต้องมีอย่างน้อย {min_experts} คน",
                           "version {number} of {code}: {n} experts rated it; at least {min_experts} are needed"),
    "ioc.bad_rating": ("invalid", "คะแนนความสอดคล้องต้องเป็น +1, 0 หรือ -1 (ได้ {value}) ผู้เชี่ยวชาญ {expert}",
                       "an IOC rating must be +1, 0 or -1 (got {value}) from {expert}"),
    "ioc.expert_empty": ("invalid", "ไม่มีชื่อผู้เชี่ยวชาญ", "the expert's name is empty"),
    "ioc.closed": ("conflict", "ข้อสอบ {code} ฉบับที่ {number} อยู่ในสถานะ {status_th}: ประเมินความสอดคล้องไม่ได้แล้ว",
                   "version {number} of {code} is {status}: it can no longer be rated"),
    "instrument.invalid": ("invalid", "แบบประเมิน {code}: {reason}", "instrument {code}: {reason_en}"),
    "instrument.not_found": ("not_found", "ไม่พบแบบประเมิน {code}", "no instrument {code}"),
    "media.too_large": ("invalid", "ไฟล์ {filename} ขนาด {size} ไบต์ ใหญ่เกิน {max} ไบต์",
                        "file {filename} of {size} bytes is larger than {max} bytes"),
    "media.empty": ("invalid", "ไฟล์ {filename} ว่างเปล่า", "file {filename} is empty"),
    "media.type_not_allowed": ("invalid",
                               "ไฟล์ {filename} ไม่ใช่รูปภาพที่รองรับ (png, jpeg, gif, webp, svg): ตรวจพบ {detected}",
                               "file {filename} is not an allowed picture (png, jpeg, gif, webp, svg): found {detected}"),
    "media.svg_invalid": ("invalid", "ไฟล์ SVG {filename} อ่านไม่ได้หรือไม่ปลอดภัย: {reason}",
                          "SVG file {filename} is unreadable or unsafe: {reason}"),
    "media.not_found": ("not_found", "ไม่พบไฟล์สื่อ {sha256}", "media {sha256} not found"),
    "search.bad_area": ("invalid", "ไม่รู้จักกลุ่มสาระ {area!r}: ใช้ได้ {allowed}",
                        "unknown learning area {area!r}: use one of {allowed}"),
    "search.bad_grade": ("invalid", "ไม่รู้จักชั้น {grade!r}: ใช้ได้ ป.1–ป.6 หรือ ม.1–ม.6",
                         "unknown grade {grade!r}: use ป.1–ป.6 or ม.1–ม.6"),
    "search.bad_page": ("invalid", "หน้าที่ {page} หรือจำนวนต่อหน้า {per_page} ไม่ถูกต้อง (ต่อหน้าได้ 1–{max})",
                        "page {page} or per_page {per_page} is not valid (per page 1–{max})"),
}

STATUS_TH = {"draft": "ฉบับร่าง", "in_review": "รอพิจารณา", "approved": "อนุมัติแล้ว", "retired": "เลิกใช้"}


class _Safe(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def bank_error(code: str, /, *, where: Where | None = None, kind: str | None = None,
               problems: tuple[ItemBankError, ...] | list[ItemBankError] = (), **params: Any) -> ItemBankError:
    """An ItemBankError with its Thai and English texts rendered from the catalogue."""
    default_kind, th, en = CATALOGUE.get(code, ("invalid", code, code))
    values = _Safe({k: v for k, v in params.items()})
    if "code" in params:  # `code` is the error's own code: the item's code travels as item_code
        params["item_code"] = params.pop("code")
    if problems:  # the text is then every problem, one per line
        return ItemBankError(code, kind=kind or default_kind, where=where, problems=problems, **params)
    return ItemBankError(code, kind=kind or default_kind, where=where,
                         message_th=th.format_map(values), message_en=en.format_map(values), **params)


def render(error: ItemBankError, locale: str = "th") -> str:
    """The error as the user reads it (every problem, one per line)."""
    return error.text(locale)
