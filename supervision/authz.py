"""What supervision lets people do: its actions in the centre's role × action table.

The table says which role may do an action at all; the services check the object: a supervisor
writes visits only to the schools the year's plan assigns to them, a school reads and acknowledges
only its own visits, recommendations and QA record (:func:`itembank.authz.authorize` keeps a school
to objects with its own ``school_id``).
"""

from __future__ import annotations

from itembank.authz import register_actions

ACTIONS = {
    "supervision.form_write": "เพิ่มแบบบันทึกการนิเทศ",
    "supervision.plan_read": "ดูแผนการนิเทศ",
    "supervision.plan_write": "บันทึกแผนการนิเทศ",
    "visit.read": "ดูบันทึกการนิเทศ",
    "visit.write": "บันทึกการนิเทศ",
    "visit.acknowledge": "รับทราบผลการนิเทศ",
    "recommendation.update": "ปรับสถานะข้อเสนอแนะ",
    "recommendation.verify": "ยืนยันการดำเนินการตามข้อเสนอแนะ",
    "qa.read": "ดูผลการประกันคุณภาพ",
    "qa.write": "บันทึกผลการประเมินตนเอง (SAR) และผลการประเมินภายนอก",
    "qa.summary": "ดูสรุปการประกันคุณภาพระดับเขตพื้นที่",
    "committee.read": "ดูรายงาน ก.ต.ป.น.",
    "committee.write": "บันทึกข้อเสนอแนะของ ก.ต.ป.น.",
}

_READ = {"supervision.plan_read", "visit.read", "qa.read"}

register_actions(
    ACTIONS,
    {
        "supervisor": _READ | {"supervision.form_write", "supervision.plan_write", "visit.write",
                               "recommendation.update", "recommendation.verify", "qa.summary", "committee.read"},
        "qa": _READ | {"qa.write", "qa.summary", "committee.read", "committee.write", "supervision.form_write"},
        "officer": _READ | {"qa.summary", "committee.read"},
        "analyst": _READ | {"qa.summary", "committee.read"},
        "secretary": {"supervision.plan_read", "qa.read", "qa.summary", "committee.read", "committee.write"},
        "school": {"visit.read", "visit.acknowledge", "recommendation.update", "qa.read",
                   "supervision.plan_read"},
    },
)
