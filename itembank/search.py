"""Search the bank: filters on every tag, status, type, grade and text, with paging and a total.

The same query runs on SQLite and PostgreSQL and gives the same results: text search is a plain
substring (LIKE wildcards ``%``, ``_`` and the escape ``\\`` in the user's text are escaped) of the
lower-cased stem stored beside it, so Latin letters fold the same way on both (Thai has no case).
Tag filters are ``IN`` subqueries over the indexed tag tables; equality filters use the indexes on
item_version. The page and the total come from one narrow query (a window count).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlmodel import Session

from itembank.authz import Actor, authorize
from itembank.duplicates import DEFAULT_THRESHOLD, Candidate, Duplicate, duplicates_in_bank
from itembank.errors import ItemBankError
from itembank.messages import bank_error
from itembank.models import (
    ItemSet,
    ItemVersion,
    ItemVersionCompetency,
    ItemVersionIndicator,
    ItemVersionTrait,
)
from itembank.sanitize import search_text
from itembank.schemas import ItemUsage, ItemVersionForSchool, ItemVersionPublic, SearchFilters, SearchPage
from itembank.validation import normalise_grade, normalise_indicator

MAX_PER_PAGE = 500

#: Orders of a search page: the item code (then version), newest first, p and r of the latest
#: statistics (highest first, items without statistics last), last used in an administration.
SORTS = ("code", "newest", "p", "r", "last_used")


def escape_like(text: str) -> str:
    """`text` with LIKE's wildcards and the escape character escaped (escape char: backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _tag_filter(table: Any, code: str, prefix: bool = False, dialect: str = "postgresql") -> Any:
    if not prefix:
        condition = table.code == code
    elif dialect == "sqlite":
        # SQLite's LIKE ignores the index (it folds case); under BINARY collation a prefix is a range
        condition = (table.code >= code) & (table.code < code + "\U0010ffff")
    else:
        condition = table.code.like(escape_like(code) + "%", escape="\\")  # varchar_pattern_ops index
    return ItemVersion.id.in_(select(table.version_id).where(condition))


def _conditions(f: SearchFilters, dialect: str = "postgresql") -> list[Any]:
    conditions: list[Any] = []
    if f.latest_only:
        conditions.append(ItemVersion.is_latest.is_(True))
    grade = (normalise_grade(f.grade) or f.grade.strip()) if f.grade else None
    for column, value in ((ItemVersion.learning_area, f.learning_area), (ItemVersion.grade, grade),
                          (ItemVersion.cognitive_level, f.cognitive_level), (ItemVersion.type, f.type),
                          (ItemVersion.status, f.status), (ItemVersion.author_name, f.author)):
        if value:
            conditions.append(column == value)
    if f.indicator:
        code = f.indicator.strip()
        prefix = f.indicator_prefix or code.endswith("*")
        code = code.rstrip("*").strip() if prefix else normalise_indicator(code)
        conditions.append(_tag_filter(ItemVersionIndicator, code, prefix, dialect))
    if f.trait:
        conditions.append(_tag_filter(ItemVersionTrait, f.trait.strip()))
    if f.competency:
        conditions.append(_tag_filter(ItemVersionCompetency, f.competency.strip()))
    if f.text and f.text.strip():
        needle = search_text(f.text)
        conditions.append(ItemVersion.search_text.like("%" + escape_like(needle) + "%", escape="\\"))
    return conditions


def search_query(filters: SearchFilters, dialect: str = "postgresql") -> Select[Any]:
    """The filtered SELECT of item_version ids (unordered, unpaged), for callers that page themselves."""
    return select(ItemVersion.id).where(*_conditions(filters, dialect))


