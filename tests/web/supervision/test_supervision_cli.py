"""`khlang supervision ...` and `khlang qa ...` end to end on the test database."""

from __future__ import annotations

import json
import subprocess
import unicodedata

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from itembank.authz import Actor
from itembank.schools import SchoolBase, add_schools
from supervision.plans import PlanEntryDraft, add_plan_entries
from web.cli import cli

CODES = ("1029020001", "1029020002", "1029020003", "1029020004")


@pytest.fixture
def schools(session):
    ids = add_schools(session, Actor.system(), [SchoolBase(code=c, name_th=f"โรงเรียนบ้านทดสอบ{k}", network="N1")
                                                for k, c in enumerate(CODES, start=1)])
    add_plan_entries(session, Actor.system(), 2569, [PlanEntryDraft("การอ่าน", 7, network="N1")])
    return ids


def _run(db_url, tmp_path, *args):
    return CliRunner().invoke(cli, ["--instance", str(tmp_path / "instance"), *args], env={"DATABASE_URL": db_url})


def _visit(path, **kw):
    data = {"school_code": CODES[0], "academic_year": 2569, "form_code": "classroom_visit", "visited_on": "2026-06-18",
            "ratings": {str(k): 4 for k in range(1, 11)}, "teacher_name": "นางสาวสุภาพร ใจงาม",
            "supervisor_name": "นางรุ่งนภา ศรีวิไล", "indicator_codes": ["ค 1.1 ป.4/2"], "qa_codes": ["3.4"],
            "recommendations": [{"text": "จัดทำแบบประเมินระหว่างเรียน", "due_on": "2026-08-31"}]}
    data.update(kw)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_visit_follow_up_record_and_report(db_url, schools, tmp_path):
    r = _run(db_url, tmp_path, "supervision", "visit", str(_visit(tmp_path / "v1.json")))
    assert r.exit_code == 0, r.output
    assert "ค่าเฉลี่ย 4.00 (ปฏิบัติได้ระดับดี)" in r.output and "ข้อเสนอแนะรหัส" in r.output
    rec_id = int(r.output.split("ข้อเสนอแนะรหัส ")[1].split(":")[0])
    visit_id = int(r.output.split("บันทึกการนิเทศรหัส ")[1].split(":")[0])
    r = _run(db_url, tmp_path, "supervision", "visit", str(_visit(
        tmp_path / "v2.json", visited_on="2026-09-10", follow_up_of=visit_id, closes=[rec_id], recommendations=[])))
    assert r.exit_code == 0 and f"ปิดข้อเสนอแนะ {rec_id}" in r.output, r.output
    assert "ตรวจสอบแล้ว" in _run(db_url, tmp_path, "supervision", "recommendations", "--year", "2569").output
    cov = _run(db_url, tmp_path, "supervision", "coverage", "--year", "2569").output
    assert "นิเทศแล้ว 1/4 โรง (ร้อยละ 25.00)" in cov

    pdf = tmp_path / "record.pdf"
    r = _run(db_url, tmp_path, "supervision", "record", str(visit_id), "--out", str(pdf))
    assert r.exit_code == 0, r.output
    text = unicodedata.normalize("NFKC", subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True,
                                                        text=True, check=True).stdout)
    assert "แบบการเยี่ยมชั้นเรียน" in text and "(ลงชื่อ)" in text
    docx = tmp_path / "report.docx"
    r = _run(db_url, tmp_path, "supervision", "report", "--year", "2569", "--format", "docx", "--out", str(docx))
    assert r.exit_code == 0 and docx.stat().st_size > 5000, r.output


def test_refusals_are_thai_and_store_nothing(db_url, schools, tmp_path):
    r = _run(db_url, tmp_path, "supervision", "visit", str(_visit(tmp_path / "bad.json", ratings={"1": 7})))
    assert r.exit_code == 1 and "นอกมาตราประเมิน" in r.output and "ยังไม่ได้ให้คะแนน" in r.output
    assert "ยังไม่มีการนิเทศ" in _run(db_url, tmp_path, "supervision", "visits", "--year", "2569").output
    r = _run(db_url, tmp_path, "--lang", "en", "supervision", "visit", str(_visit(tmp_path / "x.json", school_code="1")))
    assert r.exit_code == 1 and "no school 1" in r.output
    r = _run(db_url, tmp_path, "supervision", "report", "--year", "2569", "--format", "pdf", "--out",
             str(tmp_path / "r.docx"))
    assert r.exit_code == 1 and "นามสกุลไฟล์" in r.output


