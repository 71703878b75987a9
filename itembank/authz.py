"""Who may do what: one role × action table that every room fills, and one check on the object.

Every service function takes an :class:`Actor` and calls :func:`authorize` with the object it is
about to touch, so authentication (the web issue) only has to build the Actor: the rules stay here.
The CLI acts as :meth:`Actor.system`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from itembank.errors import ItemBankError

#: The one role list: every role a person's account may hold, then "system" (the command line and
#: background jobs), which acts but never signs in.
ROLES = ("officer", "reviewer", "analyst", "supervisor", "qa", "secretary", "admin", "school", "system")
ACTOR_ONLY_ROLES = ("system",)
PERSON_ROLES = tuple(r for r in ROLES if r not in ACTOR_ONLY_ROLES)
#: Roles that may do every registered action.
ALL_ACTIONS_ROLES = ("admin", "system")

ROLE_TH = {
    "officer": "นักวัดผล",
    "reviewer": "ผู้พิจารณาข้อสอบ",
    "analyst": "นักวิเคราะห์",
    "supervisor": "ศึกษานิเทศก์",
    "qa": "เจ้าหน้าที่ประกันคุณภาพ",
    "secretary": "เลขานุการคณะกรรมการ ก.ต.ป.น.",
    "admin": "ผู้ดูแลระบบ",
    "school": "โรงเรียน",
    "system": "ระบบ",
}

#: Every registered action with its Thai name; each room fills it through :func:`register_actions`.
ACTION_TH: dict[str, str] = {}

#: The one role × action table, kept in step with ACTION_TH. An action missing here is refused for that role.
PERMISSIONS: dict[str, frozenset[str]] = {role: frozenset() for role in ROLES}

_GRANTS: dict[str, set[str]] = {role: set() for role in ROLES}


def register_actions(actions: Mapping[str, str], grants: Mapping[str, Iterable[str]]) -> None:
    """Add a room's actions (name → Thai label) and which roles may do them.

    Each room registers its own actions when it is imported; admin and system get every registered
    action. Registering the same action again with the same label changes nothing; a second label,
    an unknown role or a grant of an action nobody registered is a programming error (ValueError).
    """
    for action, label_th in actions.items():
        if ACTION_TH.get(action, label_th) != label_th:
            raise ValueError(f"action {action!r} is already registered as {ACTION_TH[action]!r}")
    known = set(ACTION_TH) | set(actions)
    for role, granted in grants.items():
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r} in the grants of {sorted(actions)}")
        unknown = set(granted) - known
        if unknown:
            raise ValueError(f"granting unregistered actions {sorted(unknown)} to {role}")
    ACTION_TH.update(actions)
    for role, granted in grants.items():
        _GRANTS[role].update(granted)
    for role in ROLES:  # in place: importers of PERMISSIONS see every room's actions
        PERMISSIONS[role] = frozenset(ACTION_TH if role in ALL_ACTIONS_ROLES else _GRANTS[role])


_BANK_READ = {"item.read", "item.read_key", "item.search", "media.read", "instrument.read",
              "instrument.download"}
_AUTHOR = {"item.create", "item.edit", "item.import", "item.submit", "item.export", "itemset.write",
           "instrument.write", "media.upload"}
_SEE = {"item.read", "item.search", "media.read", "instrument.read", "instrument.download"}

register_actions(
    {
        "item.read": "ดูข้อสอบ",
        "item.read_key": "ดูเฉลยข้อสอบ",
        "item.search": "ค้นหาข้อสอบ",
        "item.create": "สร้างข้อสอบ",
        "item.edit": "แก้ไขข้อสอบ",
        "item.import": "นำเข้าข้อสอบ",
        "item.import_status": "นำเข้าข้อสอบพร้อมสถานะที่ไม่ใช่ฉบับร่าง",
        "item.submit": "ส่งข้อสอบเข้าพิจารณา",
        "item.approve": "อนุมัติข้อสอบ",
        "item.return": "ส่งข้อสอบกลับไปแก้ไข",
        "item.retire": "เลิกใช้ข้อสอบ",
        "item.rate_ioc": "ให้คะแนนความสอดคล้อง (IOC)",
        "item.export": "ส่งออกข้อสอบ",
        "itemset.write": "บันทึกชุดข้อสอบ/บทอ่าน",
        "instrument.read": "ดูแบบประเมิน",
        "instrument.download": "ดาวน์โหลดแบบประเมิน",
        "instrument.write": "บันทึกแบบประเมิน",
        "media.read": "ดูไฟล์สื่อ",
        "media.upload": "อัปโหลดไฟล์สื่อ",
        "item.write_statistics": "บันทึกค่าสถิติของข้อสอบ",
        "user.read": "ดูรายชื่อผู้ใช้",
        "user.write": "เพิ่มผู้ใช้",
        "school.read": "ดูข้อมูลโรงเรียน",
        "school.write": "เพิ่มโรงเรียน",
        "job.read": "ดูงานเบื้องหลังของตนเอง",
        "job.read_any": "ดูงานเบื้องหลังของผู้ใช้ทุกคน",
    },
    {
        "officer": _BANK_READ | _AUTHOR | {"item.retire", "item.return"},
        "reviewer": _BANK_READ | {"item.approve", "item.return", "item.retire", "item.rate_ioc"},
        "analyst": _BANK_READ | {"item.export", "item.write_statistics"},
        "supervisor": _SEE,
        "qa": _SEE,
        "school": {"instrument.read", "instrument.download"},
    },
)
# the centre's schools and job records: every person reads the schools (a school account only its own
# row, checked on the object) and their own jobs
register_actions({}, {role: {"school.read", "job.read"} for role in PERSON_ROLES})
# the centre's accounts and audit log (itembank.accounts, itembank.audit): every person uses their own
# account (signs in, changes their password); administrators manage accounts; QA reads the audit log
register_actions(
    {
        "user.manage": "จัดการบัญชีผู้ใช้ (ปิดบัญชี ตั้งรหัสผ่าน บทบาท โทเค็น)",
        "account.self": "ใช้บัญชีของตนเอง",
        "audit.read": "ดูและส่งออกบันทึกการใช้งาน",
        "backup.run": "สำรองและกู้คืนฐานข้อมูล",
    },
    {**{role: {"account.self"} for role in PERSON_ROLES}, "qa": {"account.self", "audit.read"}},
)
# PDPA (itembank.privacy): a student's own data exported on request (a data-subject access request, s.30)
# by the students' school or the district's officer; the retention purge is the administrator's alone.
# The committee secretary's grants (committee reports and records, results summaries) are the rooms' own
# actions: supervision.authz and scoring.authz grant them.
register_actions(
    {
        "privacy.export": "ส่งออกข้อมูลส่วนบุคคลของนักเรียนตามคำขอของเจ้าของข้อมูล",
        "privacy.purge": "ลบข้อมูลส่วนบุคคลของนักเรียนที่พ้นระยะเวลาเก็บรักษา",
        "privacy.scan": "ตรวจหาเลขประจำตัวประชาชนในฐานข้อมูลและไฟล์",
    },
    {"officer": {"privacy.export"}, "school": {"privacy.export"}},
)


@dataclass(frozen=True)
class Actor:
    """The person (or the system) on whose behalf a service acts.

    A person may hold several roles: `role` is the primary one (what older code reads), `roles` all of
    them (the primary first); permissions are the union. A supervisor may be bound to an area of
    schools (`area_school_ids`): empty means the whole district.
    """

    user_id: int | None
    username: str
    role: str
    school_id: int | None = None
    roles: tuple[str, ...] = ()
    area_school_ids: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        roles = tuple(dict.fromkeys((self.role, *self.roles)))  # the primary first, no repeats
        object.__setattr__(self, "roles", roles)
        object.__setattr__(self, "area_school_ids", frozenset(self.area_school_ids))
        for role in roles:
            if role not in ROLES:
                raise ItemBankError(
                    "authz.unknown_role", kind="invalid", role=role,
                    message_th=f"ไม่รู้จักบทบาท {role!r} (บทบาทที่มี: {', '.join(ROLES)})",
                    message_en=f"unknown role {role!r}",
                )
        if "school" in roles and self.school_id is None:
            raise ItemBankError(
                "authz.school_without_school", kind="invalid",
                message_th="ผู้ใช้บทบาทโรงเรียนต้องระบุโรงเรียน",
                message_en="a school user needs a school_id",
            )

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @classmethod
    def system(cls) -> Actor:
        """The command line and background jobs: every permission, no person."""
        return cls(user_id=None, username="system", role="system")

    @property
    def is_system(self) -> bool:
        return "system" in self.roles

    def same_person(self, user_id: int | None, username: str | None) -> bool:
        """True when (user_id, username) names this actor: by id when both have one, else by name."""
        if self.user_id is not None and user_id is not None:
            return self.user_id == user_id
        return username is not None and username == self.username

    def may(self, action: str, obj: Any = None) -> bool:
        """True when :func:`authorize` would let this actor do `action` on `obj`."""
        try:
            authorize(self, obj, action)
        except ItemBankError:
            return False
        return True


def _forbidden(actor: Actor, action: str, reason_th: str, reason_en: str, code: str) -> ItemBankError:
    what = ACTION_TH.get(action, action)
    return ItemBankError(
        code, kind="forbidden", action=action, username=actor.username,
        message_th=f"{actor.username} ({ROLE_TH.get(actor.role, actor.role)}) ไม่มีสิทธิ์{what}: {reason_th}",
        message_en=f"{actor.username} ({actor.role}) may not {action}: {reason_en}",
    )


def _reaches_school(actor: Actor, granting: list[str], school_id: int) -> bool:
    """True when one of the roles that grant the action reaches objects of `school_id`.

    A school role reaches its own school only; a supervisor bound to an area only the area's schools;
    every other role (and an unbound supervisor) the whole district.
    """
    for role in granting:
        if role == "school":
            if actor.school_id == school_id:
                return True
        elif role == "supervisor" and actor.area_school_ids:
            if school_id in actor.area_school_ids:
                return True
        else:
            return True
    return False


def authorize(actor: Actor, obj: Any, action: str) -> None:
    """Let `actor` do `action` on `obj`, or raise ItemBankError(kind="forbidden") in Thai.

    Checks the role × action table, then the object: a school acts only on objects of its own
    school (or district-wide ones); the author of an item version never approves it. Fails closed:
    an unknown action is refused.
    """
    if action not in ACTION_TH:
        raise _forbidden(actor, action, "ไม่รู้จักการกระทำนี้", "unknown action", "authz.unknown_action")
    granting = [r for r in actor.roles if action in PERMISSIONS.get(r, frozenset())]
    if not granting:
        raise _forbidden(actor, action, "บทบาทนี้ไม่ได้รับอนุญาต", "role not permitted", "authz.role_forbidden")
    if obj is None:
        return
    obj_school = getattr(obj, "school_id", None)
    if obj_school is not None and not _reaches_school(actor, granting, obj_school):
        raise _forbidden(actor, action, "เป็นข้อมูลของโรงเรียนอื่น", "belongs to another school",
                         "authz.other_school")
    if action == "item.approve" and actor.same_person(getattr(obj, "author_id", None),
                                                       getattr(obj, "author_name", None)):
        raise _forbidden(actor, action, "ผู้เขียนข้อสอบอนุมัติข้อสอบของตนเองไม่ได้",
                         "the author cannot approve their own item", "review.author_cannot_approve")
    if action == "item.rate_ioc" and actor.same_person(getattr(obj, "author_id", None),
                                                        getattr(obj, "author_name", None)):
        raise _forbidden(actor, action, "ผู้เขียนข้อสอบประเมินความสอดคล้องของข้อสอบตนเองไม่ได้",
                         "the author cannot rate their own item", "review.author_cannot_rate")
