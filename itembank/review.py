"""Review workflow and content validation (IOC) of item versions.

draft → in_review → approved → retired, and back to draft with a reason. The author never approves
their own version; every transition is stored with its actor, time and comment (ReviewEvent).

IOC (ดัชนีความสอดคล้อง, Rovinelli & Hambleton 1977): three or more experts rate each version's
congruence with its indicators, +1 (สอดคล้อง) / 0 (ไม่แน่ใจ) / −1 (ไม่สอดคล้อง); IOC = ΣR / N is
stored on the version with its N, and approval needs IOC ≥ a district threshold (default 0.50).
With three experts IOC takes only the values −1, −.67, −.33, 0, .33, .67, 1, so ≥ .50 means ≥ .67.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from itembank.authz import ACTION_TH, Actor, authorize
from itembank.duplicates import Candidate, Duplicate, duplicates_in_bank
from itembank.messages import STATUS_TH, bank_error
from itembank.models import IocRating, Item, ItemVersion, ReviewEvent, utcnow
from itembank.schemas import ReviewEventPublic, ReviewStatus

DEFAULT_MIN_IOC = 0.5
DEFAULT_MIN_EXPERTS = 3


@dataclass(frozen=True)
class IocRatingInput:
    """One expert's rating as the ratings form (page or XLSX) gives it."""

    expert_name: str
    rating: int
    comment: str = ""
    expert_id: int | None = None


@dataclass(frozen=True)
class IocResult:
    """IOC of one version: ΣR / N over its experts."""

    version_id: int
    ioc: float | None
    n_experts: int
    ratings: tuple[tuple[str, int], ...]

    def passes(self, min_ioc: float = DEFAULT_MIN_IOC, min_experts: int = DEFAULT_MIN_EXPERTS) -> bool:
        return self.ioc is not None and self.n_experts >= min_experts and self.ioc >= min_ioc - 1e-9


def _version(session: Session, version_id: int) -> ItemVersion:
    version = session.get(ItemVersion, version_id, with_for_update=True)
    if version is None:
        raise bank_error("version.not_found", what=f"id {version_id}")
    return version


def _code(session: Session, version: ItemVersion) -> str:
    return session.scalar(select(Item.code).where(Item.id == version.item_id)) or "?"


def _refuse(session: Session, version: ItemVersion, action: str) -> None:
    raise bank_error("review.bad_transition", code=_code(session, version), number=version.number,
                     status=version.status, status_th=STATUS_TH.get(version.status, version.status),
                     action=action, action_th=ACTION_TH.get(action, action))


def _move(session: Session, actor: Actor, version: ItemVersion, to: ReviewStatus, comment: str) -> ItemVersion:
    now = utcnow()
    session.add(ReviewEvent(version_id=version.id, from_status=version.status, to_status=str(to),
                            actor_id=actor.user_id, actor_name=actor.username, actor_role=actor.role,
                            at=now, comment=comment))
    version.status = str(to)
    version.status_changed_at = now
    if to == ReviewStatus.approved:
        version.reviewer_id, version.reviewer_name, version.approved_at = actor.user_id, actor.username, now
    session.commit()
    return version


def submit_for_review(session: Session, actor: Actor, version_id: int, comment: str = "") -> ItemVersion:
    """Send a draft version to review (ส่งพิจารณา)."""
    version = _version(session, version_id)
    authorize(actor, version, "item.submit")
    if version.status != ReviewStatus.draft:
        _refuse(session, version, "item.submit")
    return _move(session, actor, version, ReviewStatus.in_review, comment)


def approve(session: Session, actor: Actor, version_id: int, comment: str = "", *,
            min_ioc: float = DEFAULT_MIN_IOC, min_experts: int = DEFAULT_MIN_EXPERTS) -> ItemVersion:
    """Approve a version in review: by someone other than its author, with IOC ≥ `min_ioc`.

    `min_ioc` and `min_experts` are district settings the caller passes in.
    """
    version = _version(session, version_id)
    authorize(actor, version, "item.approve")
    if version.status != ReviewStatus.in_review:
        _refuse(session, version, "item.approve")
    result = ioc_summary(session, version_id)
    if result.n_experts < min_experts:
        raise bank_error("review.ioc_too_few", code=_code(session, version), number=version.number,
                         n=result.n_experts, min_experts=min_experts)
    if not result.passes(min_ioc, min_experts):
        raise bank_error("review.ioc_too_low", code=_code(session, version), number=version.number,
                         ioc=f"{result.ioc:.2f}", n=result.n_experts, threshold=f"{min_ioc:.2f}")
    return _move(session, actor, version, ReviewStatus.approved, comment)


def return_to_draft(session: Session, actor: Actor, version_id: int, reason: str) -> ItemVersion:
    """Send a version back to draft (ส่งกลับไปแก้ไข); the reason is required and stored."""
    if not reason or not reason.strip():
        raise bank_error("review.reason_required")
    version = _version(session, version_id)
    authorize(actor, version, "item.return")
    if version.status == ReviewStatus.draft:
        _refuse(session, version, "item.return")
    return _move(session, actor, version, ReviewStatus.draft, reason.strip())


def retire(session: Session, actor: Actor, version_id: int, reason: str = "") -> ItemVersion:
    """Stop using a version (เลิกใช้); forms that already use it keep it."""
    version = _version(session, version_id)
    authorize(actor, version, "item.retire")
    if version.status == ReviewStatus.retired:
        _refuse(session, version, "item.retire")
    return _move(session, actor, version, ReviewStatus.retired, reason.strip())


