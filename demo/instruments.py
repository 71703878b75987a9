"""Instruments schools download: desired-trait rating scales, the reading-thinking-writing rubric,
a key-competency rating scale, a group-work checklist and an authentic-assessment rubric, built from
the shipped curriculum.

Every one is complete as printed: each level described (the curriculum's wording where it has one,
the office's guide where it has none), criteria numbered once (by the printed ที่ column, never in
their text), and nothing but what a teacher reads.
"""

from __future__ import annotations

from demo.spec import InstrumentSpec
from itembank.curriculum import load_curriculum

# descriptions carry no digits of their own: the printed table numbers levels and scores in the
# document's digits, and a second spelling beside it would mix Thai and Arabic digits on one page
FOUR_LEVELS_NOTE = "ให้ระดับคุณภาพ ดีเยี่ยม ดี ผ่าน หรือไม่ผ่าน ตามเกณฑ์ท้ายแบบประเมิน"
AVERAGE_RULE = "ค่าเฉลี่ย 2.50 ขึ้นไป = ดีเยี่ยม; 1.50–2.49 = ดี; 1.00–1.49 = ผ่าน; ต่ำกว่า 1.00 = ไม่ผ่าน"

#: the guide's wording for the desired-trait levels the curriculum file leaves without a meaning
TRAIT_MEANING = {
    3: "ปฏิบัติตนตามคุณลักษณะจนเป็นนิสัย และนำไปใช้ในชีวิตประจำวันเพื่อประโยชน์สุขของตนเองและสังคม",
    2: "มีคุณลักษณะในการปฏิบัติตามกฎเกณฑ์ เพื่อให้เป็นการยอมรับของสังคม",
    1: "รับรู้และปฏิบัติตามกฎเกณฑ์และเงื่อนไขที่สถานศึกษากำหนด",
    0: "ไม่ยอมรับหรือไม่ปฏิบัติตามกฎเกณฑ์และเงื่อนไขที่สถานศึกษากำหนด",
}
RTW_MEANING_0 = ("ไม่มีผลงานที่แสดงถึงความสามารถในการอ่าน คิดวิเคราะห์ และเขียน หรือถ้ามีผลงาน "
                 "ผลงานนั้นยังมีข้อบกพร่องที่ต้องได้รับการปรับปรุงแก้ไขหลายประการ")
COMPETENCY_MEANING = {
    3: "แสดงพฤติกรรมตามสมรรถนะได้ครบถ้วนและสม่ำเสมอด้วยตนเอง เป็นแบบอย่างแก่ผู้อื่นได้",
    2: "แสดงพฤติกรรมตามสมรรถนะได้เป็นส่วนใหญ่ด้วยตนเอง",
    1: "แสดงพฤติกรรมตามสมรรถนะได้บางส่วน เมื่อครูหรือเพื่อนแนะนำ",
    0: "ยังไม่แสดงพฤติกรรมตามสมรรถนะ ต้องได้รับการพัฒนา",
}
SUMMARY_RULE = (
    "ดีเยี่ยม: ได้ระดับดีเยี่ยม 5–8 คุณลักษณะ และไม่มีคุณลักษณะใดต่ำกว่าระดับดี; "
    "ดี: ได้ระดับดีเยี่ยม 1–4 คุณลักษณะ และไม่มีคุณลักษณะใดต่ำกว่าระดับผ่าน หรือได้ระดับดีทั้ง 8 คุณลักษณะ; "
    "ผ่าน: ได้ระดับผ่านทั้ง 8 คุณลักษณะ หรือได้ระดับดีเยี่ยมหรือดีไม่ถึง 5 คุณลักษณะ "
    "และไม่มีคุณลักษณะใดได้ระดับไม่ผ่าน; ไม่ผ่าน: ได้ระดับไม่ผ่านตั้งแต่ 1 คุณลักษณะขึ้นไป"
)


