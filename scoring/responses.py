"""The stored answers of an administration as one persons × items matrix in FORM order.

:func:`load_scored_matrix` is the read API of the analysis, the reports and the exports: it reads
every response set of an administration (a school actor: its own school's, once results are
released), keys them with the form's key and the administration's settings (re-keys, cancelled
items, partial credit; :mod:`scoring.keying`) and returns plain numpy arrays.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlmodel import Session

from itembank.authz import Actor
from scoring.administrations import load
from scoring.keying import NOT_PRESENTED, FormKey, form_key, score_codes
from scoring.models import Administration, ResponseSet, Student
from testgen.models import Form


@dataclass(frozen=True)
class ScoredMatrix:
    """Persons × items in FORM order.

    Attributes
    ----------
    administration_id : int
    item_version_ids, item_codes : list, one per form position
    scores : ndarray (n_persons, n_items), float; NaN where not presented (or the item is dropped)
    codes : ndarray (n_persons, n_items), int16; raw answer codes as in :mod:`scoring.keying`
        (option index / -1 omitted / -2 several marks / bit mask for multiple-answer items /
        points for rubric items / -9 not presented), form option order
    max_points : ndarray (n_items,)
    kinds : list of "single" | "multi" | "rubric", n_options : ndarray (n_items,)
    keys : list of tuple of correct form option indices
    response_set_ids, student_ids, school_ids : ndarray (n_persons,), int64
    student_codes : list of str (เลขประจำตัว); sex : ndarray of "M" | "F" | "" ; variants : list of str
    key : FormKey (the full key with indicators and settings)
    """

    administration_id: int
    item_version_ids: list[int]
    item_codes: list[str]
    scores: np.ndarray
    codes: np.ndarray
    max_points: np.ndarray
    kinds: list[str]
    n_options: np.ndarray
    keys: list[tuple[int, ...]]
    response_set_ids: np.ndarray
    student_ids: np.ndarray
    school_ids: np.ndarray
    student_codes: list[str]
    sex: np.ndarray
    variants: list[str]
    key: FormKey

    @property
    def n_persons(self) -> int:
        return int(self.scores.shape[0])

    @property
    def n_items(self) -> int:
        return int(self.scores.shape[1])

    @property
    def raw(self) -> np.ndarray:
        """Raw score of every person (sum over presented items)."""
        return np.nansum(self.scores, axis=1)


def administration_key(session: Session, adm: Administration, *, apply_holds: bool = True) -> FormKey:
    """The form's key with the administration's settings; ``apply_holds=False`` keys held items by their
    current key (the analysis keeps measuring a held item until an officer decides)."""
    settings = dict(adm.settings or {})
    if not apply_holds:
        settings.pop("held", None)
    return form_key(session, session.get(Form, adm.form_id), settings)


def codes_matrix(answers: list, n_items: int) -> np.ndarray:
    """Stored answer lists (JSON text or lists) → int16 persons × items (short lists: not presented)."""
    out = np.full((len(answers), n_items), NOT_PRESENTED, dtype=np.int16)
    if not answers:
        return out
    if isinstance(answers[0], str):
        answers = [json.loads(a) for a in answers]
    lengths = np.fromiter((len(a) for a in answers), dtype=np.int64, count=len(answers))
    if (lengths == n_items).all():
        return np.array(answers, dtype=np.int16).reshape(len(answers), n_items)
    for i, a in enumerate(answers):  # only for stored rows of another length (never written by ingest)
        out[i, :min(len(a), n_items)] = a[:n_items]
    return out


def load_scored_matrix(session: Session, actor: Actor, administration_id: int | str,
                       school_id: int | None = None, *, apply_holds: bool = True) -> ScoredMatrix:
    """Every response set of an administration, keyed and scored, in form order.

    `administration_id` is the id or the code. A school actor gets its own school's students only,
    and only once the results are released; `school_id` narrows an officer's matrix to one school.
    """
    adm = load(session, actor, administration_id, "scores.read", "results")
    if actor.role == "school":
        school_id = actor.school_id
    key = administration_key(session, adm, apply_holds=apply_holds)
    q = (select(ResponseSet.id, ResponseSet.student_id, ResponseSet.school_id, ResponseSet.variant,
                ResponseSet.answers, Student.student_code, Student.sex)
         .join(Student, Student.id == ResponseSet.student_id)
         .where(ResponseSet.administration_id == adm.id).order_by(ResponseSet.school_id, ResponseSet.id))
    if school_id is not None:
        q = q.where(ResponseSet.school_id == school_id)
    rows = session.execute(q).all()
    codes = codes_matrix([r[4] for r in rows], key.n_items)
    return ScoredMatrix(
        adm.id, [it.item_version_id for it in key.items], [it.item_code for it in key.items],
        score_codes(key, codes), codes, key.max_points, [it.kind for it in key.items],
        np.array([it.n_options for it in key.items], dtype=np.int64), [it.key for it in key.items],
        np.array([r[0] for r in rows], dtype=np.int64), np.array([r[1] for r in rows], dtype=np.int64),
        np.array([r[2] for r in rows], dtype=np.int64), [r[5] for r in rows],
        np.array([r[6] or "" for r in rows], dtype="<U1"), [r[3] for r in rows], key)
