"""A multipart body with a field that has no name is refused with 400, not a server error (schemathesis
found it on /api/v1/imports; the CSRF check reads every field of every cookie-session POST)."""

from __future__ import annotations


def test_a_nameless_multipart_field_is_a_400(anon):
    body = b"--XyZ\r\nContent-Disposition: form-data\r\n\r\nx,y\r\n--XyZ--\r\n"
    r = anon.post("/api/v1/imports", data=body, content_type="multipart/form-data; boundary=XyZ")
    assert r.status_code in (400, 401, 422), r.status_code
    r = anon.post("/login", data=body, content_type="multipart/form-data; boundary=XyZ")
    assert r.status_code == 400
