"""What scoring lets people do: its actions in the centre's role × action table.

A school account acts only on its own school's objects (checked on the object by
:func:`itembank.authz.authorize`); what it may see of an administration also depends on the time
(the embargo of :mod:`scoring.administrations`).
"""

from __future__ import annotations

from itembank.authz import register_actions

ACTIONS = {
    "year.write": "บันทึกปีการศึกษาและภาคเรียน",
    "roster.read": "ดูรายชื่อนักเรียน",
    "roster.import": "นำเข้ารายชื่อนักเรียน",
    "student.read_names": "ดูชื่อ-นามสกุลนักเรียน",
    "administration.read": "ดูการสอบ",
    "administration.write": "จัดการการสอบ",
    "administration.release": "กำหนดเวลาเผยแพร่การสอบ",
    "administration.download": "ดาวน์โหลดแบบทดสอบและกระดาษคำตอบ",
    "answers.upload": "ส่งคำตอบของนักเรียน",
    "scores.read": "ดูผลคะแนน",
    "scores.export": "ส่งออกผลคะแนน",
    "scores.recompute": "คำนวณคะแนนใหม่",
}

_OFFICE = {"administration.read", "scores.read", "roster.read"}
register_actions(ACTIONS, {
    "officer": set(ACTIONS) - {"student.read_names"},
    "analyst": _OFFICE | {"scores.export"},
    "supervisor": _OFFICE,
    "qa": {"administration.read", "scores.read"},
    "secretary": {"administration.read", "scores.read"},  # the committee's results summaries
    "school": {"roster.read", "roster.import", "student.read_names", "administration.read",
               "administration.download", "answers.upload", "scores.read", "scores.export"},
})