def test_qa_template_import_idempotent_and_summary(db_url, schools, tmp_path):
    xlsx = tmp_path / "sar.xlsx"
    assert _run(db_url, tmp_path, "qa", "template", "--out", str(xlsx), "--year", "2569").exit_code == 0
    wb = load_workbook(xlsx)
    ws = wb["SAR"]
    ws.delete_rows(2, ws.max_row)
    for k, code in enumerate(CODES):
        for std, level in (("1", "ยอดเยี่ยม" if k == 0 else "ดี"), ("2", "4"), ("3", "ปานกลาง" if k == 3 else "๓")):
            ws.append((code, 2569, std, level, "หลักฐานจาก SAR", "sar"))
    wb.save(xlsx)
    r = _run(db_url, tmp_path, "qa", "import", str(xlsx))
    assert r.exit_code == 0 and "เพิ่ม 12 ปรับปรุง 0 ไม่เปลี่ยนแปลง 0" in r.output, r.output
    r = _run(db_url, tmp_path, "qa", "import", str(xlsx))
    assert "เพิ่ม 0 ปรับปรุง 0 ไม่เปลี่ยนแปลง 12" in r.output, r.output
    summary = _run(db_url, tmp_path, "qa", "summary", "--year", "2569", "--schools").output
    assert "1029020001\tโรงเรียนบ้านทดสอบ1\t1=5 1.1=- 2=4 3=3\tผลสอบ -" in summary
    assert "มาตรฐานที่ 3: ยอดเยี่ยม 0 ดีเลิศ 0 ดี 3 ปานกลาง 1" in summary and "ต่ำกว่าเป้าหมาย: 1029020004" in summary

    ws.append((CODES[0], 2569, "4.1", "6", "", "sar"))
    ws.append(("9999999999", 2569, "1", "ดี", "", "sar"))
    wb.save(xlsx)
    r = _run(db_url, tmp_path, "qa", "import", str(xlsx))
    assert r.exit_code == 1 and "ไม่มีการบันทึกใด ๆ" in r.output
    assert "sar.xlsx แถว 14 คอลัมน์ C" in r.output and "แถว 14 คอลัมน์ D" in r.output, r.output
    ws.delete_rows(14, 1)
    wb.save(xlsx)
    r = _run(db_url, tmp_path, "qa", "import", str(xlsx))
    assert r.exit_code == 1 and "แถว 14 คอลัมน์ รหัสโรงเรียน: ไม่พบโรงเรียนรหัส 9999999999" in r.output, r.output
    csv = tmp_path / "sar.csv"
    csv.write_text("รหัสโรงเรียน,ปีการศึกษา,ประเด็น,ระดับคุณภาพ\n1029020002,2569,1,=1+1\n", encoding="utf-8")
    r = _run(db_url, tmp_path, "qa", "import", str(csv))
    assert r.exit_code == 1 and "sar.csv แถว 2" in r.output, r.output


