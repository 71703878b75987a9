"""The one decoding policy for every uploaded text file: item sheets, answer files, keys, parameters.

- A file that is really a ZIP (an ``.xlsx`` renamed ``.csv``), an old ``.xls``/OLE file or any
  binary (NUL bytes without a UTF-16 BOM) is refused.
- UTF-16 with a BOM (Excel's "Unicode Text"), else strict UTF-8 (BOM optional), then cp874 (what
  Thai Excel writes for "CSV (Comma delimited)"). A cp874 reading is accepted only when it is
  plausible Thai (no Thai vowel or tone mark stranded after a non-Thai letter); otherwise the file
  is refused: never mojibake.

This module imports nothing but the root error type, so a command that reads one answer file
(``khlang irt calibrate``) pays no start-up cost for it.
"""

from __future__ import annotations

import re

from itembank.errors import ItemBankError, KhlangError, Where

__all__ = ["ZIP_MAGIC", "OLE_MAGIC", "decode", "decode_text", "plausible_thai"]

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# a Thai vowel or tone mark (U+0E31, U+0E34–0E3A, U+0E47–0E4E) not preceded by a Thai character
_STRANDED_MARK = re.compile("(?<![\u0e01-\u0e4e])[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


def plausible_thai(text: str) -> bool:
    """False when a Thai vowel/tone mark follows something that is not a Thai letter (mojibake)."""
    return _STRANDED_MARK.search(text) is None


def decode(data: bytes, name: str, *, error: type[KhlangError] = ItemBankError) -> tuple[str, str]:
    """The text of an uploaded file and the encoding it was read in ("utf-8", "utf-8-sig", "utf-16", "cp874").

    Raises `error` (the calling room's error type; kind ``invalid``) naming the file, and the
    line of the first bad byte, with a Thai message saying how to save the file instead.
    """
    if data.startswith(ZIP_MAGIC):
        raise _refuse(
            error,
            "import.csv_is_zip",
            name,
            "ไฟล์ .csv นี้เป็นไฟล์ ZIP (เช่น Excel .xlsx ที่เปลี่ยนชื่อ) ไม่ใช่ CSV: "
            "ถ้าเป็นไฟล์ Excel ให้ตั้งชื่อเป็น .xlsx แล้วนำเข้าใหม่",
            "this .csv is really a ZIP archive (e.g. a renamed .xlsx): name it .xlsx if it is an Excel file",
        )
    if data.startswith(OLE_MAGIC) or (b"\x00" in data[:8192] and not data.startswith(_UTF16_BOMS)):
        raise _refuse(
            error,
            "import.csv_is_binary",
            name,
            "ไฟล์ .csv นี้เป็นไฟล์ไบนารี (เช่น Excel .xls รุ่นเก่า) ไม่ใช่ข้อความ: บันทึกเป็น .xlsx หรือ CSV UTF-8",
            "this .csv is a binary file (e.g. an old .xls): save it as .xlsx or CSV UTF-8",
        )
    if data.startswith(_UTF16_BOMS):  # Excel's "Unicode Text": UTF-16 with a BOM, tab-separated
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as e:
            raise _bad_encoding(error, name, data, e) from None
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as utf8_error:
        if encoding == "utf-8-sig":  # a BOM promises UTF-8: a bad byte after it is damage, not cp874
            raise _bad_encoding(error, name, data, utf8_error) from None
    try:
        text = data.decode("cp874")
    except UnicodeDecodeError as e:
        raise _bad_encoding(error, name, data, e) from None
    if not plausible_thai(text):
        raise _refuse(
            error,
            "import.unknown_encoding",
            name,
            "อ่านรหัสอักขระของไฟล์ไม่ได้ (ไม่ใช่ UTF-8 และอ่านเป็น cp874/TIS-620 แล้วไม่เป็นภาษาไทย): "
            "ใน Excel เลือก บันทึกเป็น > CSV UTF-8 หรือใช้ .xlsx",
            "cannot tell the file's encoding (not UTF-8, and cp874/TIS-620 gives no Thai): save as CSV UTF-8 or .xlsx",
        )
    return text, "cp874"


def decode_text(data: bytes, name: str, *, error: type[KhlangError] = ItemBankError) -> str:
    """The text of an uploaded file under :func:`decode`'s policy."""
    return decode(data, name, error=error)[0]


def _refuse(error: type[KhlangError], code: str, name: str, th: str, en: str) -> KhlangError:
    return error(code, kind="invalid", where=Where(name), message_th=th, message_en=en)


def _bad_encoding(error: type[KhlangError], name: str, data: bytes, e: UnicodeDecodeError) -> KhlangError:
    line = data[: e.start].count(b"\n") + 1
    return error(
        "import.unknown_encoding",
        kind="invalid",
        where=Where(name, line),
        message_th=f"ไบต์ 0x{data[e.start]:02x} อ่านไม่ได้ทั้งแบบ UTF-8 และ cp874/TIS-620: "
        "ใน Excel เลือก บันทึกเป็น > CSV UTF-8 หรือใช้ .xlsx",
        message_en=f"byte 0x{data[e.start]:02x} is neither UTF-8 nor cp874/TIS-620: save as CSV UTF-8 or .xlsx",
    )
