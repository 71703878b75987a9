"""แบบบันทึกการนิเทศ as data: checking a form, rating a visit on it, and the forms in the store.

A form is a dict (JSON): ``code``, ``title_th``, ``kind``, a ``scale`` (scores with labels), ``bands``
(a mean's interpretation: min, max, label), ``domains`` each with ``items`` (code, text), and
narrative ``prompts``. The reference forms of :mod:`supervision.reference_forms` are seeded on first
use; an office adds its own with :func:`save_form` (``khlang supervision form-add FILE.json``).

Means: a domain's mean is the mean of its items; the overall mean (รวมเฉลี่ยทุกด้าน) is the mean of
every item. A mean is rounded to 2 decimals before it is read against the bands, as Thai forms print it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from itembank.authz import Actor, authorize
from supervision.errors import SupervisionError
from supervision.models import SupervisionForm
from supervision.reference_forms import REFERENCE_FORMS

_CODE = re.compile(r"^[a-z0-9_\-]{2,40}$")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


@dataclass(frozen=True)
class FormItem:
    code: str
    text: str
    domain: str


@dataclass(frozen=True)
class Domain:
    code: str
    title: str
    items: tuple[FormItem, ...]


@dataclass(frozen=True)
class Band:
    min: float
    max: float
    label: str


@dataclass(frozen=True)
class FormDefinition:
    """A form as the services and the printed record use it."""

    code: str
    title_th: str
    kind: str
    scale: tuple[tuple[int, str], ...]
    bands: tuple[Band, ...]
    domains: tuple[Domain, ...]
    prompts: tuple[tuple[str, str], ...]
    visitor_label: str = "ผู้นิเทศ"
    supervisee_label: str = "ผู้รับการนิเทศ"
    suggestions_label: str = "ข้อเสนอแนะ"
    source: str = ""

    @property
    def items(self) -> tuple[FormItem, ...]:
        return tuple(i for d in self.domains for i in d.items)

    @property
    def scores(self) -> tuple[int, ...]:
        return tuple(s for s, _ in self.scale)

    def interpret(self, mean: float | None) -> str:
        """The band's label for `mean` rounded to 2 decimals ("" for no mean)."""
        if mean is None:
            return ""
        m = math.floor(mean * 100 + 0.5 + 1e-9) / 100  # half up, as a mean is printed (4.505 → 4.51)
        return next((b.label for b in self.bands if b.min <= m <= b.max), "")


def _bad(code: str, th: str, en: str, **params: Any) -> SupervisionError:
    return SupervisionError(code, message_th=th, message_en=en, **params)