def test_supervisor_and_school_act_as_themselves(db_url, session, schools, tmp_path):
    from itembank.accounts import create_user

    create_user(session, Actor.system(), "sup.a", "นางรุ่งนภา ศรีวิไล", "supervisor")
    create_user(session, Actor.system(), "school.one", "โรงเรียนบ้านทดสอบ1", "school", school_id=schools[CODES[0]])
    plan = tmp_path / "plan.csv"
    plan.write_text("รหัสโรงเรียน,กลุ่มเครือข่าย,ประเด็นการนิเทศ,เดือน,รูปแบบ,ผู้นิเทศ\n"
                    f"{CODES[0]},,การจัดการเรียนรู้เชิงรุก,6,โรงเรียนเป็นฐาน,sup.a\n"
                    ",N1,การอ่าน,8,โครงการเป็นฐาน,nobody\n", encoding="utf-8")
    r = _run(db_url, tmp_path, "supervision", "plan-import", str(plan), "--year", "2569")
    assert r.exit_code == 1 and "plan.csv แถว 3 คอลัมน์ F: ไม่พบศึกษานิเทศก์ชื่อผู้ใช้ nobody" in r.output, r.output
    plan.write_text(plan.read_text(encoding="utf-8").replace("nobody", "sup.a").replace(",N1,", "9999999999,,"),
                    encoding="utf-8")
    assert "ไม่พบโรงเรียนรหัส 9999999999" in _run(db_url, tmp_path, "supervision", "plan-import", str(plan),
                                                   "--year", "2569").output
    plan.write_text(plan.read_text(encoding="utf-8").splitlines()[0] + "\n" + plan.read_text(encoding="utf-8")
                    .splitlines()[1] + "\n", encoding="utf-8")
    assert _run(db_url, tmp_path, "supervision", "plan-import", str(plan), "--year", "2569").exit_code == 0

    r = _run(db_url, tmp_path, "supervision", "visit", str(_visit(tmp_path / "b.json", school_code=CODES[1])),
             "--as", "sup.a")
    assert r.exit_code == 1 and "ไม่อยู่ในแผนการนิเทศ" in r.output
    r = _run(db_url, tmp_path, "supervision", "visit", str(_visit(tmp_path / "a.json")), "--as", "sup.a")
    assert r.exit_code == 0, r.output
    visit_id = r.output.split("บันทึกการนิเทศรหัส ")[1].split(":")[0]
    r = _run(db_url, tmp_path, "supervision", "acknowledge", visit_id, "--as", "school.one")
    assert r.exit_code == 0 and "รับทราบผลการนิเทศ" in r.output, r.output
    r = _run(db_url, tmp_path, "supervision", "report", "--year", "2569", "--out", str(tmp_path / "r.pdf"),
             "--as", "school.one")
    assert r.exit_code == 1 and "ไม่มีสิทธิ์" in r.output


def test_an_office_adds_its_own_form(db_url, schools, tmp_path):
    form = {"code": "reading", "title_th": "แบบนิเทศการอ่าน",
            "scale": [{"score": 2, "label": "ผ่าน"}, {"score": 1, "label": "ไม่ผ่าน"}],
            "bands": [{"min": 1.51, "max": 2, "label": "ผ่าน"}, {"min": 1, "max": 1.5, "label": "ไม่ผ่าน"}],
            "domains": [{"code": "R", "title": "การอ่าน", "items": [{"code": "r1", "text": "อ่านออกเสียงถูกต้อง"}]}]}
    path = tmp_path / "reading.json"
    path.write_text(json.dumps(form, ensure_ascii=False), encoding="utf-8")
    assert "เพิ่มแบบ reading" in _run(db_url, tmp_path, "supervision", "form-add", str(path)).output
    listed = _run(db_url, tmp_path, "supervision", "forms").output
    assert "classroom_visit" in listed and "learning_management" in listed and "reading\tแบบนิเทศการอ่าน" in listed
    r = _run(db_url, tmp_path, "supervision", "form-add", str(path))
    assert r.exit_code == 1 and "มีแบบบันทึกรหัส reading อยู่แล้ว" in r.output


def test_visit_template_lists_every_item_and_refuses_unfilled_scores(db_url, schools, tmp_path):
    out = tmp_path / "lm.json"
    r = _run(db_url, tmp_path, "supervision", "visit-template", "learning_management", "--out", str(out),
             "--school", CODES[0])
    assert r.exit_code == 0 and "25 ข้อ" in r.output, r.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["ratings"]) == 25 and set(data["narrative"]) == {"found", "reflection", "strengths", "to_improve"}
    data["visited_on"] = "2026-07-01"
    data["recommendations"] = []
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = _run(db_url, tmp_path, "supervision", "visit", str(out))
    assert r.exit_code == 1 and "พบปัญหา 25 รายการ" in r.output and "ยังไม่ได้ให้คะแนน" in r.output
