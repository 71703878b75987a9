"""Use cases of the item bank: each takes a Session and an Actor and is one transaction.

Importers, pages, the REST API and the CLI all call these; none of them writes tables directly.

- :func:`upsert_items`: many drafts at once, all or nothing, idempotent by content hash (a unique
  constraint on (item_id, content_hash)); changed content for an existing code makes a new version.
- :func:`create_item`, :func:`edit_item`, :func:`get_item`, :func:`get_version`.
- Review and IOC (:mod:`itembank.review`) and search (:mod:`itembank.search`) are re-exported here.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import JSON, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from itembank.authz import Actor, authorize
from itembank.errors import ItemBankError
from itembank.messages import bank_error
from itembank.models import (
    CurriculumEdition,
    EnemyLink,
    Instrument,
    Item,
    ItemSet,
    ItemVersion,
    ItemVersionCompetency,
    ItemVersionIndicator,
    ItemVersionTrait,
    Media,
    ReviewEvent,
    utcnow,
)
from itembank.option_order import detect_ordered
from itembank.review import (
    IocRatingInput,
    IocResult,
    approve,
    ioc_summary,
    rate_ioc,
    record_ioc_ratings,
    retire,
    return_to_draft,
    review_history,
    submit_for_review,
)
from itembank.sanitize import sanitize_html, search_text
from itembank.schemas import (
    InstrumentDraft,
    ItemDraft,
    ItemSetDraft,
    ItemVersionForSchool,
    ItemVersionPublic,
    OptionDraft,
    ReviewStatus,
    RubricLevel,
    UpsertReport,
)
from itembank.search import search_items, to_public, to_school
from itembank.validation import _curriculum_checkers, check_draft

__all__ = [
    "upsert_items", "create_item", "edit_item", "get_item", "get_version", "read_version", "versions_of",
    "check_drafts", "set_members", "sets_by_id", "indicator_codes", "enemies_of", "remove_enemy",
    "submit_for_review", "approve", "return_to_draft", "retire", "rate_ioc", "record_ioc_ratings",
    "ioc_summary", "review_history", "IocRatingInput", "IocResult", "search_items", "to_public", "to_school",
    "save_instrument", "list_instruments", "get_instrument", "ItemVersionPublic", "ItemVersionForSchool",
    "version_draft", "draft_of", "set_versions", "edit_item_set", "create_item_set", "set_base_code",
    "set_version_number",
]

ANALYZE_AFTER = 1000  # versions written in one call: refresh the planner's statistics afterwards
CHUNK = 900  # bound parameters per IN (...) list: SQLite allows 32766, a round number is plenty


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def check_drafts(drafts: Iterable[ItemDraft]) -> tuple[list[ItemDraft], list[list[ItemBankError]]]:
    """Canonical drafts and, per draft, its problems (no database): for importers' row messages.

    A code repeated inside the batch is a problem of the later draft.
    """
    checks = _curriculum_checkers()
    canon: list[ItemDraft] = []
    problems: list[list[ItemBankError]] = []
    first: dict[str, int] = {}
    for i, draft in enumerate(drafts):
        d, p = check_draft(draft, checks)
        if d.code and d.code in first:
            p.append(bank_error("item.code_duplicate", code=d.code, first=first[d.code] + 1))
        first.setdefault(d.code, i)
        canon.append(d)
        problems.append(p)
    return canon, problems


@dataclass
class _NewItem:
    """An item about to be written in bulk (a full model object costs more than its row)."""

    id: int
    code: str
    n_versions: int = 0


@dataclass
class _Plan:
    report: UpsertReport
    canon: list[ItemDraft]
    items: dict[str, Item | _NewItem]
    sets: dict[str, ItemSet]
    new_sets: list[ItemSetDraft]
    changed_sets: list[ItemSetDraft]
    to_write: list[ItemDraft]  # created or new version
    existing_version: dict[str, int]  # code -> id of the version with the same content
    content_hashes: dict[str, str]  # code -> content hash of its draft


def _load_items(session: Session, codes: Sequence[str]) -> dict[str, Item]:
    found: dict[str, Item] = {}
    for chunk in _chunks(sorted(set(codes))):
        for item in session.scalars(select(Item).where(Item.code.in_(chunk))):
            found[item.code] = item
    return found


def _check_references(session: Session, canon: list[ItemDraft], items: dict[str, Item],
                      sets: dict[str, ItemSet], batch_sets: dict[str, ItemSetDraft]) -> list[ItemBankError]:
    problems: list[ItemBankError] = []
    batch_codes = {d.code for d in canon}
    media_refs = sorted({m for d in canon for m in d.media} | {m for s in batch_sets.values() for m in s.media})
    known_media: set[str] = set()
    for chunk in _chunks(media_refs):
        known_media.update(session.scalars(select(Media.sha256).where(Media.sha256.in_(chunk))))
    positions: dict[tuple[str, int], str] = {}
    for d in canon:
        for enemy in d.enemy_codes:
            if enemy not in batch_codes and enemy not in items:
                problems.append(bank_error("item.enemy_unknown", code=d.code, enemy=enemy))
        for sha in d.media:
            if sha not in known_media:
                problems.append(bank_error("item.media_unknown", code=d.code, sha256=sha))
        if d.set_code:
            if d.set_code not in sets and d.set_code not in batch_sets:
                problems.append(bank_error("item.set_unknown", code=d.code, set_code=d.set_code))
            elif d.set_position is not None:
                other = positions.setdefault((d.set_code, d.set_position), d.code)
                if other != d.code:
                    problems.append(bank_error("item.set_position_taken", code=d.code, set_code=d.set_code,
                                               position=d.set_position, other=other))
    for s in batch_sets.values():
        if not s.title.strip():
            problems.append(bank_error("set.title_empty", code=s.code))
        for sha in s.media:
            if sha not in known_media:
                problems.append(bank_error("item.media_unknown", code=s.code, sha256=sha))
    return problems


def _plan(session: Session, actor: Actor, drafts: Iterable[ItemDraft], sets: Iterable[ItemSetDraft],
          dry_run: bool) -> _Plan:
    drafts = list(drafts)
    canon, per_draft = check_drafts(drafts)
    said = {c.code for c, d in zip(canon, drafts, strict=True) if d.options_ordered is not None}
    problems = [p for ps in per_draft for p in ps]
    batch_sets = {s.code.strip(): ItemSetDraft(s.code.strip(), s.title.strip(), sanitize_html(s.stimulus),
                                               tuple(s.media)) for s in sets}
    if any(d.status != ReviewStatus.draft for d in canon):
        authorize(actor, None, "item.import_status")
    enemy_codes = [e for d in canon for e in d.enemy_codes]
    items = _load_items(session, [d.code for d in canon] + enemy_codes)
    canon, batch_sets, existing_sets, new_sets = _resolve_sets(session, canon, batch_sets)
    problems += _check_references(session, canon, items, existing_sets, batch_sets)
    if problems:
        raise bank_error("items.invalid", problems=problems, n=len(problems))
    hashes: dict[int, dict[str, tuple[int, bool]]] = defaultdict(dict)
    batch_codes = {d.code for d in canon}
    ids = [item.id for code, item in items.items() if code in batch_codes]
    for chunk in _chunks(ids):
        rows = session.execute(select(ItemVersion.item_id, ItemVersion.content_hash, ItemVersion.id,
                                      ItemVersion.options_ordered).where(ItemVersion.item_id.in_(chunk)))
        for item_id, content_hash, version_id, ordered in rows:
            hashes[item_id][content_hash] = (version_id, bool(ordered))
    report = UpsertReport(dry_run=dry_run)
    to_write: list[ItemDraft] = []
    existing_version: dict[str, int] = {}
    content_hashes = {d.code: d.content_hash() for d in canon}
    for d in canon:
        item = items.get(d.code)
        version_id = None
        if item is not None:
            version_id, content_hashes[d.code] = _stored_version(hashes[item.id], d, d.code in said)
        if version_id is not None:
            report.n_unchanged += 1
            existing_version[d.code] = version_id
        elif item is not None:
            report.n_new_version += 1
            report.codes_new_version.append(d.code)
            to_write.append(d)
        else:
            report.n_created += 1
            report.codes_created.append(d.code)
            to_write.append(d)
    report.n_sets_created = len(new_sets)
    return _Plan(report, canon, items, existing_sets, new_sets, [], to_write, existing_version,
                 content_hashes)


def _hash_counting_order(d: ItemDraft, counted: bool) -> str:
    """:meth:`ItemDraft.content_hash` with `options_ordered` always counted, or never."""
    content = d.content()
    content.pop("options_ordered", None)
    if counted:
        content["options_ordered"] = bool(d.options_ordered)
    blob = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _stored_version(stored: dict[str, tuple[int, bool]], d: ItemDraft, said: bool) -> tuple[int | None, str]:
    """(id of the stored version with the draft's content, or None; the hash a new version gets).

    The hash counts ``options_ordered`` only where the detector says otherwise, and the detector has
    learned since some versions were stored (``ไม่มีข้อใดถูก``): such a version keeps the flag it was stored
    with under a hash that does not count it. So a stored version is the draft's when its content and
    its flag agree, the flag counted in the hash or not; a draft whose flag nobody `said` (a blank import
    cell) is also the stored version with its plain hash whatever its flag, so the same file imported
    again changes nothing. A flag said otherwise makes a new version, its hash then counting the flag.
    """
    plain = d.content_hash()
    if plain in stored and stored[plain][1] == bool(d.options_ordered):
        return stored[plain][0], plain   # the usual case: one hash
    if not stored:
        return None, plain
    for h in (_hash_counting_order(d, True), _hash_counting_order(d, False)):
        if h in stored and stored[h][1] == bool(d.options_ordered):
            return stored[h][0], h
    if plain in stored and not said:
        return stored[plain][0], plain
    return None, (plain if plain not in stored else _hash_counting_order(d, True))


def _load_set_versions(session: Session, bases: Sequence[str]) -> dict[str, list[ItemSet]]:
    """Every stored version of each passage code in `bases`, oldest first."""
    from itembank.search import escape_like

    found: dict[str, list[ItemSet]] = defaultdict(list)
    for chunk in _chunks(sorted(set(bases))):
        likes = [ItemSet.code.like(escape_like(b + SET_VERSION_SEP) + "%", escape="\\") for b in chunk]
        for row in session.scalars(select(ItemSet).where(ItemSet.code.in_(chunk) | or_(*likes))):
            if set_base_code(row.code) in chunk:
                found[set_base_code(row.code)].append(row)
    for rows in found.values():
        rows.sort(key=lambda r: set_version_number(r.code))
    return found


def _resolve_sets(session: Session, canon: list[ItemDraft], batch_sets: dict[str, ItemSetDraft]
                  ) -> tuple[list[ItemDraft], dict[str, ItemSetDraft], dict[str, ItemSet], list[ItemSetDraft]]:
    """Passages get versions: a stored passage row never changes (a frozen form prints the one its
    item versions point at). A passage in the batch whose text differs from its latest version becomes
    the next version (``<code>~2``); the batch's items that name the passage by its code point at its
    latest version, so importing the same file again changes nothing.

    Returns the drafts with resolved set codes, the batch's passages by resolved code, the stored
    passage rows by code, and the passages to write.
    """
    named = {d.set_code for d in canon if d.set_code} | set(batch_sets)
    stored = _load_set_versions(session, [set_base_code(c) for c in named])
    existing = {r.code: r for rows in stored.values() for r in rows}
    mapping: dict[str, str] = {}
    resolved: dict[str, ItemSetDraft] = {}
    new_sets: list[ItemSetDraft] = []
    for code, draft in batch_sets.items():
        base = set_base_code(code)
        rows = stored.get(base)
        if not rows:
            resolved[code] = draft
            new_sets.append(draft)
            continue
        latest = rows[-1]
        if (latest.title, latest.stimulus, list(latest.media)) == (draft.title, draft.stimulus, list(draft.media)):
            mapping[code] = latest.code
            continue
        new_code = f"{base}{SET_VERSION_SEP}{set_version_number(latest.code) + 1}"
        new = replace(draft, code=new_code)
        mapping[code] = new_code
        resolved[new_code] = new
        new_sets.append(new)
    for code in named - set(batch_sets):
        if set_base_code(code) == code and stored.get(code):
            mapping[code] = stored[code][-1].code    # named by its code: the latest version
    if mapping:
        canon = [replace(d, set_code=mapping.get(d.set_code, d.set_code)) if d.set_code else d for d in canon]
    return canon, resolved, existing, new_sets


def _ensure_editions(session: Session, editions: set[str]) -> None:
    known = set(session.scalars(select(CurriculumEdition.code).where(CurriculumEdition.code.in_(editions))))
    for code in sorted(editions - known):
        session.add(CurriculumEdition(code=code))
    session.flush()


def _write_sets(session: Session, actor: Actor, plan: _Plan) -> None:
    for s in plan.new_sets:
        row = ItemSet(code=s.code, title=s.title, stimulus=s.stimulus, media=list(s.media),
                      created_by_name=actor.username)
        session.add(row)
        plan.sets[s.code] = row
    session.flush()  # a stored passage never changes: a new text is a new row (_resolve_sets)


def _version_row(d: ItemDraft, item: Item | _NewItem, actor: Actor, set_id: int | None, now: Any,
                 content_hash: str) -> dict[str, Any]:
    status = str(d.status)
    return dict(
        item_id=item.id, item_code=item.code, number=item.n_versions, type=str(d.type), stem=d.stem, search_text=search_text(d.stem),
        options=[{"label": o.label, "text": o.text, "fixed": o.fixed} for o in d.options],
        options_ordered=bool(d.options_ordered), key=list(d.key), accepted_answers=list(d.accepted_answers), score_points=float(d.score_points),
        rubric=[{"points": r.points, "description": r.description, "label": r.label} for r in d.rubric],
        media=list(d.media), cognitive_level=None if d.cognitive_level is None else str(d.cognitive_level),
        grade=d.grade, learning_area=d.learning_area, estimated_time_s=d.estimated_time_s,
        curriculum_edition=d.curriculum_edition, set_id=set_id, set_position=d.set_position,
        content_hash=content_hash, author_id=actor.user_id, author_name=actor.username, created_at=now,
        status=status, is_latest=True, status_changed_at=now,
        approved_at=now if status == "approved" else None,
        reviewer_id=actor.user_id if status == "approved" else None,
        reviewer_name=actor.username if status == "approved" else None,
        ioc=None, ioc_n=0,
    )


def _allocate_ids(session: Session, table: Any, n: int) -> list[int]:
    """`n` fresh primary keys of `table`, so rows can be written in bulk without RETURNING.

    PostgreSQL: from the table's own sequence. SQLite: after the largest id, safe because the
    write transaction began IMMEDIATE and holds the database's write lock.
    """
    if n == 0:
        return []
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        sequence = func.nextval(func.pg_get_serial_sequence(table.name, "id"))
        return list(conn.execute(select(sequence).select_from(func.generate_series(1, n))).scalars())
    start = conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one() + 1
    return list(range(start, start + n))


def _bulk_insert(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert many rows of one of our tables: COPY on PostgreSQL, executemany on SQLite.

    (SQLAlchemy's multi-VALUES batches cost psycopg seconds of query parsing at 10,000 rows.)
    """
    if not rows:
        return
    table = getattr(table, "__table__", table)
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), rows)
        return
    from psycopg.types.json import Jsonb

    columns = list(rows[0])
    is_json = [isinstance(table.c[c].type, JSON) for c in columns]
    names = ", ".join(f'"{c}"' for c in columns)
    with conn.connection.dbapi_connection.cursor() as cursor:
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([Jsonb(row[c]) if j else row[c] for c, j in zip(columns, is_json, strict=True)])


