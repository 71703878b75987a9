"""The administrator's pages: index, schools, academic years, everyone's jobs, the audit log, backups."""

from __future__ import annotations

import os
import stat

import pytest
from signin import csrf_token, ensure_school, make_account, signed_in_client

PAGES = ("/admin/", "/admin/schools", "/admin/years", "/admin/jobs", "/admin/audit", "/admin/backups")


def test_the_index_links_every_administration_page(app):
    admin = signed_in_client(app, "admin")
    page = admin.get("/admin/").get_data(as_text=True)
    for href in ("/admin/users", "/admin/schools", "/admin/years", "/admin/jobs", "/admin/audit", "/admin/backups"):
        assert f'href="{href}"' in page
    assert "ผู้ดูแลระบบ" in page and 'href="/admin/"' in page  # the menu line


@pytest.mark.parametrize("role", ["officer", "reviewer", "analyst", "supervisor", "school"])
def test_non_administrators_are_refused(app, role):
    ensure_school(app)
    client = signed_in_client(app, role)
    allowed = {"/admin/years"} if role == "officer" else set()  # an officer keeps the years (year.write)
    for url in PAGES:
        assert client.get(url).status_code == (200 if url in allowed else 403), url
    token = csrf_token(client, "/account/password")
    for url in ("/admin/schools", "/admin/schools/1000000001", "/admin/years", "/admin/backups"):
        if url in allowed:
            continue
        assert client.post(url, data={"csrf_token": token, "code": "1234567890", "name_th": "x",
                                      "year_be": "2570"}).status_code == 403, url


def test_the_qa_officer_reads_the_audit_log_only(app):
    qa = signed_in_client(app, "qa")
    assert qa.get("/admin/audit").status_code == 200
    for url in ("/admin/", "/admin/schools", "/admin/backups", "/admin/years"):
        assert qa.get(url).status_code == 403


def test_anonymous_goes_to_sign_in(anon):
    for url in PAGES:
        r = anon.get(url)
        assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_schools_add_edit_search_and_refusals(app):
    admin = signed_in_client(app, "admin")
    token = csrf_token(admin, "/admin/schools")
    r = admin.post("/admin/schools", data={"csrf_token": token, "code": "1029020099", "name_th": "โรงเรียนบ้านนาดี",
                                           "amphoe": "เมือง", "network": "เครือข่ายที่ 1", "size": "small",
                                           "grades": "ป.1-ป.6"})
    assert r.status_code == 302
    page = admin.get(r.headers["Location"]).get_data(as_text=True)
    assert "เพิ่มโรงเรียน โรงเรียนบ้านนาดี (1029020099) แล้ว" in page and 'data-school="1029020099"' in page
    assert "เล็ก" in page and "small" not in page.split('id="schools"')[1].split("</table>")[0]
    # a wrong code, a repeated code: Thai messages, nothing added
    r = admin.post("/admin/schools", data={"csrf_token": token, "code": "12ab", "name_th": ""})
    body = r.get_data(as_text=True)
    assert r.status_code == 422 and "ตัวเลข 10 หลัก" in body and "ชื่อโรงเรียน (ภาษาไทย): ต้องระบุ" in body
    r = admin.post("/admin/schools", data={"csrf_token": token, "code": "1029020099", "name_th": "ซ้ำ"})
    assert r.status_code == 422 and "มีโรงเรียนรหัส 1029020099 อยู่แล้ว" in r.get_data(as_text=True)
    # edit
    assert "โรงเรียนบ้านนาดี" in admin.get("/admin/schools/1029020099").get_data(as_text=True)
    r = admin.post("/admin/schools/1029020099", data={"csrf_token": token, "name_th": "โรงเรียนบ้านนาดีวิทยา",
                                                      "network": "เครือข่ายที่ 2", "size": "medium"})
    assert r.status_code == 302
    assert "บันทึกข้อมูลโรงเรียนบ้านนาดีวิทยาแล้ว" in admin.get(r.headers["Location"]).get_data(as_text=True)
    page = admin.get("/admin/schools?q=นาดี").get_data(as_text=True)
    assert "โรงเรียนบ้านนาดีวิทยา" in page and "พบ 1 โรงเรียน" in page
    assert "พบ 0 โรงเรียน" in admin.get("/admin/schools?network=ไม่มี").get_data(as_text=True)
    assert admin.get("/admin/schools/0000000000").status_code == 404
    audit = admin.get("/admin/audit?event=school").get_data(as_text=True)
    assert "แก้ไขข้อมูลโรงเรียน" in audit and "เพิ่มโรงเรียน" in audit