def _order(sort: str) -> list[Any]:
    from itembank.statistics import ItemStatistic

    def newest_stat(column: Any) -> Any:
        return (select(column).where(ItemStatistic.version_id == ItemVersion.id)
                .order_by(ItemStatistic.computed_at.desc(), ItemStatistic.id.desc()).limit(1).scalar_subquery())

    by_code = [ItemVersion.item_code, ItemVersion.number]
    if sort == "newest":
        return [ItemVersion.created_at.desc(), ItemVersion.id.desc()]
    if sort == "p":
        return [newest_stat(ItemStatistic.p).desc().nulls_last(), *by_code]
    if sort == "r":
        return [newest_stat(ItemStatistic.discrimination_index).desc().nulls_last(), *by_code]
    if sort == "last_used":
        used = (select(func.max(ItemStatistic.computed_at))
                .where(ItemStatistic.version_id == ItemVersion.id, ItemStatistic.source.like("admin:%"))
                .scalar_subquery())
        return [used.desc().nulls_last(), *by_code]
    return by_code


def search_items(session: Session, actor: Actor, filters: SearchFilters | None = None, page: int = 1,
                 per_page: int = 20, *, sort: str = "code", with_usage: bool = False) -> SearchPage:
    """One page of the item versions that match every filter, in the order `sort` names (one of
    :data:`SORTS`; by item code then version by default). With `with_usage`, the page carries each
    version's latest p and r and its use in administrations (:class:`~itembank.schemas.ItemUsage`)."""
    authorize(actor, None, "item.search")
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise bank_error("search.bad_page", page=page, per_page=per_page, max=MAX_PER_PAGE)
    if sort not in SORTS:
        raise ItemBankError("search.bad_sort", kind="invalid", sort=sort,
                            message_th=f"ไม่รู้จักการเรียงลำดับ {sort!r} (เลือกได้: {', '.join(SORTS)})",
                            message_en=f"unknown sort {sort!r} (one of {', '.join(SORTS)})")
    conditions = _conditions(filters or SearchFilters(), session.get_bind().dialect.name)
    # one narrow pass: the page's ids and the total (a window count over every match, before LIMIT)
    rows = session.execute(
        select(ItemVersion.id, func.count().over().label("total")).where(*conditions)
        .order_by(*_order(sort)).limit(per_page).offset((page - 1) * per_page)
    ).all()
    if rows:
        total = rows[0].total
    else:  # past the last page: count on its own
        total = session.scalar(select(func.count()).select_from(ItemVersion).where(*conditions)) or 0
    ids = [row.id for row in rows]
    loaded = {v.id: v for v in session.scalars(select(ItemVersion).where(ItemVersion.id.in_(ids)))} if ids else {}
    public = to_public(session, [loaded[i] for i in ids])
    if not actor.may("item.read_key"):
        public = [p.model_copy(update={"key": [], "accepted_answers": []}) for p in public]
    usage = _usage(session, ids) if with_usage else {}
    return SearchPage(items=public, total=total, page=page, per_page=per_page, usage=usage)


def _usage(session: Session, ids: Sequence[int]) -> dict[int, ItemUsage]:
    from itembank.statistics import ItemStatistic, latest_statistics

    if not ids:
        return {}
    latest = latest_statistics(session, ids)
    used = {vid: (int(k), at) for vid, k, at in session.execute(
        select(ItemStatistic.version_id, func.count(ItemStatistic.id), func.max(ItemStatistic.computed_at))
        .where(ItemStatistic.version_id.in_(list(ids)), ItemStatistic.source.like("admin:%"))
        .group_by(ItemStatistic.version_id))}
    out = {}
    for vid in ids:
        s = latest.get(vid)
        n_admin, last = used.get(vid, (0, None))
        out[vid] = ItemUsage(p=s.p if s else None, r=s.discrimination_index if s else None,
                             n_administrations=n_admin, last_used=last)
    return out