def _write_versions(session: Session, actor: Actor, plan: _Plan) -> dict[str, int]:
    now = utcnow()
    new_codes = [d.code for d in plan.to_write if d.code not in plan.items]
    item_rows = [{"id": i, "code": c, "n_versions": 0, "created_at": now, "created_by_name": actor.username}
                 for i, c in zip(_allocate_ids(session, Item.__table__, len(new_codes)), new_codes, strict=True)]
    existing_ids = [plan.items[d.code].id for d in plan.to_write if d.code in plan.items]
    plan.items.update({r["code"]: _NewItem(r["id"], r["code"]) for r in item_rows})  # written below
    for chunk in _chunks(existing_ids):
        session.execute(update(ItemVersion).where(ItemVersion.item_id.in_(chunk), ItemVersion.is_latest)
                        .values(is_latest=False), execution_options={"synchronize_session": False})
    rows = []
    for d, version_id in zip(plan.to_write, _allocate_ids(session, ItemVersion.__table__,
                                                                  len(plan.to_write)), strict=True):
        item = plan.items[d.code]
        item.n_versions += 1  # existing items: an ORM update at flush; new ones: in item_rows below
        set_id = plan.sets[d.set_code].id if d.set_code else None
        rows.append({"id": version_id, **_version_row(d, item, actor, set_id, now, plan.content_hashes[d.code])})
    for r in item_rows:
        r["n_versions"] = 1
    session.flush()
    _bulk_insert(session, Item, item_rows)
    _bulk_insert(session, ItemVersion, rows)
    ids = {d.code: row["id"] for d, row in zip(plan.to_write, rows, strict=True)}
    for table, field in ((ItemVersionIndicator, "indicator_codes"), (ItemVersionTrait, "trait_codes"),
                         (ItemVersionCompetency, "competency_codes")):
        _bulk_insert(session, table, [{"version_id": ids[d.code], "code": c}
                                      for d in plan.to_write for c in getattr(d, field)])
    _bulk_insert(session, ReviewEvent, [
        {"version_id": ids[d.code], "from_status": None, "to_status": str(d.status), "actor_id": actor.user_id,
         "actor_name": actor.username, "actor_role": actor.role, "at": now,
         "comment": "นำเข้าพร้อมสถานะ (imported with status)"}
        for d in plan.to_write if d.status != ReviewStatus.draft])
    return ids


