"""What testgen lets people do: its actions in the centre's role × action table."""

from __future__ import annotations

from itembank.authz import register_actions

ACTIONS = {
    "blueprint.write": "บันทึกผังการออกข้อสอบ",
    "form.read": "ดูฉบับข้อสอบ",
    "form.assemble": "จัดฉบับข้อสอบ",
    "form.freeze": "ยืนยันฉบับข้อสอบ",
    "form.variants": "สร้างชุดสลับข้อ",
    "form.render": "พิมพ์แบบทดสอบ",
    "item.flag_compromised": "ระบุว่าข้อสอบรั่ว",
}

register_actions(ACTIONS, {"officer": set(ACTIONS), "analyst": {"form.read"}})
