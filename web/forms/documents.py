"""The web's view of a frozen form's printable files (:mod:`testgen.documents`): the instance folder of
the app, and the district's name on booklets; rendering by :func:`exports.render.render`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from itembank.authz import Actor
from testgen import documents as _docs
from testgen.documents import DOCUMENTS, FormDocument

__all__ = ["DOCUMENTS", "FormDocument", "find_document", "form_documents", "render_document"]

Session = Any  # a session of the store (web names no SQL library: see the import contracts)


def _folder(app: Flask) -> Path:
    return _docs.documents_folder(app.instance_path)


def form_documents(session: Session, actor: Actor, app: Flask, code: str) -> list[FormDocument]:
    """Every printable file of frozen form `code` in the app's instance folder."""
    return _docs.form_documents(session, actor, _folder(app), code)


def find_document(session: Session, actor: Actor, app: Flask, code: str, kind: str,
                  variant: str | None) -> FormDocument:
    """One file of the form; a kind or variant the form does not have is not found."""
    return _docs.find_document(session, actor, _folder(app), code, kind, variant)


def render_document(session: Session, actor: Actor, app: Flask, doc: FormDocument) -> Path:
    """Render `doc` as PDF into its file."""
    from exports.render import render

    return _docs.render_document(session, actor, doc, render, district=app.config["DISTRICT_NAME"])