def _write_enemies(session: Session, plan: _Plan) -> list[tuple[str, str]]:
    """Store the drafts' enemy links not stored yet; returns them as (item code, enemy code)."""
    named = {tuple(sorted((plan.items[d.code].id, plan.items[e].id))): (d.code, e)
             for d in plan.canon for e in d.enemy_codes}
    pairs = set(named)
    if not pairs:
        return []
    low_ids = sorted({a for a, _ in pairs})
    existing: set[tuple[int, int]] = set()
    for chunk in _chunks(low_ids):
        existing.update(session.execute(select(EnemyLink.item_id, EnemyLink.enemy_item_id)
                                        .where(EnemyLink.item_id.in_(chunk))).all())
    new = sorted(pairs - existing)
    if new:
        session.execute(insert(EnemyLink), [{"item_id": a, "enemy_item_id": b, "created_at": utcnow()}
                                            for a, b in new])
    return [named[p] for p in new]


def _analyze(session: Session) -> None:
    """Refresh planner statistics after a bulk write, so the next search picks the indexes."""
    tables = ("item", "item_version", "item_version_indicator", "item_version_trait", "item_version_competency")
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("ANALYZE " + ", ".join(tables))
    else:
        for table in tables:
            connection.exec_driver_sql(f"ANALYZE {table}")
    session.commit()


