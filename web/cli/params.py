"""Parameter types every command shares: files the user names are checked before any work starts.

    @click.option("--out", type=OutputPath(formats=(".csv", ".xlsx")), required=True)
    @click.argument("responses", type=InputPath())

:class:`OutputPath` refuses an output whose folder does not exist or whose extension is not one of
the formats the command writes (or, with ``format_option``, does not match the ``--format`` the user
chose); :class:`InputPath` refuses a missing or unreadable input. Messages are Thai first (English
under ``khlang --lang en``) and name the option and the file, so no traceback reaches a user.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click


def _lang(ctx: click.Context | None) -> str:
    from web.cli import lang

    return lang(ctx)


def _say(ctx: click.Context | None, th: str, en: str) -> str:
    return en if _lang(ctx) == "en" else th


class BadFile(click.BadParameter):
    """A file the user named is refused before any work starts, worded in the user's language.

    It exits 1 like every other refusal of the domain (click's usage errors exit 2).
    """

    exit_code = 1

    def format_message(self) -> str:
        hint = self.param_hint or (self.param.get_error_hint(self.ctx) if self.param and self.ctx else None)
        if _lang(self.ctx) == "en":
            return f"invalid value for {hint}: {self.message}" if hint else self.message
        return f"ค่าของ {hint} ไม่ถูกต้อง: {self.message}" if hint else self.message


def _fail(message: str, param: click.Parameter | None, ctx: click.Context | None) -> None:
    raise BadFile(message, ctx=ctx, param=param)


class OutputPath(click.ParamType):
    """A file the command will write: its folder exists and its extension is one the command writes.

    `formats` lists the accepted extensions (lower case, with the dot). With `format_option` (the
    name of a ``--format`` option whose value is an extension without the dot, e.g. "csv"), the
    extension must also match that option's value; the option must be processed first (declare it
    ``is_eager=True`` or before this one).
    """

    name = "output"

    def __init__(self, formats: Sequence[str] = (), *, format_option: str | None = None):
        self.formats = tuple(f.lower() for f in formats)
        self.format_option = format_option

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        if isinstance(value, Path):
            path = value
        else:
            path = Path(os.path.expanduser(str(value)))
        suffix = path.suffix.lower()
        if self.formats and suffix not in self.formats:
            _fail(_say(ctx, f"{path.name}: นามสกุลไฟล์ต้องเป็น {' '.join(self.formats)}",
                           f"{path.name}: the file must end in {' '.join(self.formats)}"), param, ctx)
        chosen = ctx.params.get(self.format_option) if (ctx and self.format_option) else None
        if chosen and suffix != f".{str(chosen).lower()}":
            _fail(_say(ctx, f"{path.name}: นามสกุลไฟล์ไม่ตรงกับรูปแบบ {chosen} ที่เลือก "
                                f"(ใช้ชื่อไฟล์ที่ลงท้ายด้วย .{chosen})",
                           f"{path.name}: the extension does not match --format {chosen}"), param, ctx)
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            _fail(_say(ctx, f"ไม่มีโฟลเดอร์ {folder} สำหรับไฟล์ {path.name} (สร้างโฟลเดอร์ก่อน)",
                           f"the folder {folder} for {path.name} does not exist"), param, ctx)
        if path.is_dir():
            _fail(_say(ctx, f"{path} เป็นโฟลเดอร์ ต้องระบุชื่อไฟล์", f"{path} is a folder, not a file"),
                      param, ctx)
        if not os.access(folder, os.W_OK):
            _fail(_say(ctx, f"ไม่มีสิทธิ์เขียนในโฟลเดอร์ {folder}", f"cannot write in the folder {folder}"),
                      param, ctx)
        return path


class InputPath(click.ParamType):
    """A file the command will read: it exists, is a file and is readable; `formats` as in OutputPath."""

    name = "file"

    def __init__(self, formats: Sequence[str] = ()):
        self.formats = tuple(f.lower() for f in formats)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        path = value if isinstance(value, Path) else Path(os.path.expanduser(str(value)))
        if not path.exists():
            _fail(_say(ctx, f"ไม่พบไฟล์ {path}", f"no such file: {path}"), param, ctx)
        if not path.is_file():
            _fail(_say(ctx, f"{path} ไม่ใช่ไฟล์", f"{path} is not a file"), param, ctx)
        if not os.access(path, os.R_OK):
            _fail(_say(ctx, f"ไม่มีสิทธิ์อ่านไฟล์ {path}", f"cannot read {path}"), param, ctx)
        if self.formats and path.suffix.lower() not in self.formats:
            _fail(_say(ctx, f"{path.name}: รองรับเฉพาะไฟล์ {' '.join(self.formats)}",
                           f"{path.name}: only {' '.join(self.formats)} files are read"), param, ctx)
        return path
