"""Use cases of test assembly on the bank: blueprints, assembling, freezing, variants, compromised items.

Each function takes a Session and an Actor, checks permission on the object, and is one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import select
from sqlmodel import Session

from itembank import service
from itembank.authz import Actor, authorize
from itembank.models import Item, ItemSet, ItemVersion
from itembank.statistics import latest_statistics
from testgen.bank import _parameters, bank_pool
from testgen.blueprint import Blueprint
from testgen.blueprint_io import blueprint_from_dict, blueprint_to_dict, read_blueprint_file
from testgen.errors import TestGenError
from testgen.models import CompromisedItem, Form, FormItem, FormVariant, StoredBlueprint
from testgen.variants import FormItem as VariantItem
from testgen.variants import ItemKey, answer_of, make_variants

if TYPE_CHECKING:
    from testgen.assembler import AssemblyResult

THETA_GRID = tuple(float(t) for t in range(-3, 4))


def _not_found(what_th: str, what_en: str, code: str) -> TestGenError:
    return TestGenError(f"{what_en}.not_found", kind="not_found", message_th=f"ไม่พบ{what_th} {code}",
                        message_en=f"no {what_en} {code}")


def save_blueprint(session: Session, actor: Actor, code: str, blueprint: Blueprint, *,
                   grade: str | None = None) -> StoredBlueprint:
    """Store a blueprint under `code` (replacing an earlier one of the same code)."""
    authorize(actor, None, "blueprint.write")
    row = session.scalar(select(StoredBlueprint).where(StoredBlueprint.code == code))
    if row is None:
        row = StoredBlueprint(code=code, name=blueprint.name, created_by_name=actor.username)
        session.add(row)
    row.name, row.grade, row.spec = blueprint.name, grade, blueprint_to_dict(blueprint)
    session.commit()
    return row


def get_blueprint(session: Session, code: str) -> tuple[StoredBlueprint, Blueprint]:
    row = session.scalar(select(StoredBlueprint).where(StoredBlueprint.code == code))
    if row is None:
        raise _not_found("ผังการออกข้อสอบ", "blueprint", code)
    return row, blueprint_from_dict(row.spec)


@dataclass(frozen=True)
class BlueprintSource:
    """A blueprint to assemble by: read from a JSON file (`code` None) or stored under `code`."""

    code: str | None
    blueprint: Blueprint
    grade: str | None


def load_blueprint(session: Session, actor: Actor, source: str) -> BlueprintSource:
    """The blueprint in the JSON file `source`, or else the one stored under the code `source`."""
    authorize(actor, None, "form.read")
    path = Path(source)
    if path.suffix.lower() == ".json" and path.is_file():
        blueprint, grade = read_blueprint_file(path)
        return BlueprintSource(None, blueprint, grade)
    row, blueprint = get_blueprint(session, source)
    return BlueprintSource(row.code, blueprint, row.grade)


@dataclass(frozen=True)
class BankAssembly:
    """Forms assembled from the bank, not yet frozen: the result and the versions in each form."""

    result: AssemblyResult
    versions: dict[int, ItemVersion]
    n_without_parameters: int = 0   # approved items left out because an IRT objective needs parameters

    def form_version_ids(self, f: int) -> list[int]:
        """The versions of form `f` in printing order: ตอนที่ by answer kind (:func:`part_rank`), passage sets whole."""
        ids = [int(i) for i in self.result.forms[f]]
        return order_by_part([self.versions[i] for i in ids if i in self.versions]) if all(
            i in self.versions for i in ids) else ids


def assemble_from_bank(session: Session, actor: Actor, blueprint: Blueprint, *, grade: str | None,
                       learning_areas: Sequence[str] = (), time_limit: float = 30.0, seed: int = 0,
                       workers: int | None = None) -> BankAssembly:
    """Assemble `blueprint.n_forms` forms from the approved, uncompromised versions of the bank."""
    authorize(actor, None, "form.assemble")
    pool, versions = bank_pool(session, grade=grade, learning_areas=learning_areas)
    if not versions:
        raise TestGenError("assembly.empty_bank", kind="conflict", message_th=(
            f"คลังไม่มีข้อสอบที่อนุมัติแล้ว{f' ชั้น {grade}' if grade else ''} สำหรับผัง {blueprint.name}"),
            message_en=f"the bank has no approved items{f' for {grade}' if grade else ''}")
    n_without = 0
    if blueprint.uses_irt:
        # a young item has no IRT parameters yet: under an information objective it simply is not a
        # candidate (the shortage report then names any row that cannot be filled without it)
        lacking = ~pool.has_parameters() & ~pool.mask("excluded")
        n_without = int(lacking.sum())
        pool = replace(pool, excluded=pool.mask("excluded") | lacking)
    from testgen.assembler import assemble  # OR-Tools and pandas load only when a form is assembled

    result = assemble(pool, blueprint, time_limit=time_limit, seed=seed, workers=workers)
    return BankAssembly(result, {v.id: v for v in versions}, n_without)


@dataclass(frozen=True)
class AssembledForms:
    """Forms assembled on a blueprint, and those frozen from them (none unless asked)."""

    assembly: BankAssembly
    blueprint: Blueprint
    frozen: tuple[Form, ...] = ()


def assemble_forms(session: Session, actor: Actor, source: str, *, n_forms: int | None = None,
                   grade: str | None = None, time_limit: float = 30.0, seed: int = 0,
                   freeze_prefix: str | None = None, title: str | None = None,
                   minutes: int | None = None) -> AssembledForms:
    """Assemble forms on a blueprint (a JSON file or a stored code); with `freeze_prefix`, freeze them
    at once as PREFIX-1, PREFIX-2, … with the assembly's provenance."""
    source_bp = load_blueprint(session, actor, source)
    bp = replace(source_bp.blueprint, n_forms=n_forms) if n_forms else source_bp.blueprint
    out = assemble_from_bank(session, actor, bp, grade=grade or source_bp.grade, time_limit=time_limit, seed=seed)
    if not freeze_prefix:
        return AssembledForms(out, bp)
    result = out.result
    provenance = {"blueprint": bp.name, "solver": result.solver, "objective": result.objective_kind,
                  "objective_value": result.objective, "status": result.status, "seed": seed}
    frozen = tuple(freeze_form(session, actor, f"{freeze_prefix}-{f + 1}", title or bp.name, out.form_version_ids(f),
                               blueprint_code=source_bp.code, provenance=provenance, time_minutes=minutes,
                               anchors=[int(a) for a in result.anchors])
                   for f in range(len(result.forms)))
    return AssembledForms(out, bp, frozen)


