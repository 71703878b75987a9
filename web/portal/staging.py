"""A file a school uploaded, kept on the server between the check and the confirmation.

The check (dry run) reads the file and shows its problems or what importing it would do; the file
waits in ``<instance>/staging/<token>/`` with who sent it, for what, so the confirmation imports the
very same bytes without sending them again. Only the account that sent it (and its school) finds it:
anyone else gets the same 404 as for a token that does not exist. Files older than a day are removed.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from flask import abort, current_app

from itembank.authz import Actor
from scoring.errors import ScoringError

FORMATS = (".csv", ".xlsx")
MAX_BYTES = 5 * 1024 * 1024
KEEP_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True)
class Staged:
    token: str
    path: Path
    name: str
    kind: str
    administration: str


def _root() -> Path:
    return Path(current_app.instance_path) / "staging"


def _clean(root: Path) -> None:
    if not root.is_dir():
        return
    now = time.time()
    for d in root.iterdir():
        try:
            if now - d.stat().st_mtime > KEEP_SECONDS:
                shutil.rmtree(d, ignore_errors=True)
        except OSError:
            pass


def stage(storage, actor: Actor, kind: str, administration: str) -> Staged:
    """Keep an uploaded file (a werkzeug FileStorage); a refusal in Thai when it is missing or unusable."""
    name = os.path.basename((getattr(storage, "filename", None) or "").replace("\\", "/"))[:200]
    if storage is None or not name:
        raise ScoringError("upload.missing", message_th="ยังไม่ได้เลือกไฟล์ (CSV หรือ XLSX)",
                           message_en="no file chosen (CSV or XLSX)")
    suffix = Path(name).suffix.lower()
    if suffix not in FORMATS:
        raise ScoringError("upload.format", message_th=f"ไฟล์ {name}: รับเฉพาะ .csv หรือ .xlsx",
                           message_en=f"{name}: only .csv or .xlsx files are accepted")
    data = storage.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ScoringError("upload.too_large", kind="invalid",
                           message_th=f"ไฟล์ {name} ใหญ่เกิน 5 MB", message_en=f"{name} is larger than 5 MB")
    if not data:
        raise ScoringError("upload.empty", message_th=f"ไฟล์ {name} ว่าง", message_en=f"{name} is empty")
    root = _root()
    _clean(root)
    token = secrets.token_urlsafe(24)
    folder = root / token
    folder.mkdir(parents=True, mode=0o700)
    path = folder / f"upload{suffix}"
    path.write_bytes(data)
    (folder / "meta.json").write_text(json.dumps({
        "user_id": actor.user_id, "school_id": actor.school_id, "kind": kind, "administration": administration,
        "name": name}), encoding="utf-8")
    return Staged(token, path, name, kind, administration)


def staged(token: str, actor: Actor, kind: str, administration: str) -> Staged:
    """The file `token` if `actor` sent it for `kind` of `administration`; else 404 (as if missing)."""
    if not _TOKEN.match(token or ""):
        abort(404)
    folder = _root() / token
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        abort(404)
    if (meta.get("user_id"), meta.get("school_id"), meta.get("kind"), meta.get("administration")) != \
            (actor.user_id, actor.school_id, kind, administration):
        abort(404)
    path = next((p for p in folder.glob("upload.*")), None)
    if path is None:
        abort(404)
    return Staged(token, path, str(meta.get("name") or path.name), kind, administration)


def discard(item: Staged) -> None:
    shutil.rmtree(item.path.parent, ignore_errors=True)
