"""`khlang users`: accounts (create, list, disable, enable, reset-password, roles), TOTP and API tokens."""

from __future__ import annotations

import sys

import click

from web.admin.cli_actor import actor_for, as_option, store_session
from web.cli import lang


def _say(th: str, en: str) -> str:
    return en if lang() == "en" else th


def _password_from_stdin() -> str:
    return sys.stdin.readline().rstrip("\r\n")


def _school_ids(session, codes: tuple[str, ...], actor) -> list[int]:
    from itembank.schools import get_school

    return [get_school(session, actor, c).id for c in codes]


ROLE_HELP = "บทบาท (ใส่ซ้ำได้หลายบทบาท บทบาทแรกเป็นบทบาทหลัก): officer reviewer analyst supervisor qa secretary admin school"


@click.group("users")
def users() -> None:
    """บัญชีผู้ใช้: เพิ่ม ดูรายชื่อ ปิดบัญชี ตั้งรหัสผ่าน บทบาท โทเค็น / user accounts"""


@users.command("create")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, help=ROLE_HELP)
@click.option("--school", default=None, help="รหัสโรงเรียน 10 หลัก (บทบาทโรงเรียน) / school code")
@click.option("--area", multiple=True, help="รหัสโรงเรียนในความดูแลของศึกษานิเทศก์ (ใส่ซ้ำได้) / supervisor's schools")
@click.option("--name", "display_name", default=None, help="ชื่อที่แสดง / display name")
@click.option("--position", default=None, help="ตำแหน่ง / position")
@click.option("--password-stdin", is_flag=True, help="อ่านรหัสผ่านจาก stdin / read the password from stdin")
@as_option
def create(username, roles, school, area, display_name, position, password_stdin, as_name) -> None:
    """เพิ่มผู้ใช้ (ไม่มี --password-stdin: ตั้งรหัสผ่านภายหลังด้วย reset-password)"""
    from itembank.accounts import create_user

    password = _password_from_stdin() if password_stdin else None
    with store_session() as s:
        actor = actor_for(s, as_name)
        school_id = _school_ids(s, (school,), actor)[0] if school else None
        user = create_user(s, actor, username, display_name or username, roles[0], roles=roles,
                           school_id=school_id, area_school_ids=_school_ids(s, area, actor), position=position,
                           password=password)
    click.echo(_say(f"เพิ่มผู้ใช้ {user.username} ({' '.join(user.roles)}) แล้ว",
                    f"added user {user.username} ({' '.join(user.roles)})"))


@users.command("list")
@click.option("--role", default=None, help="เฉพาะบทบาทนี้ / only this role")
@as_option
def list_command(role, as_name) -> None:
    """รายชื่อผู้ใช้: ชื่อผู้ใช้ บทบาท โรงเรียน สถานะ"""
    from itembank.accounts import list_users

    with store_session(write=False) as s:
        rows = list_users(s, actor_for(s, as_name), role=role)
    for u in rows:
        state = _say("ใช้งาน", "active") if u.is_active else _say("ปิดแล้ว", "disabled")
        extras = [f"school={u.school_id}"] if u.school_id else []
        extras += [f"area={','.join(map(str, u.area_school_ids))}"] if u.area_school_ids else []
        extras += ["totp"] if u.totp_enrolled else []
        click.echo("\t".join([u.username, " ".join(u.roles), state, u.display_name, " ".join(extras)]))


@users.command("disable")
@click.argument("username")
@as_option
def disable(username, as_name) -> None:
    """ปิดบัญชี: ออกจากระบบทุกเครื่อง เพิกถอนโทเค็นทั้งหมด"""
    from itembank.accounts import set_active

    with store_session() as s:
        set_active(s, actor_for(s, as_name), username, False)
    click.echo(_say(f"ปิดบัญชี {username} แล้ว", f"disabled {username}"))


@users.command("enable")
@click.argument("username")
@as_option
def enable(username, as_name) -> None:
    """เปิดบัญชีที่ปิดไว้อีกครั้ง"""
    from itembank.accounts import set_active

    with store_session() as s:
        set_active(s, actor_for(s, as_name), username, True)
    click.echo(_say(f"เปิดบัญชี {username} แล้ว", f"enabled {username}"))


@users.command("reset-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="อ่านรหัสผ่านใหม่จาก stdin (ไม่ระบุ: สุ่มให้แล้วแสดงครั้งเดียว)")
@as_option
def reset_password(username, password_stdin, as_name) -> None:
    """ตั้งรหัสผ่านใหม่: ทุกเซสชันของผู้ใช้สิ้นสุดทันที"""
    import secrets

    from itembank.accounts import set_password

    password = _password_from_stdin() if password_stdin else secrets.token_urlsafe(12)
    with store_session() as s:
        set_password(s, actor_for(s, as_name), username, password)
    if password_stdin:
        click.echo(_say(f"ตั้งรหัสผ่านใหม่ของ {username} แล้ว", f"password of {username} set"))
    else:
        click.echo(password)


@users.command("roles")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, help=ROLE_HELP)
@click.option("--school", default=None, help="รหัสโรงเรียน 10 หลัก (บทบาทโรงเรียน)")
@click.option("--area", multiple=True, help="รหัสโรงเรียนในความดูแลของศึกษานิเทศก์ (ใส่ซ้ำได้)")
@as_option
def roles_command(username, roles, school, area, as_name) -> None:
    """กำหนดบทบาทของผู้ใช้ (แทนที่บทบาทเดิม): มีผลเมื่อลงชื่อเข้าใช้ครั้งถัดไป"""
    from itembank.accounts import set_roles

    with store_session() as s:
        actor = actor_for(s, as_name)
        user = set_roles(s, actor, username, roles, school_id=_school_ids(s, (school,), actor)[0] if school else None,
                         area_school_ids=_school_ids(s, area, actor) if area else None)
    click.echo(_say(f"{user.username}: {' '.join(user.roles)}", f"{user.username}: {' '.join(user.roles)}"))


@users.command("token")
@click.argument("username")
@click.option("--scope", "scopes", multiple=True, help="การกระทำที่โทเค็นทำได้ (ใส่ซ้ำได้; ไม่ระบุ = ทุกสิทธิ์ของผู้ใช้)")
@click.option("--label", default="", help="ชื่อเรียกโทเค็น / label")
@click.option("--revoke", is_flag=True, help="เพิกถอนโทเค็นทั้งหมดของผู้ใช้ / revoke every token")
@as_option
def token(username, scopes, label, revoke, as_name) -> None:
    """สร้างโทเค็น API ใหม่ (แสดงครั้งเดียว เก็บเฉพาะค่าแฮช) หรือเพิกถอนทั้งหมด"""
    from itembank.accounts import issue_token, revoke_tokens

    with store_session() as s:
        actor = actor_for(s, as_name)
        if revoke:
            n = revoke_tokens(s, actor, username)
            click.echo(_say(f"เพิกถอนโทเค็น {n} รายการ", f"revoked {n} tokens"))
            return
        click.echo(issue_token(s, actor, username, scopes=scopes or ("*",), label=label))


@users.command("totp")
@click.argument("username")
@as_option
def totp(username, as_name) -> None:
    """ตั้งรหัสยืนยันตัวตนสองขั้นตอนใหม่ (TOTP): แสดง URI สำหรับแอปยืนยันตัวตน"""
    from itembank.accounts import enrol_totp

    with store_session() as s:
        secret, uri = enrol_totp(s, actor_for(s, as_name), username)
    click.echo(uri)