def freeze_items(session: Session, actor: Actor, code: str, title: str, item_codes: Sequence[str], *,
                 time_minutes: int | None = None) -> Form:
    """Freeze form `code` of the latest version of each item, in the order given."""
    ids = [service.get_version(session, c.strip()).id for c in item_codes if c.strip()]
    return freeze_form(session, actor, code, title, ids, time_minutes=time_minutes)


def _content_hash(versions: Sequence[ItemVersion]) -> str:
    h = hashlib.sha256()
    for v in versions:
        h.update(f"{v.id}:{v.content_hash}\n".encode())
    return h.hexdigest()


def freeze_form(session: Session, actor: Actor, code: str, title: str, version_ids: Sequence[int], *,
                blueprint_code: str | None = None, provenance: dict | None = None,
                time_minutes: int | None = None, anchors: Sequence[int] = ()) -> Form:
    """Freeze an ordered list of item versions as form `code`: approved, uncompromised, passages whole."""
    authorize(actor, None, "form.freeze")
    code = code.strip()
    if session.scalar(select(Form.id).where(Form.code == code)) is not None:
        raise TestGenError("form.exists", kind="conflict", message_th=f"มีฉบับข้อสอบรหัส {code} อยู่แล้ว (ฉบับที่ยืนยันแล้วแก้ไม่ได้)",
                           message_en=f"form {code} already exists (frozen forms never change)")
    ids = [int(i) for i in version_ids]
    versions = {v.id: v for v in session.scalars(select(ItemVersion).where(ItemVersion.id.in_(ids)))}
    codes = dict(session.execute(select(Item.id, Item.code).where(
        Item.id.in_([v.item_id for v in versions.values()]))).all())
    compromised = set(session.scalars(select(CompromisedItem.item_id).where(
        CompromisedItem.item_id.in_(list(codes)))))
    problems = []
    if not ids:
        problems.append(TestGenError("form.empty", message_th="ฉบับข้อสอบต้องมีอย่างน้อย 1 ข้อ", message_en="empty form"))
    if len(set(ids)) != len(ids):
        problems.append(TestGenError("form.duplicate_item", message_th="มีข้อสอบซ้ำในฉบับ", message_en="an item repeats"))
    for pos, vid in enumerate(ids, 1):
        v = versions.get(vid)
        if v is None:
            problems.append(TestGenError("form.no_version", message_th=f"ข้อ {pos}: ไม่พบข้อสอบฉบับ id {vid}",
                                         message_en=f"position {pos}: no item version {vid}"))
        elif v.status != "approved":
            problems.append(TestGenError("form.not_approved", message_th=(
                f"ข้อ {pos} ({codes[v.item_id]} ฉบับที่ {v.number}): ยังไม่ได้รับอนุมัติ (สถานะ {v.status})"),
                message_en=f"position {pos} ({codes[v.item_id]}): not approved ({v.status})"))
        elif v.item_id in compromised:
            problems.append(TestGenError("form.compromised", message_th=(
                f"ข้อ {pos} ({codes[v.item_id]}): ข้อสอบถูกระบุว่ารั่ว ใช้ในฉบับใหม่ไม่ได้"),
                message_en=f"position {pos} ({codes[v.item_id]}): the item is flagged compromised"))
    if problems:
        raise TestGenError("form.cannot_freeze", problems=problems)
    ordered = [versions[i] for i in ids]
    _check_sets_contiguous(session, ordered, codes)
    blueprint_id = None
    if blueprint_code:
        blueprint_id = get_blueprint(session, blueprint_code)[0].id
    sets = dict(session.execute(select(ItemSet.id, ItemSet.code)).all())
    areas = {v.learning_area for v in ordered}
    form = Form(code=code, title=title.strip(), grade=ordered[0].grade if len({v.grade for v in ordered}) == 1 else None,
                learning_area=areas.pop() if len(areas) == 1 else None, blueprint_id=blueprint_id,
                n_items=len(ordered), total_points=float(sum(v.score_points for v in ordered)),
                time_minutes=time_minutes, content_hash=_content_hash(ordered),
                provenance={**dict(provenance or {}), "parameters": _parameter_provenance(session, ids)},
                created_by_name=actor.username)
    session.add(form)
    session.flush()
    anchor_set = set(int(a) for a in anchors)
    session.add_all([FormItem(form_id=form.id, position=pos, item_version_id=v.id, section=v.learning_area or "",
                              set_code=sets.get(v.set_id) if v.set_id else None, is_anchor=v.id in anchor_set)
                     for pos, v in enumerate(ordered, 1)])
    session.commit()
    return form


