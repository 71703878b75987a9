"""Signing in from tests: an account of a role with a password, then the real /login form (CSRF included)."""

from __future__ import annotations

import re
from itertools import count

PASSWORD = "แมวส้มนอนบนหลังคาบ้าน"
_n = count(1)


def make_account(app, role: str = "officer", *, username: str | None = None, school_id: int | None = None,
                 roles: tuple[str, ...] = (), area: tuple[int, ...] = (), password: str = PASSWORD):
    from itembank.accounts import create_user
    from itembank.authz import Actor
    from web.store_ext import get_store

    if role == "school" and school_id is None:
        school_id = ensure_school(app)
    with get_store(app).session() as s:
        return create_user(s, Actor.system(), username or f"{role}{next(_n)}", f"ผู้ใช้ {role}", role,
                           school_id=school_id, roles=roles, area_school_ids=area, password=password)


def ensure_school(app, code: str = "1000000001", name: str = "โรงเรียนบ้านทดสอบ") -> int:
    from sqlalchemy import select

    from itembank.schools import School
    from web.store_ext import get_store

    with get_store(app).session() as s:
        school = s.scalar(select(School).where(School.code == code))
        if school is None:
            school = School(code=code, name_th=name)
            s.add(school)
            s.commit()
        return school.id


def csrf_token(client, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client, username: str, password: str = PASSWORD):
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def signed_in_client(app, role: str = "officer", **kw):
    client = app.test_client()
    user = make_account(app, role, **kw)
    sign_in(client, user.username)
    client.user = user
    return client