def parse_form(data: Any) -> FormDefinition:
    """Check a form's dict and return its definition, or SupervisionError listing every problem (Thai)."""
    problems: list[SupervisionError] = []
    if not isinstance(data, dict):
        raise _bad("form.not_object", "แบบบันทึกต้องเป็นออบเจกต์ JSON", "a form must be a JSON object")
    code = str(data.get("code", "")).strip()
    if not _CODE.match(code):
        problems.append(_bad("form.bad_code", f"รหัสแบบบันทึก {code!r} ต้องเป็นอักษรอังกฤษตัวเล็ก ตัวเลข _ หรือ - ยาว 2–40 ตัว",
                             f"form code {code!r} must be 2–40 of a-z, 0-9, _ or -"))
    title = str(data.get("title_th", "")).strip()
    if not title:
        problems.append(_bad("form.no_title", "ต้องมีชื่อแบบบันทึก (title_th)", "the form needs a title_th"))
    scale: list[tuple[int, str]] = []
    for s in data.get("scale") or []:
        try:
            scale.append((int(s["score"]), str(s["label"])))
        except (KeyError, TypeError, ValueError):
            problems.append(_bad("form.bad_scale", f"ระดับคะแนน {s!r} ต้องมี score (จำนวนเต็ม) และ label",
                                 f"scale entry {s!r} needs an integer score and a label"))
    if len(scale) < 2:
        problems.append(_bad("form.no_scale", "มาตราประเมินต้องมีอย่างน้อย 2 ระดับ", "the scale needs at least 2 levels"))
    bands: list[Band] = []
    for b in data.get("bands") or []:
        try:
            bands.append(Band(float(b["min"]), float(b["max"]), str(b["label"])))
        except (KeyError, TypeError, ValueError):
            problems.append(_bad("form.bad_band", f"เกณฑ์การแปลความหมาย {b!r} ต้องมี min max และ label",
                                 f"band {b!r} needs min, max and label"))
    bands.sort(key=lambda b: -b.min)
    if scale and bands:
        low, high = min(s for s, _ in scale), max(s for s, _ in scale)
        covered = sorted((b.min, b.max) for b in bands)
        gaps = covered[0][0] > low or covered[-1][1] < high or any(
            round(nxt[0] - cur[1], 2) > 0.01 for cur, nxt in zip(covered, covered[1:], strict=False))
        if gaps:
            problems.append(_bad("form.band_gaps", f"เกณฑ์การแปลความหมายต้องครอบคลุมค่าเฉลี่ย {low}–{high} โดยไม่เว้นช่วง",
                                 f"the bands must cover means {low}–{high} without gaps"))
    domains: list[Domain] = []
    seen: set[str] = set()
    for d in data.get("domains") or []:
        dcode, dtitle = str(d.get("code", "")).strip(), str(d.get("title", "")).strip()
        items = []
        for it in d.get("items") or []:
            icode, text = str(it.get("code", "")).strip(), str(it.get("text", "")).strip()
            if not icode or not text or icode in seen:
                problems.append(_bad("form.bad_item", f"ด้าน {dtitle or dcode}: ข้อ {icode!r} ต้องมีรหัสไม่ซ้ำและข้อความ",
                                     f"domain {dcode}: item {icode!r} needs a unique code and a text"))
            seen.add(icode)
            items.append(FormItem(icode, text, dcode))
        if not dcode or not items:
            problems.append(_bad("form.bad_domain", f"ด้าน {dtitle or dcode!r} ต้องมีรหัสและรายการประเมินอย่างน้อย 1 ข้อ",
                                 f"domain {dcode!r} needs a code and at least one item"))
        domains.append(Domain(dcode, dtitle, tuple(items)))
    if not domains:
        problems.append(_bad("form.no_domains", "แบบบันทึกต้องมีอย่างน้อย 1 ด้าน (domains)", "the form needs domains"))
    prompts = tuple((str(p.get("code", "")), str(p.get("text", ""))) for p in data.get("prompts") or [])
    if problems:
        raise SupervisionError("form.invalid", problems=problems)
    return FormDefinition(
        code=code, title_th=title, kind=str(data.get("kind") or code), scale=tuple(sorted(scale, reverse=True)),
        bands=tuple(bands), domains=tuple(domains), prompts=prompts,
        visitor_label=str(data.get("visitor_label") or "ผู้นิเทศ"),
        supervisee_label=str(data.get("supervisee_label") or "ผู้รับการนิเทศ"),
        suggestions_label=str(data.get("suggestions_label") or "ข้อเสนอแนะ"), source=str(data.get("source") or ""),
    )


@dataclass(frozen=True)
class Rated:
    """A visit's ratings on a form: every item's score, each domain's mean and the overall mean."""

    scores: dict[str, int]
    domain_means: dict[str, float]
    overall_mean: float


def rate(form: FormDefinition, ratings: dict[str, Any]) -> Rated:
    """Check that every item of `form` has a score on its scale; the means, or SupervisionError."""
    problems = []
    allowed = set(form.scores)
    scores: dict[str, int] = {}
    known = {i.code for i in form.items}
    for code in ratings:
        if str(code) not in known:
            problems.append(_bad("visit.unknown_item", f"แบบ{form.title_th} ไม่มีข้อ {code}",
                                 f"form {form.code} has no item {code}", item=code))
    for item in form.items:
        raw = ratings.get(item.code)
        if raw is None or str(raw).strip() == "":
            problems.append(_bad("visit.missing_score", f"ข้อ {item.code} ({item.text}): ยังไม่ได้ให้คะแนน",
                                 f"item {item.code}: no score", item=item.code))
            continue
        try:
            value = float(str(raw).strip().translate(_THAI_DIGITS))  # "๔" as typed on a Thai keyboard
        except ValueError:
            value = float("nan")
        if value not in allowed or value != int(value):
            scale = ", ".join(str(s) for s in sorted(allowed))
            problems.append(_bad("visit.score_out_of_scale",
                                 f"ข้อ {item.code} ({item.text}): คะแนน {raw} อยู่นอกมาตราประเมิน (ใช้ได้ {scale})",
                                 f"item {item.code}: score {raw} is outside the scale ({scale})", item=item.code))
            continue
        scores[item.code] = int(value)
    if problems:
        raise SupervisionError("visit.bad_ratings", problems=problems)
    domain_means = {d.code: sum(scores[i.code] for i in d.items) / len(d.items) for d in form.domains}
    overall = sum(scores.values()) / len(scores)
    return Rated(scores, domain_means, overall)