def _is_integrity_error(session: Session, error: BaseException) -> bool:
    """A unique or foreign-key violation, from SQLAlchemy or from the driver (COPY runs on the driver)."""
    driver = getattr(session.get_bind().dialect, "dbapi", None)
    return isinstance(error, IntegrityError) or (driver is not None and isinstance(error, driver.IntegrityError))


def _upsert_once(session: Session, actor: Actor, drafts: list[ItemDraft], sets: list[ItemSetDraft],
                 dry_run: bool, audit_enemies: bool = False) -> tuple[UpsertReport, dict[str, int]]:
    plan = _plan(session, actor, drafts, sets, dry_run)
    if dry_run:
        session.rollback()
        return plan.report, dict(plan.existing_version)
    _ensure_editions(session, {d.curriculum_edition for d in plan.canon})
    _write_sets(session, actor, plan)
    ids = _write_versions(session, actor, plan)
    added = _write_enemies(session, plan)
    plan.report.n_enemy_links = len(added)
    if audit_enemies:
        _audit_enemies(session, actor, "item.enemy_add", added)
    session.commit()
    session.expire_all()  # bulk UPDATE of is_latest bypassed the identity map
    if len(ids) >= ANALYZE_AFTER:
        _analyze(session)
    return plan.report, {**plan.existing_version, **ids}