def _store_ratings(session: Session, version: ItemVersion, ratings: Sequence[IocRatingInput], *,
                   commit: bool = True) -> IocResult:
    problems = []
    for r in ratings:
        if not r.expert_name.strip():
            problems.append(bank_error("ioc.expert_empty"))
        if r.rating not in (-1, 0, 1) or isinstance(r.rating, bool):
            problems.append(bank_error("ioc.bad_rating", value=r.rating, expert=r.expert_name))
    if problems:
        raise bank_error("items.invalid", problems=problems, n=len(problems))
    names = [r.expert_name.strip() for r in ratings]
    existing = {row.expert_name: row for row in session.scalars(
        select(IocRating).where(IocRating.version_id == version.id, IocRating.expert_name.in_(names)))}
    now = utcnow()
    for r, name in zip(ratings, names, strict=True):
        row = existing.get(name)
        if row is None:
            row = IocRating(version_id=version.id, expert_name=name, rating=r.rating)
            session.add(row)
            existing[name] = row
        row.rating, row.comment, row.expert_id, row.rated_at = int(r.rating), r.comment, r.expert_id, now
    session.flush()
    total, n = session.execute(select(func.coalesce(func.sum(IocRating.rating), 0), func.count())
                               .where(IocRating.version_id == version.id)).one()
    version.ioc = round(total / n, 4) if n else None
    version.ioc_n = n
    if commit:
        session.commit()
    else:
        session.flush()
    return ioc_summary(session, version.id)


def _check_open(session: Session, version: ItemVersion) -> None:
    if version.status not in (ReviewStatus.draft, ReviewStatus.in_review):
        raise bank_error("ioc.closed", code=_code(session, version), number=version.number,
                         status=version.status, status_th=STATUS_TH.get(version.status, version.status))


def rate_ioc(session: Session, actor: Actor, version_id: int, rating: int, comment: str = "") -> IocResult:
    """The actor, as an expert, rates the version +1 / 0 / −1 (again: replaces their rating)."""
    version = _version(session, version_id)
    authorize(actor, version, "item.rate_ioc")
    _check_open(session, version)
    return _store_ratings(session, version, [IocRatingInput(actor.username, rating, comment, actor.user_id)])


def rate_ioc_many(session: Session, actor: Actor, ratings: Mapping[int, tuple[int, str]]) -> dict[int, IocResult]:
    """The actor, as an expert, rates several versions at once (the review page: +1 / 0 / −1 per item),
    through the same store as the XLSX form; all or nothing. `ratings`: version id → (rating, comment)."""
    results: dict[int, IocResult] = {}
    try:
        for version_id, (rating, comment) in sorted(ratings.items()):
            version = _version(session, version_id)
            authorize(actor, version, "item.rate_ioc")
            _check_open(session, version)
            results[version_id] = _store_ratings(
                session, version, [IocRatingInput(actor.username, rating, comment, actor.user_id)], commit=False)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return results


def record_ioc_ratings(session: Session, actor: Actor, version_id: int,
                       ratings: Sequence[IocRatingInput]) -> IocResult:
    """Store the experts' ratings from a filled-in form; the author may not be one of the experts."""
    version = _version(session, version_id)
    authorize(actor, version, "item.import")
    _check_open(session, version)
    for r in ratings:
        expert = Actor(r.expert_id, r.expert_name.strip() or "?", "reviewer")
        if expert.same_person(version.author_id, version.author_name):
            authorize(expert, version, "item.rate_ioc")  # raises: the author cannot rate
    return _store_ratings(session, version, ratings)


def ioc_summary(session: Session, version_id: int) -> IocResult:
    """The version's ratings and IOC = ΣR / N (None without ratings)."""
    rows = session.execute(select(IocRating.expert_name, IocRating.rating)
                           .where(IocRating.version_id == version_id).order_by(IocRating.expert_name)).all()
    n = len(rows)
    ioc = round(sum(r for _, r in rows) / n, 4) if n else None
    return IocResult(version_id, ioc, n, tuple((name, rating) for name, rating in rows))


def review_history(session: Session, version_id: int) -> list[ReviewEventPublic]:
    """Every transition of the version, oldest first."""
    rows = session.scalars(select(ReviewEvent).where(ReviewEvent.version_id == version_id)
                           .order_by(ReviewEvent.at, ReviewEvent.id))
    return [ReviewEventPublic.model_validate(r) for r in rows]


def review_duplicates(session: Session, actor: Actor, version_ids: Sequence[int]) -> dict[int, list[Duplicate]]:
    """For each version under review, the items of the bank it copies, nearly copies or repeats with other
    numbers (:mod:`itembank.duplicates`), so the reviewer sees it beside the item it resembles; a version
    resembling an earlier one of the same list names that one (version number 0). Versions with no clone
    are left out."""
    authorize(actor, None, "item.search")
    ids = list(dict.fromkeys(version_ids))
    if not ids:
        return {}
    by_id = {v.id: v for v in session.scalars(select(ItemVersion).where(ItemVersion.id.in_(ids)))}
    versions = [by_id[i] for i in ids if i in by_id]
    candidates = [Candidate(v.item_code, v.stem, v.options or (), v.key or (), v.learning_area) for v in versions]
    found = duplicates_in_bank(session, actor, candidates)
    return {v.id: d for v, d in zip(versions, found, strict=True) if d}
