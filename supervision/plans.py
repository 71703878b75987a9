"""แผนการนิเทศ (the year's supervision plan): which schools or networks, which topic, by whom, in which month.

A supervisor is assigned to a school for a year when a plan entry names the school, or the school's
network (กลุ่มเครือข่าย), with that supervisor's user id. Coverage compares the plan with the visits.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlmodel import Session

from itembank.authz import Actor, authorize
from itembank.schools import School
from supervision.errors import SupervisionError
from supervision.models import PLAN_MODES, PlanEntry, Visit

MODE_TH = {"school_based": "โรงเรียนเป็นฐาน", "project_based": "โครงการเป็นฐาน"}


@dataclass(frozen=True)
class PlanEntryDraft:
    """One line of the plan: a school (by code) or a network, a topic, a month, a supervisor (user id)."""

    topic: str
    month: int
    school_code: str | None = None
    network: str | None = None
    mode: str = "school_based"
    supervisor_id: int | None = None
    supervisor_name: str = ""


@dataclass(frozen=True)
class CoverageRow:
    school_id: int
    school_code: str
    school: str
    network: str
    planned_topics: tuple[str, ...]
    planned_months: tuple[int, ...]
    supervisors: tuple[str, ...]
    n_visits: int

    @property
    def is_visited(self) -> bool:
        return self.n_visits > 0


@dataclass(frozen=True)
class Coverage:
    """ความครอบคลุมตามแผน: planned schools, how many were visited, and the visits outside the plan."""

    academic_year: int
    rows: tuple[CoverageRow, ...]
    n_unplanned_visits: int

    @property
    def n_planned(self) -> int:
        return len(self.rows)

    @property
    def n_visited(self) -> int:
        return sum(r.is_visited for r in self.rows)

    @property
    def percent(self) -> float:
        return 100.0 * self.n_visited / self.n_planned if self.rows else 0.0


def add_plan_entries(session: Session, actor: Actor, academic_year: int, drafts: list[PlanEntryDraft]) -> int:
    """Add lines to the year's plan in one transaction, all or none; how many were added."""
    authorize(actor, None, "supervision.plan_write")
    schools = {s.code: s for s in session.scalars(select(School))}
    networks = {s.network for s in schools.values() if s.network}
    problems, rows = [], []
    for k, d in enumerate(drafts, start=1):
        school = schools.get(d.school_code or "") if d.school_code else None
        if d.school_code and school is None:
            problems.append(SupervisionError("plan.unknown_school", message_th=f"แผนบรรทัด {k}: ไม่พบโรงเรียนรหัส {d.school_code}",
                                             message_en=f"plan line {k}: no school {d.school_code}"))
        if not d.school_code and d.network not in networks:
            problems.append(SupervisionError("plan.unknown_network", message_th=f"แผนบรรทัด {k}: ไม่พบกลุ่มเครือข่าย {d.network!r}",
                                             message_en=f"plan line {k}: no network {d.network!r}"))
        if not 1 <= d.month <= 12 or d.mode not in PLAN_MODES or not d.topic.strip():
            problems.append(SupervisionError("plan.bad_line", message_th=f"แผนบรรทัด {k}: ต้องมีประเด็นการนิเทศ เดือน 1–12 "
                                             "และรูปแบบ school_based หรือ project_based",
                                             message_en=f"plan line {k}: needs a topic, a month 1–12 and a mode"))
        rows.append(PlanEntry(academic_year=academic_year, school_id=school.id if school else None,
                              network=None if school else d.network, topic=d.topic.strip(), mode=d.mode, month=d.month,
                              supervisor_id=d.supervisor_id, supervisor_name=d.supervisor_name))
    if problems:
        raise SupervisionError("plan.invalid", problems=problems)
    session.add_all(rows)
    session.commit()
    return len(rows)


def assigned_school_ids(session: Session, academic_year: int, supervisor_id: int | None) -> set[int]:
    """The schools the plan gives this supervisor for the year (named, or in a named network)."""
    entries = session.scalars(select(PlanEntry).where(PlanEntry.academic_year == academic_year,
                                                      PlanEntry.supervisor_id == supervisor_id)).all()
    ids = {e.school_id for e in entries if e.school_id is not None}
    nets = {e.network for e in entries if e.network}
    if nets:
        ids |= set(session.scalars(select(School.id).where(School.network.in_(nets))))
    return ids


def check_assigned(session: Session, actor: Actor, school: School, academic_year: int) -> None:
    """A supervisor acts only on the schools the year's plan assigns to them (others by their role)."""
    if actor.role != "supervisor":
        return
    if school.id not in assigned_school_ids(session, academic_year, actor.user_id):
        raise SupervisionError("visit.not_assigned", kind="forbidden", school=school.code,
                               message_th=f"{school.name_th} ({school.code}) ไม่อยู่ในแผนการนิเทศปีการศึกษา "
                               f"{academic_year} ที่มอบหมายให้ {actor.username}",
                               message_en=f"{school.code} is not assigned to {actor.username} in the "
                               f"{academic_year} plan")