def _parameter_provenance(session: Session, version_ids: Sequence[int]) -> dict:
    """Which versioned parameter sets (itembank.parameter_sets) the item parameters that assembly and the
    form's information curves read (the bank's latest statistics) came from, as ``scale@vN`` with the set's
    id and its number of the form's items; sources without a set (a pilot) are named apart."""
    from itembank.parameter_sets import statistics_provenance

    found = statistics_provenance(session, latest_statistics(session, list(version_ids)))
    n_calibrated = sum(p["n_items"] for p in found["parameter_sets"])
    return {**found, "n_items": len(version_ids), "n_in_sets": n_calibrated}


def parameter_provenance_text(form: Form, locale: str = "th") -> str:
    """One line naming the parameter sets behind a frozen form (``khlang forms show``, the form's page)."""
    found = (form.provenance or {}).get("parameters")
    if found is None:
        return "ชุดพารามิเตอร์: ไม่ได้บันทึก (ฉบับยืนยันก่อนมีการบันทึก)" if locale != "en" else \
            "parameter sets: not recorded (frozen before they were recorded)"
    sets = ", ".join(f"{p['ref']} (id {p['id']}, {p['n_items']})" for p in found.get("parameter_sets", ()))
    other = ", ".join(found.get("other_sources", ()))
    if locale == "en":
        return (f"parameter sets: {sets or 'none'}" + (f"; statistics without a set: {other}" if other else "")
                + f"; {found.get('n_in_sets', 0)} of {found.get('n_items', form.n_items)} items from a set")
    return (f"ชุดพารามิเตอร์: {sets or 'ไม่มี'}" + (f"; ค่าสถิติที่ไม่อยู่ในชุดใด: {other}" if other else "")
            + f"; ข้อสอบจากชุดพารามิเตอร์ {found.get('n_in_sets', 0)} จาก {found.get('n_items', form.n_items)} ข้อ")


