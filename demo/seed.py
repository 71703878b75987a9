"""`khlang demo seed`: the demo district written through the same services a real district uses.

Schools and accounts first, then each author's items as drafts (one all-or-nothing upsert per
author), the experts' IOC ratings, submission for review and approval by a reviewer who is not the
author — so every demo item has a real review history and IOC — then the instruments.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlmodel import Session

from itembank import service
from itembank.authz import Actor
from itembank.models import Item, ItemVersion
from itembank.review import IocRatingInput
from itembank.schemas import InstrumentDraft, ItemSetDraft, ReviewStatus
from itembank.store import Store
from scoring.models import School
from web.models import User


@dataclass(frozen=True)
class SeedReport:
    n_schools: int
    n_users: int
    n_items: int
    n_approved: int
    n_sets: int
    n_instruments: int
    seconds: float
    n_forms: int = 0


def is_seeded(store: Store) -> bool:
    with store.read_session() as s:
        return bool(s.scalar(select(func.count()).select_from(Item)))


def seed_demo(store: Store, *, seed: int = 2569, min_ioc: float = 0.5,
              progress: Callable[[str], None] = lambda _: None) -> SeedReport:
    """Write the demo district into an empty store (refuses a store that already has items)."""
    import demo

    start = time.perf_counter()
    if is_seeded(store):
        from itembank.errors import ItemBankError

        raise ItemBankError("demo.not_empty", kind="conflict",
                            message_th="ฐานข้อมูลมีข้อสอบอยู่แล้ว: ใช้ khlang demo seed --reset เพื่อเริ่มใหม่",
                            message_en="the database already has items: use khlang demo seed --reset")
    schools, users = demo.demo_schools(), demo.demo_users()
    with store.session() as s:
        school_ids = _write_schools(s, schools)
        accounts = _write_users(s, users, school_ids)
    progress(f"โรงเรียน {len(schools)} แห่ง, ผู้ใช้ {len(users)} คน")

    items = list(demo.demo_items(seed=seed))
    sets = {st.code: st for st in demo.demo_item_sets()}
    by_author: dict[str, list] = defaultdict(list)
    for spec in items:
        by_author[spec.author].append(spec)
    with store.session() as s:
        for author, specs in by_author.items():
            actor = accounts.get(author) or Actor.system()
            drafts = [replace(spec.to_draft(), status=ReviewStatus.draft) for spec in specs]
            wanted = {d.set_code for d in drafts if d.set_code}
            set_drafts = [_set_draft(sets[c]) for c in sorted(wanted) if c in sets]
            service.upsert_items(s, actor, drafts, sets=set_drafts)
    progress(f"ข้อสอบ {len(items)} ข้อ (ฉบับร่าง)")

    n_approved = _review_all(store, items, accounts, min_ioc)
    progress(f"อนุมัติแล้ว {n_approved} ข้อ")

    instruments = list(demo.demo_instruments())
    with store.session() as s:
        officer = next((a for a in accounts.values() if a.role == "officer"), Actor.system())
        for ins in instruments:
            service.save_instrument(s, officer, _instrument_draft(ins))
    from demo.forms import seed_demo_forms

    forms = seed_demo_forms(store, officer, progress)
    return SeedReport(len(schools), len(users), len(items), n_approved, len(sets), len(instruments),
                      time.perf_counter() - start, len(forms))


def _write_schools(s: Session, schools) -> dict[str, int]:
    rows = [School(code=x.code, name_th=x.name_th, name_en=x.name_en, amphoe=x.amphoe, tambon=x.tambon,
                   network=x.network, size=x.size, grades=x.grades) for x in schools]
    s.add_all(rows)
    s.flush()
    return {r.code: r.id for r in rows}


def _write_users(s: Session, users, school_ids: dict[str, int]) -> dict[str, Actor]:
    rows = [User(username=u.username, display_name=u.display_name, role=u.role, position=u.position,
                 school_id=school_ids.get(u.school_code) if u.school_code else None) for u in users]
    s.add_all(rows)
    s.flush()
    return {r.username: Actor(user_id=r.id, username=r.username, role=r.role, school_id=r.school_id) for r in rows}


def _set_draft(spec) -> ItemSetDraft:
    return ItemSetDraft(code=spec.code, title=spec.title, stimulus=spec.stimulus)


def _instrument_draft(spec) -> InstrumentDraft:
    if isinstance(spec, InstrumentDraft):
        return spec
    return spec.to_draft()


def _review_all(store: Store, items, accounts: dict[str, Actor], min_ioc: float) -> int:
    """IOC ratings from the experts, submission by the author, approval by the reviewer."""
    n = 0
    with store.session() as s:
        latest = dict(s.execute(select(Item.code, ItemVersion.id).join(ItemVersion, ItemVersion.item_id == Item.id)
                                .where(ItemVersion.is_latest.is_(True))).all())
        system = Actor.system()
        for spec in items:
            version_id = latest[spec.code]
            ratings = [IocRatingInput(name, int(r), "", accounts[name].user_id if name in accounts else None)
                       for name, r in spec.ioc_ratings]
            service.record_ioc_ratings(s, system, version_id, ratings)
            service.submit_for_review(s, accounts.get(spec.author, system), version_id, "ส่งพิจารณา")
            reviewer = accounts.get(spec.reviewer, system)
            service.approve(s, reviewer, version_id, "ผ่านการพิจารณาของคณะกรรมการ", min_ioc=min_ioc)
            n += 1
    return n