def _definition_of(row: SupervisionForm) -> FormDefinition:
    return parse_form(row.definition)


def seed_reference_forms(session: Session) -> int:
    """Write the reference forms that the store does not hold yet (idempotent); how many were added.

    Part of a caller's transaction: it flushes, never commits.
    """
    have = set(session.scalars(select(SupervisionForm.code)))
    added = 0
    for data in REFERENCE_FORMS:
        if data["code"] not in have:
            session.add(SupervisionForm(code=data["code"], title_th=data["title_th"], kind=data["kind"],
                                        definition=data, is_reference=True, created_by_name="system"))
            added += 1
    if added:
        session.flush()
    return added


def _reference(code: str) -> dict[str, Any] | None:
    return next((data for data in REFERENCE_FORMS if data["code"] == code), None)


def load_form(session: Session, code: str) -> FormDefinition:
    """The form with this code (a reference form from the code when the store does not hold it yet), or
    SupervisionError not_found. Reads only: a page that shows a form writes nothing."""
    row = session.scalar(select(SupervisionForm).where(SupervisionForm.code == code))
    if row is None and (reference := _reference(code)) is not None:
        return parse_form(reference)
    if row is None:
        codes = ", ".join(sorted({*session.scalars(select(SupervisionForm.code)), *(d["code"] for d in REFERENCE_FORMS)}))
        raise SupervisionError("form.not_found", kind="not_found", form=code,
                               message_th=f"ไม่พบแบบบันทึกการนิเทศรหัส {code} (ที่มี: {codes})",
                               message_en=f"no supervision form {code} (there are: {codes})")
    return _definition_of(row)


def save_form(session: Session, actor: Actor, data: dict[str, Any]) -> FormDefinition:
    """Add an office's own form (ข้อมูลล้วน ไม่ต้องเขียนโปรแกรม); a reference form's code is refused."""
    authorize(actor, None, "supervision.form_write")
    form = parse_form(data)
    seed_reference_forms(session)
    if session.scalar(select(SupervisionForm).where(SupervisionForm.code == form.code)) is not None:
        raise SupervisionError("form.exists", kind="conflict", form=form.code,
                               message_th=f"มีแบบบันทึกรหัส {form.code} อยู่แล้ว: ใช้รหัสใหม่สำหรับแบบฉบับปรับปรุง",
                               message_en=f"form {form.code} already exists: give a revised form a new code")
    session.add(SupervisionForm(code=form.code, title_th=form.title_th, kind=form.kind, definition=data,
                                created_by_name=actor.username))
    session.commit()
    return form


def list_forms(session: Session, actor: Actor) -> list[FormDefinition]:
    """Every form, reference forms first."""
    authorize(actor, None, "visit.read")
    rows = list(session.scalars(select(SupervisionForm).order_by(SupervisionForm.is_reference.desc(),
                                                                 SupervisionForm.code)))
    stored = {r.code for r in rows}
    missing = [parse_form(d) for d in REFERENCE_FORMS if d["code"] not in stored]  # read, never written here
    return [*missing, *(_definition_of(r) for r in rows)] if missing else [_definition_of(r) for r in rows]


def visit_template(session: Session, actor: Actor, form_code: str, *, school_code: str = "",
                   academic_year: int = 2569) -> dict[str, Any]:
    """A visit to fill in (JSON) for `form_code`: every item code with an empty score, every prompt."""
    authorize(actor, None, "visit.read")
    form = load_form(session, form_code)
    return {
        "school_code": school_code, "academic_year": academic_year, "term": 1, "form_code": form.code,
        "visited_on": "", "visit_no": 1, "period": "", "teacher_name": "", "teacher_position": "",
        "learning_area": "", "subject": "", "grade": "", "topic": "", "supervisor_name": "",
        "supervisor_position": "", "ratings": {i.code: None for i in form.items},
        "narrative": {code: "" for code, _ in form.prompts}, "suggestions": "", "indicator_codes": [],
        "qa_codes": [], "recommendations": [{"text": "", "due_on": ""}], "follow_up_of": None, "closes": [],
    }