def _upsert(session: Session, actor: Actor, drafts: Iterable[ItemDraft], sets: Iterable[ItemSetDraft],
            dry_run: bool, attempts: int = 3, audit_enemies: bool = False) -> tuple[UpsertReport, dict[str, int]]:
    """One transaction; when a concurrent import wrote the same codes first (a unique constraint
    fired), plan again against what it wrote: the same content is then simply unchanged."""
    drafts, sets = list(drafts), list(sets)
    for attempt in range(attempts):
        try:
            return _upsert_once(session, actor, drafts, sets, dry_run, audit_enemies)
        except BaseException as e:
            session.rollback()
            if not _is_integrity_error(session, e):
                raise
            if attempt == attempts - 1:
                raise bank_error("items.conflict") from e
    raise AssertionError("unreachable")


def upsert_items(session: Session, actor: Actor, drafts: Iterable[ItemDraft], *,
                 sets: Iterable[ItemSetDraft] = (), dry_run: bool = False) -> UpsertReport:
    """Write many items in one transaction, all or nothing; the same content again writes nothing.

    Every draft is checked first and every problem collected: on any problem, ItemBankError
    ``items.invalid`` carries them all in ``problems`` (each naming its item code) and nothing is
    written. New codes make items with version 1; changed content for a known code makes its next
    version; content already stored (by hash) is counted unchanged. `sets` are passages the drafts
    refer to by ``set_code``. With `dry_run`, everything is checked and counted but nothing written.
    """
    authorize(actor, None, "item.import")
    report, _ = _upsert(session, actor, drafts, sets, dry_run)
    return report


def create_item(session: Session, actor: Actor, draft: ItemDraft, *,
                item_set: ItemSetDraft | None = None) -> ItemVersion:
    """A new item (version 1, draft) written by `actor`; a code already in the bank is a conflict."""
    authorize(actor, None, "item.create")
    code = draft.code.strip()
    if session.scalar(select(Item.id).where(Item.code == code)) is not None:
        raise bank_error("item.exists", code=code)
    _, ids = _upsert(session, actor, [draft], [item_set] if item_set else [], False, audit_enemies=True)
    return session.get_one(ItemVersion, ids[code])


def edit_item(session: Session, actor: Actor, code: str, draft: ItemDraft) -> ItemVersion:
    """The item's next version with the draft's content (as a draft); earlier versions stay unchanged.

    The same content as a stored version creates nothing and returns that version.
    """
    item = get_item(session, code)
    authorize(actor, item, "item.edit")
    _, ids = _upsert(session, actor, [replace(draft, code=item.code, status=ReviewStatus.draft)], [], False,
                     audit_enemies=True)
    return session.get_one(ItemVersion, ids[item.code])


def get_item(session: Session, code: str) -> Item:
    """The item with this code, or ItemBankError not_found."""
    item = session.scalar(select(Item).where(Item.code == code.strip()))
    if item is None:
        raise bank_error("item.not_found", code=code)
    return item