def _levels(meanings: dict[int, str] = TRAIT_MEANING, *, curriculum_first: bool = True) -> tuple[dict, ...]:
    """The four quality levels, each described: by the curriculum where it says (and `curriculum_first`),
    else by `meanings` (the guide's wording)."""
    cur = load_curriculum()
    return tuple(
        {"score": q.code, "label": q.label,
         "description": (q.meaning if curriculum_first and q.meaning else "") or meanings[int(q.code)]}
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
                criteria=tuple({"text": ti.text, "trait_code": str(ti.code)} for ti in trait.indicators),
                levels=_levels(),
                trait_codes=tuple(str(ti.code) for ti in trait.indicators),
                description="ประเมินทุกตัวชี้วัดของคุณลักษณะข้อนี้จากพฤติกรรมที่ผู้เรียนแสดงตลอดภาคเรียน; "
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
                {"text": t.name_th, "trait_code": f"{t.number}.1"} for t in cur.traits
            ),
            levels=_levels(),
            trait_codes=tuple(str(ti.code) for ti in cur.trait_indicators),
            description="สรุปผลรายคุณลักษณะเป็นผลรายปี; " + FOUR_LEVELS_NOTE,
            decision_rule=SUMMARY_RULE,
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
            levels=tuple(  # the file shortens the last level's wording ("…"): the guide's full text
                {"score": q.code, "label": q.label,
                 "description": RTW_MEANING_0 if int(q.code) == 0 else q.meaning or ""}
                for q in rtw.levels
            ),
            description="ประเมินทุกตัวชี้วัดด้าน" + " ".join(rtw.domains)
            + "; ให้คะแนนแต่ละตัวชี้วัดตามระดับคุณภาพแล้วหาค่าเฉลี่ย",
            decision_rule=AVERAGE_RULE,
            sources=("itembank/curriculum/data/competencies_and_scales.json",),
        )
    )
    out.append(
        InstrumentSpec(
            code="KC-1",
            title="แบบประเมินสมรรถนะสำคัญของผู้เรียน 5 ประการ",
            kind="rating_scale",
            purpose="competency",
            criteria=tuple({"text": c.name_th, "competency_code": str(c.code)} for c in cur.competencies),
            levels=_levels(COMPETENCY_MEANING, curriculum_first=False),
            description="ประเมินระดับคุณภาพของสมรรถนะแต่ละข้อจากพฤติกรรมที่ผู้เรียนแสดงตลอดภาคเรียน; "
            + FOUR_LEVELS_NOTE,
            decision_rule=AVERAGE_RULE,
            sources=("itembank/curriculum/data/competencies_and_scales.json",),
        )
    )
    out.append(
        InstrumentSpec(
            code="CL-P3-1",
            title="แบบตรวจสอบรายการ พฤติกรรมการทำงานกลุ่ม",
            kind="checklist",
            purpose="competency",
            grade="ป.3",
            criteria=(
                {"text": "ร่วมวางแผนและแบ่งหน้าที่กับเพื่อนในกลุ่ม", "competency_code": "4"},
                {"text": "ทำหน้าที่ที่ได้รับมอบหมายจนเสร็จ", "competency_code": "4"},
                {"text": "รับฟังความคิดเห็นของเพื่อน", "competency_code": "1"},
                {"text": "แสดงความคิดเห็นด้วยถ้อยคำสุภาพ", "competency_code": "1"},
                {"text": "ช่วยกันแก้ปัญหาเมื่องานติดขัด", "competency_code": "3"},
                {"text": "เก็บวัสดุอุปกรณ์และทำความสะอาดที่ทำงานหลังเสร็จงาน", "competency_code": "4"},
            ),
            levels=(
                {"score": 1, "label": "ปฏิบัติ", "description": "ผู้เรียนแสดงพฤติกรรมนี้ให้เห็นระหว่างทำงานกลุ่ม"},
                {"score": 0, "label": "ไม่ปฏิบัติ", "description": "ไม่พบพฤติกรรมนี้ระหว่างทำงานกลุ่ม"},
            ),
            description="ทำเครื่องหมาย ✓ ในช่อง ปฏิบัติ หรือ ไม่ปฏิบัติ ของแต่ละรายการ ขณะสังเกตการทำงานกลุ่ม",
            decision_rule="ปฏิบัติ 5–6 รายการ = ดี; 3–4 รายการ = พอใช้; 0–2 รายการ = ควรพัฒนา",
        )
    )
    out.append(
        InstrumentSpec(
            code="AA-P6-1",
            title="เกณฑ์การประเมินชิ้นงาน โครงงานปลูกผักปลอดสารในโรงเรียน",
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
            description="ประเมินชิ้นงานของกลุ่มทุกประเด็นตามเกณฑ์การให้คะแนนท้ายแบบประเมิน แล้วรวมคะแนน",
            decision_rule="10–12 คะแนน = ดีมาก; 7–9 คะแนน = ดี; 4–6 คะแนน = พอใช้; 0–3 คะแนน = ปรับปรุง",
        )
    )
    return out
