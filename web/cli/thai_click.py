"""click's own words (Usage, Options, Error, Missing argument …) in Thai first, English in brackets.

click marks its messages for gettext (``from gettext import gettext as _`` in each module) but reads
them through the process-wide default domain, which an application cannot point at a catalogue of its
own without taking that domain from every other library. :func:`install` therefore binds click's
module-level ``_`` and ``ngettext`` names to :func:`translate`, which looks the message up in
:data:`MESSAGES` when the language is Thai (the default; ``khlang --lang en`` keeps click's English).
Only the ``khlang`` command calls it; messages missing here stay English.
"""

from __future__ import annotations

import importlib

_LANG = {"current": "th"}

#: click's message ids → Thai (with the English after it where a user may search for it).
MESSAGES: dict[str, str] = {
    "Usage:": "วิธีใช้ (Usage):",
    "Options": "ตัวเลือก (Options)",
    "Commands": "คำสั่ง (Commands)",
    "Positional arguments": "อาร์กิวเมนต์",
    "Show this message and exit.": "แสดงคำอธิบายนี้แล้วจบ",
    "Show the version and exit.": "แสดงรุ่นของโปรแกรมแล้วจบ",
    "Error: {message}": "ข้อผิดพลาด: {message}",
    "Try '{command} {option}' for help.": "ดูวิธีใช้ด้วย '{command} {option}'",
    "Missing argument": "ไม่ได้ระบุอาร์กิวเมนต์",
    "Missing option": "ไม่ได้ระบุตัวเลือก",
    "Missing parameter": "ไม่ได้ระบุค่า",
    "Missing parameter: {param_name}": "ไม่ได้ระบุค่า {param_name}",
    "Missing {param_type}": "ไม่ได้ระบุ{param_type}",
    "Missing command.": "ไม่ได้ระบุคำสั่ง",
    "No such command {name!r}.": "ไม่มีคำสั่ง {name!r}",
    "No such option {name!r}.": "ไม่มีตัวเลือก {name!r}",
    "No such option: {name}": "ไม่มีตัวเลือก {name}",
    "Option {name!r} does not take a value.": "ตัวเลือก {name!r} ไม่รับค่า",
    "Invalid value for {param_hint}: {message}": "ค่าของ {param_hint} ไม่ถูกต้อง: {message}",
    "Invalid value: {message}": "ค่าไม่ถูกต้อง: {message}",
    "{value!r} is not one of {choices}.": "{value!r} ไม่ใช่ค่าที่ใช้ได้ (ใช้ได้: {choices})",
    "{value!r} is not {choice}.": "{value!r} ไม่ใช่ {choice}",
    "{value!r} is not a valid {number_type}.": "{value!r} ไม่ใช่{number_type}ที่ถูกต้อง",
    "{value} is not in the range {range}.": "{value} ไม่อยู่ในช่วง {range}",
    "{name} {filename!r} does not exist.": "ไม่พบ{name} {filename!r}",
    "{name} {filename!r} is a directory.": "{name} {filename!r} เป็นโฟลเดอร์",
    "{name} {filename!r} is a file.": "{name} {filename!r} เป็นไฟล์",
    "{name} {filename!r} is not readable.": "ไม่มีสิทธิ์อ่าน{name} {filename!r}",
    "{name} {filename!r} is not writable.": "ไม่มีสิทธิ์เขียน{name} {filename!r}",
    "Could not open file {filename!r}: {message}": "เปิดไฟล์ {filename!r} ไม่ได้: {message}",
    "file": "ไฟล์",
    "directory": "โฟลเดอร์",
    "path": "เส้นทาง",
    "default: {default}": "ค่าเริ่มต้น: {default}",
    "env var: {var}": "ตัวแปรสภาพแวดล้อม: {var}",
    "required": "ต้องระบุ",
    "Aborted!": "ยกเลิกแล้ว",
    "Did you mean {possibility}?": "หมายถึง {possibility} หรือไม่",
    "(Did you mean one of: {possibilities}?)": "(หมายถึง {possibilities} หรือไม่)",
    "Got unexpected extra argument ({args})": "มีอาร์กิวเมนต์เกินมา ({args})",
    "Got unexpected extra arguments ({args})": "มีอาร์กิวเมนต์เกินมา ({args})",
    "Option {name!r} requires an argument.": "ตัวเลือก {name!r} ต้องมีค่าตามหลัง",
    "Option {name!r} requires {nargs} arguments.": "ตัวเลือก {name!r} ต้องมีค่าตามหลัง {nargs} ค่า",
    "Argument {name!r} takes {nargs} values.": "อาร์กิวเมนต์ {name!r} รับ {nargs} ค่า",
    "Takes {nargs} values but 1 was given.": "ต้องมี {nargs} ค่า แต่ได้ 1 ค่า",
    "Takes {nargs} values but {len} were given.": "ต้องมี {nargs} ค่า แต่ได้ {len} ค่า",
    "{len_type} values are required, but {len_value} was given.": "ต้องมี {len_type} ค่า แต่ได้ {len_value} ค่า",
    "{len_type} values are required, but {len_value} were given.": "ต้องมี {len_type} ค่า แต่ได้ {len_value} ค่า",
    "Choose from:\n\t{choices}": "เลือกจาก:\n\t{choices}",
    "{value!r} does not match the format {format}.": "{value!r} ไม่ตรงรูปแบบ {format}",
    "{value!r} does not match the formats {formats}.": "{value!r} ไม่ตรงรูปแบบใดใน {formats}",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} ไม่ใช่ค่าจริง/เท็จ (ใช้ได้: {states})",
    "{value!r} is not a valid UUID.": "{value!r} ไม่ใช่ UUID ที่ถูกต้อง",
    "{name} {filename!r} is not executable.": "{name} {filename!r} สั่งทำงานไม่ได้",
    "Do you want to continue?": "ต้องการทำต่อหรือไม่",
    "Confirm the action without prompting.": "ยืนยันโดยไม่ถาม",
    "Repeat for confirmation": "พิมพ์ซ้ำเพื่อยืนยัน",
    "Error: The two entered values do not match.": "ข้อผิดพลาด: ค่าที่พิมพ์สองครั้งไม่ตรงกัน",
    "Error: invalid input": "ข้อผิดพลาด: ค่าที่ป้อนไม่ถูกต้อง",
    "Press any key to continue...": "กดปุ่มใดก็ได้เพื่อทำต่อ...",
    "deprecated": "เลิกใช้แล้ว",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}":
        "คำเตือน: คำสั่ง {name!r} เลิกใช้แล้ว{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}":
        "คำเตือน: {param_type} {name!r} เลิกใช้แล้ว{extra_message}",
    "integer": "จำนวนเต็ม",
    "float": "ทศนิยม",
    "integer range": "จำนวนเต็ม",
    "float range": "ทศนิยม",
}

_CLICK_MODULES = ("click.core", "click.exceptions", "click.types", "click.parser", "click.formatting",
                  "click.decorators")


def set_language(language: str) -> None:
    _LANG["current"] = language


def translate(message: str) -> str:
    if _LANG["current"] == "en":
        return message
    return MESSAGES.get(message, message)


def ntranslate(singular: str, plural: str, n: int) -> str:
    return translate(singular if n == 1 else plural)


def install() -> None:
    """Bind click's `_` and `ngettext` to the Thai catalogue (idempotent)."""
    for name in _CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = translate
        if hasattr(module, "ngettext"):
            module.ngettext = ntranslate