def get_version(session: Session, code: str, number: int | None = None) -> ItemVersion:
    """Version `number` of the item (the latest when None)."""
    item = get_item(session, code)
    query = select(ItemVersion).where(ItemVersion.item_id == item.id)
    query = query.where(ItemVersion.number == number) if number is not None else query.where(ItemVersion.is_latest)
    version = session.scalar(query)
    if version is None:
        raise bank_error("version.not_found", what=f"{code} ฉบับที่ {number}")
    return version


def read_version(session: Session, actor: Actor, code: str, number: int | None = None
                 ) -> ItemVersionPublic | ItemVersionForSchool:
    """Version `number` of the item (latest when None) as the actor may read it: with the key only for
    roles that may read keys; a school, which never browses the bank, is refused."""
    authorize(actor, None, "item.read")
    version = get_version(session, code, number)
    if actor.may("item.read_key"):
        return to_public(session, [version])[0]
    return to_school(session, [version])[0]


def set_members(session: Session, set_code: str) -> tuple[ItemSet, list[ItemVersion]]:
    """A passage or stimulus and the latest versions of its items, in their order."""
    item_set = session.scalar(select(ItemSet).where(ItemSet.code == set_code.strip()))
    if item_set is None:
        raise bank_error("set.not_found", set_code=set_code)
    members = session.scalars(select(ItemVersion).where(ItemVersion.set_id == item_set.id, ItemVersion.is_latest)
                              .order_by(ItemVersion.set_position, ItemVersion.item_code))
    return item_set, list(members)


def sets_by_id(session: Session, set_ids: Iterable[int]) -> dict[int, ItemSet]:
    """The passages and stimuli with these ids, in one query."""
    ids = sorted(set(set_ids))
    return {s.id: s for s in session.scalars(select(ItemSet).where(ItemSet.id.in_(ids)))} if ids else {}


def indicator_codes(session: Session, version_ids: Iterable[int]) -> dict[int, list[str]]:
    """The indicator codes of every version, sorted, in one query."""
    ids = sorted(set(version_ids))
    out: dict[int, list[str]] = defaultdict(list)
    if ids:
        for vid, code in session.execute(select(ItemVersionIndicator.version_id, ItemVersionIndicator.code)
                                         .where(ItemVersionIndicator.version_id.in_(ids))
                                         .order_by(ItemVersionIndicator.code)):
            out[vid].append(code)
    return dict(out)


def enemies_of(session: Session, code: str) -> list[str]:
    """Codes of the items that must not share a form with this one."""
    item = get_item(session, code)
    other = select(EnemyLink.enemy_item_id).where(EnemyLink.item_id == item.id).union(
        select(EnemyLink.item_id).where(EnemyLink.enemy_item_id == item.id))
    return list(session.scalars(select(Item.code).where(Item.id.in_(other)).order_by(Item.code)))


def _audit_enemies(session: Session, actor: Actor, event: str, pairs: Iterable[tuple[str, str]]) -> None:
    """One audit row per enemy link added or removed through the editor, in the caller's transaction."""
    from itembank.audit import record

    for code, enemy in pairs:
        record(session, event, actor=actor, object_type="item", object_id=code, detail={"enemy": enemy},
               commit=False)


def remove_enemy(session: Session, actor: Actor, code: str, enemy_code: str) -> list[str]:
    """Take the pair (item, enemy) off the list of items that must not share a form; returns the item's
    enemies left. Needs the same right as adding one (``item.edit`` on the item) and is audited the same
    way. Only assembly reads the pair: frozen forms, their variants and booklets keep what they hold."""
    item = get_item(session, code)
    authorize(actor, item, "item.edit")
    enemy = get_item(session, enemy_code)
    low, high = sorted((item.id, enemy.id))
    link = session.get(EnemyLink, (low, high))
    if link is None:
        raise bank_error("item.enemy_not_linked", code=item.code, enemy=enemy.code)
    session.delete(link)
    _audit_enemies(session, actor, "item.enemy_remove", [(item.code, enemy.code)])
    session.commit()
    return enemies_of(session, item.code)


def versions_of(session: Session, code: str) -> list[ItemVersion]:
    """Every version of the item, oldest first."""
    item = get_item(session, code)
    return list(session.scalars(select(ItemVersion).where(ItemVersion.item_id == item.id)
                                .order_by(ItemVersion.number)))


def _instrument_problems(d: InstrumentDraft) -> list[str]:
    problems = []
    if not d.code.strip():
        problems.append(("ไม่มีรหัส", "no code"))
    if not d.title.strip():
        problems.append(("ไม่มีชื่อ", "no title"))
    if d.kind not in ("rating_scale", "rubric", "checklist"):
        problems.append((f"ชนิด {d.kind} ไม่ถูกต้อง (rating_scale, rubric, checklist)", f"unknown kind {d.kind}"))
    if d.purpose not in ("desired_trait", "reading_thinking_writing", "authentic", "competency"):
        problems.append((f"จุดประสงค์ {d.purpose} ไม่ถูกต้อง", f"unknown purpose {d.purpose}"))
    if not d.criteria:
        problems.append(("ต้องมีรายการประเมินอย่างน้อย 1 รายการ", "no criteria"))
    if d.kind != "checklist" and not d.levels:
        problems.append(("ต้องมีระดับคุณภาพ", "no levels"))
    for level in d.levels:
        if not isinstance(level.get("score"), int | float):
            problems.append(("ทุกระดับคุณภาพต้องมีคะแนน (score)", "every level needs a numeric score"))
            break
    return problems