def plan_coverage(session: Session, actor: Actor, academic_year: int) -> Coverage:
    """The year's plan against its visits: every planned school, visited or not."""
    authorize(actor, None, "supervision.plan_read")
    entries = session.scalars(select(PlanEntry).where(PlanEntry.academic_year == academic_year)).all()
    schools = {s.id: s for s in session.scalars(select(School))}
    by_network: dict[str, list[int]] = defaultdict(list)
    for s in schools.values():
        if s.network:
            by_network[s.network].append(s.id)
    planned: dict[int, list[PlanEntry]] = defaultdict(list)
    for e in entries:
        for sid in ([e.school_id] if e.school_id is not None else by_network.get(e.network or "", [])):
            planned[sid].append(e)
    if actor.role == "school":
        planned = {k: v for k, v in planned.items() if k == actor.school_id}
    visits: dict[int, int] = defaultdict(int)
    for sid in session.scalars(select(Visit.school_id).where(Visit.academic_year == academic_year)):
        visits[sid] += 1
    rows = tuple(
        CoverageRow(sid, schools[sid].code, schools[sid].name_th, schools[sid].network or "",
                    tuple(dict.fromkeys(e.topic for e in es)), tuple(sorted({e.month for e in es})),
                    tuple(dict.fromkeys(e.supervisor_name for e in es if e.supervisor_name)), visits.get(sid, 0))
        for sid, es in sorted(planned.items(), key=lambda kv: schools[kv[0]].code)
    )
    unplanned = sum(n for sid, n in visits.items() if sid not in planned) if actor.role != "school" else 0
    return Coverage(academic_year, rows, unplanned)


def plan_entries(session: Session, actor: Actor, academic_year: int) -> list[PlanEntry]:
    """The year's plan lines, by month."""
    authorize(actor, None, "supervision.plan_read")
    q = select(PlanEntry).where(PlanEntry.academic_year == academic_year).order_by(PlanEntry.month, PlanEntry.id)
    if actor.role == "school":
        school = session.get(School, actor.school_id)
        mine = [PlanEntry.school_id == actor.school_id]
        if school is not None and school.network:
            mine.append(PlanEntry.network == school.network)
        q = q.where(or_(*mine))
    return list(session.scalars(q))


_PLAN_COLUMNS = {"รหัสโรงเรียน": "school_code", "school_code": "school_code", "กลุ่มเครือข่าย": "network",
                 "network": "network", "ประเด็นการนิเทศ": "topic", "topic": "topic", "เดือน": "month", "month": "month",
                 "รูปแบบ": "mode", "mode": "mode", "ผู้นิเทศ": "supervisor", "supervisor": "supervisor"}
_MODES = {"โรงเรียนเป็นฐาน": "school_based", "โครงการเป็นฐาน": "project_based", "school_based": "school_based",
          "project_based": "project_based", "": "school_based"}


def import_plan_file(session: Session, actor: Actor, academic_year: int, path: str) -> int:
    """Add the plan lines of a CSV/XLSX file (รหัสโรงเรียน or กลุ่มเครือข่าย, ประเด็นการนิเทศ, เดือน, รูปแบบ,
    ผู้นิเทศ as a username); every row checked, all or nothing."""
    from itembank.accounts import User
    from itembank.errors import Where, column_letter
    from itembank.importing.files import read_table

    authorize(actor, None, "supervision.plan_write")
    table = read_table(path)
    cols = {_PLAN_COLUMNS[h.strip()]: k for k, h in enumerate(table.headers) if h.strip() in _PLAN_COLUMNS}
    users = {u.username: u for u in session.scalars(select(User))}
    problems, drafts = [], []
    for row_no, values in table.rows:
        def get(f: str, values: list[str] = values) -> str:
            return values[cols[f]].strip() if f in cols and cols[f] < len(values) else ""

        who = users.get(get("supervisor"))
        if get("supervisor") and (who is None or "supervisor" not in (who.role, *getattr(who, "roles", ()))):
            problems.append(SupervisionError("plan.unknown_supervisor", where=Where(table.file, row_no, column_letter(
                cols["supervisor"])), message_th=f"ไม่พบศึกษานิเทศก์ชื่อผู้ใช้ {get('supervisor')}",
                message_en=f"no supervisor {get('supervisor')}"))
        try:
            month = int(get("month"))
        except ValueError:
            month = 0
        mode = _MODES.get(get("mode"), "?")
        drafts.append(PlanEntryDraft(get("topic"), month, get("school_code") or None, get("network") or None, mode,
                                     who.id if who else None, who.display_name if who else ""))
    if problems:
        raise SupervisionError("plan.invalid", problems=problems)
    return add_plan_entries(session, actor, academic_year, drafts)
