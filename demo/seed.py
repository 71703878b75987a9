"""`khlang demo seed`: the demo district written through the same services a real district uses.

Nothing here reads or writes a table itself. Schools and accounts first, then each author's items as
drafts (one all-or-nothing upsert per author), the experts' IOC ratings, submission for review and
approval by a reviewer who is not the author — so every demo item has a real review history and
IOC — then the instruments, and the pilot, blueprints and forms of :mod:`demo.forms`.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from demo import demo_instruments, demo_item_sets, demo_items, demo_schools, demo_users
from demo.administrations import seed_demo_administrations
from demo.forms import seed_demo_forms
from demo.supervision import seed_demo_supervision
from itembank import service
from itembank.accounts import UserDraft, create_users
from itembank.authz import Actor
from itembank.errors import ItemBankError
from itembank.review import IocRatingInput
from itembank.schemas import InstrumentDraft, ItemSetDraft, ReviewStatus
from itembank.schools import SchoolBase, add_schools
from itembank.store import Store


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
    """True when the bank already holds an item."""
    with store.read_session() as s:
        return service.search_items(s, Actor.system(), per_page=1).total > 0


def seed_demo(store: Store, *, seed: int = 2569, min_ioc: float = 0.5,
              progress: Callable[[str], None] = lambda _: None, booklets_dir: Path | None = None,
              documents_dir: Path | None = None, district: str = "") -> SeedReport:
    """Write the demo district into an empty store (refuses a store that already has items).

    With `booklets_dir` (the instance's ``booklets`` folder), last year's released administration gets
    its per-school booklet files there, as the release job renders them; without, it has none. With
    `documents_dir` (the instance's form-documents folder) its form's answer sheet and keys are rendered there too.
    """
    start = time.perf_counter()
    if is_seeded(store):
        raise ItemBankError("demo.not_empty", kind="conflict",
                            message_th="ฐานข้อมูลมีข้อสอบอยู่แล้ว: ใช้ khlang demo seed --reset เพื่อเริ่มใหม่",
                            message_en="the database already has items: use khlang demo seed --reset")
    schools, users = demo_schools(), demo_users()
    with store.session() as s:
        school_ids = add_schools(s, Actor.system(), [_school(x) for x in schools])
        accounts = {u.username: u.actor() for u in create_users(s, Actor.system(), [
            _user(u, school_ids) for u in users])}
    progress(f"โรงเรียน {len(schools)} แห่ง, ผู้ใช้ {len(users)} คน")

    items = list(demo_items(seed=seed))
    sets = {st.code: st for st in demo_item_sets()}
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

    instruments = list(demo_instruments())
    with store.session() as s:
        officer = next((a for a in accounts.values() if a.role == "officer"), Actor.system())
        for ins in instruments:
            service.save_instrument(s, officer, _instrument_draft(ins))
    forms = seed_demo_forms(store, officer, progress)
    seed_demo_supervision(store, accounts, progress)
    seed_demo_administrations(store, schools, accounts, progress, booklets_dir=booklets_dir,
                              documents_dir=documents_dir, district=district)
    return SeedReport(len(schools), len(users), len(items), n_approved, len(sets), len(instruments),
                      time.perf_counter() - start, len(forms))


def _school(spec) -> SchoolBase:
    return SchoolBase(code=spec.code, name_th=spec.name_th, name_en=spec.name_en, amphoe=spec.amphoe,
                      tambon=spec.tambon, network=spec.network, size=spec.size, grades=spec.grades)


def _user(spec, school_ids: dict[str, int]) -> UserDraft:
    return UserDraft(username=spec.username, display_name=spec.display_name, role=spec.role,
                     position=spec.position, school_id=school_ids.get(spec.school_code) if spec.school_code else None)


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
        system = Actor.system()
        for spec in items:
            version_id = service.get_version(s, spec.code).id
            ratings = [IocRatingInput(name, int(r), "", accounts[name].user_id if name in accounts else None)
                       for name, r in spec.ioc_ratings]
            service.record_ioc_ratings(s, system, version_id, ratings)
            service.submit_for_review(s, accounts.get(spec.author, system), version_id, "ส่งพิจารณา")
            reviewer = accounts.get(spec.reviewer, system)
            service.approve(s, reviewer, version_id, "ผ่านการพิจารณาของคณะกรรมการ", min_ioc=min_ioc)
            n += 1
    return n