def save_instrument(session: Session, actor: Actor, draft: InstrumentDraft) -> Instrument:
    """Create an instrument, or replace the one with the same code; text is sanitised."""
    authorize(actor, draft, "instrument.write")
    problems = _instrument_problems(draft)
    if problems:
        raise bank_error("instrument.invalid", problems=[
            bank_error("instrument.invalid", code=draft.code, reason=th, reason_en=en) for th, en in problems])
    criteria = [{**c, "text": sanitize_html(str(c.get("text", "")))} for c in draft.criteria]
    levels = [{**lv, "description": sanitize_html(str(lv.get("description", "")))} for lv in draft.levels]
    row = session.scalar(select(Instrument).where(Instrument.code == draft.code.strip()))
    if row is None:
        row = Instrument(code=draft.code.strip(), title="", kind="", purpose="", author_name=actor.username)
        session.add(row)
    row.title, row.kind, row.purpose = sanitize_html(draft.title), draft.kind, draft.purpose
    row.description, row.criteria, row.levels = sanitize_html(draft.description), criteria, levels
    row.trait_codes, row.grade, row.school_id = list(draft.trait_codes), draft.grade, draft.school_id
    session.commit()
    return row


def list_instruments(session: Session, actor: Actor, *, purpose: str | None = None) -> list[Instrument]:
    """Instruments the actor may download: district-wide ones, and a school's own."""
    authorize(actor, None, "instrument.read")
    query = select(Instrument).order_by(Instrument.code)
    if purpose:
        query = query.where(Instrument.purpose == purpose)
    if actor.role == "school":
        query = query.where((Instrument.school_id.is_(None)) | (Instrument.school_id == actor.school_id))
    return list(session.scalars(query))


def get_instrument(session: Session, actor: Actor, code: str) -> Instrument:
    """One instrument for download; another school's instrument is not found for a school."""
    row = session.scalar(select(Instrument).where(Instrument.code == code))
    if row is None or (actor.role == "school" and row.school_id not in (None, actor.school_id)):
        raise bank_error("instrument.not_found", code=code)
    authorize(actor, row, "instrument.download")
    return row


REVIEW_STEPS = ("submit", "approve", "return", "retire")


def review_item(session: Session, actor: Actor, code: str, step: str, *, number: int | None = None,
                comment: str = "", min_ioc: float | None = None) -> ItemVersion:
    """Move version `number` of the item (the latest when None) one step of the review workflow:
    submit (→ in_review), approve (→ approved, IOC at least `min_ioc`), return (→ draft), retire."""
    from itembank import review

    version = get_version(session, code, number)
    if step == "submit":
        return review.submit_for_review(session, actor, version.id, comment)
    if step == "approve":
        return review.approve(session, actor, version.id, comment,
                              min_ioc=review.DEFAULT_MIN_IOC if min_ioc is None else min_ioc)
    if step == "return":
        return review.return_to_draft(session, actor, version.id, comment)
    if step == "retire":
        return review.retire(session, actor, version.id, comment)
    raise ValueError(f"unknown review step {step!r}; one of {', '.join(REVIEW_STEPS)}")


# -- editing on the pages: a version's content as a draft, passages with versions ------------------


def draft_of(version: ItemVersionPublic) -> ItemDraft:
    """The draft that would store `version`'s content again (the edit form starts from it)."""
    return ItemDraft(
        code=version.item_code, type=version.type, stem=version.stem,
        options=tuple(OptionDraft(str(o.get("label", "")), str(o.get("text", "")), bool(o.get("fixed")))
                      for o in version.options),
        key=tuple(version.key), accepted_answers=tuple(version.accepted_answers),
        score_points=version.score_points,
        rubric=tuple(RubricLevel(float(r.get("points", 0)), str(r.get("description", "")), str(r.get("label", "")))
                     for r in version.rubric),
        media=tuple(version.media), indicator_codes=tuple(version.indicator_codes),
        trait_codes=tuple(version.trait_codes), competency_codes=tuple(version.competency_codes),
        cognitive_level=version.cognitive_level, grade=version.grade, learning_area=version.learning_area,
        estimated_time_s=version.estimated_time_s, set_code=version.set_code, set_position=version.set_position,
        curriculum_edition=version.curriculum_edition,
        # only an order the options do not show is carried: an edit of the options is detected afresh
        options_ordered=(None if version.options_ordered == detect_ordered(
            version.type, [str(o.get("text", "")) for o in version.options]) else version.options_ordered),
    )