def _read_fields(session: Session, versions: Sequence[ItemVersion]) -> list[dict[str, Any]]:
    ids = [v.id for v in versions]
    tags: dict[str, dict[int, list[str]]] = {}
    for name, table in (("indicator_codes", ItemVersionIndicator), ("trait_codes", ItemVersionTrait),
                        ("competency_codes", ItemVersionCompetency)):
        found: dict[int, list[str]] = defaultdict(list)
        if ids:
            for vid, code in session.execute(select(table.version_id, table.code)
                                             .where(table.version_id.in_(ids)).order_by(table.code)):
                found[vid].append(code)
        tags[name] = found
    set_ids = {v.set_id for v in versions if v.set_id is not None}
    sets = dict(session.execute(select(ItemSet.id, ItemSet.code).where(ItemSet.id.in_(set_ids))).all()) \
        if set_ids else {}
    rows = []
    for v in versions:
        d = v.model_dump()
        d.update(set_code=sets.get(v.set_id),
                 **{name: found.get(v.id, []) for name, found in tags.items()})
        rows.append(d)
    return rows


def to_public(session: Session, versions: Sequence[ItemVersion]) -> list[ItemVersionPublic]:
    """Versions as officers, reviewers and analysts read them (with key), tags included."""
    return [ItemVersionPublic.model_validate(d) for d in _read_fields(session, versions)]


def to_school(session: Session, versions: Sequence[ItemVersion]) -> list[ItemVersionForSchool]:
    """Versions as a school reads them after release: no key, no accepted answers, no author."""
    return [ItemVersionForSchool.model_validate(d) for d in _read_fields(session, versions)]


def parse_filters(*, area: str | None = None, indicator: str | None = None, trait: str | None = None,
                  competency: str | None = None, grade: str | None = None, level: str | None = None,
                  type: str | None = None, status: str | None = None, text: str | None = None,
                  author: str | None = None, all_versions: bool = False) -> SearchFilters:
    """Search filters as people type them: a cognitive level, item type or status as its code, its Thai
    or its English word (``นำไปใช้`` or ``apply``); ``ค 1.1*`` for an indicator prefix; ``ป6`` for ป.6.

    An unknown learning area, grade, level, type or status is refused (ItemBankError, naming the
    allowed values) rather than finding nothing.
    """
    from itembank import vocabulary
    from itembank.curriculum.codes import AREA_LETTERS

    if area is not None and area.strip() not in AREA_LETTERS:
        raise bank_error("search.bad_area", area=area, allowed=" ".join(AREA_LETTERS))
    if grade is not None:
        grade = normalise_grade(grade) or _bad_grade(grade)
    prefix = bool(indicator and indicator.strip().endswith("*"))
    return SearchFilters(
        learning_area=area.strip() if area else None,
        indicator=indicator.strip().rstrip("*").strip() if indicator else None, indicator_prefix=prefix,
        trait=trait, competency=competency, grade=grade,
        cognitive_level=vocabulary.parse("cognitive_level", level) if level is not None else None,
        type=vocabulary.parse("item_type", type) if type is not None else None,
        status=vocabulary.parse("status", status) if status is not None else None,
        text=text, author=author, latest_only=not all_versions,
    )


def _bad_grade(grade: str) -> str:
    raise bank_error("search.bad_grade", grade=grade)


# -- near duplicates: a similar item already in the bank, shown before a new one is saved ---------------

#: kept for callers of the earlier name: one detector (itembank.duplicates) gives every clone
NearDuplicate = Duplicate


def near_duplicates(session: Session, actor: Actor, stem: str, *, options: Sequence[Any] = (),
                    key: Sequence[str] = (), learning_area: str | None = None, exclude_code: str | None = None,
                    threshold: float = DEFAULT_THRESHOLD, limit: int = 5,
                    max_candidates: int = 20000) -> list[Duplicate]:
    """Latest versions (not retired) of other items that the item being written copies, nearly copies or
    repeats with other numbers (:mod:`itembank.duplicates`), strongest first. Without `options`, stems
    alone are compared."""
    authorize(actor, None, "item.search")
    if len(search_text(stem).strip()) < 4:
        return []
    candidate = Candidate(exclude_code, stem, options, key, learning_area)
    return duplicates_in_bank(session, actor, [candidate], threshold=threshold, limit=limit,
                              max_candidates=max_candidates)[0]
