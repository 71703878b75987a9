"""A frozen form's printable files: booklet and key of the form's own order and of each variant, the answer sheet.

A booklet takes seconds to render, so files are rendered ahead (the forms' ``render_form_documents`` job
in web, or ``khlang demo seed``) into a folder of the instance, and downloads only read them. A file's
name is the hash of what it depends on (the form's content hash, the kind, the variant and that
variant's row), so new variants get new files and a frozen form's files never go stale.

This room never renders (see the import contracts): :func:`render_document` is handed the renderer
(:func:`exports.render.render`, or anything with its signature).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from itembank.authz import Actor, authorize
from testgen.errors import TestGenError

Session = Any

#: kind → Thai name; the order the form page lists them in.
DOCUMENTS = {"booklet": "แบบทดสอบ", "key": "เฉลย", "sheet": "กระดาษคำตอบ"}

#: render(data, "pdf") -> bytes
Render = Callable[[Any, str], bytes]


@dataclass(frozen=True)
class FormDocument:
    form_code: str
    kind: str
    variant: str | None
    path: Path

    @property
    def ready(self) -> bool:
        return self.path.is_file()

    @property
    def filename(self) -> str:
        return f"{self.form_code}{'-' + self.variant if self.variant else ''}-{self.kind}.pdf"

    @property
    def label_th(self) -> str:
        return DOCUMENTS[self.kind] + (f" ชุด {self.variant}" if self.variant else (
            " (ลำดับของฉบับ)" if self.kind != "sheet" else ""))


def documents_folder(instance: Path | str) -> Path:
    """Where an instance keeps its forms' rendered files."""
    return Path(instance) / "form-documents"


def form_documents(session: Session, actor: Actor, folder: Path, code: str) -> list[FormDocument]:
    """Every printable file of frozen form `code`: booklet and key (form order, then each variant), the sheet."""
    from testgen.forms import form_variants, get_form

    form = get_form(session, actor, code)
    authorize(actor, form, "form.render")

    def doc(kind: str, label: str | None, variant_id: int | None) -> FormDocument:
        stamp = f"{form.content_hash}:{kind}:{label}:{variant_id or ''}"
        return FormDocument(form.code, kind, label, folder / f"{hashlib.sha256(stamp.encode()).hexdigest()}.pdf")

    out = [doc("booklet", None, None), doc("key", None, None), doc("sheet", None, None)]
    for v in form_variants(session, form):
        out += [doc("booklet", v.label, v.id), doc("key", v.label, v.id)]
    return out


def find_document(session: Session, actor: Actor, folder: Path, code: str, kind: str,
                  variant: str | None) -> FormDocument:
    """One file of the form; a kind or variant the form does not have is not found."""
    variant = (variant or "").strip() or None
    for d in form_documents(session, actor, folder, code):
        if d.kind == kind and d.variant == variant:
            return d
    raise TestGenError("form.document_not_found", kind="not_found",
                       message_th=f"ฉบับ {code} ไม่มี{DOCUMENTS.get(kind, 'ไฟล์')}{' ชุด ' + variant if variant else ''}",
                       message_en=f"form {code} has no {kind}{' of variant ' + variant if variant else ''}")


def render_document(session: Session, actor: Actor, doc: FormDocument, render: Render, *, district: str = "") -> Path:
    """Render `doc` as PDF with `render` into its file (written whole, then moved into place)."""
    from testgen.booklets import build_answer_key, build_answer_sheet, build_booklet

    if doc.kind == "booklet":
        data = build_booklet(session, actor, doc.form_code, doc.variant, district=district)
    elif doc.kind == "key":
        data = build_answer_key(session, actor, doc.form_code, doc.variant)
    else:
        data = build_answer_sheet(session, actor, doc.form_code)
    pdf = render(data, "pdf")
    doc.path.parent.mkdir(parents=True, exist_ok=True)
    tmp = doc.path.with_name(doc.path.name + ".part")
    tmp.write_bytes(pdf)
    tmp.replace(doc.path)
    return doc.path