def _check_sets_contiguous(session: Session, ordered: Sequence[ItemVersion], codes: dict[int, str]) -> None:
    last: dict[int, int] = {}
    for pos, v in enumerate(ordered):
        if v.set_id is None:
            continue
        if v.set_id in last and last[v.set_id] != pos - 1:
            raise TestGenError("form.set_split", message_th=(
                f"ข้อ {pos + 1} ({codes[v.item_id]}): ข้อสอบของบทอ่านเดียวกันต้องอยู่ติดกันในฉบับ"),
                message_en=f"position {pos + 1}: items of one passage must be contiguous")
        last[v.set_id] = pos


def flag_compromised(session: Session, actor: Actor, item_code: str, reason: str) -> CompromisedItem:
    """Mark an item as exposed: no form frozen from now on may use it."""
    authorize(actor, None, "item.flag_compromised")
    item = session.scalar(select(Item).where(Item.code == item_code))
    if item is None:
        raise _not_found("ข้อสอบ", "item", item_code)
    row = session.get(CompromisedItem, item.id) or CompromisedItem(item_id=item.id)
    row.reason, row.flagged_by_name = reason, actor.username
    session.add(row)
    session.commit()
    return row


def get_form(session: Session, actor: Actor, code: str) -> Form:
    form = session.scalar(select(Form).where(Form.code == code))
    if form is None:
        raise _not_found("ฉบับข้อสอบ", "form", code)
    authorize(actor, form, "form.read")
    return form


def list_forms(session: Session, actor: Actor) -> list[Form]:
    authorize(actor, None, "form.read")
    return list(session.scalars(select(Form).order_by(Form.code)))


def forms_using(session: Session, actor: Actor, version_ids: Iterable[int]) -> list[tuple[Form, ItemVersion]]:
    """The frozen forms that hold any of `version_ids`, with the version each holds, by code (one query)."""
    authorize(actor, None, "form.read")
    ids = sorted({int(i) for i in version_ids})
    if not ids:
        return []
    rows = session.execute(
        select(Form, ItemVersion).join(FormItem, FormItem.form_id == Form.id)
        .join(ItemVersion, ItemVersion.id == FormItem.item_version_id)
        .where(FormItem.item_version_id.in_(ids)).order_by(Form.code, ItemVersion.number)).all()
    seen: dict[int, tuple[Form, ItemVersion]] = {}
    for form, version in rows:
        seen.setdefault(form.id, (form, version))
    return list(seen.values())


def form_versions(session: Session, form: Form) -> list[tuple[FormItem, ItemVersion, str]]:
    """(position row, item version, item code) in printed order."""
    rows = session.execute(
        select(FormItem, ItemVersion, Item.code).join(ItemVersion, ItemVersion.id == FormItem.item_version_id)
        .join(Item, Item.id == ItemVersion.item_id).where(FormItem.form_id == form.id).order_by(FormItem.position)).all()
    return [(fi, v, c) for fi, v, c in rows]


def part_rank(v: ItemVersion) -> int:
    """ตอนที่ of a version by how it is answered: 0 one answer, 1 several answers, 2 written short
    answers (numeric, short, matching), 3 shown working (rubric)."""
    k = version_answer(v)
    if k is None or k.kind == "single":
        return 0
    return {"several": 1, "numeric": 2, "text": 2, "matching": 2, "rubric": 3}[k.kind]


