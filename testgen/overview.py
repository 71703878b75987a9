"""What a frozen form holds, as officers read it: its items, test information, blueprint and variants."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from sqlmodel import Session

from itembank.authz import Actor
from itembank.models import ItemVersion
from testgen.assembler import prepare, validate
from testgen.bank import bank_pool
from testgen.forms import (
    THETA_GRID,
    form_information,
    form_variants,
    form_versions,
    get_blueprint,
    get_form,
    list_forms,
)
from testgen.models import Form, FormItem, StoredBlueprint

#: Statuses whose versions a frozen form may still hold when its blueprint is checked again.
_ANY_STATUS = ("approved", "retired", "in_review", "draft")


@dataclass(frozen=True)
class FormLine:
    """One item of a form in printed order."""

    position: int
    item_code: str
    version_number: int
    learning_area: str | None
    cognitive_level: str | None
    item_type: str
    set_code: str | None
    is_anchor: bool


@dataclass(frozen=True)
class BlueprintCheck:
    """How a form meets its blueprint: every unmet row in Thai and English (none: every row met)."""

    code: str
    problems_th: tuple[str, ...]
    problems_en: tuple[str, ...]


@dataclass(frozen=True)
class FormOverview:
    """A frozen form: its row, variant labels, and (from :func:`describe_form`) items, TIF and blueprint."""

    form: Form
    variants: tuple[str, ...]
    items: tuple[FormLine, ...] = ()
    theta: tuple[float, ...] = THETA_GRID
    information: tuple[float, ...] | None = None  # test information at `theta`; None without IRT parameters
    blueprint: BlueprintCheck | None = None


def list_form_overviews(session: Session, actor: Actor) -> list[FormOverview]:
    """Every frozen form with the labels of its variants, by code."""
    return [FormOverview(f, tuple(v.label for v in form_variants(session, f))) for f in list_forms(session, actor)]


def describe_form(session: Session, actor: Actor, code: str) -> FormOverview:
    """A frozen form in full: items, test information at θ = −3…3, its blueprint met or not, variants."""
    form = get_form(session, actor, code)
    rows = form_versions(session, form)
    items = tuple(FormLine(fi.position, c, v.number, v.learning_area, v.cognitive_level, v.type, fi.set_code,
                           fi.is_anchor) for fi, v, c in rows)
    tif = form_information(session, form)
    return FormOverview(form, tuple(v.label for v in form_variants(session, form)), items,
                        information=None if tif is None else tuple(float(i) for i in tif),
                        blueprint=_blueprint_check(session, form, rows))


def _blueprint_check(session: Session, form: Form, rows: list[tuple[FormItem, ItemVersion, str]]
                     ) -> BlueprintCheck | None:
    if form.blueprint_id is None:
        return None
    stored = session.get(StoredBlueprint, form.blueprint_id)
    _, bp = get_blueprint(session, stored.code)
    bp = replace(bp, n_forms=1, anchor_count=0, anchor_rows=(), objective=None)
    pool, versions = bank_pool(session, grade=form.grade, statuses=_ANY_STATUS)
    index = {v.id: i for i, v in enumerate(versions)}
    chosen = np.array([index[v.id] for _, v, _ in rows if v.id in index], dtype=int)
    problems = validate(prepare(pool, bp), [chosen])
    return BlueprintCheck(stored.code, tuple(p.message_th for p in problems), tuple(p.message_en for p in problems))