def version_draft(session: Session, actor: Actor, code: str, number: int | None = None) -> ItemDraft:
    """Version `number` of the item (latest when None) as a draft, for someone who may edit it."""
    item = get_item(session, code)
    authorize(actor, item, "item.edit")
    return draft_of(to_public(session, [get_version(session, code, number)])[0])


#: A passage's later versions are stored as their own rows, coded ``<code>~2``, ``<code>~3``: an item
#: version points at the row it was written with, so a frozen form prints the passage it was frozen with.
SET_VERSION_SEP = "~"


def set_base_code(code: str) -> str:
    """The passage's own code without its version suffix (``P-001~3`` → ``P-001``)."""
    head, sep, tail = code.strip().rpartition(SET_VERSION_SEP)
    return head if sep and tail.isdigit() else code.strip()


def set_version_number(code: str) -> int:
    """The version a passage row holds (1 for the first row, which has no suffix)."""
    head, sep, tail = code.strip().rpartition(SET_VERSION_SEP)
    return int(tail) if sep and tail.isdigit() else 1


def set_versions(session: Session, code: str) -> list[ItemSet]:
    """Every version of a passage (any of its codes given), oldest first; ItemBankError when none."""
    from itembank.search import escape_like

    base = set_base_code(code)
    rows = session.scalars(select(ItemSet).where(
        (ItemSet.code == base) | ItemSet.code.like(escape_like(base + SET_VERSION_SEP) + "%", escape="\\")))
    found = sorted((r for r in rows if set_base_code(r.code) == base), key=lambda r: set_version_number(r.code))
    if not found:
        raise bank_error("set.not_found", set_code=code)
    return found


def set_latest_members(session: Session, code: str) -> list[ItemVersion]:
    """The latest versions of the items whose latest version uses any version of this passage."""
    ids = [r.id for r in set_versions(session, code)]
    return list(session.scalars(select(ItemVersion).where(ItemVersion.set_id.in_(ids), ItemVersion.is_latest)
                                .order_by(ItemVersion.set_position, ItemVersion.item_code)))


def edit_item_set(session: Session, actor: Actor, code: str, title: str, stimulus: str,
                  media: Sequence[str] = ()) -> tuple[ItemSet, list[str]]:
    """A passage's next version and, in the same transaction, the next version (a draft) of every item
    that uses it, pointing at the new passage; earlier versions, and frozen forms, keep the old text.

    Returns the passage row now latest and the codes of the items that got a new version. The same
    text again changes nothing.
    """
    authorize(actor, None, "itemset.write")
    versions = set_versions(session, code)
    latest = versions[-1]
    title, clean = title.strip(), sanitize_html(stimulus)
    if (latest.title, latest.stimulus, list(latest.media)) == (title, clean, list(media)):
        return latest, []
    members = set_latest_members(session, code)
    items = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_([m.item_id for m in members])))}
    for m in members:
        authorize(actor, items[m.item_id], "item.edit")
    base = set_base_code(latest.code)
    new_code = f"{base}{SET_VERSION_SEP}{set_version_number(latest.code) + 1}"
    drafts = [replace(d, set_code=base, status=ReviewStatus.draft)   # the plan points them at new_code
              for d in (draft_of(p) for p in to_public(session, members))]
    _upsert(session, actor, drafts, [ItemSetDraft(base, title, stimulus, tuple(media))], False)
    row = session.scalar(select(ItemSet).where(ItemSet.code == new_code))
    return row, [d.code for d in drafts]


def create_item_set(session: Session, actor: Actor, draft: ItemSetDraft) -> ItemSet:
    """A new passage (version 1); a code already in the bank is a conflict. Items join it by its code."""
    authorize(actor, None, "itemset.write")
    code = draft.code.strip()
    if not code or SET_VERSION_SEP in code:
        raise ItemBankError("set.bad_code", kind="invalid", set_code=code,
                            message_th=f"รหัสบทอ่าน “{code}” ใช้ไม่ได้ (ต้องไม่ว่างและไม่มีเครื่องหมาย {SET_VERSION_SEP})",
                            message_en=f"passage code {code!r} is not valid (not empty, no {SET_VERSION_SEP})")
    if session.scalar(select(ItemSet.id).where(ItemSet.code == code)) is not None:
        raise ItemBankError("set.exists", kind="conflict", set_code=code,
                            message_th=f"มีบทอ่านรหัส {code} อยู่แล้ว", message_en=f"passage {code} already exists")
    _upsert(session, actor, [], [replace(draft, code=code)], False)
    return session.scalar(select(ItemSet).where(ItemSet.code == code))
