"""Thai labels for the bank's codes (the English catalogue translates them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

TYPE_LABELS = {
    "multiple_choice": _l("เลือกตอบ"),
    "true_false": _l("ถูก-ผิด"),
    "short_answer": _l("เติมคำตอบสั้น"),
    "numeric": _l("ตอบเป็นตัวเลข"),
    "matching": _l("จับคู่"),
    "constructed_response": _l("เขียนตอบ"),
}
STATUS_LABELS = {
    "draft": _l("ฉบับร่าง"),
    "in_review": _l("รอพิจารณา"),
    "approved": _l("อนุมัติแล้ว"),
    "retired": _l("เลิกใช้"),
}
LEVEL_LABELS = {
    "remember": _l("จำ"),
    "understand": _l("เข้าใจ"),
    "apply": _l("นำไปใช้"),
    "analyze": _l("วิเคราะห์"),
    "evaluate": _l("ประเมินค่า"),
    "create": _l("สร้างสรรค์"),
}
GRADES = ("ป.1", "ป.2", "ป.3", "ป.4", "ป.5", "ป.6", "ม.1", "ม.2", "ม.3", "ม.4", "ม.5", "ม.6")
PURPOSE_LABELS = {
    "desired_trait": _l("คุณลักษณะอันพึงประสงค์"),
    "reading_thinking_writing": _l("การอ่าน คิดวิเคราะห์ และเขียน"),
    "authentic": _l("การประเมินตามสภาพจริง"),
}
KIND_LABELS = {"rating_scale": _l("มาตรประมาณค่า"), "rubric": _l("เกณฑ์การให้คะแนน"), "checklist": _l("แบบตรวจสอบรายการ")}
