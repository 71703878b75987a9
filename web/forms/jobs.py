"""The forms area's job (registered in :data:`web.jobs.tasks.JOBS`): render a frozen form's printable files."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Flask

from itembank.errors import KhlangError


def render_form_documents(app: Flask, form_code: str, only_missing: bool = True) -> dict[str, Any]:
    """พิมพ์แบบทดสอบ เฉลย และกระดาษคำตอบของฉบับ: every file of :func:`web.forms.documents.form_documents`
    not yet rendered (all of them without `only_missing`), progress file by file; then the form page
    lists them as downloads."""
    from itembank.authz import Actor
    from web.forms.documents import form_documents, render_document
    from web.jobs.tasks import progress_reporter, refused
    from web.store_ext import get_store

    progress = progress_reporter(app)
    url = f"/forms/{quote(form_code, safe='')}#downloads"
    try:
        with get_store(app).read_session() as s:
            docs = form_documents(s, Actor.system(), app, form_code)
            todo = [d for d in docs if not (only_missing and d.ready)]
            for k, doc in enumerate(todo):
                if progress:
                    progress(k, len(todo), f"กำลังพิมพ์{doc.label_th}", f"rendering {doc.filename}")
                render_document(s, Actor.system(), app, doc)
    except KhlangError as e:
        return {**refused("render_form_documents", e), "url": url}
    if progress and todo:
        progress(len(todo), len(todo), "พิมพ์ครบแล้ว", "rendered")
    return {"ok": True, "job": "render_form_documents", "form_code": form_code, "n_files": len(todo), "url": url,
            "message_th": f"พิมพ์ไฟล์ของฉบับ {form_code} แล้ว {len(todo)} ไฟล์ พร้อมดาวน์โหลด",
            "message_en": f"rendered {len(todo)} file(s) of form {form_code}, ready to download"}