def order_by_part(versions: Sequence[ItemVersion]) -> list[int]:
    """Version ids ordered by :func:`part_rank` (stable); a passage set moves as one block at the rank of
    its first member."""
    first: dict[int, tuple[int, int]] = {}
    for q, v in enumerate(versions):
        if v.set_id is not None and v.set_id not in first:
            first[v.set_id] = (part_rank(v), q)

    def rank(q: int) -> tuple[int, int, int]:
        v = versions[q]
        head = first.get(v.set_id) if v.set_id is not None else None
        return (*(head or (part_rank(v), q)), q)

    return [int(versions[q].id) for q in sorted(range(len(versions)), key=rank)]


def version_answer(v: ItemVersion) -> ItemKey | None:
    """The :class:`~exports.data.ItemKey` of an item version, options in the bank's order."""
    return answer_of(v.type, [str(o.get("label", "")) for o in v.options], v.key, v.accepted_answers,
                     float(v.score_points), v.rubric)


def _variant_item(fi: FormItem, v: ItemVersion, code: str) -> VariantItem:
    """The variant maker's view of one position: choice options shuffle (true/false ถูก-ผิด stays)."""
    answer = version_answer(v)
    section = f"{part_rank(v)}|{fi.section}"  # variants shuffle within a ตอนที่ and a learning area
    labels = [o.get("label") for o in v.options] if v.type in ("multiple_choice", "true_false") else []
    if v.type == "true_false" and not labels:
        return VariantItem(code, 2, answer.options if answer else (), (0, 1), section, fi.set_code or "", answer)
    key = tuple(labels.index(k) for k in v.key if k in labels)
    fixed = tuple(i for i, o in enumerate(v.options) if o.get("fixed")) if labels else ()
    return VariantItem(code, len(labels), key, fixed, section, fi.set_code or "", answer,
                       ordered_options=bool(getattr(v, "options_ordered", False)))


def variant_items(session: Session, actor: Actor, form_code: str) -> list[VariantItem]:
    """The form's positions as the variant maker and scoring see them, each with its whole answer."""
    form = get_form(session, actor, form_code)
    return [_variant_item(fi, v, c) for fi, v, c in form_versions(session, form)]


def make_form_variants(session: Session, actor: Actor, form_code: str, count: int, seed: int) -> list[FormVariant]:
    """Store `count` booklet variants A, B, C… of a frozen form (replacing earlier ones), reproducible from `seed`."""
    form = get_form(session, actor, form_code)
    authorize(actor, form, "form.variants")
    if not 1 <= count <= 26:
        raise TestGenError("variant.count", message_th="จำนวนชุดต้องอยู่ระหว่าง 1 ถึง 26", message_en="count must be 1..26")
    items = [_variant_item(fi, v, c) for fi, v, c in form_versions(session, form)]
    variants = make_variants(items, count, seed)
    for old in session.scalars(select(FormVariant).where(FormVariant.form_id == form.id)):
        session.delete(old)
    session.flush()
    rows = [FormVariant(form_id=form.id, label=v.label, seed=seed, order=list(v.order),
                        option_maps=[list(m) for m in v.option_maps], key=[list(k) for k in v.key]) for v in variants]
    session.add_all(rows)
    session.commit()
    return rows


def form_variants(session: Session, form: Form) -> list[FormVariant]:
    return list(session.scalars(select(FormVariant).where(FormVariant.form_id == form.id).order_by(FormVariant.label)))


def form_information(session: Session, form: Form, theta: Sequence[float] = THETA_GRID) -> np.ndarray | None:
    """Test information of the form at `theta` from its items' newest IRT parameters (None without any)."""
    from psychometrics.irt.models import test_information

    versions = [v for _, v, _ in form_versions(session, form)]
    params = _parameters(versions, latest_statistics(session, [v.id for v in versions]))
    if params is None:
        return None
    ok = np.isfinite(params.a) & np.isfinite(params.thresholds[:, 0])
    if not ok.any():
        return None
    return test_information(params.subset(np.flatnonzero(ok)), np.asarray(theta, dtype=float))
