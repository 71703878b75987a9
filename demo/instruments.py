"""Instruments schools download: desired-trait rating scales, the reading-thinking-writing rubric,
a key-competency checklist and an authentic-assessment rubric, built from the shipped curriculum."""

from __future__ import annotations

from demo.spec import InstrumentSpec
from itembank.curriculum import load_curriculum

FOUR_LEVELS_NOTE = (
    "ระดับคุณภาพ ดีเยี่ยม 3 / ดี 2 / ผ่าน 1 / ไม่ผ่าน 0 (ใช้กับคุณลักษณะอันพึงประสงค์และการอ่าน คิดวิเคราะห์ และเขียน)"
)
AVERAGE_RULE = (
    "ค่าเฉลี่ย 2.50 ขึ้นไป = ดีเยี่ยม; 1.50–2.49 = ดี; 1.00–1.49 = ผ่าน; ต่ำกว่า 1.00 = ไม่ผ่าน (แนวปฏิบัติของโรงเรียน)"
)


def _levels(described: bool = True) -> tuple[dict, ...]:
    cur = load_curriculum()
    return tuple(
        {"score": q.code, "label": q.label, "description": (q.meaning or "") if described else ""}
        for q in cur.quality_scale
    )


def demo_instruments() -> list[InstrumentSpec]:
    """The demo district's instruments (แบบประเมิน), in code order."""
    cur = load_curriculum()
    out: list[InstrumentSpec] = []
    for trait in cur.traits:
        out.append(
            InstrumentSpec(
                code=f"DT-{trait.number}",
                title=f"แบบประเมินคุณลักษณะอันพึงประสงค์ ข้อ {trait.number} {trait.name_th}",
                kind="rating_scale",
                purpose="desired_trait",
                criteria=tuple(
                    {"text": ti.text, "trait_code": str(ti.code), "status": ti.status}
                    for ti in trait.indicators
                ),
                levels=_levels(),
                trait_codes=tuple(str(ti.code) for ti in trait.indicators),
                description=f"ประเมินตามตัวชี้วัด {len(trait.indicators)} ข้อของคุณลักษณะข้อ {trait.number}; "
                + FOUR_LEVELS_NOTE,
                decision_rule=AVERAGE_RULE,
                sources=("itembank/curriculum/data/desired_characteristics.json",),
            )
        )
    out.append(
        InstrumentSpec(
            code="DT-ALL",
            title="แบบสรุปผลการประเมินคุณลักษณะอันพึงประสงค์ 8 ประการ",
            kind="rating_scale",
            purpose="desired_trait",
            criteria=tuple(
                {"text": f"{t.number}. {t.name_th}", "trait_code": f"{t.number}.1"} for t in cur.traits
            ),
            levels=_levels(),
            trait_codes=tuple(str(ti.code) for ti in cur.trait_indicators),
            description="สรุปผลรายคุณลักษณะเป็นผลรายปี; " + FOUR_LEVELS_NOTE,
            decision_rule="ดีเยี่ยม: ได้ดีเยี่ยม 5–8 คุณลักษณะ และไม่มีคุณลักษณะใดต่ำกว่าดี (single_source); "
            "เกณฑ์ระดับ ดี/ผ่าน/ไม่ผ่าน ยังไม่ได้ตรวจกับเอกสาร สพฐ. (unverified)",
            sources=("itembank/curriculum/data/desired_characteristics.json",),
        )
    )
    rtw = cur.reading_thinking_writing
    out.append(
        InstrumentSpec(
            code="RTW-1",
            title="แบบประเมินการอ่าน คิดวิเคราะห์ และเขียน",
            kind="rubric",
            purpose="reading_thinking_writing",
            criteria=tuple({"text": c} for c in rtw.criteria),
            levels=tuple(
                {"score": q.code, "label": q.label, "description": q.meaning or ""} for q in rtw.levels
            ),
            description="ประเมิน 7 ตัวชี้วัด ด้าน " + " ".join(rtw.domains) + "; ให้คะแนน 0–3 แล้วเฉลี่ย",
            decision_rule=AVERAGE_RULE,
            sources=("itembank/curriculum/data/competencies_and_scales.json",),
        )
    )
    out.append(
        InstrumentSpec(
            code="KC-1",
            title="แบบบันทึกการประเมินสมรรถนะสำคัญของผู้เรียน 5 ประการ",
            kind="checklist",
            purpose="competency",
            criteria=tuple({"text": c.name_th, "competency_code": str(c.code)} for c in cur.competencies),
            levels=_levels(described=False),
            description="บันทึกระดับคุณภาพของสมรรถนะแต่ละข้อ (ซอฟต์แวร์ของโรงเรียนบางแห่งใช้ 4 ระดับนี้ด้วย)",
            sources=("itembank/curriculum/data/competencies_and_scales.json",),
        )
    )
    out.append(
        InstrumentSpec(
            code="AA-P6-1",
            title="เกณฑ์การประเมินชิ้นงาน โครงงานปลูกผักปลอดสารในโรงเรียน (ป.6)",
            kind="rubric",
            purpose="authentic",
            grade="ป.6",
            criteria=(
                {"text": "การวางแผนและแบ่งหน้าที่ในกลุ่ม", "max_score": 3},
                {"text": "การบันทึกข้อมูลการเจริญเติบโตของผัก", "max_score": 3},
                {"text": "การนำเสนอผลและข้อสรุป", "max_score": 3},
                {"text": "ความรับผิดชอบและการทำงานร่วมกัน", "max_score": 3},
            ),
            levels=(
                {"score": 3, "label": "ดีมาก", "description": "ครบถ้วน ถูกต้อง ทำได้ด้วยตนเอง"},
                {"score": 2, "label": "ดี", "description": "ครบถ้วนเป็นส่วนใหญ่ มีข้อบกพร่องเล็กน้อย"},
                {"score": 1, "label": "พอใช้", "description": "ทำได้บางส่วน ต้องได้รับคำแนะนำ"},
                {"score": 0, "label": "ปรับปรุง", "description": "ไม่ได้ทำหรือทำไม่ได้"},
            ),
            trait_codes=("5.1", "6.1"),
            description="คะแนนเต็ม 12 คะแนน (4 ประเด็น × 3 คะแนน)",
        )
    )
    return out