def test_years_and_terms(app):
    admin = signed_in_client(app, "admin")
    token = csrf_token(admin, "/admin/years")
    r = admin.post("/admin/years", data={"csrf_token": token, "year_be": "2569", "starts_on": "2026-05-16",
                                         "ends_on": "2027-03-31", "terms": ["1", "2"]})
    assert r.status_code == 302
    page = admin.get("/admin/years").get_data(as_text=True)
    assert 'data-year="2569"' in page and "16 พฤษภาคม 2569" in page and "1/2569, 2/2569" in page
    r = admin.post("/admin/years", data={"csrf_token": token, "year_be": "2026", "starts_on": "2027-05-16",
                                         "ends_on": "2026-03-31"})
    body = r.get_data(as_text=True)
    assert r.status_code == 422 and "ต้องเป็นปี พ.ศ." in body and "วันสิ้นปีการศึกษาต้องอยู่หลังวันเปิดปีการศึกษา" in body
    assert 'data-year="2026"' not in body
    r = admin.post("/admin/years", data={"csrf_token": token, "year_be": "ปี", "starts_on": "31/02/2569"})
    assert r.status_code == 422 and "ไม่ใช่วันที่" in r.get_data(as_text=True)


def test_audit_log_filters_and_pages(app):
    admin = signed_in_client(app, "admin")
    officer = signed_in_client(app, "officer")
    officer.get("/admin/schools")  # refused: an audit row
    page = admin.get(f"/admin/audit?who={officer.user.username}").get_data(as_text=True)
    assert "ถูกปฏิเสธการเข้าถึง" in page and "ลงชื่อเข้าใช้" in page and ">access.denied<" not in page
    page = admin.get(f"/admin/audit?who={officer.user.username}&outcome=denied").get_data(as_text=True)
    assert page.count('data-event="access.denied"') == 1 and 'data-event="auth.sign_in"' not in page
    assert "บันทึกการใช้งาน" in admin.get("/admin/audit?since=2020-01-01&until=2099-12-31").get_data(as_text=True)
    bad = admin.get("/admin/audit?since=yesterday&page=x").get_data(as_text=True)
    assert "ตั้งแต่วันที่: &#39;yesterday&#39; ไม่ใช่วันที่" in bad
    assert "0 รายการ" in admin.get("/admin/audit?until=2000-01-01").get_data(as_text=True)


def test_jobs_of_everyone_with_filters(app):
    from itembank.authz import Actor
    from itembank.jobs import record_job
    from web.store_ext import get_store

    user = make_account(app, "officer")
    with get_store(app).session() as s:
        record_job(s, Actor(user_id=user.id, username=user.username, role="officer"), "job-1", "analyse", {})
    admin = signed_in_client(app, "admin")
    page = admin.get("/admin/jobs").get_data(as_text=True)
    assert "วิเคราะห์ข้อสอบ" in page and "1 งาน" in page
    assert "0 งาน" in admin.get("/admin/jobs?status=done").get_data(as_text=True)
    assert "1 งาน" in admin.get("/admin/jobs?kind=analyse&status=bogus").get_data(as_text=True)


def test_a_backup_is_taken_listed_private_and_never_downloadable(app, db_url):
    import shutil

    if not db_url.startswith("sqlite") and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    admin = signed_in_client(app, "admin")
    token = csrf_token(admin, "/admin/backups")
    r = admin.post("/admin/backups", data={"csrf_token": token})
    assert r.status_code == 302
    page = admin.get("/admin/backups").get_data(as_text=True)
    assert "สำรองข้อมูลแล้ว: khlang-" in page and "ไม่มีให้ดาวน์โหลดทางเว็บ" in page
    folder = os.path.join(app.instance_path, "backups")
    (name,) = [n for n in os.listdir(folder) if not n.endswith(".json")]
    assert stat.S_IMODE(os.stat(os.path.join(folder, name)).st_mode) == 0o600
    assert 'href="' not in page.split('id="backups"')[1].split("</table>")[0]  # no link to a file
    for url in (f"/admin/backups/{name}", f"/static/../instance/backups/{name}"):
        assert admin.get(url).status_code == 404
    assert "สำรองฐานข้อมูล" in admin.get("/admin/audit?event=backup").get_data(as_text=True)


def test_the_users_page_edits_roles_and_names_schools(app):
    school_id = ensure_school(app)
    user = make_account(app, "officer")
    admin = signed_in_client(app, "admin")
    page = admin.get("/admin/users").get_data(as_text=True)
    assert f'action="/admin/users/{user.username}/roles"' in page
    token = csrf_token(admin, "/admin/users")
    r = admin.post(f"/admin/users/{user.username}/roles", data={"csrf_token": token, "roles": ["school"],
                                                               "school": "1000000001"})
    assert r.status_code == 302
    page = admin.get("/admin/users").get_data(as_text=True)
    row = page.split(f'data-user="{user.username}"')[1].split("</tr>")[0]
    assert "โรงเรียนบ้านทดสอบ" in row and 'value="1000000001"' in row and school_id


def test_the_audit_log_downloads_as_csv_and_the_export_is_audited(app):
    admin = signed_in_client(app, "admin")
    with admin.get("/admin/audit.csv?since=2020-01-01") as r:
        assert r.status_code == 200 and r.data.startswith("\ufeffid,at,event".encode())
        assert b"auth.sign_in" in r.data
    assert "ส่งออกบันทึกการใช้งาน" in admin.get("/admin/audit").get_data(as_text=True)
    assert signed_in_client(app, "officer").get("/admin/audit.csv").status_code == 403
